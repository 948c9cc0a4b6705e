package importers

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"time"

	"cpsfgraph/graph"
)

// Options control an import.
type Options struct {
	// Workspace receives the company-graph sheets; it is created when
	// missing. Required unless every sheet is a catalog sheet.
	Workspace string
	// DryRun validates and counts without writing anything.
	DryRun bool
	// Partial writes the valid rows when some are rejected; without it, any
	// rejection means nothing is written.
	Partial bool
	// BatchSize is the number of items per store batch (default 10000).
	BatchSize int
	// Mapping maps unknown header texts and media (nil: built-ins only).
	Mapping *Mapping
	// Progress, when set, is called in two phases, each counting up to its
	// total: while rows are read (done rows of the total the worksheets
	// declare; total 0 when they declare none), then while items are
	// written (done items of total).
	Progress func(done, total int)
	// Limits bound what one workbook may cost.
	Limits Limits
	// Now stamps firstSeen/lastSeen (zero: time.Now()).
	Now time.Time
}

// FormulaOther starts the formula variant a workspace is flagged with when
// a register's リスク値 column does not follow IPA's method; the file name
// follows.
const FormulaOther = "other: リスク値 of "

// ErrRejected is returned (wrapped) when rejected rows stopped an import.
var ErrRejected = errors.New("importers: rows rejected, nothing written")

// Import reads the workbooks, validates every row against the model, the
// other files and what the store already holds, and writes: the catalog
// sheets with PutCatalog, each file's company sheets as one store.Write
// (source = the file's base name, swept so that a newer version of the file
// removes what it no longer lists). Without opts.Partial a single rejected
// row means nothing is written and the error wraps ErrRejected; the report
// lists every rejection either way. A re-import of the same file changes
// nothing.
func Import(ctx context.Context, store graph.Store, opts Options, files ...string) (*Report, error) {
	rep := &Report{Workspace: opts.Workspace, DryRun: opts.DryRun, Partial: opts.Partial, Catalog: map[Kind]int{}}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 10000
	}
	if err := opts.Mapping.Validate(); err != nil {
		return rep, fmt.Errorf("importers: mapping: %w", err)
	}
	var user map[string]string
	var userMedia []Medium
	if opts.Mapping != nil {
		user, userMedia = opts.Mapping.Headers, opts.Mapping.Media
	}
	bases := map[string]string{}
	for _, p := range files {
		b := filepath.Base(p)
		if prev, dup := bases[b]; dup {
			return rep, fmt.Errorf("importers: %s and %s have the same file name %q, which is the import source: rename one", prev, p, b)
		}
		bases[b] = p
	}
	idx := buildAliasIndex(user)
	media := newMediaTable(userMedia)
	read, estimate := 0, 0
	if opts.Progress != nil {
		for _, p := range files {
			estimate += estimateRows(p)
		}
	}
	progress := func(n int) {
		read += n
		if opts.Progress != nil {
			opts.Progress(min(read, estimate), estimate)
		}
	}
	var data []*fileData
	for _, path := range files {
		d := newFileData(path)
		if err := readFile(ctx, d, opts.Limits, opts.Mapping, idx, media, progress); err != nil {
			return rep, err
		}
		data = append(data, d)
	}
	v, err := newValidator(ctx, store, opts, data)
	if err != nil {
		return rep, err
	}
	v.run()
	for _, d := range data {
		d.rep.Rows = 0
		for i := range d.rep.Sheets {
			d.rep.Rows += d.rep.Sheets[i].Rows
		}
		rep.Rejections = append(rep.Rejections, d.rejs...)
		rep.Warnings = append(rep.Warnings, d.warns...)
		countRejected(d)
		rep.Files = append(rep.Files, *d.rep)
	}
	rep.Warnings = append(rep.Warnings, v.warns...)
	for _, d := range data {
		if d.risk.other > 0 && rep.FormulaVariant == "" {
			rep.FormulaVariant = FormulaOther + d.base
		}
	}
	cat := v.catalog()
	countCatalog(rep, cat)
	if len(rep.Rejections) > 0 && !opts.Partial {
		return rep, fmt.Errorf("%w: %d rejected cells, first: %v", ErrRejected, len(rep.Rejections), rep.Rejections[0])
	}
	if opts.DryRun {
		return rep, v.dryRun(ctx, rep)
	}
	return rep, v.write(ctx, rep, cat)
}

func countRejected(d *fileData) {
	type at struct {
		sheet string
		row   int
	}
	bad := map[at]bool{}
	perSheet := map[string]int{}
	for _, r := range d.rejs {
		if r.Row > 0 {
			p := at{r.Sheet, r.Row}
			if !bad[p] {
				bad[p] = true
				perSheet[r.Sheet]++
			}
		}
	}
	d.rep.Rejected = len(bad)
	for i := range d.rep.Sheets {
		d.rep.Sheets[i].Rejected = perSheet[d.rep.Sheets[i].Name]
	}
}

func countCatalog(rep *Report, c *graph.Catalog) {
	set := func(k Kind, n int) {
		if n > 0 {
			rep.Catalog[k] = n
		}
	}
	set(KindLayers, len(c.Layers))
	set(KindComponents, len(c.Components))
	set(KindIncidents, len(c.Incidents))
	set(KindRiskSources, len(c.RiskSources))
	set(KindRequirements, len(c.Requirements))
	set(KindFrameworks, len(c.Frameworks))
	set(KindControls, len(c.Controls))
	set(KindThreats, len(c.Threats))
	set(KindMappings, len(c.Mappings))
}

// validator checks references across files and against the store.
type validator struct {
	ctx   context.Context
	store graph.Store
	opts  Options
	data  []*fileData
	warns []Rejection

	// what the store holds already
	storeOrgs   map[string]graph.Org
	storeAssets map[string]graph.Asset
	storeCat    *graph.Catalog
	wsExists    bool
	company     bool // some file has company rows

	ownerRejected bool
}

func newValidator(ctx context.Context, store graph.Store, opts Options, data []*fileData) (*validator, error) {
	v := &validator{ctx: ctx, store: store, opts: opts, data: data, storeOrgs: map[string]graph.Org{}, storeAssets: map[string]graph.Asset{}}
	for _, d := range data {
		if d.orgs.len()+d.assets.len()+d.edges.len()+d.statuses.len() > 0 {
			v.company = true
		}
	}
	cat, err := store.Catalog(ctx)
	if err != nil {
		return nil, fmt.Errorf("importers: reading the catalog: %w", err)
	}
	v.storeCat = cat
	if !v.company {
		return v, nil
	}
	if opts.Workspace == "" {
		return nil, errors.New("importers: the files hold company sheets (assets, organizations, ...) but no workspace was given")
	}
	_, err = store.Workspace(ctx, opts.Workspace)
	switch {
	case err == nil:
		v.wsExists = true
	case errors.Is(err, graph.ErrNotFound):
		return v, nil
	default:
		return nil, fmt.Errorf("importers: workspace %q: %w", opts.Workspace, err)
	}
	orgs, err := store.Orgs(ctx, opts.Workspace)
	if err != nil {
		return nil, fmt.Errorf("importers: workspace %q: %w", opts.Workspace, err)
	}
	for _, o := range orgs {
		v.storeOrgs[o.ID] = o
	}
	page, err := store.Assets(ctx, opts.Workspace, graph.AssetQuery{})
	if err != nil {
		return nil, fmt.Errorf("importers: workspace %q: %w", opts.Workspace, err)
	}
	for _, a := range page.Assets {
		v.storeAssets[a.ID] = a
	}
	return v, nil
}

// badRows returns the rows of a file with a rejected cell.
func badRows(d *fileData) map[pos]bool {
	bad := map[pos]bool{}
	for _, r := range d.rejs {
		if r.Row > 0 {
			if si := slices.Index(d.sheets, r.Sheet); si >= 0 {
				bad[pos{int32(si), int32(r.Row)}] = true
			}
		}
	}
	return bad
}

// ok reports whether an item survives: its row has no rejection.
func ok[T any](it *item[T], bad map[pos]bool) bool { return !bad[it.p] }

func (v *validator) run() {
	v.checkAcrossFiles()
	v.checkCatalog()
	// Rejections cascade (an asset whose owner was rejected, an edge to that
	// asset, ...): repeat until no new row is rejected.
	for range 10 {
		if v.checkCompany() == 0 {
			break
		}
	}
}

// catalogSets are the catalog keys known after the import.
type catalogSets struct {
	incidents, riskSources, requirements, frameworks, threats map[string]bool
	controls                                                  map[graph.ControlRef]bool
}

func (v *validator) known() catalogSets {
	s := catalogSets{map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[graph.ControlRef]bool{}}
	c := v.storeCat
	for _, x := range c.Incidents {
		s.incidents[x.ID] = true
	}
	for _, x := range c.RiskSources {
		s.riskSources[x.ID] = true
	}
	for _, x := range c.Requirements {
		s.requirements[x.ID] = true
	}
	for _, x := range c.Frameworks {
		s.frameworks[x.ID] = true
	}
	for _, x := range c.Threats {
		s.threats[x.ID] = true
	}
	for _, x := range c.Controls {
		s.controls[x.Ref()] = true
	}
	for _, d := range v.data {
		bad := badRows(d)
		for i := range d.incidents {
			x := &d.incidents[i]
			s.incidents[x.v.ID] = s.incidents[x.v.ID] || ok(x, bad)
		}
		for i := range d.riskSources {
			x := &d.riskSources[i]
			s.riskSources[x.v.ID] = s.riskSources[x.v.ID] || ok(x, bad)
		}
		for i := range d.requirements {
			x := &d.requirements[i]
			s.requirements[x.v.ID] = s.requirements[x.v.ID] || ok(x, bad)
		}
		for i := range d.frameworks {
			x := &d.frameworks[i]
			s.frameworks[x.v.ID] = s.frameworks[x.v.ID] || ok(x, bad)
		}
		for i := range d.threats {
			x := &d.threats[i]
			s.threats[x.v.ID] = s.threats[x.v.ID] || ok(x, bad)
		}
		for i := range d.controls {
			x := &d.controls[i]
			s.controls[x.v.Ref()] = s.controls[x.v.Ref()] || ok(x, bad)
		}
	}
	return s
}

func unknownRef(kindJA, kindEN, id string) *cellError {
	return &cellError{
		JA: fmt.Sprintf("%s %q がありません (カタログ・ワークスペース・この取り込みのどこにも無いか、その行が却下されました)", kindJA, id),
		EN: fmt.Sprintf("unknown %s %q (not in the catalog, the workspace or this import, or its row was rejected)", kindEN, id)}
}

func (v *validator) checkCatalog() {
	for range 3 {
		k := v.known()
		n := 0
		for _, d := range v.data {
			bad := badRows(d)
			for i := range d.riskSources {
				x := &d.riskSources[i]
				if ok(x, bad) && x.v.Incident != "" && !k.incidents[x.v.Incident] {
					d.reject(x.to, x.v.Incident, unknownRef("インシデント", "incident", x.v.Incident))
					n++
				}
			}
			for i := range d.controls {
				x := &d.controls[i]
				if ok(x, bad) && !k.frameworks[x.v.Framework] {
					d.reject(x.from, x.v.Framework, unknownRef("フレームワーク", "framework", x.v.Framework))
					n++
				}
			}
			for i := range d.mappings {
				x := &d.mappings[i]
				if !ok(x, bad) {
					continue
				}
				m := x.v
				var fromOK, toOK bool
				var fromJA, fromEN, toJA, toEN string
				switch m.Type {
				case graph.RelMapsTo:
					ref, _ := graph.ParseControlRef(m.From)
					fromOK, fromJA, fromEN = k.controls[ref], "管理策", "control"
					toOK, toJA, toEN = k.requirements[m.To], "対策要件", "requirement"
				case graph.RelMitigates:
					if m.FromControl {
						ref, _ := graph.ParseControlRef(m.From)
						fromOK, fromJA, fromEN = k.controls[ref], "管理策", "control"
					} else {
						fromOK, fromJA, fromEN = k.requirements[m.From], "対策要件", "requirement"
					}
					toOK, toJA, toEN = k.riskSources[m.To], "リスク源", "risk source"
				case graph.RelExploits:
					fromOK, fromJA, fromEN = k.threats[m.From], "脅威", "threat"
					toOK, toJA, toEN = k.riskSources[m.To], "リスク源", "risk source"
				}
				if !fromOK {
					d.reject(x.from, m.From, unknownRef(fromJA, fromEN, m.From))
					n++
				}
				if !toOK {
					d.reject(x.to, m.To, unknownRef(toJA, toEN, m.To))
					n++
				}
			}
		}
		if n == 0 {
			return
		}
	}
}

// nodes returns the company nodes known after the import: the store's and
// those of rows not rejected (orgs by ID, and every node ID).
func (v *validator) nodes() (orgs map[string]graph.Org, all map[string]bool) {
	orgs, all = map[string]graph.Org{}, map[string]bool{}
	for id, o := range v.storeOrgs {
		orgs[id], all[id] = o, true
	}
	for id := range v.storeAssets {
		all[id] = true
	}
	for _, d := range v.data {
		bad := badRows(d)
		for _, x := range d.orgs.all() {
			if ok(x, bad) {
				orgs[x.v.ID], all[x.v.ID] = x.v, true
			}
		}
		for _, x := range d.assets.all() {
			if ok(x, bad) {
				all[x.v.ID] = true
			}
		}
	}
	return orgs, all
}

// self returns the workspace's own organization: the mapping file's owner,
// or the one organization with role self.
func (v *validator) self(orgs map[string]graph.Org) string {
	if v.opts.Mapping != nil && v.opts.Mapping.Owner != "" {
		return v.opts.Mapping.Owner
	}
	var ids []string
	for id, o := range orgs {
		if o.Role == graph.RoleSelf {
			ids = append(ids, id)
		}
	}
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// checkCompany checks owners, edges and statuses; it returns the number of
// new rejections.
func (v *validator) checkCompany() int {
	orgs, all := v.nodes()
	self := v.self(orgs)
	k := v.known()
	n := 0
	warnedOwner := false
	if _, found := orgs[self]; self != "" && !found {
		// Only the mapping file names an owner that may not exist.
		for _, d := range v.data {
			if len(d.selfOwned) > 0 && !v.ownerRejected {
				v.ownerRejected = true
				d.rejs = append(d.rejs, Rejection{File: d.base, Value: self,
					JA: fmt.Sprintf("マッピングファイルの owner %q は組織としてありません", self),
					EN: fmt.Sprintf("the mapping file's owner %q is not an organization", self)})
				n++
			}
		}
		self = ""
	}
	for _, d := range v.data {
		bad := badRows(d)
		for _, i := range d.selfOwned {
			if self != "" {
				d.assets.at(i).v.Owner = self
			} else if !warnedOwner && !d.assets.at(i).derived {
				warnedOwner = true
				v.warns = append(v.warns, Rejection{File: d.base, Sheet: d.sheets[d.assets.at(i).p.sheet],
					JA: "自社 (役割 self) の組織が一つに定まらないため、台帳の資産に所有組織を設定していません。組織シートに自社を1行加えるか、マッピングファイルの owner で指定してください",
					EN: "no single organization with role self, so the register's assets have no owner; add your company to an organizations sheet or set owner in a mapping file"})
			}
		}
		for _, x := range d.assets.all() {
			if _, clash := orgs[x.v.ID]; clash && ok(x, bad) && !x.derived {
				d.reject(x.key, x.v.ID, errf("ID %q は組織の ID と同じです (資産と組織で ID は共通)", "ID %q is also an organization's ID (assets and organizations share one ID space)", x.v.ID))
				n++
				bad[x.p] = true
				continue
			}
			if ok(x, bad) && x.v.Owner != "" {
				if _, found := orgs[x.v.Owner]; !found {
					d.reject(x.from, x.v.Owner, unknownRef("組織", "organization", x.v.Owner))
					n++
					bad[x.p] = true
				}
			}
		}
		for _, x := range d.edges.all() {
			if !ok(x, bad) {
				continue
			}
			if !all[x.v.From] {
				d.reject(x.from, x.v.From, unknownRef("資産・組織", "asset or organization", x.v.From))
				n++
				bad[x.p] = true
			} else if !all[x.v.To] {
				d.reject(x.to, x.v.To, unknownRef("資産・組織", "asset or organization", x.v.To))
				n++
				bad[x.p] = true
			} else if x.v.From == x.v.To {
				d.reject(x.to, x.v.To, errf("自分自身への関係です", "relationship from a node to itself"))
				n++
				bad[x.p] = true
			} else if e := typeError(x.v, orgs); e != nil {
				at := x.to
				if x.v.Type == graph.RelSupplies && !isOrg(orgs, x.v.From) {
					at = x.from
				}
				d.reject(at, x.v.From+" -> "+x.v.To, e)
				n++
				bad[x.p] = true
			}
		}
		for _, x := range d.statuses.all() {
			if !ok(x, bad) {
				continue
			}
			if !all[x.v.Subject] {
				d.reject(x.from, x.v.Subject, unknownRef("資産・組織", "asset or organization", x.v.Subject))
				n++
				bad[x.p] = true
			} else if !k.controls[x.v.Control] {
				d.reject(x.to, x.v.Control.String(), unknownRef("管理策", "control", x.v.Control.String()))
				n++
				bad[x.p] = true
			}
		}
	}
	return n
}

// catalog collects the catalog items of rows not rejected.
func (v *validator) catalog() *graph.Catalog {
	c := &graph.Catalog{}
	for _, d := range v.data {
		bad := badRows(d)
		c.Layers = appendOK(c.Layers, d.layers, bad)
		c.Components = appendOK(c.Components, d.components, bad)
		c.Incidents = appendOK(c.Incidents, d.incidents, bad)
		c.RiskSources = appendOK(c.RiskSources, d.riskSources, bad)
		c.Requirements = appendOK(c.Requirements, d.requirements, bad)
		c.Frameworks = appendOK(c.Frameworks, d.frameworks, bad)
		c.Controls = appendOK(c.Controls, d.controls, bad)
		c.Threats = appendOK(c.Threats, d.threats, bad)
		c.Mappings = appendOK(c.Mappings, d.mappings, bad)
	}
	return c
}

func appendOK[T any](dst []T, src []item[T], bad map[pos]bool) []T {
	for i := range src {
		if x := &src[i]; ok(x, bad) {
			dst = append(dst, x.v)
		}
	}
	return dst
}

func catalogEmpty(c *graph.Catalog) bool {
	return len(c.Layers)+len(c.Components)+len(c.Incidents)+len(c.RiskSources)+len(c.Requirements)+len(c.Frameworks)+len(c.Controls)+len(c.Threats)+len(c.Mappings) == 0
}

// batch is what one file writes: its rows not rejected, and the nodes the
// importer derived (register media and their providers) when a surviving
// row still links to them.
func (v *validator) batch(d *fileData) graph.Batch {
	bad := badRows(d)
	b := graph.Batch{Orgs: make([]graph.Org, 0, d.orgs.len()), Assets: make([]graph.Asset, 0, d.assets.len()),
		Edges: make([]graph.Edge, 0, d.edges.len()), Statuses: make([]graph.ControlStatus, 0, d.statuses.len())}
	used := map[string]bool{} // derived nodes a surviving edge names
	for _, x := range d.edges.all() {
		if ok(x, bad) {
			b.Edges = append(b.Edges, x.v)
			if d.derivedID[x.v.To] {
				used[x.v.To] = true
			}
			if d.derivedID[x.v.From] {
				used[x.v.From] = true
			}
		}
	}
	// A derived node survives when a surviving row's edge names it (and a
	// provider when its medium survives).
	for range 2 {
		for _, x := range d.edges.all() {
			if x.derived && used[x.v.From] {
				used[x.v.To] = true
			}
		}
	}
	keep := func(p pos, derived bool, id string) bool {
		if derived {
			return used[id]
		}
		return !bad[p]
	}
	for _, x := range d.orgs.all() {
		if keep(x.p, x.derived, x.v.ID) {
			b.Orgs = append(b.Orgs, x.v)
		}
	}
	for _, x := range d.assets.all() {
		if keep(x.p, x.derived, x.v.ID) {
			b.Assets = append(b.Assets, x.v)
		}
	}
	for _, x := range d.statuses.all() {
		if ok(x, bad) {
			b.Statuses = append(b.Statuses, x.v)
		}
	}
	return b
}

// putBatches puts b in batches of at most size items, nodes first (each
// batch a window on b's slices, nothing copied).
func putBatches(b graph.Batch, size int, put func(graph.Batch) error, progress func(int)) error {
	var cur graph.Batch
	room := size
	flush := func() error {
		n := cur.Len()
		if n == 0 {
			return nil
		}
		if err := put(cur); err != nil {
			return err
		}
		progress(n)
		cur, room = graph.Batch{}, size
		return nil
	}
	// take moves up to room items of src into *dst and returns the rest.
	take := func(src any) error {
		for {
			var n int
			switch s := src.(type) {
			case *[]graph.Org:
				n = min(room, len(*s))
				cur.Orgs, *s = (*s)[:n:n], (*s)[n:]
			case *[]graph.Asset:
				n = min(room, len(*s))
				cur.Assets, *s = (*s)[:n:n], (*s)[n:]
			case *[]graph.Edge:
				n = min(room, len(*s))
				cur.Edges, *s = (*s)[:n:n], (*s)[n:]
			case *[]graph.ControlStatus:
				n = min(room, len(*s))
				cur.Statuses, *s = (*s)[:n:n], (*s)[n:]
			}
			if n == 0 {
				return nil
			}
			room -= n
			if room == 0 {
				if err := flush(); err != nil {
					return err
				}
			} else {
				return nil
			}
		}
	}
	for _, src := range []any{&b.Orgs, &b.Assets, &b.Edges, &b.Statuses} {
		if err := take(src); err != nil {
			return err
		}
	}
	return flush()
}

func (v *validator) runID(now time.Time) string {
	return "import-" + strconv.FormatInt(now.UnixNano(), 36)
}

func (v *validator) write(ctx context.Context, rep *Report, cat *graph.Catalog) error {
	now := v.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if !catalogEmpty(cat) {
		if err := v.store.PutCatalog(ctx, cat); err != nil {
			return fmt.Errorf("importers: writing the catalog: %w", err)
		}
		rep.Written = true
	}
	if !v.company {
		return nil
	}
	if !v.wsExists {
		if err := v.store.PutWorkspace(ctx, graph.Workspace{ID: v.opts.Workspace, Name: v.opts.Workspace, FormulaVariant: graph.FormulaIPA, Created: now}); err != nil {
			return fmt.Errorf("importers: creating workspace %q: %w", v.opts.Workspace, err)
		}
	}
	if rep.FormulaVariant != "" {
		// The register used another risk formula: flag the workspace (its
		// figures are not rescored), unless it is flagged already.
		ws, err := v.store.Workspace(ctx, v.opts.Workspace)
		if err != nil {
			return fmt.Errorf("importers: workspace %q: %w", v.opts.Workspace, err)
		}
		if ws.FormulaVariant == "" || ws.FormulaVariant == graph.FormulaIPA {
			ws.FormulaVariant = rep.FormulaVariant
			if err := v.store.PutWorkspace(ctx, ws); err != nil {
				return fmt.Errorf("importers: workspace %q: %w", v.opts.Workspace, err)
			}
		}
	}
	batches := make([]graph.Batch, len(v.data))
	total := 0
	for i, d := range v.data {
		batches[i] = v.batch(d)
		total += batches[i].Len()
	}
	done := 0
	progress := func(n int) {
		done += n
		if v.opts.Progress != nil {
			v.opts.Progress(done, total)
		}
	}
	run := v.runID(now)
	for _, i := range writeOrder(batches) {
		d := v.data[i]
		fr := &rep.Files[i]
		if d.orgs.len()+d.assets.len()+d.edges.len()+d.statuses.len() == 0 {
			continue
		}
		spec := graph.WriteSpec{Workspace: v.opts.Workspace, Source: d.base, Run: run, Now: now, Sweep: fr.Rejected == 0}
		wr, err := v.store.Write(ctx, spec, func(put func(graph.Batch) error) error {
			return putBatches(batches[i], v.opts.BatchSize, put, progress)
		})
		if err != nil {
			return fmt.Errorf("importers: writing %s: %w", d.base, err)
		}
		fr.Write, fr.Written, fr.Swept = wr, true, spec.Sweep
		rep.Written = true
	}
	return nil
}

// dryRun counts what a write would do by comparing each file's batch with
// what the workspace holds, writing nothing. (Asking the store for a dry-run
// write per file would fail where one file refers to what another creates.)
func (v *validator) dryRun(ctx context.Context, rep *Report) error {
	if !v.company {
		return nil
	}
	var edges []graph.Edge
	var sts []graph.ControlStatus
	if v.wsExists {
		var err error
		if edges, err = v.store.Edges(ctx, v.opts.Workspace, ""); err != nil {
			return fmt.Errorf("importers: workspace %q: %w", v.opts.Workspace, err)
		}
		if sts, err = v.store.Statuses(ctx, v.opts.Workspace, nil); err != nil {
			return fmt.Errorf("importers: workspace %q: %w", v.opts.Workspace, err)
		}
	}
	for i, d := range v.data {
		b := v.batch(d)
		fr := &rep.Files[i]
		if d.orgs.len()+d.assets.len()+d.edges.len()+d.statuses.len() == 0 {
			continue
		}
		fr.Swept = fr.Rejected == 0
		var w graph.WriteReport
		orgIDs, assetIDs := map[string]bool{}, map[string]bool{}
		for _, o := range b.Orgs {
			orgIDs[o.ID] = true
			prev, found := v.storeOrgs[o.ID]
			tally(&w.Orgs, found, found && prev.Name == o.Name && prev.Role == o.Role && prev.Size == o.Size)
		}
		for _, a := range b.Assets {
			assetIDs[a.ID] = true
			prev, found := v.storeAssets[a.ID]
			tally(&w.Assets, found, found && sameAsset(prev, a))
		}
		edgeKeys := map[graph.EdgeKey]bool{}
		have := map[graph.EdgeKey]bool{}
		for _, e := range edges {
			have[e.Key()] = true
		}
		for _, e := range b.Edges {
			edgeKeys[e.Key()] = true
			tally(&w.Edges, have[e.Key()], have[e.Key()])
		}
		stKeys := map[graph.StatusKey]bool{}
		haveSt := map[graph.StatusKey]graph.ControlStatus{}
		for _, x := range sts {
			haveSt[x.Key()] = x
		}
		for _, x := range b.Statuses {
			stKeys[x.Key()] = true
			prev, found := haveSt[x.Key()]
			tally(&w.Statuses, found, found && prev.Status == x.Status && prev.Note == x.Note)
		}
		if fr.Swept {
			for id, o := range v.storeOrgs {
				if o.Source == d.base && !orgIDs[id] {
					w.Orgs.Removed++
				}
			}
			for id, a := range v.storeAssets {
				if a.Source == d.base && !assetIDs[id] {
					w.Assets.Removed++
				}
			}
			for _, e := range edges {
				if e.Source == d.base && !edgeKeys[e.Key()] {
					w.Edges.Removed++
				}
			}
			for _, x := range sts {
				if x.Source == d.base && !stKeys[x.Key()] {
					w.Statuses.Removed++
				}
			}
		}
		fr.Write = w
	}
	return nil
}

func tally(c *graph.Counts, found, same bool) {
	switch {
	case !found:
		c.Created++
	case same:
		c.Unchanged++
	default:
		c.Updated++
	}
}

func sameAsset(a, b graph.Asset) bool {
	return a.Name == b.Name && a.Component == b.Component && slices.Equal(a.Layers, b.Layers) && a.C == b.C && a.I == b.I && a.A == b.A &&
		a.Importance == b.Importance && a.Category == b.Category && a.Media == b.Media && a.Owner == b.Owner &&
		slices.Equal(a.PersonalInfo, b.PersonalInfo) && slices.Equal(a.Exposure, b.Exposure)
}

// writeOrder orders the files' writes so that what a file refers to in
// another is there first: organizations-only files, then files with
// assets, then files with control statuses only (a store checks each
// write's references when it is made).
func writeOrder(bs []graph.Batch) []int {
	rank := func(b graph.Batch) int {
		switch {
		case len(b.Assets) == 0 && len(b.Statuses) == 0:
			return 0
		case len(b.Assets) > 0:
			return 1
		}
		return 2
	}
	order := make([]int, len(bs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank(bs[order[a]]) < rank(bs[order[b]]) })
	return order
}

func isOrg(orgs map[string]graph.Org, id string) bool { _, ok := orgs[id]; return ok }

// typeError checks the ends of an edge against its type: SUPPLIES links
// organizations; SUPPLIED_BY and OWNED_BY point to an organization.
func typeError(e graph.Edge, orgs map[string]graph.Org) *cellError {
	switch e.Type {
	case graph.RelSupplies:
		if !isOrg(orgs, e.From) || !isOrg(orgs, e.To) {
			return errf("SUPPLIES は組織と組織を結びます", "SUPPLIES links two organizations")
		}
	case graph.RelSuppliedBy, graph.RelOwnedBy:
		if !isOrg(orgs, e.To) {
			return errf("%s の先は組織でなければなりません", "%s must point to an organization", string(e.Type))
		}
	}
	return nil
}

// checkAcrossFiles rejects a node that two files of one import both
// declare: each file is its own import source, so the second would take
// the node over and a later import of the first would remove it.
func (v *validator) checkAcrossFiles() {
	type at struct {
		file, sheet string
		row         int32
	}
	first := map[string]at{}
	check := func(d *fileData, id string, p pos, key cellAt, derived bool) {
		if derived {
			return
		}
		if f, dup := first[id]; dup && f.file != d.base {
			d.reject(key, id, errf("ID %q は %s (シート %s の %d 行目) でも定義されています。一つのファイルにまとめてください",
				"ID %q is also declared in %s (sheet %s row %d); keep it in one file", id, f.file, f.sheet, f.row))
			return
		}
		if _, dup := first[id]; !dup {
			first[id] = at{d.base, d.sheets[p.sheet], p.row}
		}
	}
	for _, d := range v.data {
		for _, x := range d.orgs.all() {
			check(d, x.v.ID, x.p, x.key, x.derived)
		}
		for _, x := range d.assets.all() {
			check(d, x.v.ID, x.p, x.key, x.derived)
		}
	}
}
