// The asset explorer, the threat view (blast radius) and the reach view: the
// paths of one threat to one asset, drawn as a graph, with each hop's
// coverage and missing controls.
import { gql } from '../api';
import { catalog, componentName, fail, frameworkName, layerName, link, loading, navigate, route, wsPath } from '../app';
import { fill, h, table, type Child } from '../dom';
import { pick, t, type Key } from '../i18n';
import { COMPONENTS, LAYERS, STATUS_STYLE, pathElements, pct, type Band, type CoverageStatus, type HopIn } from '../shape';

interface AssetRow {
  id: string;
  name: string;
  component: string;
  layers: string[];
  importance: number;
  category: string;
  media: string;
  owner: { id: string; name: string } | null;
}

const ASSET_ROW = 'id name component layers importance category media owner { id name }';

function bandSpan(risk: number, band: Band): HTMLElement {
  return h('span', { class: `band band-${band}` }, `${risk} ${t(`band.short.${band}` as Key)}`);
}

function select(id: string, label: string, value: string, options: [string, string][]): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name: id }, h('option', { value: '' }, t('assets.any')), options.map(([v, l]) => h('option', { value: v, selected: v === value }, l))),
  );
}

route('/w/:ws/assets', 'assets.title', async ({ main, params, query }) => {
  const ws = params.ws;
  const orgs = await gql<{ organizations: { id: string; name: string }[] }>('query Orgs($ws: ID!) { organizations(workspace: $ws) { id name } }', { ws });
  const q = (k: string) => query.get(k) ?? '';
  const form = h(
    'form',
    {
      class: 'filters card',
      role: 'search',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const fd = new FormData(form);
        const sp = new URLSearchParams();
        for (const [k, v] of fd.entries()) if (typeof v === 'string' && v.trim()) sp.set(k, v.trim());
        navigate(wsPath(ws, '/assets') + (sp.size ? '?' + sp.toString() : ''));
      },
    },
    h('div', { class: 'field grow' }, h('label', { for: 'text' }, t('assets.search')), h('input', { id: 'text', name: 'text', type: 'search', value: q('text') })),
    select('layer', t('assets.layer'), q('layer'), LAYERS.map((l) => [l, layerName(l)])),
    select('component', t('assets.component'), q('component'), COMPONENTS.map((c) => [c, componentName(c)])),
    select('org', t('assets.org'), q('org'), orgs.organizations.map((o) => [o.id, o.name || o.id])),
    select('minImportance', t('assets.minImportance'), q('minImportance'), [['1', '1'], ['2', '2'], ['3', '3']]),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('assets.apply'))),
  );
  const results = h('div', { id: 'asset-results' });
  main.append(h('h1', null, t('assets.title')), form, results);
  const filter: Record<string, unknown> = {};
  if (q('text')) filter.text = q('text');
  if (q('layer')) filter.layer = q('layer');
  if (q('component')) filter.component = q('component');
  if (q('org')) filter.org = q('org');
  if (q('minImportance')) filter.minImportance = Number(q('minImportance'));
  const rows: AssetRow[] = [];
  const tbody = h('tbody');
  const summary = h('p', { class: 'summary', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary' }, t('pairs.more'));
  let after: string | null = null;
  const page = async () => {
    more.disabled = true;
    const d = await gql<{ assets: { totalCount: number; nodes: AssetRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      `query Assets($ws: ID!, $f: AssetFilter, $after: String) { assets(workspace: $ws, filter: $f, first: 50, after: $after) { totalCount nodes { ${ASSET_ROW} } pageInfo { hasNextPage endCursor } } }`,
      { ws, f: filter, after },
    );
    rows.push(...d.assets.nodes);
    for (const a of d.assets.nodes) {
      tbody.append(
        h(
          'tr',
          null,
          h('td', null, link(wsPath(ws, `/assets/${encodeURIComponent(a.id)}`), a.id)),
          h('td', null, a.name),
          h('td', null, componentName(a.component)),
          h('td', null, a.layers.join(', ')),
          h('td', { class: 'num' }, String(a.importance)),
          h('td', null, a.category),
          h('td', null, a.owner ? a.owner.name || a.owner.id : ''),
        ),
      );
    }
    summary.textContent = d.assets.totalCount === 0 ? t('assets.none') : `${t('assets.count', { n: d.assets.totalCount })} · ${t('pairs.shown', { n: rows.length, total: d.assets.totalCount })}`;
    after = d.assets.pageInfo.endCursor;
    more.hidden = !d.assets.pageInfo.hasNextPage;
    more.disabled = false;
  };
  more.addEventListener('click', () => void page().catch((e) => fail(results, e)));
  loading(results);
  await page();
  fill(results,
    summary,
    rows.length
      ? h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'data' },
            h('thead', null, h('tr', null, [t('col.id'), t('col.name'), t('col.component'), t('col.layers'), t('col.importance'), t('col.category'), t('col.owner')].map((c) => h('th', { scope: 'col' }, c)))),
            tbody,
          ),
        )
      : null,
    more,
  );
});

interface ThreatReachIn {
  threat: { id: string; nameEN: string; nameJA: string };
  score: { importance: number; likelihood: number; exploitability: number; damage: number; risk: number; band: Band };
  paths: { length: number }[];
}

route('/w/:ws/assets/:id', 'assets.title', async ({ main, params }) => {
  const ws = params.ws;
  loading(main);
  const d = await gql<{
    asset: AssetRow & {
      c: number; i: number; a: number;
      exposure: string[];
      personalInfo: string[];
      controls: { control: { ref: string; titleEN: string; titleJA: string; framework: string }; status: string }[];
      neighbours: { edge: { type: string; flow: string }; direction: string; id: string; kind: string; asset: { name: string } | null; organization: { name: string } | null }[];
    };
    threatsReaching: { maxHops: number; threats: ThreatReachIn[] };
  }>(
    `query Asset($ws: ID!, $id: ID!) {
      asset(workspace: $ws, id: $id) { ${ASSET_ROW} c i a exposure personalInfo
        controls { control { ref titleEN titleJA framework } status }
        neighbours { edge { type flow } direction id kind asset { name } organization { name } } }
      threatsReaching(workspace: $ws, asset: $id, paths: 1) { maxHops threats { threat { id nameEN nameJA } score { importance likelihood exploitability damage risk band } paths { length } } }
    }`,
    { ws, id: params.id },
  );
  const a = d.asset;
  const dl = (pairs: [string, Child][]) => h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  main.replaceChildren(
    h('p', null, link(wsPath(ws, '/assets'), '← ' + t('nav.assets'))),
    h('h1', null, a.name || a.id, ' ', h('small', { class: 'muted' }, a.id)),
    h(
      'section',
      { class: 'card' },
      dl([
        [t('col.component'), componentName(a.component)],
        [t('col.layers'), a.layers.map(layerName).join(', ')],
        [t('asset.cia'), `${a.c} / ${a.i} / ${a.a}`],
        [t('col.importance'), String(a.importance)],
        [t('col.category'), a.category || '–'],
        [t('col.media'), a.media || '–'],
        [t('col.owner'), a.owner ? a.owner.name || a.owner.id : '–'],
      ]),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('asset.threats')),
      d.threatsReaching.threats.length === 0
        ? h('p', { class: 'note' }, t('asset.noThreats', { h: d.threatsReaching.maxHops }))
        : table(
            null,
            [t('col.threat'), t('col.risk'), t('col.score'), t('col.hops'), t('col.path')],
            d.threatsReaching.threats.map((r) => [
              link(wsPath(ws, `/threats/${encodeURIComponent(r.threat.id)}`), pick(r.threat.nameJA, r.threat.nameEN)),
              bandSpan(r.score.risk, r.score.band),
              `${r.score.importance} / ${r.score.likelihood} / ${r.score.exploitability} / ${r.score.damage}`,
              String(r.paths[0]?.length ?? ''),
              link(wsPath(ws, `/reach/${encodeURIComponent(a.id)}/${encodeURIComponent(r.threat.id)}`), t('asset.paths')),
            ]),
          ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('asset.neighbours')),
      table(
        null,
        [t('col.relation'), t('col.node'), t('col.name')],
        a.neighbours.map((n) => [
          `${n.direction === 'OUT' ? '→' : '←'} ${n.edge.type}`,
          n.kind === 'ASSET' ? link(wsPath(ws, `/assets/${encodeURIComponent(n.id)}`), n.id) : n.id,
          n.asset?.name ?? n.organization?.name ?? '',
        ]),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('asset.controls')),
      a.controls.length === 0
        ? h('p', { class: 'note' }, t('asset.noControls'))
        : table(null, [t('col.control'), t('col.status')], a.controls.map((c) => [`${c.control.ref} ${pick(c.control.titleJA, c.control.titleEN)}`, t(`cstatus.${c.status}` as Key)])),
    ),
  );
});

route('/w/:ws/threats', 'threats.title', async ({ main, params }) => {
  const cat = await catalog();
  main.append(
    h('h1', null, t('threats.title')),
    table(
      null,
      [t('col.id'), t('col.threat'), t('col.actor'), t('col.level'), t('reach.official')],
      cat.threats.map((th) => [
        th.id,
        link(wsPath(params.ws, `/threats/${encodeURIComponent(th.id)}`), pick(th.nameJA, th.nameEN)),
        th.actor,
        String(th.level),
        th.provenance.official ? t('common.yes') : t('reach.own'),
      ]),
    ),
  );
});

route('/w/:ws/threats/:id', 'threats.title', async ({ main, params }) => {
  const ws = params.ws;
  loading(main);
  type Reached = { asset: { id: string; name: string; importance: number }; hops: number; score: { risk: number; band: Band }; path: string[] };
  const q = `query Blast($ws: ID!, $id: ID!, $after: String) { assetsReachedBy(workspace: $ws, threat: $id) { maxHops entries threat { id nameEN nameJA actor level provenance { source official } }
    assets(first: 50, after: $after) { totalCount nodes { asset { id name importance } hops score { risk band } path } pageInfo { hasNextPage endCursor } } } }`;
  const d = await gql<{
    assetsReachedBy: {
      maxHops: number;
      entries: number;
      threat: { id: string; nameEN: string; nameJA: string; actor: string; level: number; provenance: { source: string; official: boolean } };
      assets: { totalCount: number; nodes: Reached[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
  }>(q, { ws, id: params.id, after: null });
  const b = d.assetsReachedBy;
  const tbody = h('tbody');
  const addRows = (rows: Reached[]) => {
    for (const r of rows)
      tbody.append(
        h(
          'tr',
          null,
          h('td', null, link(wsPath(ws, `/assets/${encodeURIComponent(r.asset.id)}`), r.asset.name || r.asset.id)),
          h('td', null, bandSpan(r.score.risk, r.score.band)),
          h('td', { class: 'num' }, String(r.hops)),
          h('td', { class: 'path' }, r.path.join(' → ')),
          h('td', null, link(wsPath(ws, `/reach/${encodeURIComponent(r.asset.id)}/${encodeURIComponent(b.threat.id)}`), t('asset.paths'))),
        ),
      );
  };
  addRows(b.assets.nodes);
  let after = b.assets.pageInfo.endCursor;
  const more = h('button', { type: 'button', class: 'secondary', hidden: !b.assets.pageInfo.hasNextPage }, t('pairs.more'));
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const n = await gql<typeof d>(q, { ws, id: params.id, after });
      addRows(n.assetsReachedBy.assets.nodes);
      after = n.assetsReachedBy.assets.pageInfo.endCursor;
      more.hidden = !n.assetsReachedBy.assets.pageInfo.hasNextPage;
    } catch (e) {
      fail(main, e);
    }
    more.disabled = false;
  });
  main.replaceChildren(
    h('p', null, link(wsPath(ws, '/threats'), '← ' + t('nav.threats'))),
    h('h1', null, pick(b.threat.nameJA, b.threat.nameEN), ' ', h('small', { class: 'muted' }, b.threat.id)),
    h('p', { class: 'muted' }, `${t('col.actor')}: ${b.threat.actor} · ${t('col.level')} ${b.threat.level} · ${b.threat.provenance.official ? t('reach.official') : t('reach.own')} (${b.threat.provenance.source})`),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('threat.blast')),
      h('p', { class: 'summary' }, t('threat.entries', { n: b.entries, total: b.assets.totalCount, h: b.maxHops })),
      b.assets.totalCount === 0
        ? h('p', { class: 'note' }, t('threat.none'))
        : h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { class: 'data' },
              h('thead', null, h('tr', null, [t('col.asset'), t('col.risk'), t('col.hops'), t('col.path'), ''].map((c) => h('th', { scope: 'col' }, c)))),
              tbody,
            ),
          ),
      more,
    ),
  );
});

// ---- reach: paths of one threat to one asset

interface ControlIn {
  ref: string;
  framework: string;
  id: string;
  titleEN: string;
  titleJA: string;
  provenance: { official: boolean; source: string };
}

interface HopFull extends HopIn {
  layers: string[];
  component: string;
  covering: ControlIn[];
  gaps: {
    weight: number;
    riskSource: { id: string; threatEN: string; threatJA: string; vulnerabilityEN: string; vulnerabilityJA: string };
    requirements: { id: string; summaryEN: string; summaryJA: string; provenance: { official: boolean; source: string } }[];
    controls: ControlIn[];
  }[];
}

const CONTROL = 'ref framework id titleEN titleJA provenance { official source }';

function controlItem(c: ControlIn): HTMLElement {
  return h(
    'li',
    null,
    h('strong', null, `${frameworkName(c.framework)} ${c.id}`),
    ' ',
    pick(c.titleJA, c.titleEN),
    ' ',
    h('span', { class: c.provenance.official ? 'tag official' : 'tag own' }, c.provenance.official ? t('reach.official') : t('reach.own')),
  );
}

function statusBadge(s: CoverageStatus): HTMLElement {
  const st = STATUS_STYLE[s];
  return h('span', { class: `status status-${s}`, style: { borderColor: st.colour } }, h('span', { class: 'dot', style: { background: st.colour }, 'aria-hidden': 'true' }), t(`status.${s}` as Key));
}

async function drawGraph(el: HTMLElement, paths: { length: number; hops: HopIn[] }[]): Promise<void> {
  const { default: cytoscape } = await import('cytoscape');
  const elements = pathElements(paths, (hp) => `${hp.name || hp.node}\n${t(`status.${hp.status}` as Key)}`);
  const style: cytoscape.StylesheetJson = [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'text-wrap': 'wrap',
        'text-max-width': '150px',
        'font-size': 11,
        'text-valign': 'bottom',
        'text-margin-y': 6,
        color: '#1a1a1a',
        width: 38,
        height: 38,
        'border-width': 4,
        'background-color': '#ffffff',
      },
    },
    ...(Object.keys(STATUS_STYLE) as CoverageStatus[]).map((s) => ({
      selector: `node.${s.toLowerCase()}`,
      style: {
        'background-color': STATUS_STYLE[s].colour,
        shape: STATUS_STYLE[s].shape as cytoscape.Css.NodeShape,
        'border-color': '#1a1a1a',
        'border-style': STATUS_STYLE[s].border as cytoscape.Css.LineStyle,
      },
    })),
    { selector: 'node.target', style: { width: 50, height: 50, 'border-width': 6, 'font-weight': 'bold' } },
    { selector: 'edge', style: { width: 2, 'line-color': '#555', 'target-arrow-color': '#555', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
  ];
  const cy = cytoscape({ container: el, elements: elements as cytoscape.ElementDefinition[], style, layout: { name: 'preset', fit: true, padding: 40 }, wheelSensitivity: 0.3, maxZoom: 1.3, minZoom: 0.3, boxSelectionEnabled: false, autoungrabify: true });
  cy.on('tap', 'node', (ev) => {
    const row = document.getElementById('hop-' + CSS.escape(String(ev.target.id())));
    row?.scrollIntoView({ block: 'center' });
    row?.focus();
  });
}

route('/w/:ws/reach/:asset/:threat', 'reach.graph', async ({ main, params }) => {
  const ws = params.ws;
  loading(main);
  const d = await gql<{
    threatsReaching: {
      maxHops: number;
      asset: { id: string; name: string };
      threats: { threat: { id: string; nameEN: string; nameJA: string }; score: ThreatReachIn['score']; truncated: boolean; paths: { length: number; hops: HopFull[] }[] }[];
    };
  }>(
    `query Reach($ws: ID!, $asset: ID!) { threatsReaching(workspace: $ws, asset: $asset, paths: 5) { maxHops asset { id name }
      threats { threat { id nameEN nameJA } score { importance likelihood exploitability damage risk band } truncated
        paths { length hops { node kind name component layers status coverage
          covering { ${CONTROL} }
          gaps { weight riskSource { id threatEN threatJA vulnerabilityEN vulnerabilityJA }
            requirements { id summaryEN summaryJA provenance { official source } }
            controls { ${CONTROL} } } } } } } }`,
    { ws, asset: params.asset },
  );
  const r = d.threatsReaching;
  const tr = r.threats.find((x) => x.threat.id === params.threat);
  const back = h('p', null, link(wsPath(ws, `/assets/${encodeURIComponent(r.asset.id)}`), '← ' + (r.asset.name || r.asset.id)));
  if (!tr) {
    main.replaceChildren(back, h('h1', null, r.asset.name || r.asset.id), h('p', { class: 'note', role: 'status' }, t('reach.notReached')));
    return;
  }
  const hops = new Map<string, HopFull>();
  for (const p of tr.paths) for (const hp of p.hops) if (!hops.has(hp.node)) hops.set(hp.node, hp);
  const graphEl = h('div', {
    id: 'path-graph',
    class: 'graph',
    role: 'img',
    'aria-label': `${t('reach.graph')}: ${tr.paths.map((p) => p.hops.map((hp) => `${hp.name || hp.node} (${t(`status.${hp.status}` as Key)})`).join(' → ')).join('; ')}`,
  });
  const s = tr.score;
  main.replaceChildren(
    back,
    h('h1', null, t('reach.title', { threat: pick(tr.threat.nameJA, tr.threat.nameEN), asset: r.asset.name || r.asset.id })),
    h('p', { class: 'summary' }, bandSpan(s.risk, s.band), ' ', `${t('col.score')}: ${s.importance} / ${s.likelihood} / ${s.exploitability} / ${s.damage}`),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('reach.graph')),
      h('p', { class: 'help' }, t('reach.graphHelp')),
      h(
        'ul',
        { class: 'legend', 'aria-label': t('legend.title') },
        (Object.keys(STATUS_STYLE) as CoverageStatus[]).map((st) => h('li', null, statusBadge(st))),
      ),
      graphEl,
      tr.truncated ? h('p', { class: 'note' }, t('reach.truncated')) : null,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('reach.paths')),
      h(
        'ol',
        { class: 'paths' },
        tr.paths.map((p, i) =>
          h(
            'li',
            null,
            h('span', { class: 'muted' }, t('reach.path', { n: i + 1, len: p.length }) + ': '),
            p.hops.map((hp, j) => [j > 0 ? ' → ' : '', h('a', { href: `#hop-${hp.node}`, class: `hop status-${hp.status}` }, hp.name || hp.node)]),
          ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('reach.hops')),
      h(
        'div',
        { class: 'scroll' },
        h(
        'table',
        { class: 'data hops' },
        h('thead', null, h('tr', null, [t('col.node'), t('col.status'), t('col.coverage'), t('reach.covering'), t('reach.gaps')].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          [...hops.values()].map((hp) =>
            h(
              'tr',
              { id: `hop-${hp.node}`, tabindex: '-1' },
              h('th', { scope: 'row' }, hp.kind === 'ASSET' ? link(wsPath(ws, `/assets/${encodeURIComponent(hp.node)}`), hp.name || hp.node) : hp.name || hp.node, h('div', { class: 'muted' }, `${componentName(hp.component)} · ${hp.layers.join(', ')}`)),
              h('td', null, statusBadge(hp.status)),
              h('td', { class: 'num' }, hp.status === 'NOT_APPLICABLE' ? '–' : pct(hp.coverage)),
              h('td', null, hp.covering.length ? h('ul', { class: 'plain' }, hp.covering.map(controlItem)) : '–'),
              h(
                'td',
                { class: 'gaps' },
                hp.gaps.length === 0
                  ? h('span', { class: 'muted' }, t('reach.noGap'))
                  : hp.gaps.map((g) =>
                      h(
                        'div',
                        { class: 'gap' },
                        h('div', null, h('strong', null, `${t('reach.riskSource')} ${g.riskSource.id}: `), `${pick(g.riskSource.threatJA, g.riskSource.threatEN)} / ${pick(g.riskSource.vulnerabilityJA, g.riskSource.vulnerabilityEN)}`),
                        g.requirements.length
                          ? h('div', null, h('span', { class: 'muted' }, t('reach.requirements') + ': '), g.requirements.map((q, k) => [k ? ', ' : '', h('span', { title: pick(q.summaryJA, q.summaryEN) }, q.id)]))
                          : null,
                        g.controls.length ? h('div', null, h('span', { class: 'muted' }, t('reach.guidelines') + ':'), h('ul', { class: 'plain' }, g.controls.map(controlItem))) : null,
                      ),
                    ),
              ),
            ),
          ),
        ),
      ),
      ),
    ),
  );
  await drawGraph(graphEl, tr.paths);
});
