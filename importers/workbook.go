package importers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// Limits bound what one workbook may cost.
type Limits struct {
	// MaxUnzipSize caps the total uncompressed size of a workbook (zip
	// bombs); default 512 MiB.
	MaxUnzipSize int64
	// MaxXMLInMemory caps the size of a worksheet kept in memory; larger
	// ones are streamed from a temporary file; default 16 MiB.
	MaxXMLInMemory int64
}

func (l Limits) options() excelize.Options {
	o := excelize.Options{UnzipSizeLimit: l.MaxUnzipSize, UnzipXMLSizeLimit: l.MaxXMLInMemory}
	if o.UnzipSizeLimit <= 0 {
		o.UnzipSizeLimit = 512 << 20
	}
	if o.UnzipXMLSizeLimit <= 0 {
		o.UnzipXMLSizeLimit = 16 << 20
	}
	o.UnzipXMLSizeLimit = min(o.UnzipXMLSizeLimit, o.UnzipSizeLimit)
	return o
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}
)

// openWorkbook opens an .xlsx file, telling apart the usual ways a file is
// not one.
func openWorkbook(path string, lim Limits) (*excelize.File, *Rejection) {
	base := filepath.Base(path)
	fail := func(ja, en string, args ...any) *Rejection {
		return &Rejection{File: base, JA: fmt.Sprintf(ja, args...), EN: fmt.Sprintf(en, args...)}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fail("ファイルを開けません: %v", "cannot open the file: %v", err)
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(fh, head)
	fh.Close()
	head = head[:n]
	switch {
	case bytes.Equal(head, oleMagic):
		return nil, fail("パスワード付き (暗号化) のブック、または旧形式 .xls です。パスワードを外して .xlsx で保存し直してください",
			"password-protected (encrypted) workbook or legacy .xls: remove the password and save it as .xlsx")
	case !bytes.HasPrefix(head, zipMagic):
		return nil, fail("Excel ブック (.xlsx) ではありません", "not an Excel workbook (.xlsx)")
	}
	f, err := excelize.OpenFile(path, lim.options())
	if err != nil {
		if isUnzipLimit(err) {
			return nil, fail("展開後のサイズが上限を超えます (zip 爆弾の可能性): %v", "uncompressed size exceeds the limit (possible zip bomb): %v", err)
		}
		return nil, fail("ブックとして読めません: %v", "cannot read the workbook: %v", err)
	}
	if len(f.GetSheetList()) == 0 {
		f.Close()
		return nil, fail("シートがありません", "the workbook has no sheet")
	}
	return f, nil
}

func isUnzipLimit(err error) bool {
	return err != nil && bytes.Contains([]byte(err.Error()), []byte("unzip size exceeds"))
}

// sheetRow is one row as read: its 1-based number and cells.
type sheetRow struct {
	n     int
	cells []string
}

// streamRows reads a sheet's rows with excelize's streaming Rows and calls
// fn for each non-blank row in order; fn returns false to stop. (Decoding
// on a goroutine of its own, handing rows over a channel, measured slower
// on a busy two-core machine: 1.8x the bare iteration instead of 1.3x.)
func streamRows(ctx context.Context, f *excelize.File, sheet string, fn func(sheetRow) bool) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if blank(cells) {
			continue
		}
		if !fn(sheetRow{n, cells}) {
			return nil
		}
	}
	return rows.Error()
}

func blank(cells []string) bool {
	for _, c := range cells {
		for i := 0; i < len(c); i++ {
			if c[i] != ' ' && c[i] != '\t' && c[i] != '\n' && c[i] != '\r' {
				return false
			}
		}
	}
	return true
}
