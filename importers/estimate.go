package importers

import (
	"archive/zip"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// dimensionRef matches a range such as A1:O100003 (Excel writes one;
// excelize writes a bare "A1", which tells nothing).
var dimensionRef = regexp.MustCompile(`<dimension ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"`)

// estimateRows sums the row counts that the worksheets of a workbook
// declare in their <dimension> element (read from the first few kilobytes
// of each sheet), for progress reporting. It returns 0 when it cannot tell.
func estimateRows(path string) int {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0
	}
	defer zr.Close()
	total := 0
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		if !strings.HasPrefix(name, "xl/worksheets/sheet") || !strings.HasSuffix(name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		head := make([]byte, 4096)
		n, _ := io.ReadFull(rc, head)
		rc.Close()
		if m := dimensionRef.FindSubmatch(head[:n]); m != nil {
			if rows, err := strconv.Atoi(string(m[1])); err == nil {
				total += rows
			}
		}
	}
	return total
}
