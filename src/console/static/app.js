/* global document, window, sessionStorage, localStorage, setTimeout */
// The reviewer console: sign-in, then the queue, history, anomalies, audit log and kill switches.
// It calls only the public API, same origin. The API key lives in this tab's sessionStorage, never in a URL.
import { Api, ApiError, describeError } from './api.js';
import { byId, h, showMessage } from './dom.js';
import { HistoryView } from './history.js';
import { KillSwitchView } from './kill-switches.js';
import { QueueView } from './queue.js';
import { anomaliesTable, auditTable } from './tables.js';

const SESSION = 'aegis.console.session';
const NOTICE = 'aegis.console.notice';
const LAST_EMAIL = 'aegis.console.email';
const CONSOLE_ROLES = ['reviewer', 'admin'];
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** announce says something to screen readers through the page's one polite live region. */
function announce(text) {
  const region = byId('announcer');
  region.append(h('p', {}, text));
  while (region.childElementCount > 5) region.firstElementChild.remove();
}

function storage(kind) {
  try {
    return kind === 'session' ? sessionStorage : localStorage;
  } catch {
    return null;
  }
}

/**
 * identityOf names the reviewer in decided_by: the SCIM user bound to the key (GET /me `user`, when the
 * gateway has it), else the e-mail typed at sign-in.
 */
export function identityOf(me, email) {
  const user = me.user;
  if (user && typeof user === 'object') {
    if (user.userName) return String(user.userName);
    const primary = (user.emails ?? []).find((e) => e.primary) ?? user.emails?.[0];
    if (primary?.value) return String(primary.value);
  }
  return email || null;
}

/**
 * checkKey asks GET /me who the key is; resolves to { me } or { problem } (a sentence for the form),
 * with `transient` set when the gateway could not answer (unreachable, 5xx, rate limited).
 */
async function checkKey(api) {
  try {
    const me = await api.get('/me');
    if (!CONSOLE_ROLES.includes(me.role)) return { problem: `This key has the role ${me.role}; the console needs a key with the role reviewer or admin.` };
    return { me };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return { problem: 'The gateway does not accept this key: it is unknown or revoked, or not an API key.' };
    return { problem: describeError(err, 'Signing in'), transient: !(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500 };
  }
}

function endSession(notice) {
  storage('session')?.removeItem(SESSION);
  if (notice) storage('session')?.setItem(NOTICE, notice);
  // A fresh page: every timer and every view of the old session goes with it.
  window.location.replace(window.location.pathname);
}

function showSignIn(notice) {
  byId('sign-in-view').hidden = false;
  const email = byId('sign-in-email');
  email.value = storage('local')?.getItem(LAST_EMAIL) ?? '';
  const error = byId('sign-in-error');
  showMessage(error, notice);
  byId('sign-in-key').focus();
  const form = byId('sign-in-form');
  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    const keyInput = byId('sign-in-key');
    const key = keyInput.value.trim();
    const typed = email.value.trim();
    for (const input of [keyInput, email]) input.removeAttribute('aria-invalid');
    const fail = (input, text) => {
      showMessage(error, text);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
    };
    if (!key) return fail(keyInput, 'Enter an API key.');
    if (typed && !EMAIL.test(typed)) return fail(email, `"${typed}" is not an e-mail address.`);
    const submit = byId('sign-in-submit');
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    showMessage(error, '');
    const api = new Api(key);
    const { me, problem } = await checkKey(api);
    busy = false;
    submit.removeAttribute('aria-disabled');
    if (problem) return fail(keyInput, problem);
    const identity = identityOf(me, typed);
    if (!identity) return fail(email, 'Enter your e-mail: this key is not bound to a user, and every decision records who made it.');
    storage('session')?.setItem(SESSION, JSON.stringify({ key, email: typed }));
    if (typed) storage('local')?.setItem(LAST_EMAIL, typed);
    keyInput.value = '';
    byId('sign-in-view').hidden = true;
    startConsole(api, me, identity);
  });
}

/** startConsole shows the signed-in console: header, sections, and the live queue. */
function startConsole(api, me, identity) {
  const admin = me.role === 'admin';
  api.onUnauthorized = () => endSession('The gateway no longer accepts your key (revoked?). Sign in again.');
  byId('session-who').replaceChildren('Signed in as ', h('strong', {}, identity), ` (${me.role}) · ${me.org_name}`);
  byId('session').hidden = false;
  byId('sign-out').addEventListener('click', () => endSession('Signed out.'));
  for (const el of document.querySelectorAll('[data-admin-only]')) el.hidden = !admin;
  byId('app-view').hidden = false;

  const count = byId('queue-count');
  const history = new HistoryView({ api, me, announce });
  const views = {
    queue: { show() {}, hide() {} },
    history,
    anomalies: anomaliesTable(api),
    ...(admin ? { audit: auditTable(api) } : {}),
    'kill-switches': new KillSwitchView({ api, admin, announce }),
  };
  const queue = new QueueView({
    api,
    identity,
    announce,
    onCount: (n) => {
      count.textContent = String(n);
      count.setAttribute('aria-label', `${n} pending`);
    },
  });
  let current = null;
  const select = (name, focus) => {
    // Own names only: `#constructor` or `#__proto__` would find Object.prototype's members.
    if (!Object.hasOwn(views, name)) name = 'queue';
    if (current === name) return;
    if (current) views[current].hide();
    current = name;
    for (const button of document.querySelectorAll('nav.tabs button[data-view]')) {
      const on = button.dataset.view === name;
      if (on) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
      byId(`${button.dataset.view}-view`).hidden = !on;
    }
    views[name].show();
    if (focus) byId(`${name}-title`).focus();
    if (window.location.hash !== `#${name}`) window.history.replaceState(null, '', `#${name}`);
  };
  for (const button of document.querySelectorAll('nav.tabs button[data-view]')) button.addEventListener('click', () => select(button.dataset.view, true));
  window.addEventListener('hashchange', () => select(window.location.hash.slice(1), true));
  select(window.location.hash.slice(1), false);
  queue.start();
}

async function main() {
  const notice = storage('session')?.getItem(NOTICE) ?? '';
  storage('session')?.removeItem(NOTICE);
  let saved = null;
  try {
    saved = JSON.parse(storage('session')?.getItem(SESSION) ?? 'null');
  } catch {
    saved = null;
  }
  if (saved?.key) {
    const api = new Api(saved.key);
    let check = await checkKey(api);
    // A reload while the gateway restarts keeps the session: wait for it rather than ask for the key again.
    for (let wait = 1_000; check.transient; wait = Math.min(wait * 2, 15_000)) {
      showMessage(byId('startup-notice'), `${check.problem} Retrying…`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      check = await checkKey(api);
    }
    showMessage(byId('startup-notice'), '');
    const { me, problem } = check;
    const identity = me && identityOf(me, saved.email);
    if (me && identity) return startConsole(api, me, identity);
    storage('session')?.removeItem(SESSION);
    return showSignIn(problem ?? 'Sign in again.');
  }
  showSignIn(notice);
}

main().catch((err) => {
  const el = byId('main');
  el.prepend(h('p', { class: 'notice error', role: 'alert' }, `The console failed to start: ${err.message}`));
  setTimeout(() => el.focus(), 0);
});
