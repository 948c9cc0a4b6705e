// Sign-in and the workspace picker.
import { gql, setToken } from '../api';
import { catalog, link, loading, navigate, rememberWorkspaces, route, signIn, takeFlash, wsPath, type Principal } from '../app';
import { h } from '../dom';
import { ApiError, errorMessage } from '../errors';
import { lang, t } from '../i18n';

const ME = 'query Me { me { tokenId name workspace role dev } workspaces { id name } }';

route('/signin', 'signin.title', async ({ main }) => {
  const flash = takeFlash();
  const msg = h('div', { id: 'signin-msg', 'aria-live': 'assertive' }, flash ? h('div', { class: 'error', role: 'alert' }, flash) : null);
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'signin-intro' });
  const devBox = h('div');
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const tok = input.value.trim();
        msg.replaceChildren();
        if (!tok) {
          msg.append(h('div', { class: 'error', role: 'alert' }, t('signin.empty')));
          return;
        }
        setToken(tok);
        try {
          const d = await gql<{ me: Principal; workspaces: { id: string; name: string }[] }>(ME);
          signIn(d.me, tok);
          rememberWorkspaces(d.workspaces);
          navigate('/workspaces');
        } catch (e) {
          setToken('');
          msg.append(h('div', { class: 'error', role: 'alert' }, errorMessage(e, lang())));
          input.focus();
        }
      },
    },
    h('h1', null, t('signin.title')),
    h('p', { id: 'signin-intro' }, t('signin.intro')),
    msg,
    h('label', { for: 'token' }, t('signin.token')),
    input,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'signin-submit' }, t('signin.submit'))),
    devBox,
  );
  main.append(form);
  input.focus();
  // A server in --dev mode answers without a token (from loopback only).
  setToken('');
  try {
    const d = await gql<{ me: Principal; workspaces: { id: string; name: string }[] }>(ME);
    if (d.me.dev) {
      devBox.append(
        h('p', { class: 'note' }, t('signin.devNote')),
        h('button', { type: 'button', class: 'secondary', onclick: () => { signIn(d.me, ''); rememberWorkspaces(d.workspaces); navigate('/workspaces'); } }, t('signin.dev')),
      );
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NETWORK' && !flash) msg.append(h('div', { class: 'error', role: 'alert' }, errorMessage(e, lang())));
  }
});

route('/workspaces', 'ws.title', async ({ main }) => {
  loading(main);
  const d = await gql<{ workspaces: { id: string; name: string; formulaVariant: string; formulaFlagged: boolean }[] }>(
    'query Workspaces { workspaces { id name formulaVariant formulaFlagged } }',
  );
  await catalog();
  rememberWorkspaces(d.workspaces);
  main.replaceChildren(
    h('h1', null, t('ws.title')),
    d.workspaces.length === 0
      ? h('p', { class: 'note' }, t('ws.none'))
      : h(
          'ul',
          { class: 'cards' },
          d.workspaces.map((w) =>
            h(
              'li',
              { class: 'card' },
              h('h2', null, link(wsPath(w.id), w.name || w.id)),
              h('p', { class: 'muted' }, 'ID: ', h('code', null, w.id)),
              w.formulaFlagged ? h('p', { class: 'warn' }, t('ws.formulaFlagged', { v: w.formulaVariant })) : null,
            ),
          ),
        ),
  );
});
