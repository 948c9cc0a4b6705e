// The dashboard (three heat-maps and the exports) and the pairs behind a
// heat-map cell.
import { download, gql } from '../api';
import { componentName, fail, layerName, link, loading, route, workspaceName, wsPath } from '../app';
import { h, table } from '../dom';
import { errorMessage } from '../errors';
import { lang, pick, t, translate, type Key } from '../i18n';
import { arrangeCPSF, arrangeIPA, arrangeSupply, bandColour, coverageColour, pct, type Band, type CPSFCellIn, type IPACellIn, type SupplyRowIn } from '../shape';

const IPA = `query IPA($ws: ID!) {
  ipaHeatmap(workspace: $ws) { maxHops pairCount cells { importance damage risk band count } }
  assets(workspace: $ws, first: 1) { totalCount }
}`;
const CPSF = `query CPSF($ws: ID!) { cpsfHeatmap(workspace: $ws) { cells { layer component assets orgs pairCount maxRisk band coverage riskSources assessed } } }`;
const SUPPLY = `query Supply($ws: ID!) { supplyHeatmap(workspace: $ws) { rows { organization { id name role } tier assetsSupplied cells { function requirements covered coverage } } } }`;

/** CPSF / NIST CSF function names in the user's language. */
function functionName(f: string): string {
  return f
    .split('/')
    .map((x) => {
      const k = 'fn.' + x.trim();
      const tr = translate(lang(), k as Key);
      return tr === k ? x.trim() : tr;
    })
    .join(' / ');
}

function bandText(b: Band | null): string {
  return b ? t(`band.short.${b}` as Key) : '';
}

function ipaSection(ws: string): { sec: HTMLElement; done: Promise<void> } {
  const body = h('div', { class: 'hm-body' });
  const sec = h('section', { class: 'card hm', 'aria-labelledby': 'ipa-h' }, h('h2', { id: 'ipa-h' }, t('dash.ipa')), h('p', { class: 'help' }, t('dash.ipaHelp')), body);
  loading(body);
  const load = async () => {
    try {
      const d = await gql<{ ipaHeatmap: { maxHops: number; pairCount: number; cells: IPACellIn[] }; assets: { totalCount: number } }>(IPA, { ws });
      if (d.assets.totalCount === 0) {
        body.replaceChildren(
          h('div', { class: 'empty', role: 'status' }, h('p', null, t('dash.empty')), link(wsPath(ws, '/import'), t('dash.goImport'))),
        );
        sec.dataset.empty = 'true';
        return;
      }
      const grid = arrangeIPA(d.ipaHeatmap.cells);
      body.replaceChildren(
        h('p', { class: 'summary' }, t('dash.pairs', { n: d.ipaHeatmap.pairCount, h: d.ipaHeatmap.maxHops })),
        h(
          'div',
          { class: 'scroll' },
          h(
          'table',
          { class: 'heatmap ipa' },
          h('caption', { class: 'sr-only' }, t('dash.ipa')),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, `${t('dash.importance')} \\ ${t('dash.damage')}`), [1, 2, 3].map((d) => h('th', { scope: 'col' }, `${t('dash.damage')} ${d}`))),
          ),
          h(
            'tbody',
            null,
            grid.map((row) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, `${t('dash.importance')} ${row[0].importance}`),
                row.map((c) => {
                  const col = bandColour(c.band, c.count);
                  const label = `${t('dash.importance')} ${c.importance}, ${t('dash.damage')} ${c.damage}: `;
                  return h(
                    'td',
                    null,
                    h(
                      'a',
                      {
                        href: wsPath(ws, `/pairs/ipa/${c.importance}/${c.damage}`),
                        'data-link': true,
                        class: `cell pat-${col.pattern}`,
                        'data-cell': `ipa-${c.importance}-${c.damage}`,
                        style: { background: col.bg, color: col.fg },
                      },
                      h('span', { class: 'sr-only' }, label),
                      h('span', { class: 'count' }, String(c.count)),
                      h('span', { class: 'sub' }, ` ${bandText(c.band)} · ${t('col.risk')} ${c.risk}`),
                    ),
                  );
                }),
              ),
            ),
          ),
        ),
        ),
        legend(),
      );
      performance.mark('dashboard-ipa-painted');
      sec.dataset.ready = 'true';
    } catch (e) {
      fail(body, e, load);
    }
  };
  return { sec, done: load() };
}

function legend(): HTMLElement {
  return h(
    'ul',
    { class: 'legend', 'aria-label': t('legend.title') },
    (['HIGH', 'MEDIUM', 'LOW'] as Band[]).map((b) => {
      const c = bandColour(b);
      return h('li', null, h('span', { class: `swatch pat-${c.pattern}`, style: { background: c.bg }, 'aria-hidden': 'true' }), t(`band.${b}` as Key));
    }),
  );
}

function cpsfSection(ws: string, after: Promise<void>): HTMLElement {
  const body = h('div', { class: 'hm-body' });
  const sec = h('section', { class: 'card hm', 'aria-labelledby': 'cpsf-h' }, h('h2', { id: 'cpsf-h' }, t('dash.cpsf')), h('p', { class: 'help' }, t('dash.cpsfHelp')), body);
  loading(body);
  const load = async () => {
    try {
      const d = await gql<{ cpsfHeatmap: { cells: CPSFCellIn[] } }>(CPSF, { ws });
      const grid = arrangeCPSF(d.cpsfHeatmap.cells);
      body.replaceChildren(
        h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'heatmap cpsf' },
            h('caption', { class: 'sr-only' }, t('dash.cpsf')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('col.layers')), grid[0].map((c) => h('th', { scope: 'col' }, componentName(c.component))))),
            h(
              'tbody',
              null,
              grid.map((row) =>
                h(
                  'tr',
                  null,
                  h('th', { scope: 'row', title: layerName(row[0].layer) }, row[0].layer, h('div', { class: 'lname' }, layerName(row[0].layer).replace(/^L\d\s*/, ''))),
                  row.map((c) => {
                    const nodes = c.assets + (c.orgs ?? 0);
                    const col = bandColour(c.band, nodes);
                    const lines = [
                      c.assets > 0 ? t('cell.assets', { n: c.assets }) : c.orgs ? t('cell.orgs', { n: c.orgs }) : t('cell.none'),
                      c.maxRisk > 0 ? `${bandText(c.band)} · ${t('cell.maxRisk', { r: c.maxRisk })}` : '',
                      c.assessed > 0 ? t('cell.coverage', { p: pct(c.coverage) }) : '',
                    ].filter(Boolean);
                    const label = `${layerName(c.layer)}, ${componentName(c.component)}: `;
                    if (c.pairCount === 0) return h('td', null, h('span', { class: 'cell empty-cell', style: { background: col.bg, color: col.fg } }, h('span', { class: 'sr-only' }, label), lines.map((l) => h('span', { class: 'sub' }, l + ' '))));
                    return h(
                      'td',
                      null,
                      h(
                        'a',
                        {
                          href: wsPath(ws, `/pairs/cpsf/${c.layer}/${c.component}`),
                          'data-link': true,
                          'data-cell': `cpsf-${c.layer}-${c.component}`,
                          class: `cell pat-${col.pattern}`,
                          style: { background: col.bg, color: col.fg },
                        },
                        h('span', { class: 'sr-only' }, label),
                        h('span', { class: 'count' }, String(nodes)),
                        lines.map((l, i) => h('span', { class: i === 0 ? 'sub unit' : 'sub' }, ' ' + (i === 0 ? l.replace(/\d+/, '').trim() : l))),
                      ),
                    );
                  }),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      fail(body, e, load);
    }
  };
  void after.then(load);
  return sec;
}

function supplySection(ws: string, after: Promise<void>): HTMLElement {
  const body = h('div', { class: 'hm-body' });
  const sec = h('section', { class: 'card hm', 'aria-labelledby': 'supply-h' }, h('h2', { id: 'supply-h' }, t('dash.supply')), h('p', { class: 'help' }, t('dash.supplyHelp')), body);
  loading(body);
  const load = async () => {
    try {
      const d = await gql<{ supplyHeatmap: { rows: SupplyRowIn[] } }>(SUPPLY, { ws });
      const s = arrangeSupply(d.supplyHeatmap.rows);
      body.replaceChildren(
        h(
          'div',
          { class: 'scroll tall', tabindex: '0', role: 'region', 'aria-label': t('dash.supply') },
          h(
            'table',
            { class: 'heatmap supply' },
            h('caption', { class: 'sr-only' }, t('dash.supply')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('supply.org')), h('th', { scope: 'col' }, t('supply.tier')), s.functions.map((f) => h('th', { scope: 'col' }, functionName(f))))),
            h(
              'tbody',
              null,
              s.rows.map(({ row, cells }) =>
                h(
                  'tr',
                  null,
                  h('th', { scope: 'row' }, row.organization.name || row.organization.id),
                  h('td', { class: 'num' }, row.tier === 0 ? t('supply.self') : row.tier < 0 ? t('supply.unlinked') : String(row.tier)),
                  cells.map((c) => {
                    if (!c) return h('td', null, '–');
                    const col = coverageColour(c.coverage);
                    return h('td', null, h('span', { class: 'cell small', style: { background: col.bg, color: col.fg }, title: `${c.covered} / ${c.requirements}` }, pct(c.coverage)));
                  }),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      fail(body, e, load);
    }
  };
  void after.then(load);
  return sec;
}

function exportsBar(ws: string): HTMLElement {
  const msg = h('div', { 'aria-live': 'polite' });
  return h(
    'div',
    { class: 'exports' },
    h('span', { class: 'label' }, t('dash.exports') + ':'),
    (['xlsx', 'svg', 'png', 'pdf'] as const).map((f) => {
      const href = `/export/heatmap.${f}?workspace=${encodeURIComponent(ws)}&lang=${lang()}`;
      return h(
        'a',
        {
          href,
          class: 'button secondary',
          'data-export': f,
          download: `heatmap-${ws}.${f}`,
          onclick: async (ev: Event) => {
            // The export needs the token, which a plain link cannot send.
            ev.preventDefault();
            msg.replaceChildren();
            try {
              await download(href, `heatmap-${ws}.${f}`);
            } catch (e) {
              const text = e instanceof Error && 'status' in e && (e as { status: number }).status === 404 ? t('dash.exportMissing') : t('dash.exportFailed', { msg: errorMessage(e, lang()) });
              msg.append(h('div', { class: 'error', role: 'alert' }, text));
            }
          },
        },
        f.toUpperCase(),
      );
    }),
    msg,
  );
}

route('/w/:ws', 'dash.title', ({ main, params }) => {
  const ws = params.ws;
  // The IPA matrix first: on a large workspace each heat-map is a whole
  // analysis on the server, and asking for all three at once would slow
  // down the first one shown.
  const ipa = ipaSection(ws);
  main.append(
    h('div', { class: 'page-head' }, h('h1', null, t('dash.title')), exportsBar(ws)),
    h('div', { class: 'grid-2' }, ipa.sec, supplySection(ws, ipa.done)),
    cpsfSection(ws, ipa.done),
  );
});

// ---- pairs behind a cell

interface PairIn {
  threat: { id: string; nameEN: string; nameJA: string };
  asset: { id: string; name: string };
  hops: number;
  score: { importance: number; likelihood: number; exploitability: number; damage: number; risk: number; band: Band };
}

const PAIR_FIELDS = `totalCount nodes { threat { id nameEN nameJA } asset { id name } hops score { importance likelihood exploitability damage risk band } }`;
// The API cannot select one cell: every cell's pairs are asked for, so the
// page sizes keep the query under the server's complexity limit.
const PAIRS_SHOWN = 200;
const PAIRS_SHOWN_CPSF = 100;

function pairsTable(ws: string, pairs: PairIn[], total: number): HTMLElement {
  if (total === 0) return h('p', { class: 'note' }, t('pairs.none'));
  return h(
    'div',
    null,
    h('p', { class: 'summary' }, t('pairs.shown', { n: pairs.length, total })),
    table(
      null,
      [t('col.threat'), t('col.asset'), t('col.hops'), t('col.risk'), t('col.score'), t('col.path')],
      pairs.map((p) => [
        link(wsPath(ws, `/threats/${encodeURIComponent(p.threat.id)}`), pick(p.threat.nameJA, p.threat.nameEN)),
        link(wsPath(ws, `/assets/${encodeURIComponent(p.asset.id)}`), p.asset.name || p.asset.id),
        String(p.hops),
        h('span', { class: `band band-${p.score.band}` }, `${p.score.risk} ${t(`band.short.${p.score.band}` as Key)}`),
        `${p.score.importance} / ${p.score.likelihood} / ${p.score.exploitability} / ${p.score.damage}`,
        h('a', { href: wsPath(ws, `/reach/${encodeURIComponent(p.asset.id)}/${encodeURIComponent(p.threat.id)}`), 'data-link': true, class: 'pair-path' }, t('asset.paths')),
      ]),
    ),
  );
}

route('/w/:ws/pairs/ipa/:imp/:dmg', 'dash.ipa', async ({ main, params }) => {
  const ws = params.ws;
  const imp = Number(params.imp);
  const dmg = Number(params.dmg);
  const title = t('pairs.title', { cell: t('pairs.ipaCell', { i: imp, d: dmg, r: imp * dmg }) });
  main.append(h('p', null, link(wsPath(ws), '← ' + t('nav.dashboard'))), h('h1', null, title));
  const body = h('div');
  main.append(body);
  loading(body);
  const d = await gql<{ ipaHeatmap: { cells: { importance: number; damage: number; pairs: { totalCount: number; nodes: PairIn[] } }[] } }>(
    `query IPAPairs($ws: ID!) { ipaHeatmap(workspace: $ws) { cells { importance damage pairs(first: ${PAIRS_SHOWN}) { ${PAIR_FIELDS} } } } }`,
    { ws },
  );
  const cell = d.ipaHeatmap.cells.find((c) => c.importance === imp && c.damage === dmg);
  body.replaceChildren(pairsTable(ws, cell?.pairs.nodes ?? [], cell?.pairs.totalCount ?? 0));
});

route('/w/:ws/pairs/cpsf/:layer/:component', 'dash.cpsf', async ({ main, params }) => {
  const ws = params.ws;
  const title = t('pairs.title', { cell: `${layerName(params.layer)} × ${componentName(params.component)}` });
  main.append(h('p', null, link(wsPath(ws), '← ' + t('nav.dashboard'))), h('h1', null, title), h('p', { class: 'muted' }, workspaceName(ws)));
  const body = h('div');
  main.append(body);
  loading(body);
  const d = await gql<{ cpsfHeatmap: { cells: { layer: string; component: string; pairs: { totalCount: number; nodes: PairIn[] } }[] } }>(
    `query CPSFPairs($ws: ID!) { cpsfHeatmap(workspace: $ws) { cells { layer component pairs(first: ${PAIRS_SHOWN_CPSF}) { ${PAIR_FIELDS} } } } }`,
    { ws },
  );
  const cell = d.cpsfHeatmap.cells.find((c) => c.layer === params.layer && c.component === params.component);
  body.replaceChildren(pairsTable(ws, cell?.pairs.nodes ?? [], cell?.pairs.totalCount ?? 0));
});
