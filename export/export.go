package export

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Format is an output format.
type Format string

// Formats.
const (
	XLSX Format = "xlsx"
	SVG  Format = "svg"
	PNG  Format = "png"
	PDF  Format = "pdf"
)

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case XLSX, SVG, PNG, PDF:
		return f, nil
	}
	return "", fmt.Errorf("export: unknown format %q (want xlsx, svg, png or pdf)", s)
}

// ContentType is the format's media type, for HTTP downloads.
func (f Format) ContentType() string {
	switch f {
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case SVG:
		return "image/svg+xml"
	case PNG:
		return "image/png"
	case PDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// NeedsFont reports whether the format draws glyphs itself (PNG, PDF).
// SVG measures with the font when there is one and lets the viewer draw.
func (f Format) NeedsFont() bool { return f == PNG || f == PDF }

// Render writes r in format f. PNG and PDF need font; SVG uses it for
// measuring when given. XLSX lists at most DefaultMaxPairRows pairs.
func Render(w io.Writer, r *Report, f Format, font *Font) error {
	if f.NeedsFont() && font == nil {
		return fmt.Errorf("%w: %s output draws Japanese text and needs a font", ErrNoFont, f)
	}
	switch f {
	case XLSX:
		return WriteXLSX(w, r, 0)
	case SVG:
		return writeSVG(w, heatmapScene(r, font))
	case PNG:
		return writePNG(w, heatmapScene(r, font))
	case PDF:
		return writePDF(w, onePagerScene(r, font))
	}
	return fmt.Errorf("export: unknown format %q", f)
}

// WriteFile writes a file atomically: write fills a temporary file in the
// same directory, which is synced and renamed over path only when write
// succeeds, so a failure never leaves a partial file at path.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("export: write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("export: sync %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("export: close %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
