import { describe, expect, it } from 'vitest';
import { arrangeCPSF, arrangeIPA, arrangeSupply, bandColour, bandOf, coverageColour, pathElements, rejectionCSV, topGaps, type GraphEdge, type GraphNode, type IPACellIn, type PathIn } from './shape';

describe('arrangeIPA', () => {
  it('puts importance 3 on top and damage 3 on the right, whatever order the API sends', () => {
    const cells: IPACellIn[] = [];
    for (const imp of [1, 2, 3]) for (const dmg of [3, 1, 2]) cells.push({ importance: imp, damage: dmg, risk: imp * dmg, band: bandOf(imp * dmg), count: imp * 10 + dmg });
    const g = arrangeIPA(cells.reverse());
    expect(g.map((r) => r.map((c) => c.count))).toEqual([
      [31, 32, 33],
      [21, 22, 23],
      [11, 12, 13],
    ]);
  });
  it('fills a missing cell with count 0 and its band', () => {
    const g = arrangeIPA([{ importance: 3, damage: 3, risk: 9, band: 'HIGH', count: 4 }]);
    expect(g[0][2].count).toBe(4);
    expect(g[1][1]).toEqual({ importance: 2, damage: 2, risk: 4, band: 'MEDIUM', count: 0 });
    expect(g[2][0].band).toBe('LOW');
  });
});

describe('bandOf', () => {
  it.each([
    [9, 'HIGH'],
    [6, 'HIGH'],
    [4, 'MEDIUM'],
    [3, 'LOW'],
    [2, 'LOW'],
    [1, 'LOW'],
  ])('risk %i is %s', (risk, band) => expect(bandOf(risk)).toBe(band));
});

describe('arrangeCPSF', () => {
  it('orders layers L1..L3 and components in CPSF order', () => {
    const g = arrangeCPSF([
      { layer: 'L3', component: 'SYSTEMS', assets: 5, pairCount: 9, maxRisk: 6, band: 'HIGH', coverage: 0.5, riskSources: 2, assessed: 2 },
      { layer: 'L1', component: 'ORGANIZATION', assets: 0, orgs: 3, pairCount: 1, maxRisk: 2, band: 'LOW', coverage: 0.25, riskSources: 1, assessed: 1 },
    ]);
    expect(g).toHaveLength(3);
    expect(g.map((r) => r[0].layer)).toEqual(['L1', 'L2', 'L3']);
    expect(g[0].map((c) => c.component)).toEqual(['ORGANIZATION', 'PEOPLE', 'THINGS', 'DATA', 'PROCEDURES', 'SYSTEMS']);
    expect(g[2][5].assets).toBe(5);
    expect(g[0][0].orgs).toBe(3);
    expect(g[1][3]).toMatchObject({ layer: 'L2', component: 'DATA', assets: 0, band: null });
  });
});

describe('arrangeSupply', () => {
  it('aligns cells to the union of functions in first-seen order', () => {
    const org = (id: string) => ({ id, name: id, role: 'SUPPLIER' });
    const s = arrangeSupply([
      { organization: org('A'), tier: 0, assetsSupplied: 0, cells: [{ function: 'Identify', requirements: 2, covered: 1, coverage: 0.5 }] },
      { organization: org('B'), tier: 1, assetsSupplied: 2, cells: [{ function: 'Protect', requirements: 4, covered: 4, coverage: 1 }, { function: 'Identify', requirements: 2, covered: 0, coverage: 0 }] },
    ]);
    expect(s.functions).toEqual(['Identify', 'Protect']);
    expect(s.rows[0].cells.map((c) => c?.coverage ?? null)).toEqual([0.5, null]);
    expect(s.rows[1].cells.map((c) => c?.coverage ?? null)).toEqual([0, 1]);
  });
});

// Relative luminance and contrast ratio (WCAG 2).
function lum(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function contrast(a: string, b: string): number {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

describe('colours', () => {
  it('print text with at least 4.5:1 contrast on every band and coverage step', () => {
    for (const b of ['HIGH', 'MEDIUM', 'LOW'] as const) {
      const c = bandColour(b);
      expect(contrast(c.bg, c.fg), b).toBeGreaterThanOrEqual(4.5);
    }
    for (let p = 0; p <= 1; p += 0.05) {
      const c = coverageColour(p);
      expect(contrast(c.bg, c.fg), `coverage ${p}`).toBeGreaterThanOrEqual(4.5);
    }
  });
  it('tell the bands apart by lightness and pattern, not hue alone', () => {
    const bands = (['HIGH', 'MEDIUM', 'LOW'] as const).map((b) => bandColour(b));
    const l = bands.map((c) => lum(c.bg));
    expect(l[0]).toBeLessThan(l[1]);
    expect(l[1]).toBeLessThan(l[2]);
    expect(contrast(bands[0].bg, bands[1].bg)).toBeGreaterThan(2);
    expect(contrast(bands[1].bg, bands[2].bg)).toBeGreaterThan(1.5);
    expect(new Set(bands.map((c) => c.pattern)).size).toBe(3);
  });
  it('darkens coverage as it grows and shows an empty cell in grey', () => {
    expect(lum(coverageColour(1).bg)).toBeLessThan(lum(coverageColour(0.5).bg));
    expect(lum(coverageColour(0.5).bg)).toBeLessThan(lum(coverageColour(0).bg));
    expect(bandColour('HIGH', 0).pattern).toBe('none');
  });
});

describe('pathElements', () => {
  const hop = (node: string, status: 'COVERED' | 'PARTIAL' | 'UNCOVERED' | 'NOT_APPLICABLE' = 'UNCOVERED') => ({ node, kind: 'ASSET' as const, name: node.toLowerCase(), status, coverage: 0 });
  const paths: PathIn[] = [
    { length: 2, hops: [hop('VPN'), hop('SRV', 'PARTIAL'), hop('DATA', 'COVERED')] },
    { length: 3, hops: [hop('PC'), hop('NAS'), hop('SRV', 'PARTIAL'), hop('DATA', 'COVERED')] },
    { length: 0, hops: [hop('DATA', 'COVERED')] },
  ];
  const els = pathElements(paths);
  const nodes = els.filter((e): e is GraphNode => e.group === 'nodes');
  const edges = els.filter((e): e is GraphEdge => e.group === 'edges');

  it('has one node per distinct hop and one edge per distinct step', () => {
    expect(nodes.map((n) => n.data.id).sort()).toEqual(['DATA', 'NAS', 'PC', 'SRV', 'VPN']);
    expect(edges.map((e) => e.data.id).sort()).toEqual(['NAS->SRV', 'PC->NAS', 'SRV->DATA', 'VPN->SRV']);
  });
  it('colours hops by coverage through their status class and marks entries and the target', () => {
    const by = Object.fromEntries(nodes.map((n) => [n.data.id, n]));
    expect(by.SRV.classes.split(' ')).toContain('partial');
    expect(by.DATA.classes.split(' ')).toEqual(expect.arrayContaining(['covered', 'target', 'entry']));
    expect(by.VPN.data.entry).toBe(true);
    expect(by.NAS.data.entry).toBe(false);
    expect(by.PC.classes).toContain('uncovered');
  });
  it('lays nodes out left to right by distance to the asset', () => {
    const x = Object.fromEntries(nodes.map((n) => [n.data.id, n.position.x]));
    expect(x.PC).toBeLessThan(x.NAS);
    expect(x.NAS).toBeLessThan(x.SRV);
    expect(x.SRV).toBeLessThan(x.DATA);
    // VPN is 2 steps from the asset on its path, the same column as NAS
    expect(x.VPN).toBe(x.NAS);
    const sameCol = nodes.filter((n) => n.position.x === x.NAS).map((n) => n.position.y);
    expect(new Set(sameCol).size).toBe(sameCol.length);
  });
  it('is deterministic', () => {
    expect(pathElements(paths)).toEqual(els);
  });
  it('uses the label function', () => {
    expect(pathElements([paths[2]], (h) => `${h.node}!`)[0]).toMatchObject({ data: { label: 'DATA!' } });
  });
  it('gives no element for no path', () => {
    expect(pathElements([])).toEqual([]);
  });
});

describe('topGaps', () => {
  const ctl = (id: string) => ({ ref: `SA:${id}`, framework: 'SA', id, titleEN: id, titleJA: id });
  it('ranks controls by organizations missing them and cells by least coverage', () => {
    const g = topGaps(
      [
        { organization: { id: 'A', name: 'A' }, missing: [ctl('2'), ctl('1')] },
        { organization: { id: 'B', name: 'B' }, missing: [ctl('2')] },
      ],
      [
        { layer: 'L3', component: 'SYSTEMS', coverage: 0.5, riskSources: 2, assessed: 2 },
        { layer: 'L1', component: 'PEOPLE', coverage: 0.5, riskSources: 4, assessed: 4 },
        { layer: 'L2', component: 'THINGS', coverage: 1, riskSources: 1, assessed: 1 },
        { layer: 'L2', component: 'DATA', coverage: 0, riskSources: 3, assessed: 0 },
        { layer: 'L3', component: 'DATA', coverage: 0.1, riskSources: 1, assessed: 1 },
      ],
    );
    expect(g.controls.map((c) => [c.control.id, c.missingAt])).toEqual([
      ['2', 2],
      ['1', 1],
    ]);
    expect(g.cells.map((c) => `${c.layer}/${c.component}`)).toEqual(['L3/DATA', 'L1/PEOPLE', 'L3/SYSTEMS']);
  });
});

describe('rejectionCSV', () => {
  it('quotes, escapes formulas and starts with a BOM', () => {
    const csv = rejectionCSV([{ file: 'a.xlsx', sheet: '台帳', row: 4, column: 'E', value: '=1+1', reason: 'out of range, "9"' }], ['file', 'sheet', 'row', 'column', 'value', 'reason']);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).toContain(`a.xlsx,台帳,4,E,'=1+1,"out of range, ""9"""`);
  });
});
