// Package importers reads spreadsheets (.xlsx, with excelize's streaming
// Rows) into the knowledge graph: catalog sheets into graph.Catalog (written
// with Store.PutCatalog) and a client's sheets into graph.Batch values for
// one workspace (written with Store.Write).
//
// # Sheets are recognized by their header
//
// Each sheet's header row is found wherever it is in the first 30 rows
// (title rows above it are fine) by scoring every row, alone and flattened
// with the row below it, against the header aliases of every kind (Specs).
// A two-row merged header, such as 評価値 over 機密性/完全性/可用性, is
// flattened to "評価値/機密性". Header cells are normalized with NFKC and
// lose spaces and line breaks; a note in brackets ("機密性(1〜3)") is
// ignored. Sheets named like documentation or examples (台帳記入例, 説明,
// 利用方法, About, sample) and the IPA workbook's working sheets (脅威の状況,
// 対策状況チェック, 診断結果) are skipped. A sheet whose header matches a
// kind but lacks a required column is rejected when it matches three
// columns or more, and skipped with a warning when it matches only two.
// One workbook may hold several kinds.
//
// Kinds (Kind): layers, components, incidents, risk_sources, requirements,
// frameworks, controls, threats, mappings (MAPS_TO, MITIGATES, EXPLOITS
// rows) for the catalog; organizations (with SUPPLIES as 供給先),
// assets (generic layout, SUPPLIED_BY as 提供元), ipa_register (the IPA
// 情報資産管理台帳), relationships and control_status (IMPLEMENTS for an
// organization, PROTECTED_BY for an asset) for a workspace.
//
// # Values
//
// Ratings (C/I/A, 重要度, threat likelihood) read 1..3, full-width digits,
// 高/中/低, 大/中/小 or H/M/L; flags ○/×, 有/無, yes/no; layers L1..L3,
// 第1層, layer1; components in Japanese (ソシキ/ヒト/モノ/データ/
// プロシージャ/システム, 組織/人/...), English or the ORG..SYS codes;
// statuses implemented/partial/planned/none or 実施済/一部実施/予定/未実施
// (わからない counts as none); dates ISO, 2024/4/1, 2024年4月1日, 令和6年4月1日
// or an Excel serial. IDs and coded values are NFKC-normalized; free text
// (names, summaries, notes) is kept as written.
//
// # The IPA register
//
// A register row is an information asset: a data asset (layer L3 unless
// the cpsfgraph extension column CPSF層 says otherwise) with ID
// "info:<業務分類>/<情報資産名称>" (or the 資産ID extension column), owned by
// the workspace's own organization (the one organization of role self, or
// the mapping file's owner). It is linked STORED_ON to one asset per
// distinct medium of 媒体・保存先 ("media:<medium>"), whose component and
// layers come from DefaultMedia (see there; a mapping file can add rules
// that win over it): paper and removable media are things on L2, office PCs
// and in-house servers systems on L3, portable devices systems on L2 and
// L3, IoT and factory devices things on L2, and an external cloud service a
// system on L1 and L3 SUPPLIED_BY its provider organization. The extension
// column 保存先資産ID links STORED_ON to named assets instead. The same
// information on two media may be two rows with equal ratings (merged into
// one asset). A リスク値 column that IPA's method (重要度 × 被害発生可能性)
// cannot produce is reported as another formula and flags the workspace's
// FormulaVariant (FormulaOther + file name); nothing is rescored.
// Personal-information flags become the kinds 個人情報, 要配慮個人情報 and
// 特定個人情報.
//
// # Import
//
// Import validates every row of every file against the model, the other
// files and the store (duplicate IDs, unknown references, wrong ends of a
// relationship) before writing anything. Each rejected cell is reported
// with file, sheet, row, column letter and header, value and the reason in
// Japanese and English; WriteRejections writes them as a workbook.
// Without Options.Partial any rejection means nothing is written. Each
// file is one store write with the file's base name as its import source,
// swept, so re-importing a file changes nothing and a newer version
// removes what it no longer lists (a partial import with rejections does
// not sweep). Memory stays bounded: rows stream, worksheets beyond 16 MiB
// are read from temporary files, and a workbook unpacking beyond
// Limits.MaxUnzipSize (512 MiB by default) is rejected as a possible zip
// bomb.
//
// Known limit: the medium assets made from a register are shared by every
// register of the workspace but stamped with the source that wrote them
// last; a newer version of that source that no longer lists the medium
// removes it.
//
// # Mapping files
//
// A YAML or JSON file (LoadMapping) maps unknown header texts to field
// keys, adds medium rules, lists sheets to skip and names the owner of
// register assets; see Mapping.
package importers
