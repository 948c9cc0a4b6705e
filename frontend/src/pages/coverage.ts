// Coverage and gaps of the workspace against one framework.
import { gql } from '../api';
import { catalog, componentName, frameworkName, layerName, loading, navigate, route, wsPath } from '../app';
import { fill, h, table } from '../dom';
import { pick, t, type Key } from '../i18n';
import { coverageColour, pct, topGaps, type CellCoverageIn, type ControlRef } from '../shape';

interface Cov {
  framework: { id: string; nameEN: string; nameJA: string; version: string; provenance: { source: string; official: boolean } };
  controls: { control: ControlRef & { level: string }; implemented: number; partial: number; assets: number; statuses: { organization: { id: string }; status: string | null }[] }[];
  organizations: { organization: { id: string; name: string }; controls: number; implemented: number; partial: number; planned: number; none: number; unset: number; coverage: number; ready: boolean; missing: ControlRef[] }[];
  cells: (CellCoverageIn & { controls: ControlRef[]; inForce: number })[];
}

const CREF = 'ref framework id titleEN titleJA';

function covCell(p: number): HTMLElement {
  const c = coverageColour(p);
  return h('span', { class: 'cell small', style: { background: c.bg, color: c.fg } }, pct(p));
}

route('/w/:ws/coverage', 'cov.title', async ({ main, params, query }) => {
  const ws = params.ws;
  const cat = await catalog();
  const fw = query.get('fw') || (cat.frameworks.find((f) => f.id === 'SECURITY-ACTION') ?? cat.frameworks[0])?.id || '';
  const sel = h(
    'select',
    { id: 'framework', onchange: () => navigate(wsPath(ws, '/coverage') + '?fw=' + encodeURIComponent(sel.value)) },
    cat.frameworks.map((f) => h('option', { value: f.id, selected: f.id === fw }, `${pick(f.nameJA, f.nameEN)} (${f.id})`)),
  );
  const body = h('div');
  main.append(h('h1', null, t('cov.title')), h('div', { class: 'filters card' }, h('div', { class: 'field' }, h('label', { for: 'framework' }, t('cov.framework')), sel)), body);
  if (!fw) return;
  loading(body);
  const d = await gql<{ coverage: Cov }>(
    `query Coverage($ws: ID!, $fw: ID!) { coverage(workspace: $ws, framework: $fw) {
      framework { id nameEN nameJA version provenance { source official } }
      controls { control { ${CREF} level } implemented partial assets statuses { organization { id } status } }
      organizations { organization { id name } controls implemented partial planned none unset coverage ready missing { ${CREF} } }
      cells { layer component coverage assessed riskSources inForce controls { ${CREF} } } } }`,
    { ws, fw },
  );
  const c = d.coverage;
  const gaps = topGaps(c.organizations, c.cells);
  const orgs = c.organizations.map((o) => o.organization);
  fill(body, 
    h('p', { class: 'muted' }, `${frameworkName(c.framework.id)} ${c.framework.version} · ${c.framework.provenance.source}`),
    c.controls.length === 0 ? h('p', { class: 'note' }, t('cov.noControls')) : null,
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('cov.topGaps')),
      h('p', { class: 'help' }, t('cov.topGapsHelp')),
      h(
        'div',
        { class: 'grid-2' },
        h('ol', { class: 'gaplist' }, gaps.controls.map((g) => h('li', null, h('strong', null, g.control.id), ' ', pick(g.control.titleJA, g.control.titleEN), ' — ', h('span', { class: 'muted' }, t('cov.missingAt', { n: g.missingAt }))))),
        h('ol', { class: 'gaplist' }, gaps.cells.map((x) => h('li', null, `${layerName(x.layer)} × ${componentName(x.component)}: `, covCell(x.coverage)))),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('cov.orgs')),
      table(
        null,
        [t('supply.org'), t('col.coverage'), t('col.status'), t('cov.implemented'), t('cov.partial'), t('cov.missing')],
        c.organizations.map((o) => [
          o.organization.name || o.organization.id,
          covCell(o.coverage),
          h('span', { class: o.ready ? 'tag official' : 'tag own' }, o.ready ? t('cov.ready') : t('cov.notReady')),
          `${o.implemented} / ${o.controls}`,
          String(o.partial),
          String(o.missing.length),
        ]),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('cov.controls')),
      h(
        'div',
        { class: 'scroll' },
        table(
          null,
          [t('col.control'), t('col.level'), t('cov.implemented'), t('cov.partial'), ...orgs.map((o) => o.name || o.id)],
          c.controls.map((x) => [
            h('span', null, h('strong', null, x.control.id), ' ', pick(x.control.titleJA, x.control.titleEN)),
            x.control.level,
            String(x.implemented),
            String(x.partial),
            ...orgs.map((o) => {
              const st = x.statuses.find((s) => s.organization.id === o.id)?.status ?? null;
              return h('span', { class: `cst cst-${st ?? 'unset'}` }, st ? t(`cstatus.${st}` as Key) : t('cstatus.unset'));
            }),
          ]),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('cov.cells')),
      table(
        null,
        [t('col.layers'), t('col.component'), t('col.coverage'), t('cov.controls'), t('cov.inForce')],
        c.cells
          .filter((x) => x.riskSources > 0)
          .map((x) => [layerName(x.layer), componentName(x.component), x.assessed > 0 ? covCell(x.coverage) : '–', String(x.controls.length), String(x.inForce)]),
      ),
    ),
  );
});
