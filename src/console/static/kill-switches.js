/* global window */
import { describeError } from './api.js';
import { byId, h, showMessage, timeEl } from './dom.js';

const SCOPE_TEXT = { org: 'the whole organisation', agent: 'agent', tool: 'tool' };
const describe = (s) => (s.scope === 'org' ? SCOPE_TEXT.org : `${SCOPE_TEXT[s.scope]} ${s.target}`);

/**
 * KillSwitchView lists the org's kill switches; admins engage (scope, target, reason) and release
 * them. Both ask for confirmation: engaging blocks matching calls on every replica at once.
 */
export class KillSwitchView {
  constructor({ api, admin, announce }) {
    Object.assign(this, { api, admin, announce });
    this.body = byId('kill-switches-table').tBodies[0];
    this.status = byId('kill-switches-status');
    this.error = byId('kill-switches-error');
    this.active = byId('kill-switches-active');
    this.scope = byId('kill-switch-scope');
    this.target = byId('kill-switch-target');
    this.reason = byId('kill-switch-reason');
    this.active.addEventListener('change', () => this.load());
    this.scope.addEventListener('change', () => {
      this.target.disabled = this.scope.value === 'org';
    });
    byId('kill-switch-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.engage();
    });
  }

  show() {
    this.load();
  }

  hide() {}

  async load() {
    try {
      const page = await this.api.get('/kill-switches', { active: this.active.checked ? 'true' : undefined, limit: 100 });
      this.body.replaceChildren(...(page.data.length > 0 ? page.data.map((s) => this.row(s)) : [h('tr', {}, h('td', { colspan: '6', class: 'empty' }, this.active.checked ? 'No kill switch is engaged.' : 'No kill switches yet.'))]));
      const engaged = page.data.filter((s) => s.active).length;
      this.status.textContent = `${engaged} engaged · updated ${new Date().toLocaleTimeString()}`;
      showMessage(this.error, '');
    } catch (err) {
      showMessage(this.error, describeError(err, 'Loading the kill switches'));
    }
  }

  row(s) {
    const release = this.admin && s.active ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Release the kill switch on ${describe(s)}` }, 'Release') : null;
    release?.addEventListener('click', () => this.release(s));
    return h(
      'tr',
      {},
      h('td', {}, s.scope),
      h('td', {}, s.target ? h('code', {}, s.target) : h('span', { class: 'muted' }, '—')),
      h('td', {}, s.reason),
      h('td', {}, s.engaged_by, h('br'), timeEl(s.created_at)),
      h('td', {}, s.active ? h('span', { class: 'badge decision-block' }, 'engaged') : ['released by ', s.released_by ?? '—', h('br'), timeEl(s.released_at)]),
      h('td', {}, release),
    );
  }

  async engage() {
    const scope = this.scope.value;
    const target = this.target.value.trim();
    const reason = this.reason.value.trim();
    if (scope !== 'org' && !target) return this.invalid(this.target, `Name the ${scope} to stop (an id or a glob such as billing-*).`);
    if (!reason) return this.invalid(this.reason, 'Give a reason: it is recorded in the audit log.');
    const what = scope === 'org' ? SCOPE_TEXT.org : `${scope} ${target}`;
    if (!window.confirm(`Engage a kill switch on ${what}? Every matching call is blocked at once, and matching pending checks are blocked.`)) return;
    try {
      const s = await this.api.request('POST', '/kill-switches', { scope, ...(scope === 'org' ? {} : { target }), reason });
      this.target.value = this.reason.value = '';
      this.announce(`Kill switch engaged on ${what}; ${s.resolved_pending ?? 0} pending checks blocked.`);
      await this.load();
    } catch (err) {
      showMessage(this.error, describeError(err, 'Engaging the kill switch'));
    }
  }

  async release(s) {
    if (!window.confirm(`Release the kill switch on ${describe(s)}? Matching calls are checked normally again.`)) return;
    try {
      await this.api.request('DELETE', `/kill-switches/${s.id}`);
      this.announce(`Kill switch on ${describe(s)} released.`);
      await this.load();
      byId('kill-switches-title').focus();
    } catch (err) {
      showMessage(this.error, describeError(err, 'Releasing the kill switch'));
    }
  }

  invalid(input, text) {
    showMessage(this.error, text);
    input.setAttribute('aria-invalid', 'true');
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'), { once: true });
    input.focus();
  }
}
