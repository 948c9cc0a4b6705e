// The app shell: language, the signed-in principal, the catalog cache, the
// router and the page layout. Pages live in pages/*.ts.
import { getToken, gql, setToken } from './api';
import { h, clear, type Child } from './dom';
import { ApiError, errorMessage } from './errors';
import { detectLang, lang, setLang, t, type Key, type Lang } from './i18n';

export interface Principal {
  tokenId: string;
  name: string;
  workspace: string;
  role: 'VIEWER' | 'ANALYST' | 'ADMIN';
  dev: boolean;
}

export interface Named {
  nameEN: string;
  nameJA: string;
}

export interface Catalog {
  layers: ({ id: string } & Named)[];
  components: ({ code: string } & Named)[];
  frameworks: ({ id: string } & Named)[];
  threats: ({ id: string; actor: string; level: number; provenance: { official: boolean; source: string } } & Named)[];
  completeness: { kind: string; framework: string | null; present: number; expected: number | null; note: string }[];
}

export interface PageCtx {
  main: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
}

export type Page = (ctx: PageCtx) => Promise<void> | void;

interface Route {
  re: RegExp;
  names: string[];
  page: Page;
  ws: boolean;
  title: Key;
}

const routes: Route[] = [];

/** Register a page for a path pattern such as /w/:ws/assets/:id. */
export function route(pattern: string, title: Key, page: Page): void {
  const names: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/:(\w+)/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      }) +
      '/?$',
  );
  routes.push({ re, names, page, ws: names.includes('ws'), title });
}

const DEV_KEY = 'cpsfgraph.dev';
const LANG_KEY = 'cpsfgraph.lang';

const state: {
  me: Principal | null;
  catalog: Catalog | null;
  workspaces: Map<string, string>;
  flash: string;
  abort: AbortController | null;
} = { me: null, catalog: null, workspaces: new Map(), flash: '', abort: null };

export function me(): Principal | null {
  return state.me;
}

export function setFlash(msg: string): void {
  state.flash = msg;
}

export function takeFlash(): string {
  const f = state.flash;
  state.flash = '';
  return f;
}

export function signIn(p: Principal, token: string): void {
  setToken(token);
  if (p.dev && !token) sessionStorage.setItem(DEV_KEY, '1');
  state.me = p;
}

export function signOut(msg = ''): void {
  setToken('');
  sessionStorage.removeItem(DEV_KEY);
  state.me = null;
  state.flash = msg;
  navigate('/signin');
}

function signedIn(): boolean {
  return getToken() !== '' || sessionStorage.getItem(DEV_KEY) === '1';
}

const CATALOG = `query Catalog { catalog {
  layers { id nameEN nameJA }
  components { code nameEN nameJA }
  frameworks { id nameEN nameJA }
  threats { id nameEN nameJA actor level provenance { official source } }
  completeness { kind framework present expected note }
} }`;

export async function catalog(): Promise<Catalog> {
  if (!state.catalog) state.catalog = (await gql<{ catalog: Catalog }>(CATALOG)).catalog;
  return state.catalog;
}

export function layerName(id: string): string {
  const l = state.catalog?.layers.find((x) => x.id === id);
  return l ? `${id} ${lang() === 'ja' ? l.nameJA : l.nameEN}` : id;
}

export function componentName(code: string): string {
  const c = state.catalog?.components.find((x) => x.code === code);
  return c ? (lang() === 'ja' ? c.nameJA : c.nameEN) : code.toLowerCase();
}

export function frameworkName(id: string): string {
  const f = state.catalog?.frameworks.find((x) => x.id === id);
  return f ? (lang() === 'ja' ? f.nameJA || f.nameEN : f.nameEN || f.nameJA) : id;
}

export function workspaceName(id: string): string {
  return state.workspaces.get(id) ?? id;
}

export function rememberWorkspaces(list: { id: string; name: string }[]): void {
  for (const w of list) state.workspaces.set(w.id, w.name);
}

/** A link handled by the router. */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href, 'data-link': true }, ...children);
}

export function wsPath(ws: string, rest = ''): string {
  return `/w/${encodeURIComponent(ws)}${rest}`;
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

/** A box with an error message in the user's language. */
export function errorBox(err: unknown, action: 'read' | 'import' = 'read', retry?: () => void): HTMLElement {
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', null, t('err.title') + ': '),
    errorMessage(err, lang(), action),
    retry ? h('div', null, h('button', { type: 'button', class: 'secondary', onclick: retry }, t('err.retry'))) : null,
  );
}

/** Show a loading line in el until replaced. */
export function loading(el: HTMLElement): void {
  clear(el);
  el.append(h('p', { class: 'loading', role: 'status' }, t('app.loading')));
}

/**
 * Handle an error of a page: an invalid or expired token signs out with the
 * message shown on the sign-in page; anything else is shown in place.
 */
export function fail(el: HTMLElement, err: unknown, retry?: () => void): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
    signOut(errorMessage(err, lang()));
    return;
  }
  clear(el);
  el.append(errorBox(err, 'read', retry));
}

// ---- layout

let root: HTMLElement;

function header(ws: string | null): HTMLElement {
  const p = state.me;
  const nav = ws
    ? h(
        'nav',
        { 'aria-label': t('nav.main') },
        h(
          'ul',
          null,
          (
            [
              ['', 'nav.dashboard'],
              ['/assets', 'nav.assets'],
              ['/threats', 'nav.threats'],
              ['/coverage', 'nav.coverage'],
              ['/import', 'nav.import'],
            ] as [string, Key][]
          ).map(([rest, key]) => {
            const href = wsPath(ws, rest);
            const here = location.pathname === href || (rest !== '' && location.pathname.startsWith(href + '/'));
            return h('li', null, h('a', { href, 'data-link': true, 'aria-current': here ? 'page' : null }, t(key)));
          }),
          h('li', null, link('/workspaces', t('nav.workspaces'))),
        ),
      )
    : null;
  return h(
    'header',
    { class: 'top' },
    h('div', { class: 'brand' }, link(p ? '/workspaces' : '/signin', h('span', { class: 'logo' }, 'cpsfgraph')), h('span', { class: 'tagline' }, t('app.tagline'))),
    ws ? h('div', { class: 'wsname' }, workspaceName(ws)) : null,
    h(
      'div',
      { class: 'tools' },
      p ? h('span', { class: 'who' }, t('app.signedInAs', { name: p.name, role: p.role.toLowerCase(), ws: p.workspace })) : null,
      h('button', { type: 'button', class: 'lang', id: 'lang-toggle', lang: lang() === 'ja' ? 'en' : 'ja', title: t('app.langLabel'), onclick: () => switchLang(lang() === 'ja' ? 'en' : 'ja') }, t('app.lang')),
      p ? h('button', { type: 'button', class: 'secondary', onclick: () => signOut() }, t('app.signout')) : null,
    ),
    nav,
  );
}

export function switchLang(l: Lang): void {
  setLang(l);
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l;
  void render();
}

async function ensureMe(): Promise<void> {
  if (state.me) return;
  const d = await gql<{ me: Principal; workspaces: { id: string; name: string }[] }>('query Me { me { tokenId name workspace role dev } workspaces { id name } }');
  state.me = d.me;
  rememberWorkspaces(d.workspaces);
}

let seq = 0;

export async function render(): Promise<void> {
  const my = ++seq;
  state.abort?.abort();
  const ac = new AbortController();
  state.abort = ac;
  const path = location.pathname;
  let r: Route | undefined;
  let m: RegExpMatchArray | null = null;
  for (const x of routes) {
    m = path.match(x.re);
    if (m) {
      r = x;
      break;
    }
  }
  const main = h('main', { id: 'main', tabindex: '-1' });
  const paint = (ws: string | null) => {
    clear(root);
    root.append(h('a', { class: 'skip', href: '#main' }, t('app.skip')), header(ws), main);
  };
  if (path === '/' || path === '') {
    navigate(signedIn() ? '/workspaces' : '/signin', true);
    return;
  }
  if (!r || !m) {
    paint(null);
    main.append(h('h1', null, t('notfound.title')), h('p', null, link('/workspaces', t('notfound.back'))));
    document.title = `${t('notfound.title')} · cpsfgraph`;
    return;
  }
  const params: Record<string, string> = {};
  r.names.forEach((n, i) => (params[n] = decodeURIComponent(m![i + 1])));
  if (r.title !== 'signin.title') {
    if (!signedIn()) {
      navigate('/signin', true);
      return;
    }
    try {
      await Promise.all([ensureMe(), catalog()]);
    } catch (e) {
      if (my !== seq) return;
      paint(null);
      fail(main, e, () => void render());
      return;
    }
    if (my !== seq) return;
  }
  paint(r.ws ? params.ws : null);
  document.title = `${t(r.title)} · cpsfgraph`;
  try {
    await r.page({ main, params, query: new URLSearchParams(location.search), signal: ac.signal });
  } catch (e) {
    if (my === seq) fail(main, e, () => void render());
  }
  // After a navigation inside the app, focus moves to the new content (as a
  // page load would reset it); on the first load it stays at the top, so the
  // first Tab reaches the skip link.
  if (my === seq && my > 1 && document.activeElement === document.body) main.focus({ preventScroll: true });
}

export function start(el: HTMLElement): void {
  root = el;
  setLang(detectLang(navigator.languages, localStorage.getItem(LANG_KEY)));
  document.documentElement.lang = lang();
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    const url = new URL(a.href);
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => void render());
  // Last line of defence: an unexpected error shows a message, never a
  // blank page.
  const oops = (msg: string) => {
    const main = document.getElementById('main');
    if (main && !main.querySelector('.error')) main.prepend(errorBox(new ApiError('UNKNOWN', msg)));
  };
  window.addEventListener('error', (ev) => oops(ev.message));
  window.addEventListener('unhandledrejection', (ev) => {
    const r = ev.reason;
    if (r instanceof ApiError && r.code === 'UNAUTHENTICATED') {
      signOut(errorMessage(r, lang()));
      return;
    }
    oops(r instanceof Error ? r.message : String(r));
  });
  void render();
}
