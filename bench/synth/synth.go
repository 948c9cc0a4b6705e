// Package synth generates a synthetic enterprise for the benchmarks: one
// company with sites and departments, suppliers one to three tiers deep, a
// few customers, assets across CPSF's six components and three layers, the
// relationships between them and control statuses drawn from a catalog.
//
// The output depends only on the Config: the same seed and sizes give the
// same workspace and batch, item for item. Nothing here is real data; names
// are built from a few Japanese and English words and a number.
package synth

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"cpsfgraph/graph"
)

// Defaults of Config (DESIGN.md section 7).
const (
	DefaultAssets         = 100_000
	DefaultRelsPerAsset   = 4
	DefaultSuppliers      = 50
	DefaultCustomers      = 4
	DefaultControlDensity = 0.6
	DefaultProtectedShare = 0.05
	DefaultWorkspace      = "bench"
	// SelfOrg is the ID of the company itself.
	SelfOrg = "ORG-SELF"
)

// Config sizes the synthetic enterprise. Zero values take the defaults;
// set Relationships to -1 to add no filler edges beyond the structure.
type Config struct {
	Workspace     string
	Assets        int // total assets (default 100 000)
	Relationships int // target edge count (default 4 per asset); the structure alone may exceed it
	Suppliers     int // supplier organizations (default 50)
	Customers     int // customer organizations (default 4)
	// ControlDensity is the share of the catalog's controls each
	// organization records a status for (IMPLEMENTS), 0..1 (default 0.6;
	// negative means none).
	ControlDensity float64
	// ProtectedShare is the share of assets with one to three asset-scoped
	// controls (PROTECTED_BY), 0..1 (default 0.05; negative means none).
	ProtectedShare float64
	Seed           uint64
	// Catalog supplies the controls the statuses name. Without it (or
	// without controls in it) the batch has no statuses.
	Catalog *graph.Catalog
}

func (c Config) withDefaults() Config {
	if c.Workspace == "" {
		c.Workspace = DefaultWorkspace
	}
	if c.Assets <= 0 {
		c.Assets = DefaultAssets
	}
	if c.Relationships == 0 {
		c.Relationships = DefaultRelsPerAsset * c.Assets
	}
	if c.Suppliers <= 0 {
		c.Suppliers = DefaultSuppliers
	}
	if c.Customers <= 0 {
		c.Customers = DefaultCustomers
	}
	if c.ControlDensity == 0 {
		c.ControlDensity = DefaultControlDensity
	}
	if c.ProtectedShare == 0 {
		c.ProtectedShare = DefaultProtectedShare
	}
	c.ControlDensity = min(max(c.ControlDensity, 0), 1)
	c.ProtectedShare = min(max(c.ProtectedShare, 0), 1)
	return c
}

// Kind is the role an asset plays in the synthetic enterprise.
type Kind int

// Asset kinds. Each has one component and fixed layers (see kinds).
const (
	KindDept      Kind = iota // department: organization, L1
	KindStaff                 // office staff: people, L1+L3
	KindOperator              // factory operator: people, L1+L2
	KindAdmin                 // IT administrator: people, L1+L3
	KindProcBiz               // business procedure: procedures, L1
	KindProcOT                // factory operating procedure: procedures, L2
	KindProcIT                // IT operating procedure: procedures, L3
	KindPC                    // office PC: systems, L3
	KindServer                // in-house server: systems, L3
	KindNetwork               // switch, router, gateway: systems, L3
	KindApp                   // business application: systems, L3
	KindCloud                 // external cloud service: systems, L1+L3
	KindDevice                // IoT / factory device: things, L2
	KindOTGateway             // OT gateway / HMI: things, L2+L3
	KindPaper                 // paper documents: things, L2
	KindRemovable             // removable media: things, L2
	KindData                  // information asset: data, L3 (L2 on physical media)
	numKinds
)

type kindInfo struct {
	name   string
	prefix string
	comp   graph.Component
	layers []graph.LayerID
	share  float64 // share of the assets not placed by the structure
	depts  []int   // departments it lives in (nil = any)
}

// Departments of every site: name (Japanese) and business category.
var depts = []struct{ name, category string }{
	{"総務部", "総務"},
	{"経理部", "経理"},
	{"営業部", "営業"},
	{"製造部", "製造"},
	{"設計部", "設計"},
	{"情報システム部", "情報システム"},
}

const (
	deptGeneral = iota
	deptAccounting
	deptSales
	deptFactory
	deptDesign
	deptIT
)

var kinds = [numKinds]kindInfo{
	KindDept:      {"department", "DEP", graph.Organization, []graph.LayerID{graph.L1}, 0, nil},
	KindStaff:     {"staff", "PER", graph.People, []graph.LayerID{graph.L1, graph.L3}, 0.09, nil},
	KindOperator:  {"operator", "OPR", graph.People, []graph.LayerID{graph.L1, graph.L2}, 0.03, []int{deptFactory}},
	KindAdmin:     {"admin", "ADM", graph.People, []graph.LayerID{graph.L1, graph.L3}, 0.008, []int{deptIT}},
	KindProcBiz:   {"business procedure", "PRB", graph.Procedures, []graph.LayerID{graph.L1}, 0.005, nil},
	KindProcOT:    {"factory procedure", "PRO", graph.Procedures, []graph.LayerID{graph.L2}, 0.003, []int{deptFactory}},
	KindProcIT:    {"IT procedure", "PRI", graph.Procedures, []graph.LayerID{graph.L3}, 0.004, []int{deptIT}},
	KindPC:        {"PC", "PC", graph.Systems, []graph.LayerID{graph.L3}, 0.11, nil},
	KindServer:    {"server", "SRV", graph.Systems, []graph.LayerID{graph.L3}, 0.025, nil},
	KindNetwork:   {"network device", "NET", graph.Systems, []graph.LayerID{graph.L3}, 0.002, []int{deptIT}},
	KindApp:       {"application", "APP", graph.Systems, []graph.LayerID{graph.L3}, 0.03, nil},
	KindCloud:     {"cloud service", "CLD", graph.Systems, []graph.LayerID{graph.L1, graph.L3}, 0, nil},
	KindDevice:    {"IoT/factory device", "DEV", graph.Things, []graph.LayerID{graph.L2}, 0.10, []int{deptFactory, deptFactory, deptFactory, deptDesign, deptGeneral}},
	KindOTGateway: {"OT gateway", "OTG", graph.Things, []graph.LayerID{graph.L2, graph.L3}, 0.01, []int{deptFactory}},
	KindPaper:     {"paper documents", "DOC", graph.Things, []graph.LayerID{graph.L2}, 0.025, nil},
	KindRemovable: {"removable media", "USB", graph.Things, []graph.LayerID{graph.L2}, 0.025, nil},
	KindData:      {"information asset", "DAT", graph.Data, []graph.LayerID{graph.L3}, 0, nil}, // the rest
}

// KindName returns a short English name of the kind.
func KindName(k Kind) string { return kinds[k].name }

// Media labels (媒体・保存先) of data assets. These are this generator's own
// labels, not IPA's dropdown values (which our reference could not verify).
const (
	MediaServer    = "社内サーバー"
	MediaPC        = "事務所PC"
	MediaCloud     = "社外サーバー(クラウド等)"
	MediaPaper     = "書類"
	MediaRemovable = "可搬電子媒体"
	MediaDevice    = "製造設備"
)

// Personal-information kinds (個人情報の種類).
const (
	PIPersonal  = "個人情報"
	PISensitive = "要配慮個人情報"
	PIMyNumber  = "特定個人情報"
)

// Exposure flags.
const (
	ExposureInternet = "internet-facing"
	ExposureRemote   = "remote-access"
)

var dataNames = [][]string{
	deptGeneral:    {"社員名簿", "契約書", "稟議書", "規程集", "来訪者記録"},
	deptAccounting: {"会計データ", "請求書", "給与データ", "マイナンバー台帳", "経費精算"},
	deptSales:      {"顧客名簿", "見積書", "受注データ", "取引先情報", "営業日報"},
	deptFactory:    {"生産計画", "品質記録", "センサーログ", "設備保守記録", "作業手順書"},
	deptDesign:     {"設計図面", "技術情報", "試験データ", "特許資料", "部品表"},
	deptIT:         {"アカウント情報", "システム設定", "アクセスログ", "バックアップ", "ネットワーク構成図"},
}

// Meta is what the generator knows of each asset beyond graph.Asset: its
// kind, site and department. Index i describes Batch.Assets[i].
type Meta struct {
	Kind Kind
	Site int // -1 for cloud services
	Dept int // -1 for cloud services
}

// Result is a generated enterprise with its metadata.
type Result struct {
	Workspace graph.Workspace
	Batch     graph.Batch
	Meta      []Meta
	Sites     int
}

// SiteName names site s.
func SiteName(s int) string {
	if s == 0 {
		return "本社"
	}
	return fmt.Sprintf("拠点%02d", s)
}

// DeptName names department d; DeptCategory is its business category.
func DeptName(d int) string     { return depts[d].name }
func DeptCategory(d int) string { return depts[d].category }

// Generate builds the synthetic enterprise described by cfg.
func Generate(cfg Config) (graph.Workspace, graph.Batch) {
	r := GenerateResult(cfg)
	return r.Workspace, r.Batch
}

type gen struct {
	cfg   Config
	rnd   *rand.Rand
	sites int
	res   *Result
	// pools[kind][site][dept] and bySite[kind][site] list asset indexes.
	pools  [numKinds][][][]int32
	bySite [numKinds][][]int32
	all    [numKinds][]int32
	seen   map[graph.EdgeKey]struct{}
	tier1  []string // tier-1 supplier IDs
	supIDs []string
	// hubs
	coreDC, vpn, mailGW int32
	siteDC, siteFS, gw  []int32
	switches            [][]int32 // [site][dept]
}

// GenerateResult builds the synthetic enterprise and returns it with the
// metadata of every asset.
func GenerateResult(cfg Config) *Result {
	cfg = cfg.withDefaults()
	g := &gen{
		cfg:  cfg,
		rnd:  rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)),
		res:  &Result{},
		seen: map[graph.EdgeKey]struct{}{},
	}
	g.sites = max(1, int(math.Round(float64(cfg.Assets)/2000)))
	// A site needs room for its departments and hubs.
	for g.sites > 1 && cfg.Assets < g.sites*(len(depts)*2+3)+4 {
		g.sites--
	}
	g.res.Sites = g.sites
	g.res.Workspace = graph.Workspace{
		ID:             cfg.Workspace,
		Name:           fmt.Sprintf("合成企業 / synthetic enterprise (seed %d, %d assets)", cfg.Seed, cfg.Assets),
		FormulaVariant: graph.FormulaIPA,
		Created:        time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	g.orgs()
	g.assets()
	g.edges()
	g.statuses()
	return g.res
}

// ---- organizations ----

func (g *gen) orgs() {
	b := &g.res.Batch
	b.Orgs = append(b.Orgs, graph.Org{ID: SelfOrg, Name: "合成製造株式会社 (Synthetic Manufacturing Co.)", Role: graph.RoleSelf, Size: "large"})
	n := g.cfg.Suppliers
	// Tiers: about half tier 1, 30% tier 2, 20% tier 3; at least one tier 1.
	n1 := max(1, int(math.Round(float64(n)*0.5)))
	n2 := int(math.Round(float64(n) * 0.3))
	if n1+n2 > n {
		n2 = n - n1
	}
	sizes := []string{"large", "medium", "small", "small"}
	var tiers [4][]string
	for i := range n {
		id := fmt.Sprintf("SUP-%03d", i+1)
		t := 3
		switch {
		case i < n1:
			t = 1
		case i < n1+n2:
			t = 2
		}
		tiers[t] = append(tiers[t], id)
		g.supIDs = append(g.supIDs, id)
		b.Orgs = append(b.Orgs, graph.Org{ID: id, Name: fmt.Sprintf("サプライヤー%03d (tier %d supplier)", i+1, t), Role: graph.RoleSupplier, Size: sizes[g.rnd.IntN(len(sizes))]})
	}
	g.tier1 = tiers[1]
	for t := 1; t <= 3; t++ {
		up := tiers[t-1]
		if t == 1 {
			up = []string{SelfOrg}
		}
		if len(up) == 0 {
			up = tiers[1]
		}
		for _, s := range tiers[t] {
			g.edge(graph.RelSupplies, s, up[g.rnd.IntN(len(up))])
			// A fifth of the suppliers serve a second customer upstream.
			if len(up) > 1 && g.rnd.IntN(5) == 0 {
				g.edge(graph.RelSupplies, s, up[g.rnd.IntN(len(up))])
			}
		}
	}
	for i := range g.cfg.Customers {
		id := fmt.Sprintf("CUS-%02d", i+1)
		b.Orgs = append(b.Orgs, graph.Org{ID: id, Name: fmt.Sprintf("顧客%02d (customer)", i+1), Role: graph.RoleCustomer, Size: sizes[i%2]})
		g.edge(graph.RelSupplies, SelfOrg, id)
	}
}

// ---- assets ----

// counts returns how many assets of each kind to make.
func (g *gen) counts() [numKinds]int {
	var c [numKinds]int
	n := g.cfg.Assets
	// The structure: departments, per-site hubs (DC, file server as
	// servers; gateway and one switch per department as network devices),
	// global hubs (core DC, mail gateway as servers; VPN gateway), clouds.
	c[KindDept] = g.sites * len(depts)
	c[KindServer] = 2*g.sites + 2
	c[KindNetwork] = g.sites*(1+len(depts)) + 1
	c[KindCloud] = max(3, n/5000)
	fixed := 0
	for _, x := range c {
		fixed += x
	}
	rest := n - fixed
	if rest < 0 {
		// Tiny sizes: shrink the clouds, then report what is possible.
		c[KindCloud] = max(1, c[KindCloud]+rest)
		rest = 0
	}
	// Distribute the rest by share; data takes what is left over.
	used := 0
	for k := range numKinds {
		if s := kinds[k].share; s > 0 {
			x := int(float64(rest) * s)
			c[k] += x
			used += x
		}
	}
	c[KindData] += rest - used
	return c
}

func (g *gen) assets() {
	counts := g.counts()
	b := &g.res.Batch
	for k := range numKinds {
		g.pools[k] = make([][][]int32, g.sites)
		g.bySite[k] = make([][]int32, g.sites)
		for s := range g.sites {
			g.pools[k][s] = make([][]int32, len(depts))
		}
	}
	add := func(k Kind, site, dept int, name string) int32 {
		i := int32(len(b.Assets))
		ki := kinds[k]
		a := graph.Asset{
			ID:        fmt.Sprintf("%s-%06d", ki.prefix, i),
			Name:      name,
			Component: ki.comp,
			Layers:    slices.Clone(ki.layers),
			Owner:     SelfOrg,
		}
		b.Assets = append(b.Assets, a)
		g.res.Meta = append(g.res.Meta, Meta{Kind: k, Site: site, Dept: dept})
		if site >= 0 {
			g.pools[k][site][dept] = append(g.pools[k][site][dept], i)
			g.bySite[k][site] = append(g.bySite[k][site], i)
		}
		g.all[k] = append(g.all[k], i)
		g.assetAttrs(i)
		return i
	}
	left := counts
	// Structure first: departments and hubs of every site.
	g.siteDC = make([]int32, g.sites)
	g.siteFS = make([]int32, g.sites)
	g.gw = make([]int32, g.sites)
	g.switches = make([][]int32, g.sites)
	for s := range g.sites {
		sn := SiteName(s)
		for d := range depts {
			add(KindDept, s, d, sn+" "+depts[d].name)
		}
		g.siteDC[s] = add(KindServer, s, deptIT, sn+" ドメインコントローラ (domain controller)")
		g.siteFS[s] = add(KindServer, s, deptIT, sn+" ファイルサーバー (file server)")
		g.gw[s] = add(KindNetwork, s, deptIT, sn+" ゲートウェイ/FW (gateway)")
		g.switches[s] = make([]int32, len(depts))
		for d := range depts {
			g.switches[s][d] = add(KindNetwork, s, deptIT, fmt.Sprintf("%s %s スイッチ (switch)", sn, depts[d].name))
		}
	}
	left[KindDept] -= g.sites * len(depts)
	left[KindServer] -= 2 * g.sites
	left[KindNetwork] -= g.sites * (1 + len(depts))
	g.coreDC = add(KindServer, 0, deptIT, "本社 コアドメインコントローラ (core domain controller)")
	g.mailGW = add(KindServer, 0, deptIT, "本社 メールゲートウェイ (mail gateway)")
	g.vpn = add(KindNetwork, 0, deptIT, "本社 VPNゲートウェイ (VPN gateway)")
	left[KindServer] -= 2
	left[KindNetwork]--
	cloudNames := []string{"メール/グループウェア", "オンラインストレージ", "会計SaaS", "CRM", "生産管理SaaS", "Web会議", "EDI"}
	for i := range left[KindCloud] {
		idx := add(KindCloud, -1, -1, fmt.Sprintf("%s (cloud service %d)", cloudNames[i%len(cloudNames)], i+1))
		b.Assets[idx].Exposure = []string{ExposureInternet}
	}
	left[KindCloud] = 0
	for _, i := range []int32{g.vpn, g.mailGW} {
		b.Assets[i].Exposure = []string{ExposureInternet}
	}
	for _, i := range g.gw {
		b.Assets[i].Exposure = []string{ExposureInternet}
	}
	// The rest, spread evenly over sites, departments by affinity. Data
	// comes last so that every host already exists.
	for k := range numKinds {
		if k == KindData {
			continue
		}
		for j := range left[k] {
			s := j % g.sites
			d := g.deptFor(k)
			add(k, s, d, fmt.Sprintf("%s %s %s-%d", SiteName(s), depts[d].name, kinds[k].name, j+1))
		}
	}
	for j := range left[KindData] {
		s := j % g.sites
		d := g.rnd.IntN(len(depts))
		names := dataNames[d]
		add(KindData, s, d, fmt.Sprintf("%s %s-%d", SiteName(s), names[g.rnd.IntN(len(names))], j+1))
	}
}

func (g *gen) deptFor(k Kind) int {
	if ds := kinds[k].depts; len(ds) > 0 {
		return ds[g.rnd.IntN(len(ds))]
	}
	return g.rnd.IntN(len(depts))
}

// rating draws a C/I/A value 1..3 weighted towards 2.
func (g *gen) rating(hi bool) int {
	x := g.rnd.IntN(10)
	switch {
	case hi && x >= 4, x >= 8:
		return 3
	case x >= 3:
		return 2
	}
	return 1
}

// assetAttrs sets the ratings, owner and flags of the asset at index i.
func (g *gen) assetAttrs(i int32) {
	a := &g.res.Batch.Assets[i]
	m := g.res.Meta[i]
	hi := m.Kind == KindServer || m.Kind == KindApp || m.Kind == KindCloud || m.Kind == KindNetwork || m.Kind == KindOTGateway ||
		m.Kind == KindData && (m.Dept == deptAccounting || m.Dept == deptDesign)
	a.C, a.I, a.A = g.rating(hi), g.rating(hi), g.rating(hi)
	// A tenth states its importance; the rest derive it from C/I/A.
	if g.rnd.IntN(10) == 0 {
		a.Importance = 1 + g.rnd.IntN(3)
	}
	a.Category = depts[deptIT].category
	if m.Dept >= 0 {
		a.Category = depts[m.Dept].category
	}
	// Leased or vendor-run equipment belongs to a tier-1 supplier (never
	// a hub: those are placed before the rest of the servers).
	hub := m.Kind == KindServer && len(g.all[KindServer]) <= 2*g.sites+2
	if (m.Kind == KindDevice || m.Kind == KindServer && !hub) && g.rnd.IntN(50) == 0 {
		a.Owner = g.tier1[g.rnd.IntN(len(g.tier1))]
	}
	if m.Kind == KindPC && g.rnd.IntN(5) == 0 {
		a.Exposure = []string{ExposureRemote}
	}
	if m.Kind == KindData && g.rnd.IntN(3) == 0 {
		a.PersonalInfo = []string{PIPersonal}
		if g.rnd.IntN(5) == 0 {
			a.PersonalInfo = append(a.PersonalInfo, PISensitive)
		}
		if m.Dept == deptAccounting && g.rnd.IntN(3) == 0 {
			a.PersonalInfo = append(a.PersonalInfo, PIMyNumber)
		}
	}
}

// ---- edges ----

func (g *gen) id(i int32) string { return g.res.Batch.Assets[i].ID }

// edge adds an edge unless it exists (CONNECTS_TO in either direction) or
// is a loop; it reports whether it was added.
func (g *gen) edge(t graph.RelType, from, to string) bool {
	if from == to {
		return false
	}
	k := graph.EdgeKey{Type: t, From: from, To: to}
	if _, ok := g.seen[k]; ok {
		return false
	}
	if t == graph.RelConnectsTo {
		if _, ok := g.seen[graph.EdgeKey{Type: t, From: to, To: from}]; ok {
			return false
		}
	}
	g.seen[k] = struct{}{}
	g.res.Batch.Edges = append(g.res.Batch.Edges, graph.Edge{Type: t, From: from, To: to})
	return true
}

func (g *gen) link(t graph.RelType, from, to int32) bool {
	if from < 0 || to < 0 {
		return false
	}
	return g.edge(t, g.id(from), g.id(to))
}

// pick returns a random asset of kind k in (site, dept), else in the site,
// else anywhere; -1 when there is none.
func (g *gen) pick(k Kind, site, dept int) int32 {
	if site >= 0 {
		if p := g.pools[k][site][dept]; len(p) > 0 {
			return p[g.rnd.IntN(len(p))]
		}
		if p := g.bySite[k][site]; len(p) > 0 {
			return p[g.rnd.IntN(len(p))]
		}
	}
	if p := g.all[k]; len(p) > 0 {
		return p[g.rnd.IntN(len(p))]
	}
	return -1
}

// pickIn picks within (site, dept) or the site only (never elsewhere).
func (g *gen) pickIn(k Kind, site, dept int) int32 {
	if p := g.pools[k][site][dept]; len(p) > 0 {
		return p[g.rnd.IntN(len(p))]
	}
	if p := g.bySite[k][site]; len(p) > 0 {
		return p[g.rnd.IntN(len(p))]
	}
	return -1
}

func (g *gen) person(site, dept int) int32 {
	if p := g.pick(KindStaff, site, dept); p >= 0 {
		return p
	}
	return g.pick(KindAdmin, site, dept)
}

func (g *gen) supplier() string {
	// Most supplied assets come from tier 1, some straight from deeper tiers.
	if g.rnd.IntN(5) == 0 {
		return g.supIDs[g.rnd.IntN(len(g.supIDs))]
	}
	return g.tier1[g.rnd.IntN(len(g.tier1))]
}

func (g *gen) edges() {
	b := &g.res.Batch
	assets := b.Assets
	meta := g.res.Meta
	// Hubs: gateways to the VPN gateway and the core DC; site DCs to the
	// core DC; switches to their gateway; clouds to every gateway.
	for s := range g.sites {
		g.link(graph.RelConnectsTo, g.gw[s], g.vpn)
		g.link(graph.RelConnectsTo, g.siteDC[s], g.coreDC)
		g.link(graph.RelConnectsTo, g.siteFS[s], g.siteDC[s])
		for _, sw := range g.switches[s] {
			g.link(graph.RelConnectsTo, sw, g.gw[s])
		}
		g.link(graph.RelConnectsTo, g.siteDC[s], g.switches[s][deptIT])
		g.link(graph.RelConnectsTo, g.siteFS[s], g.switches[s][deptIT])
		g.link(graph.RelConnectsTo, g.gw[s], g.mailGW)
	}
	g.link(graph.RelConnectsTo, g.coreDC, g.vpn)
	for _, c := range g.all[KindCloud] {
		g.edge(graph.RelSuppliedBy, g.id(c), g.tier1[int(c)%len(g.tier1)])
		for s := range g.sites {
			g.link(graph.RelConnectsTo, g.gw[s], c)
		}
		g.link(graph.RelOperatedBy, c, g.pick(KindAdmin, 0, deptIT))
	}
	for i := range assets {
		i32 := int32(i)
		m := meta[i]
		s, d := m.Site, m.Dept
		switch m.Kind {
		case KindDept:
			g.link(graph.RelOperatedBy, i32, g.person(s, d))
		case KindStaff, KindOperator, KindAdmin:
			// Contract staff are supplied by a supplier.
			if g.rnd.IntN(20) == 0 {
				g.edge(graph.RelSuppliedBy, assets[i].ID, g.supplier())
			}
		case KindProcBiz:
			g.link(graph.RelOperatedBy, i32, g.pick(KindDept, s, d))
			g.link(graph.RelConnectsTo, i32, g.pick(KindApp, s, d))
		case KindProcOT:
			g.link(graph.RelOperatedBy, i32, g.pick(KindOperator, s, d))
			g.link(graph.RelConnectsTo, i32, g.pick(KindOTGateway, s, d))
		case KindProcIT:
			g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, d))
			g.link(graph.RelConnectsTo, i32, g.pick(KindServer, s, d))
		case KindPC:
			g.link(graph.RelOperatedBy, i32, g.person(s, d))
			g.link(graph.RelConnectsTo, i32, g.switches[s][d])
			g.link(graph.RelConnectsTo, i32, g.siteDC[s])
		case KindServer:
			if i32 == g.siteDC[s] || i32 == g.siteFS[s] || i32 == g.coreDC || i32 == g.mailGW {
				g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, deptIT))
				continue
			}
			g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, d))
			if g.rnd.IntN(2) == 0 {
				g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, d))
			}
			g.link(graph.RelConnectsTo, i32, g.switches[s][d])
			g.link(graph.RelConnectsTo, i32, g.siteDC[s])
			// A third are virtual machines on another server of the site.
			if g.rnd.IntN(3) == 0 {
				g.link(graph.RelRunsOn, i32, g.pickIn(KindServer, s, d))
			}
			if assets[i].Owner != SelfOrg || g.rnd.IntN(10) == 0 {
				g.edge(graph.RelSuppliedBy, assets[i].ID, g.supplier())
			}
		case KindNetwork:
			if g.isHub(i32) {
				g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, deptIT))
				continue
			}
			g.link(graph.RelConnectsTo, i32, g.gw[s])
			g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, d))
		case KindApp:
			host := g.pickIn(KindServer, s, d)
			if host < 0 || g.rnd.IntN(10) == 0 {
				host = g.all[KindCloud][g.rnd.IntN(len(g.all[KindCloud]))]
			}
			g.link(graph.RelRunsOn, i32, host)
			g.link(graph.RelOperatedBy, i32, g.pick(KindAdmin, s, deptIT))
			for range 2 + g.rnd.IntN(7) {
				g.link(graph.RelOperatedBy, i32, g.person(s, d))
			}
			if g.rnd.IntN(5) == 0 {
				g.link(graph.RelConnectsTo, i32, g.pick(KindApp, s, g.rnd.IntN(len(depts))))
			}
		case KindDevice:
			g.link(graph.RelConnectsTo, i32, g.pick(KindOTGateway, s, d))
			g.link(graph.RelOperatedBy, i32, g.pick(KindOperator, s, d))
			if assets[i].Owner != SelfOrg || g.rnd.IntN(10) < 3 {
				g.edge(graph.RelSuppliedBy, assets[i].ID, g.supplier())
			}
		case KindOTGateway:
			g.link(graph.RelConnectsTo, i32, g.switches[s][d])
			g.link(graph.RelOperatedBy, i32, g.pick(KindOperator, s, d))
			if g.rnd.IntN(2) == 0 {
				g.edge(graph.RelSuppliedBy, assets[i].ID, g.supplier())
			}
		case KindPaper:
			g.link(graph.RelOperatedBy, i32, g.person(s, d))
		case KindRemovable:
			g.link(graph.RelOperatedBy, i32, g.person(s, d))
			g.link(graph.RelConnectsTo, i32, g.pick(KindPC, s, d))
		case KindData:
			g.data(i32)
		}
	}
	g.filler()
}

func (g *gen) isHub(i int32) bool {
	if i == g.vpn {
		return true
	}
	s := g.res.Meta[i].Site
	return s >= 0 && (i == g.gw[s] || slices.Contains(g.switches[s], i))
}

// data stores an information asset on one or two media and names its users.
func (g *gen) data(i int32) {
	b := &g.res.Batch
	m := g.res.Meta[i]
	s, d := m.Site, m.Dept
	a := &b.Assets[i]
	var host int32
	x := g.rnd.IntN(100)
	switch {
	case x < 35:
		a.Media = MediaServer
		host = g.pickIn(KindServer, s, d)
		if g.rnd.IntN(2) == 0 {
			if app := g.pickIn(KindApp, s, d); app >= 0 {
				host = app
			}
		}
		if host < 0 {
			host = g.siteFS[s]
		}
	case x < 60:
		a.Media = MediaPC
		host = g.pick(KindPC, s, d)
	case x < 70:
		a.Media = MediaCloud
		host = g.all[KindCloud][g.rnd.IntN(len(g.all[KindCloud]))]
	case x < 82:
		a.Media = MediaPaper
		host = g.pick(KindPaper, s, d)
	case x < 90:
		a.Media = MediaRemovable
		host = g.pick(KindRemovable, s, d)
	default:
		a.Media = MediaDevice
		host = g.pick(KindDevice, s, deptFactory)
		if g.rnd.IntN(2) == 0 {
			host = g.pick(KindOTGateway, s, deptFactory)
		}
	}
	if host < 0 {
		a.Media = MediaServer
		host = g.siteFS[s]
	}
	hk := g.res.Meta[host].Kind
	switch hk {
	case KindPaper, KindRemovable, KindDevice:
		a.Layers = []graph.LayerID{graph.L2}
	case KindOTGateway:
		a.Layers = []graph.LayerID{graph.L2, graph.L3}
	}
	g.link(graph.RelStoredOn, i, host)
	// A quarter has a backup copy: on the site's file server, or on
	// removable media.
	if a.Media == MediaServer || a.Media == MediaPC {
		if g.rnd.IntN(4) == 0 {
			backup := g.siteFS[s]
			if g.rnd.IntN(3) == 0 {
				if r := g.pick(KindRemovable, s, d); r >= 0 {
					backup = r
				}
			}
			g.link(graph.RelStoredOn, i, backup)
		}
	}
	// Its users (利用者範囲): one to three people of the department.
	for range 1 + g.rnd.IntN(3) {
		g.link(graph.RelOperatedBy, i, g.person(s, d))
	}
}

// filler adds CONNECTS_TO edges between networked assets (PCs, servers,
// devices, OT gateways) of one department's subnet until the target count
// is met; one in fifty links servers of two sites.
func (g *gen) filler() {
	target := g.cfg.Relationships
	b := &g.res.Batch
	netKinds := []Kind{KindPC, KindServer, KindDevice, KindOTGateway}
	// Subnets: (site, dept) with their networked assets, and a flat list
	// to draw a member weighted by subnet size.
	type subnet struct{ members []int32 }
	var subnets []subnet
	var owner []int32 // member position -> subnet index
	var members []int32
	for s := range g.sites {
		for d := range depts {
			var sn subnet
			for _, k := range netKinds {
				sn.members = append(sn.members, g.pools[k][s][d]...)
			}
			if len(sn.members) < 2 {
				continue
			}
			for _, m := range sn.members {
				members = append(members, m)
				owner = append(owner, int32(len(subnets)))
			}
			subnets = append(subnets, sn)
		}
	}
	servers := g.all[KindServer]
	fails := 0
	for len(b.Edges) < target && len(members) > 0 && fails < 1000 {
		var a, c int32
		if len(servers) > 1 && g.rnd.IntN(50) == 0 {
			a, c = servers[g.rnd.IntN(len(servers))], servers[g.rnd.IntN(len(servers))]
		} else {
			p := g.rnd.IntN(len(members))
			sn := subnets[owner[p]].members
			a, c = members[p], sn[g.rnd.IntN(len(sn))]
		}
		if g.link(graph.RelConnectsTo, a, c) {
			fails = 0
		} else {
			fails++
		}
	}
}

// ---- control statuses ----

func (g *gen) statuses() {
	cat := g.cfg.Catalog
	if cat == nil || len(cat.Controls) == 0 {
		return
	}
	ctrls := slices.Clone(cat.Controls)
	slices.SortFunc(ctrls, func(a, b graph.Control) int { return a.Ref().Compare(b.Ref()) })
	ctrls = slices.CompactFunc(ctrls, func(a, b graph.Control) bool { return a.Ref() == b.Ref() })
	b := &g.res.Batch
	// Each organization has a maturity: the chance that a control it
	// records is implemented. The company itself is the most mature.
	for _, o := range b.Orgs {
		maturity := 0.3 + 0.6*g.rnd.Float64()
		density := g.cfg.ControlDensity
		switch o.Role {
		case graph.RoleSelf:
			maturity = 0.65
			density = max(density, 0.8)
		case graph.RoleCustomer:
			maturity = 0.6
		}
		for _, c := range ctrls {
			if g.rnd.Float64() >= density {
				continue
			}
			b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: o.ID, Control: c.Ref(), Status: g.status(maturity)})
		}
	}
	if g.cfg.ProtectedShare <= 0 {
		return
	}
	for i := range b.Assets {
		if g.rnd.Float64() >= g.cfg.ProtectedShare {
			continue
		}
		n := 1 + g.rnd.IntN(3)
		var picked []graph.ControlRef
		for range n {
			ref := ctrls[g.rnd.IntN(len(ctrls))].Ref()
			if slices.Contains(picked, ref) {
				continue
			}
			picked = append(picked, ref)
		}
		slices.SortFunc(picked, graph.ControlRef.Compare)
		for _, ref := range picked {
			b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: b.Assets[i].ID, Control: ref, Status: g.status(0.6)})
		}
	}
}

// status draws a status: implemented with probability maturity, the rest
// split between partial, planned and none.
func (g *gen) status(maturity float64) graph.Status {
	x := g.rnd.Float64()
	switch {
	case x < maturity:
		return graph.StatusImplemented
	case x < maturity+(1-maturity)*0.5:
		return graph.StatusPartial
	case x < maturity+(1-maturity)*0.8:
		return graph.StatusPlanned
	}
	return graph.StatusNone
}

// Stats counts a batch by component, layer, kind of edge.
type Stats struct {
	Assets      int
	Orgs        int
	Edges       int
	Statuses    int
	ByComponent map[graph.Component]int
	ByLayer     map[graph.LayerID]int
	ByEdgeType  map[graph.RelType]int
}

// Count computes the statistics of a batch.
func Count(b *graph.Batch) Stats {
	s := Stats{Assets: len(b.Assets), Orgs: len(b.Orgs), Edges: len(b.Edges), Statuses: len(b.Statuses),
		ByComponent: map[graph.Component]int{}, ByLayer: map[graph.LayerID]int{}, ByEdgeType: map[graph.RelType]int{}}
	for _, a := range b.Assets {
		s.ByComponent[a.Component]++
		for _, l := range a.Layers {
			s.ByLayer[l]++
		}
	}
	for _, e := range b.Edges {
		s.ByEdgeType[e.Type]++
	}
	return s
}

// String prints the statistics on a few lines.
func (s Stats) String() string {
	out := fmt.Sprintf("assets %d, organizations %d, edges %d, statuses %d\n", s.Assets, s.Orgs, s.Edges, s.Statuses)
	out += "  by component:"
	for _, c := range graph.Components {
		out += fmt.Sprintf(" %s %d", c, s.ByComponent[c])
	}
	out += "\n  by layer:"
	for _, l := range graph.Layers {
		out += fmt.Sprintf(" %s %d", l, s.ByLayer[l])
	}
	out += "\n  by edge type:"
	types := make([]graph.RelType, 0, len(s.ByEdgeType))
	for t := range s.ByEdgeType {
		types = append(types, t)
	}
	slices.SortFunc(types, func(a, b graph.RelType) int { return cmp.Compare(a, b) })
	for _, t := range types {
		out += fmt.Sprintf(" %s %d", t, s.ByEdgeType[t])
	}
	return out + "\n"
}
