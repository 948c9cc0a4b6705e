// Command gen writes the demo client's workbooks (catalog/demo/*.xlsx)
// from internal/demo. Run it with `go generate ./catalog/demo`.
package main

import (
	"flag"
	"fmt"
	"os"

	"cpsfgraph/catalog/demo"
)

func main() {
	dir := flag.String("dir", ".", "directory to write the workbooks to (go generate runs in catalog/demo/)")
	flag.Parse()
	if err := demo.Write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "catalog/demo/gen:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", demo.Files, "to", *dir)
}
