// Import a workbook: choose, dry run with the rejected cells, then import.
import { saveBlob, upload } from '../api';
import { me, route } from '../app';
import { append, h, table } from '../dom';
import { ApiError, errorMessage, looksLikeWorkbook } from '../errors';
import { lang, t } from '../i18n';
import { rejectionCSV } from '../shape';

interface Report {
  workspace: string;
  dryRun: boolean;
  partial: boolean;
  written: boolean;
  files: string[];
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  rejected: { file: string; sheet: string; row: number; column: string; value: string; reason: string }[];
  summary: string;
}

const IMPORT = `mutation Import($ws: ID!, $file: Upload!, $dryRun: Boolean, $partial: Boolean) {
  importWorkbook(workspace: $ws, file: $file, dryRun: $dryRun, partial: $partial) {
    workspace dryRun partial written files created updated unchanged removed summary
    rejected { file sheet row column value reason } } }`;

function reportView(r: Report): HTMLElement {
  const head = [t('col.file'), t('col.sheet'), t('col.row'), t('col.column'), t('col.value'), t('col.reason')];
  const counts = { c: r.created, u: r.updated, s: r.unchanged, r: r.removed };
  return h(
    'section',
    { class: 'card', id: 'import-report', 'aria-labelledby': 'report-h' },
    h('h2', { id: 'report-h' }, t('import.report')),
    h(
      'p',
      { class: r.written ? 'ok' : r.dryRun ? 'summary' : 'warn', role: 'status' },
      r.dryRun ? `${t('import.dryRunDone')} ${t('import.counts', counts)}` : r.written ? t('import.written', counts) : t('import.notWritten'),
    ),
    r.rejected.length === 0
      ? h('p', null, t('import.noRejected'))
      : [
          h('h3', null, t('import.rejected', { n: r.rejected.length })),
          h('div', { class: 'scroll' }, table(null, head, r.rejected.map((x) => [x.file, x.sheet, String(x.row || ''), x.column, x.value, x.reason]), 'data rejected')),
          h(
            'button',
            { type: 'button', class: 'secondary', id: 'download-rejections', onclick: () => saveBlob(new Blob([rejectionCSV(r.rejected, head)], { type: 'text/csv;charset=utf-8' }), `rejected-${r.workspace}.csv`) },
            t('import.download'),
          ),
        ],
  );
}

route('/w/:ws/import', 'import.title', ({ main, params }) => {
  const ws = params.ws;
  const p = me();
  const viewer = p !== null && p.role === 'VIEWER';
  const msg = h('div', { id: 'import-msg', 'aria-live': 'assertive' });
  const out = h('div');
  const file = h('input', { id: 'workbook', name: 'workbook', type: 'file', accept: '.xlsx,.xlsm,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const partial = h('input', { id: 'partial', type: 'checkbox' });
  const dry = h('button', { type: 'button', id: 'dry-run' }, t('import.dryRun'));
  const run = h('button', { type: 'button', id: 'run-import', class: 'secondary', disabled: true }, t('import.run'));
  const progress = h('progress', { max: '1', value: '0', hidden: true, 'aria-label': t('import.working') });
  const progressText = h('span', { class: 'muted', 'aria-live': 'polite' });

  const showError = (e: unknown) => msg.replaceChildren(h('div', { class: 'error', role: 'alert' }, errorMessage(e, lang(), 'import')));

  /** The chosen file, when it looks like a workbook; else shows why not. */
  const chosen = async (): Promise<File | null> => {
    const f = file.files?.[0];
    if (!f) {
      msg.replaceChildren(h('div', { class: 'error', role: 'alert' }, t('import.choose')));
      return null;
    }
    const head = new Uint8Array(await f.slice(0, 4).arrayBuffer());
    if (!looksLikeWorkbook(f.name, head)) {
      showError(new ApiError('NOT_WORKBOOK', `${f.name} is not a workbook`, 0, { name: f.name }));
      return null;
    }
    return f;
  };

  const send = async (dryRun: boolean) => {
    msg.replaceChildren();
    const f = await chosen();
    if (!f) return;
    dry.disabled = run.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    progressText.textContent = t('import.working');
    try {
      const d = await upload<{ importWorkbook: Report }>(IMPORT, { ws, dryRun, partial: partial.checked }, f, (x) => {
        progress.value = x;
        progressText.textContent = x < 1 ? t('import.uploading', { p: `${Math.round(x * 100)}%` }) : t('import.working');
        if (x >= 1) progress.removeAttribute('value');
      });
      out.replaceChildren(reportView(d.importWorkbook));
      run.disabled = !dryRun;
    } catch (e) {
      // The server reads the file only after the upload: a file that is
      // not a workbook comes back as BAD_USER_INPUT naming it.
      showError(e);
      run.disabled = true;
    } finally {
      dry.disabled = false;
      progress.hidden = true;
      progressText.textContent = '';
    }
  };
  file.addEventListener('change', async () => {
    out.replaceChildren();
    run.disabled = true;
    msg.replaceChildren();
    if (file.files?.[0]) await chosen();
  });
  dry.addEventListener('click', () => void send(true));
  run.addEventListener('click', () => void send(false));

  append(main, [
    h('h1', null, t('import.title')),
    h('p', null, t('import.intro')),
    viewer ? h('div', { class: 'error', role: 'alert', id: 'viewer-note' }, t('import.viewer')) : null,
    h(
      'form',
      { class: 'card', onsubmit: (ev: Event) => ev.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'workbook' }, t('import.file')), file),
      h('div', { class: 'field check' }, partial, h('label', { for: 'partial' }, t('import.partial'))),
      h('div', { class: 'actions' }, dry, run, progress, progressText),
      msg,
    ),
    out,
  ]);
});
