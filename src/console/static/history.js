/* global localStorage, setTimeout, clearTimeout */
import { describeError } from './api.js';
import { byId, decisionBadge, h, Pager, riskBadge, showMessage, timeEl } from './dom.js';
import { verifyReceipt } from './verify.js';

const POLL_MS = 3_000;
const LIMIT = 20;

/** The log's verifier key is pinned in this browser on first successful use (trust on first use). */
function pinnedKey(orgId) {
  try {
    return localStorage.getItem(`aegis.console.vkey.${orgId}`) ?? undefined;
  } catch {
    return undefined;
  }
}

function pinKey(orgId, vkey) {
  try {
    localStorage.setItem(`aegis.console.vkey.${orgId}`, vkey);
  } catch {
    // Storage disabled: every verification then trusts the key the gateway sends.
  }
}

/**
 * HistoryView lists decided checks, newest first, with who decided and when and the check's
 * transparency-log receipt once integrated; "Verify" proves the receipt in the browser.
 */
export class HistoryView {
  constructor({ api, me, announce }) {
    this.api = api;
    this.me = me;
    this.announce = announce;
    this.offset = 0;
    /** check id → row state; rows are kept across polls so verification results and focus survive. */
    this.rows = new Map();
    this.body = byId('history-table').tBodies[0];
    this.status = byId('history-status');
    this.error = byId('history-error');
    this.agent = byId('history-agent');
    this.pager = new Pager(byId('history-pager'), (offset) => {
      this.offset = offset;
      this.refresh();
    });
    byId('history-filters').addEventListener('submit', (e) => {
      e.preventDefault();
      this.offset = 0;
      this.refresh();
    });
  }

  show() {
    this.visible = true;
    this.refresh();
  }

  hide() {
    this.visible = false;
    clearTimeout(this.timer);
  }

  async refresh() {
    clearTimeout(this.timer);
    try {
      const page = await this.api.get('/checks', { status: 'decided', limit: LIMIT, offset: this.offset, agent_id: this.agent.value.trim() });
      this.render(page.data);
      this.pager.update(page);
      this.status.textContent = `${page.total} decided · updated ${new Date().toLocaleTimeString()}`;
      showMessage(this.error, '');
      await this.loadReceipts();
    } catch (err) {
      showMessage(this.error, describeError(err, 'Loading the history'));
    }
    if (this.visible) this.timer = setTimeout(() => this.refresh(), POLL_MS);
  }

  render(checks) {
    const ids = new Set(checks.map((c) => c.check_id));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    let prev = null;
    for (const c of checks) {
      let row = this.rows.get(c.check_id);
      if (!row) {
        row = this.createRow(c);
        this.rows.set(c.check_id, row);
      }
      const at = prev ? prev.tr.nextSibling : this.body.firstChild;
      if (at !== row.tr) this.body.insertBefore(row.tr, at);
      prev = row;
    }
    if (checks.length === 0) this.body.replaceChildren(h('tr', {}, h('td', { colspan: '5', class: 'empty' }, 'No decided checks yet.')));
    else this.body.querySelector('td.empty')?.parentElement.remove();
  }

  createRow(c) {
    const receipt = h('td', { class: 'receipt' }, h('span', { class: 'muted' }, 'being added to the log…'));
    const tr = h(
      'tr',
      { 'data-check-id': c.check_id },
      h('td', {}, h('strong', {}, c.tool_name), ' by ', c.agent_id, h('br'), riskBadge(c.risk_level), ' ', h('code', { class: 'id', title: c.check_id }, c.check_id.slice(0, 8))),
      h('td', {}, decisionBadge(c.decision), ' ', h('code', {}, c.policy_name), c.decision_reason ? [h('br'), h('span', { class: 'muted' }, c.decision_reason)] : null),
      h('td', {}, c.decided_by ?? '—'),
      h('td', {}, timeEl(c.decided_at)),
      receipt,
    );
    return { tr, check: c, receipt, log: null };
  }

  /** loadReceipts reads the receipt of each row that has none yet (integration takes up to a second or so). */
  async loadReceipts() {
    const waiting = [...this.rows.values()].filter((r) => !r.log);
    await Promise.all(
      waiting.map(async (row) => {
        try {
          const c = await this.api.get(`/check/${row.check.check_id}`);
          if (c.log) this.showReceipt(row, c.log);
        } catch {
          // Retried on the next poll.
        }
      }),
    );
  }

  showReceipt(row, log) {
    row.log = log;
    const result = h('p', { class: 'verify-result', hidden: true });
    const button = h('button', { type: 'button', class: 'secondary', 'aria-describedby': `receipt-${row.check.check_id}` }, 'Verify');
    button.addEventListener('click', () => this.verify(row, button, result));
    row.receipt.replaceChildren(h('span', { id: `receipt-${row.check.check_id}` }, `Leaf ${log.leaf_index}`, h('span', { class: 'muted' }, `, logged at tree size ${log.tree_size}`)), ' ', button, result);
  }

  async verify(row, button, result) {
    if (row.verifying) return;
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
    row.verifying = true;
    button.setAttribute('aria-disabled', 'true');
    result.hidden = false;
    result.className = 'verify-result';
    result.textContent = 'Verifying…';
    const c = row.check;
    const orgId = this.me.org_id;
    try {
      const v = await verifyReceipt(
        (path) => this.api.get(`/transparency-log${path}`),
        { leafIndex: row.log.leaf_index, checkId: c.check_id, decision: c.decision, decidedBy: c.decided_by ?? undefined, orgId },
        pinnedKey(orgId),
      );
      pinKey(orgId, v.vkey);
      result.classList.add('ok');
      result.textContent = `Verified: leaf ${v.leafIndex} is in the log of ${v.treeSize} ${v.treeSize === 1 ? 'entry' : 'entries'} signed by ${v.keyName}+${v.keyId}`;
    } catch (err) {
      result.classList.add('bad');
      result.textContent = err.name === 'VerificationError' ? `Verification failed: ${err.message}` : describeError(err, 'Verification');
    } finally {
      row.verifying = false;
      button.removeAttribute('aria-disabled');
    }
    this.announce(result.textContent);
  }
}
