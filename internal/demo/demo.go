// Package demo holds the demo client of cpsfgraph: a fictional Japanese
// manufacturing SME with about 45 assets across the six CPSF components and
// three layers, five suppliers and one large customer, with controls partly
// implemented. Names are invented; every catalog ID it uses comes from the
// bundled catalog.
package demo

import (
	"context"
	"fmt"
	"strings"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
)

// WorkspaceID is the demo workspace.
const WorkspaceID = "demo"

// Self is the demo company's organization ID.
const Self = "MINATO"

// Workspace returns the demo workspace.
func Workspace() graph.Workspace {
	return graph.Workspace{ID: WorkspaceID, Name: "株式会社港精機 (デモ) / Minato Seiki Co., Ltd. (demo)", FormulaVariant: graph.FormulaIPA}
}

func layers(s string) []graph.LayerID {
	var out []graph.LayerID
	for _, l := range strings.Split(s, ",") {
		out = append(out, graph.LayerID(l))
	}
	return out
}

type a = graph.Asset

// Company returns the demo company graph as one batch.
func Company() graph.Batch {
	var b graph.Batch
	b.Orgs = []graph.Org{
		{ID: Self, Name: "株式会社港精機 / Minato Seiki", Role: graph.RoleSelf, Size: "45 employees"},
		{ID: "AUTOPARTS", Name: "大手自動車部品メーカーA社 / Customer A (auto parts)", Role: graph.RoleCustomer, Size: "large"},
		{ID: "SUP-CLOUD", Name: "クラウド会計サービスB社 / Cloud accounting B", Role: graph.RoleSupplier, Size: "large"},
		{ID: "SUP-MSP", Name: "ITサポートC社 / IT support C (MSP)", Role: graph.RoleSupplier, Size: "12 employees"},
		{ID: "SUP-FA", Name: "設備メーカーD社 / Machine maker D", Role: graph.RoleSupplier, Size: "300 employees"},
		{ID: "SUP-LOG", Name: "運送会社E社 / Logistics E", Role: graph.RoleSupplier, Size: "80 employees"},
		{ID: "SUP-PRINT", Name: "書類保管F社 / Document storage F", Role: graph.RoleSupplier, Size: "20 employees"},
	}
	sys, thi, dat, peo, pro := graph.Systems, graph.Things, graph.Data, graph.People, graph.Procedures
	b.Assets = []graph.Asset{
		// systems
		{ID: "SRV-FILE", Name: "社内ファイルサーバー / File server", Component: sys, Layers: layers("L3"), C: 3, I: 3, A: 2, Media: "社内サーバー", Category: "共通"},
		{ID: "SRV-AD", Name: "認証サーバー / Directory server", Component: sys, Layers: layers("L3"), C: 2, I: 3, A: 3, Media: "社内サーバー", Category: "共通"},
		{ID: "SRV-APP", Name: "業務サーバー / Application host", Component: sys, Layers: layers("L3"), C: 2, I: 2, A: 3, Media: "社内サーバー", Category: "生産管理"},
		{ID: "SRV-ERP", Name: "生産管理システム / Production management", Component: sys, Layers: layers("L3"), C: 2, I: 3, A: 3, Category: "生産管理"},
		{ID: "VPN-GW", Name: "VPN装置 / VPN gateway", Component: sys, Layers: layers("L3"), C: 2, I: 2, A: 2, Exposure: []string{"internet"}, Category: "共通"},
		{ID: "NAS-BK", Name: "バックアップNAS / Backup NAS", Component: sys, Layers: layers("L3"), C: 3, I: 2, A: 2, Media: "社内サーバー", Category: "共通"},
		{ID: "PC-OFFICE", Name: "事務所PC / Office PCs", Component: sys, Layers: layers("L3"), C: 2, I: 2, A: 2, Media: "事務所PC", Category: "総務"},
		{ID: "PC-CAD", Name: "設計用CAD端末 / CAD workstation", Component: sys, Layers: layers("L3"), C: 3, I: 3, A: 2, Media: "事務所PC", Category: "設計"},
		{ID: "MAIL", Name: "クラウドメール / Cloud mail", Component: sys, Layers: layers("L1,L3"), C: 2, I: 2, A: 2, Media: "社外サーバー", Category: "共通"},
		{ID: "SAAS-ACC", Name: "クラウド会計 / Cloud accounting", Component: sys, Layers: layers("L1,L3"), C: 3, I: 3, A: 2, Media: "社外サーバー", Category: "経理", Owner: "SUP-CLOUD"},
		{ID: "WEB", Name: "会社Webサイト / Company website", Component: sys, Layers: layers("L3"), C: 1, I: 2, A: 1, Exposure: []string{"internet"}, Category: "営業"},
		{ID: "RMM", Name: "リモート保守ツール / Remote management tool", Component: sys, Layers: layers("L3"), C: 2, I: 3, A: 2, Category: "共通", Owner: "SUP-MSP"},
		{ID: "EDI", Name: "受発注EDI / Ordering EDI", Component: sys, Layers: layers("L1,L3"), C: 2, I: 3, A: 3, Category: "営業"},
		// things
		{ID: "PLC-LINE1", Name: "加工ラインPLC / Line 1 PLC", Component: thi, Layers: layers("L2"), C: 1, I: 3, A: 3, Category: "製造"},
		{ID: "CNC-01", Name: "NC工作機械 / CNC machine", Component: thi, Layers: layers("L2"), C: 2, I: 3, A: 3, Category: "製造"},
		{ID: "HMI-01", Name: "ライン操作盤 / Line HMI", Component: thi, Layers: layers("L2"), C: 1, I: 3, A: 3, Category: "製造"},
		{ID: "CAM-IP", Name: "ネットワークカメラ / IP camera", Component: thi, Layers: layers("L2"), C: 2, I: 1, A: 1, Category: "総務"},
		{ID: "FA-RMT", Name: "設備リモート保守ルーター / Machine remote-maintenance router", Component: thi, Layers: layers("L2"), C: 2, I: 2, A: 2, Exposure: []string{"remote-access"}, Category: "製造", Owner: "SUP-FA"},
		{ID: "MFP", Name: "複合機 / Multifunction printer", Component: thi, Layers: layers("L2"), C: 2, I: 1, A: 1, Category: "総務"},
		{ID: "USB-MEDIA", Name: "USBメモリ / USB sticks", Component: thi, Layers: layers("L2"), C: 3, I: 2, A: 1, Media: "可搬電子媒体", Category: "設計"},
		{ID: "PAPER", Name: "紙書類 (図面・契約書) / Paper files", Component: thi, Layers: layers("L2"), C: 3, I: 2, A: 1, Media: "書類", Category: "総務"},
		{ID: "LAPTOP-MOB", Name: "営業用ノートPC / Sales laptops", Component: thi, Layers: layers("L2,L3"), C: 2, I: 2, A: 2, Media: "モバイル機器", Category: "営業"},
		{ID: "SMARTPHONE", Name: "業務用スマートフォン / Business phones", Component: thi, Layers: layers("L2"), C: 2, I: 1, A: 1, Media: "モバイル機器", Category: "営業"},
		// data
		{ID: "D-DRAWINGS", Name: "顧客図面データ / Customer drawings", Component: dat, Layers: layers("L3"), C: 3, I: 3, A: 2, Importance: 3, Category: "設計", Media: "社内サーバー", PersonalInfo: nil},
		{ID: "D-PROD", Name: "生産計画 / Production plans", Component: dat, Layers: layers("L3"), C: 2, I: 3, A: 3, Category: "生産管理"},
		{ID: "D-ACC", Name: "会計データ / Accounting data", Component: dat, Layers: layers("L3"), C: 3, I: 3, A: 2, Category: "経理", Media: "社外サーバー"},
		{ID: "D-HR", Name: "従業員情報 / Employee records", Component: dat, Layers: layers("L3"), C: 3, I: 2, A: 1, Category: "総務", PersonalInfo: []string{"個人情報", "特定個人情報"}},
		{ID: "D-CUST", Name: "取引先情報 / Business partner records", Component: dat, Layers: layers("L3"), C: 2, I: 2, A: 2, Category: "営業", PersonalInfo: []string{"個人情報"}},
		{ID: "D-ORDERS", Name: "受発注データ / Orders", Component: dat, Layers: layers("L1,L3"), C: 2, I: 3, A: 3, Category: "営業"},
		{ID: "D-NCPROG", Name: "NCプログラム / NC programs", Component: dat, Layers: layers("L2,L3"), C: 3, I: 3, A: 2, Category: "製造"},
		{ID: "D-BACKUP", Name: "バックアップデータ / Backups", Component: dat, Layers: layers("L3"), C: 3, I: 2, A: 3, Category: "共通"},
		{ID: "D-QUALITY", Name: "品質記録 / Quality records", Component: dat, Layers: layers("L2,L3"), C: 1, I: 3, A: 2, Category: "製造"},
		{ID: "D-PAPER", Name: "契約書・図面 (紙) / Contracts and drawings on paper", Component: dat, Layers: layers("L2"), C: 3, I: 2, A: 1, Category: "総務", Media: "書類"},
		{ID: "D-MAIL", Name: "メールデータ / Mail", Component: dat, Layers: layers("L3"), C: 2, I: 1, A: 2, Category: "共通", Media: "社外サーバー"},
		{ID: "D-CAM", Name: "監視映像 / Camera footage", Component: dat, Layers: layers("L2"), C: 2, I: 1, A: 1, Category: "総務", PersonalInfo: []string{"個人情報"}},
		// people
		{ID: "P-ADMIN", Name: "IT担当者 / IT administrator", Component: peo, Layers: layers("L3"), Importance: 2, Category: "共通"},
		{ID: "P-STAFF", Name: "事務スタッフ / Office staff", Component: peo, Layers: layers("L2,L3"), Importance: 2, Category: "総務"},
		{ID: "P-OPER", Name: "製造オペレーター / Line operators", Component: peo, Layers: layers("L2"), Importance: 2, Category: "製造"},
		{ID: "P-SALES", Name: "営業担当 / Sales staff", Component: peo, Layers: layers("L3"), Importance: 2, Category: "営業"},
		{ID: "P-MGMT", Name: "経営者 / Management", Component: peo, Layers: layers("L1"), Importance: 3, Category: "経営"},
		{ID: "P-MSP-ENG", Name: "委託先エンジニア / MSP engineer", Component: peo, Layers: layers("L1,L3"), Importance: 2, Category: "共通", Owner: "SUP-MSP"},
		// procedures
		{ID: "PR-PAY", Name: "支払・振込手続 / Payment procedure", Component: pro, Layers: layers("L1"), Importance: 3, Category: "経理"},
		{ID: "PR-BACKUP", Name: "バックアップ手順 / Backup procedure", Component: pro, Layers: layers("L3"), Importance: 2, Category: "共通"},
		{ID: "PR-INCIDENT", Name: "インシデント対応手順 / Incident response procedure", Component: pro, Layers: layers("L3"), Importance: 2, Category: "共通"},
		{ID: "PR-SHIP", Name: "出荷手続 / Shipping procedure", Component: pro, Layers: layers("L1"), Importance: 2, Category: "物流"},
	}
	for i := range b.Assets {
		if b.Assets[i].Owner == "" {
			b.Assets[i].Owner = Self
		}
	}
	e := func(t graph.RelType, from string, tos ...string) {
		for _, to := range tos {
			b.Edges = append(b.Edges, graph.Edge{Type: t, From: from, To: to})
		}
	}
	e(graph.RelSupplies, "SUP-CLOUD", Self)
	e(graph.RelSupplies, "SUP-MSP", Self)
	e(graph.RelSupplies, "SUP-FA", Self)
	e(graph.RelSupplies, "SUP-LOG", Self)
	e(graph.RelSupplies, "SUP-PRINT", Self)
	e(graph.RelSupplies, Self, "AUTOPARTS")
	e(graph.RelStoredOn, "D-DRAWINGS", "SRV-FILE", "PC-CAD")
	e(graph.RelStoredOn, "D-PROD", "SRV-ERP")
	e(graph.RelStoredOn, "D-ACC", "SAAS-ACC")
	e(graph.RelStoredOn, "D-HR", "SRV-FILE")
	e(graph.RelStoredOn, "D-CUST", "SRV-ERP")
	e(graph.RelStoredOn, "D-ORDERS", "EDI")
	e(graph.RelStoredOn, "D-NCPROG", "CNC-01", "SRV-FILE")
	e(graph.RelStoredOn, "D-BACKUP", "NAS-BK")
	e(graph.RelStoredOn, "D-QUALITY", "HMI-01")
	e(graph.RelStoredOn, "D-PAPER", "PAPER")
	e(graph.RelStoredOn, "D-MAIL", "MAIL")
	e(graph.RelStoredOn, "D-CAM", "CAM-IP")
	e(graph.RelRunsOn, "SRV-ERP", "SRV-APP")
	e(graph.RelConnectsTo, "PC-OFFICE", "SRV-FILE", "SRV-APP", "SRV-AD")
	e(graph.RelConnectsTo, "SRV-FILE", "NAS-BK")
	e(graph.RelConnectsTo, "PC-CAD", "SRV-FILE", "CNC-01")
	e(graph.RelConnectsTo, "VPN-GW", "SRV-AD", "SRV-FILE", "SRV-APP")
	e(graph.RelConnectsTo, "SRV-AD", "SRV-FILE", "SRV-APP")
	e(graph.RelConnectsTo, "RMM", "PC-OFFICE", "SRV-FILE")
	e(graph.RelConnectsTo, "FA-RMT", "PLC-LINE1", "CNC-01")
	e(graph.RelConnectsTo, "PLC-LINE1", "HMI-01")
	e(graph.RelConnectsTo, "HMI-01", "SRV-APP")
	e(graph.RelConnectsTo, "CAM-IP", "PC-OFFICE")
	e(graph.RelConnectsTo, "MFP", "PC-OFFICE")
	e(graph.RelConnectsTo, "USB-MEDIA", "CNC-01", "PC-CAD")
	e(graph.RelConnectsTo, "LAPTOP-MOB", "VPN-GW")
	e(graph.RelConnectsTo, "SMARTPHONE", "MAIL")
	e(graph.RelConnectsTo, "EDI", "SRV-ERP")
	e(graph.RelSuppliedBy, "SAAS-ACC", "SUP-CLOUD")
	e(graph.RelSuppliedBy, "MAIL", "SUP-MSP")
	e(graph.RelSuppliedBy, "WEB", "SUP-MSP")
	e(graph.RelSuppliedBy, "RMM", "SUP-MSP")
	e(graph.RelSuppliedBy, "FA-RMT", "SUP-FA")
	e(graph.RelSuppliedBy, "CNC-01", "SUP-FA")
	e(graph.RelSuppliedBy, "PR-SHIP", "SUP-LOG")
	e(graph.RelSuppliedBy, "PAPER", "SUP-PRINT")
	e(graph.RelSuppliedBy, "EDI", "AUTOPARTS")
	e(graph.RelOperatedBy, "PC-OFFICE", "P-STAFF")
	e(graph.RelOperatedBy, "SAAS-ACC", "P-STAFF", "P-MGMT")
	e(graph.RelOperatedBy, "PR-PAY", "P-STAFF", "P-MGMT")
	e(graph.RelOperatedBy, "SRV-FILE", "P-ADMIN")
	e(graph.RelOperatedBy, "SRV-AD", "P-ADMIN")
	e(graph.RelOperatedBy, "SRV-APP", "P-ADMIN")
	e(graph.RelOperatedBy, "PR-BACKUP", "P-ADMIN")
	e(graph.RelOperatedBy, "PR-INCIDENT", "P-ADMIN")
	e(graph.RelOperatedBy, "HMI-01", "P-OPER")
	e(graph.RelOperatedBy, "LAPTOP-MOB", "P-SALES")
	e(graph.RelOperatedBy, "SMARTPHONE", "P-SALES")
	e(graph.RelOperatedBy, "RMM", "P-MSP-ENG")
	e(graph.RelOperatedBy, "PR-SHIP", "P-STAFF")
	e(graph.RelOwnedBy, "D-DRAWINGS", "AUTOPARTS")

	s := func(subject, control string, st graph.Status) {
		ref, err := graph.ParseControlRef(control)
		if err != nil {
			panic(err)
		}
		b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: subject, Control: ref, Status: st})
	}
	im, pa, pl, no := graph.StatusImplemented, graph.StatusPartial, graph.StatusPlanned, graph.StatusNone
	for _, x := range []struct {
		c  string
		st graph.Status
	}{
		{"IPA-SME-5:1", pa}, {"IPA-SME-5:2", im}, {"IPA-SME-5:3", pa}, {"IPA-SME-5:4", no}, {"IPA-SME-5:5", pl},
		{"IPA-SME-25:6", pa}, {"IPA-SME-25:11", im}, {"IPA-SME-25:12", im}, {"IPA-SME-25:13", pa}, {"IPA-SME-25:19", im},
		{"IPA-SME-25:20", pa}, {"IPA-SME-25:22", pa}, {"METI-CSMG:指示1", im}, {"METI-CSMG:指示7", pl},
		{"CPSF:CPS.MA-1", pa}, {"CPSF:CPS.AT-1", pa}, {"CPSF:CPS.GV-1", im}, {"SECURITY-ACTION:★1", im},
	} {
		s(Self, x.c, x.st)
	}
	for _, c := range []string{"CPSF:CPS.AC-1", "CPSF:CPS.MA-1", "IPA-SME-5:3", "SECURITY-ACTION:★2"} {
		s("SUP-MSP", c, im)
	}
	s("SUP-MSP", "CPSF:CPS.CM-1", pa)
	s("SUP-FA", "IPA-SME-5:1", no)
	s("SUP-FA", "CPSF:CPS.IP-1", pa)
	for _, c := range []string{"CPSF:CPS.AC-1", "CPSF:CPS.MA-1", "CPSF:CPS.CM-1", "CPSF:CPS.SC-1", "CPSF:CPS.RP-1", "CPSF:CPS.DP-1", "SCS:★4"} {
		s("SUP-CLOUD", c, im)
	}
	s("SUP-LOG", "SECURITY-ACTION:★1", im)
	s("SUP-LOG", "IPA-SME-5:1", pa)
	s("SUP-PRINT", "IPA-SME-25:18", im)
	s("SUP-PRINT", "IPA-SME-25:12", im)
	s("AUTOPARTS", "CPSF:CPS.SC-1", im)
	s("AUTOPARTS", "CPSF:CPS.GV-1", im)
	s("AUTOPARTS", "CPSF:CPS.DS-1", im)
	s("VPN-GW", "IPA-SME-5:1", no)
	s("SRV-FILE", "IPA-SME-25:11", im)
	s("CNC-01", "JC-STAR:S1.1-02", no)
	s("CAM-IP", "JC-STAR:S1.1-02", pa)
	s("NAS-BK", "CPSF:CPS.AC-1", pa)
	s("PC-CAD", "IPA-SME-5:2", im)
	return b
}

// Load writes the bundled catalog and the demo workspace into s, replacing
// an earlier demo load (the demo is its own import source, swept).
func Load(ctx context.Context, s graph.Store) (graph.WriteReport, error) {
	if err := s.PutCatalog(ctx, catalog.Default()); err != nil {
		return graph.WriteReport{}, fmt.Errorf("demo: catalog: %w", err)
	}
	if err := s.PutWorkspace(ctx, Workspace()); err != nil {
		return graph.WriteReport{}, fmt.Errorf("demo: workspace: %w", err)
	}
	b := Company()
	rep, err := s.Write(ctx, graph.WriteSpec{Workspace: WorkspaceID, Source: "demo", Run: "demo", Sweep: true}, func(put func(graph.Batch) error) error {
		return put(b)
	})
	if err != nil {
		return rep, fmt.Errorf("demo: %w", err)
	}
	return rep, nil
}
