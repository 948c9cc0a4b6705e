// Data shaping: from API answers to what the pages draw. Pure functions,
// unit-tested in shape.test.ts.

export type Band = 'HIGH' | 'MEDIUM' | 'LOW';
export type LayerID = 'L1' | 'L2' | 'L3';
export type ComponentCode = 'ORGANIZATION' | 'PEOPLE' | 'THINGS' | 'DATA' | 'PROCEDURES' | 'SYSTEMS';
export type CoverageStatus = 'COVERED' | 'PARTIAL' | 'UNCOVERED' | 'NOT_APPLICABLE';

export const LAYERS: LayerID[] = ['L1', 'L2', 'L3'];
export const COMPONENTS: ComponentCode[] = ['ORGANIZATION', 'PEOPLE', 'THINGS', 'DATA', 'PROCEDURES', 'SYSTEMS'];

/** IPA's damage likelihood lookup is not ours to redo; risk = importance x damage. */
export function bandOf(risk: number): Band {
  if (risk >= 6) return 'HIGH';
  if (risk === 4) return 'MEDIUM';
  return 'LOW';
}

export interface IPACellIn {
  importance: number;
  damage: number;
  risk: number;
  band: Band;
  count: number;
}

/**
 * The IPA matrix as rows of importance 3, 2, 1 (top to bottom) and columns
 * of damage likelihood 1, 2, 3 (left to right), so risk grows towards the
 * top right. A cell the API did not send is shown with count 0.
 */
export function arrangeIPA(cells: IPACellIn[]): IPACellIn[][] {
  const by = new Map(cells.map((c) => [`${c.importance}:${c.damage}`, c]));
  const rows: IPACellIn[][] = [];
  for (const imp of [3, 2, 1]) {
    const row: IPACellIn[] = [];
    for (const dmg of [1, 2, 3]) {
      const risk = imp * dmg;
      row.push(by.get(`${imp}:${dmg}`) ?? { importance: imp, damage: dmg, risk, band: bandOf(risk), count: 0 });
    }
    rows.push(row);
  }
  return rows;
}

export interface CPSFCellIn {
  layer: LayerID;
  component: ComponentCode;
  assets: number;
  orgs?: number;
  pairCount: number;
  maxRisk: number;
  band: Band | null;
  coverage: number;
  riskSources: number;
  assessed: number;
}

/** The CPSF map as rows L1..L3 and columns in CPSF component order. */
export function arrangeCPSF(cells: CPSFCellIn[]): CPSFCellIn[][] {
  const by = new Map(cells.map((c) => [`${c.layer}:${c.component}`, c]));
  return LAYERS.map((layer) =>
    COMPONENTS.map(
      (component) =>
        by.get(`${layer}:${component}`) ?? { layer, component, assets: 0, pairCount: 0, maxRisk: 0, band: null, coverage: 0, riskSources: 0, assessed: 0 },
    ),
  );
}

export interface SupplyRowIn {
  organization: { id: string; name: string; role: string };
  tier: number;
  assetsSupplied: number;
  cells: { function: string; requirements: number; covered: number; coverage: number }[];
}

/**
 * The supply-chain map: its function columns in the order they first appear,
 * and each row's cells aligned to them (null where a row lacks a function).
 */
export function arrangeSupply(rows: SupplyRowIn[]): { functions: string[]; rows: { row: SupplyRowIn; cells: (SupplyRowIn['cells'][number] | null)[] }[] } {
  const functions: string[] = [];
  for (const r of rows) for (const c of r.cells) if (!functions.includes(c.function)) functions.push(c.function);
  return {
    functions,
    rows: rows.map((row) => ({ row, cells: functions.map((f) => row.cells.find((c) => c.function === f) ?? null) })),
  };
}

export interface Colour {
  bg: string;
  fg: string;
  /** A pattern name for the cell, so bands differ by more than hue. */
  pattern: 'solid' | 'hatch' | 'dots' | 'none';
}

/**
 * Band colours: one hue ramp whose lightness differs strongly between bands
 * (readable in grey scale and by colour-blind users), plus a pattern, and the
 * band's name printed in every cell. Text contrast is at least 4.5:1.
 */
export function bandColour(band: Band | null, count = 1): Colour {
  if (count === 0 || band === null) return { bg: '#f4f4f4', fg: '#333333', pattern: 'none' };
  switch (band) {
    case 'HIGH':
      return { bg: '#7b1d1d', fg: '#ffffff', pattern: 'solid' };
    case 'MEDIUM':
      return { bg: '#e8903a', fg: '#1a1a1a', pattern: 'hatch' };
    default:
      return { bg: '#fbe9b7', fg: '#1a1a1a', pattern: 'dots' };
  }
}

/**
 * Coverage colours (0..1): a blue ramp from light (little coverage) to dark
 * (full coverage), with the percentage printed in the cell.
 */
export function coverageColour(p: number): Colour {
  const steps = ['#f7fbff', '#d2e3f3', '#9ecae1', '#4a98c9', '#1764ab', '#08306b'];
  const i = Math.max(0, Math.min(steps.length - 1, Math.floor(p * (steps.length - 1) + 1e-9)));
  return { bg: steps[i], fg: i >= 4 ? '#ffffff' : '#1a1a1a', pattern: 'none' };
}

export function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

// ---- paths

export interface HopIn {
  node: string;
  kind: 'ASSET' | 'ORGANIZATION';
  name: string;
  status: CoverageStatus;
  coverage: number;
}

export interface PathIn {
  length: number;
  hops: HopIn[];
}

export interface GraphNode {
  group: 'nodes';
  data: { id: string; label: string; status: CoverageStatus; kind: string; entry: boolean; target: boolean };
  position: { x: number; y: number };
  classes: string;
}

export interface GraphEdge {
  group: 'edges';
  data: { id: string; source: string; target: string };
}

export const STATUS_STYLE: Record<CoverageStatus, { colour: string; shape: string; border: string }> = {
  COVERED: { colour: '#0072b2', shape: 'round-rectangle', border: 'solid' },
  PARTIAL: { colour: '#e69f00', shape: 'diamond', border: 'dashed' },
  UNCOVERED: { colour: '#d55e00', shape: 'octagon', border: 'double' },
  NOT_APPLICABLE: { colour: '#999999', shape: 'ellipse', border: 'dotted' },
};

/**
 * Graph elements for the paths of one threat to one asset: one node per
 * distinct hop (a node's coverage for a threat is the same on every path),
 * one edge per distinct step, laid out in columns by distance to the asset
 * (the asset rightmost, entries to the left) with a fixed, deterministic
 * position, so the drawing is stable from one load to the next.
 */
export function pathElements(paths: PathIn[], label: (h: HopIn) => string = (h) => h.name || h.node): (GraphNode | GraphEdge)[] {
  const dist = new Map<string, number>();
  const hop = new Map<string, HopIn>();
  const entries = new Set<string>();
  let target = '';
  for (const p of paths) {
    const n = p.hops.length;
    if (n === 0) continue;
    entries.add(p.hops[0].node);
    target = p.hops[n - 1].node;
    p.hops.forEach((h, i) => {
      const d = n - 1 - i;
      dist.set(h.node, Math.max(dist.get(h.node) ?? 0, d));
      if (!hop.has(h.node)) hop.set(h.node, h);
    });
  }
  const maxD = Math.max(0, ...dist.values());
  const columns = new Map<number, string[]>();
  for (const [node, d] of dist) {
    const col = columns.get(d) ?? [];
    col.push(node);
    columns.set(d, col);
  }
  const out: (GraphNode | GraphEdge)[] = [];
  const xGap = 190;
  const yGap = 90;
  for (const d of [...columns.keys()].sort((a, b) => b - a)) {
    const col = columns.get(d)!;
    col.sort();
    col.forEach((node, j) => {
      const h = hop.get(node)!;
      out.push({
        group: 'nodes',
        data: { id: node, label: label(h), status: h.status, kind: h.kind, entry: entries.has(node), target: node === target },
        position: { x: (maxD - d) * xGap, y: (j - (col.length - 1) / 2) * yGap },
        classes: [h.status.toLowerCase(), h.kind.toLowerCase(), entries.has(node) ? 'entry' : '', node === target ? 'target' : ''].filter(Boolean).join(' '),
      });
    });
  }
  const seen = new Set<string>();
  for (const p of paths) {
    for (let i = 0; i + 1 < p.hops.length; i++) {
      const id = `${p.hops[i].node}->${p.hops[i + 1].node}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ group: 'edges', data: { id, source: p.hops[i].node, target: p.hops[i + 1].node } });
    }
  }
  return out;
}

// ---- coverage

export interface ControlRef {
  ref: string;
  framework: string;
  id: string;
  titleEN: string;
  titleJA: string;
}

export interface OrgReadinessIn {
  organization: { id: string; name: string };
  missing: ControlRef[];
}

export interface CellCoverageIn {
  layer: LayerID;
  component: ComponentCode;
  coverage: number;
  riskSources: number;
  assessed: number;
}

/**
 * Top gaps of a framework: the controls missing at the most organizations
 * (ties by control ref), and the assessed CPSF cells with the least
 * coverage (ties by more risk sources, then layer and component order).
 */
export function topGaps(orgs: OrgReadinessIn[], cells: CellCoverageIn[], n = 5): { controls: { control: ControlRef; missingAt: number }[]; cells: CellCoverageIn[] } {
  const count = new Map<string, { control: ControlRef; missingAt: number }>();
  for (const o of orgs) {
    for (const c of o.missing) {
      const e = count.get(c.ref) ?? { control: c, missingAt: 0 };
      e.missingAt++;
      count.set(c.ref, e);
    }
  }
  const controls = [...count.values()].sort((a, b) => b.missingAt - a.missingAt || a.control.ref.localeCompare(b.control.ref)).slice(0, n);
  const order = (c: CellCoverageIn) => LAYERS.indexOf(c.layer) * 10 + COMPONENTS.indexOf(c.component);
  const worst = cells
    .filter((c) => c.assessed > 0 && c.coverage < 1)
    .sort((a, b) => a.coverage - b.coverage || b.riskSources - a.riskSources || order(a) - order(b))
    .slice(0, n);
  return { controls, cells: worst };
}

/** A CSV of rejected cells (UTF-8 with BOM so Excel reads Japanese). */
export function rejectionCSV(rows: { file: string; sheet: string; row: number; column: string; value: string; reason: string }[], header: string[]): string {
  const esc = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // no formula injection when opened in Excel
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.map(esc).join(',')];
  for (const r of rows) lines.push([r.file, r.sheet, r.row, r.column, r.value, r.reason].map(esc).join(','));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
