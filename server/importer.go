package server

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"cpsfgraph/graph"
	"cpsfgraph/importers"
	"cpsfgraph/server/gql"
)

// Importer imports an uploaded workbook with package importers. A workbook
// whose rows are rejected is not an error: the report lists the rejected
// cells and says whether anything was written.
func Importer(ctx context.Context, s graph.Store, req gql.ImportRequest) (gql.ImportResult, error) {
	rep, err := importers.Import(ctx, s, importers.Options{Workspace: req.Workspace, DryRun: req.DryRun, Partial: req.Partial}, req.Path)
	if rep == nil {
		return gql.ImportResult{}, err
	}
	if err != nil && !errors.Is(err, importers.ErrRejected) && len(rep.Rejections) == 0 {
		return gql.ImportResult{}, err
	}
	// A file that cannot be read as a workbook at all is bad input, not a
	// report of rejected rows.
	for _, x := range rep.Rejections {
		if x.Sheet == "" && x.Row == 0 && !rep.Written {
			return gql.ImportResult{}, gql.Errorf(gql.CodeBadInput, "upload %q: %s / %s", req.Name, x.EN, x.JA)
		}
	}
	out := gql.ImportResult{Written: rep.Written}
	_, _, out.Counts = rep.Totals()
	for _, n := range rep.Catalog {
		out.CatalogItems += n
	}
	for _, x := range rep.Rejections {
		reason := x.EN
		if x.JA != "" {
			reason += " / " + x.JA
		}
		out.Rejected = append(out.Rejected, gql.Rejected{File: req.Name, Sheet: x.Sheet, Row: x.Row, Column: x.Column, Value: x.Value, Reason: reason})
	}
	var b strings.Builder
	rep.WriteSummary(&b, "en")
	// The summary names the file as the client did, not by its temporary path.
	out.Summary = strings.ReplaceAll(b.String(), filepath.Dir(req.Path)+string(filepath.Separator), "")
	return out, nil
}
