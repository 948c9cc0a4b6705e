package importers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/neo4jstore"
)

// benchMedia are the register's media: the IPA dropdown values and a few
// named systems, so a large register has a few dozen medium assets.
var benchMedia = []string{"事務所PC", "社内サーバー", "書類", "社外サーバー(クラウド等)", "可搬電子媒体", "モバイル機器",
	"基幹システム", "ファイルサーバー", "NAS", "ノートPC", "USBメモリ", "クラウドストレージ", "工場の制御装置", "複合機"}

// writeBenchRegister writes an IPA-layout register of n rows (title rows,
// merged two-row header, 15 input columns) with excelize's stream writer.
func writeBenchRegister(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "情報資産管理台帳"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	rows := [][]any{
		{"情報資産管理台帳"},
		{"業務分類", "情報資産名称", "備考", "利用者範囲", "管理部署", "媒体・保存先", "個人情報の種類", nil, nil, "評価値", nil, nil, "重要度", "保存期限", "登録日"},
		{nil, nil, nil, nil, nil, nil, "個人情報", "要配慮個人情報", "特定個人情報", "機密性", "完全性", "可用性"},
	}
	for i, r := range rows {
		if err := sw.SetRow(cellName(1, i+1), r); err != nil {
			return err
		}
	}
	for _, m := range [][2]string{{"G2", "I2"}, {"J2", "L2"}} {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	depts := []string{"総務", "経理", "営業", "製造", "設計", "品質", "人事", "購買"}
	flag := func(p int) string {
		if rng.IntN(100) < p {
			return "○"
		}
		return ""
	}
	for i := range n {
		d := depts[i%len(depts)]
		c, in, a := 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(3)
		row := []any{d, fmt.Sprintf("%s情報%06d", d, i), "", d + "部", d + "部", benchMedia[rng.IntN(len(benchMedia))], flag(20), flag(3), flag(2),
			c, in, a, max(c, in, a), "5年", fmt.Sprintf("2024/%d/%d", 1+i%12, 1+i%28)}
		if err := sw.SetRow(cellName(1, i+4), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// benchRegister returns a cached register of n rows in the temp directory.
func benchRegister(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("cpsfgraph-bench-register-v1-%d.xlsx", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp.xlsx"
	if err := writeBenchRegister(tmp, n); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// bareRows iterates a sheet with excelize Rows and Columns, nothing else.
func bareRows(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				return 0, err
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// BenchmarkImportRegister100k imports a 100k-row IPA register into
// memstore and, in the same run, iterates the same file with bare excelize
// Rows; it reports both times and their ratio (target: ratio <= 1.3).
//
//	go test -run XXX -bench ImportRegister -benchtime 3x ./importers
func BenchmarkImportRegister100k(b *testing.B) { benchImport(b, 100_000) }

// BenchmarkImportRegister10k is the same on 10k rows (quick).
func BenchmarkImportRegister10k(b *testing.B) { benchImport(b, 10_000) }

func benchImport(b *testing.B, n int) {
	path := benchRegister(b, n)
	ctx := context.Background()
	var bare, imp, bareCPU, impCPU time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Alternate the order so neither side always runs on a warm cache.
		run := []func(){
			func() {
				t0, c0 := time.Now(), cpuTime()
				rows, err := bareRows(path)
				if err != nil || rows < n {
					b.Fatalf("bare iteration: %d rows, %v", rows, err)
				}
				bare += time.Since(t0)
				bareCPU += cpuTime() - c0
			},
			func() {
				store := benchStore(b)
				t0, c0 := time.Now(), cpuTime()
				rep, err := Import(ctx, store, Options{Workspace: "bench"}, path)
				if err != nil {
					b.Fatal(err)
				}
				imp += time.Since(t0)
				impCPU += cpuTime() - c0
				if rep.Files[0].Rows != n || rep.Files[0].Write.Assets.Created < n {
					b.Fatalf("import: %+v", rep.Files[0])
				}
				store.Close()
			},
		}
		if i%2 == 1 {
			run[0], run[1] = run[1], run[0]
		}
		run[0]()
		run[1]()
	}
	iters := float64(b.N)
	b.ReportMetric(bare.Seconds()/iters, "bare-s/op")
	b.ReportMetric(imp.Seconds()/iters, "import-s/op")
	b.ReportMetric(imp.Seconds()/bare.Seconds(), "ratio")
	// CPU time (user + system, whole process) tells the two apart when the
	// machine is shared and wall time is noisy.
	b.ReportMetric(bareCPU.Seconds()/iters, "bare-cpu-s/op")
	b.ReportMetric(impCPU.Seconds()/iters, "import-cpu-s/op")
	b.ReportMetric(impCPU.Seconds()/bareCPU.Seconds(), "cpu-ratio")
}

// benchStore returns an empty store for one import: memstore, or the Neo4j
// at NEO4J_URI when CPSF_BENCH_STORE=neo4j (its database is wiped first, and
// the catalog the register's rows need is put in).
func benchStore(b *testing.B) graph.Store {
	if os.Getenv("CPSF_BENCH_STORE") != "neo4j" {
		return memstore.New()
	}
	ctx := context.Background()
	cfg, err := neo4jstore.ConfigFromEnv()
	if err != nil || cfg.URI == "" {
		b.Fatalf("CPSF_BENCH_STORE=neo4j needs NEO4J_URI: %v", err)
	}
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.DeleteWorkspace(ctx, "bench"); err != nil && !errors.Is(err, graph.ErrNotFound) {
		b.Fatal(err)
	}
	return s
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
