import { describeError } from './api.js';
import { byId, decisionBadge, h, Pager, showMessage, timeEl } from './dom.js';

const LIMIT = 25;

/**
 * SearchTable is a server-searched, paged table: `name` finds its elements (#<name>-table,
 * -filters, -status, -error, -pager), `params()` reads the search form into query parameters.
 */
class SearchTable {
  constructor({ api, name, path, what, params, row, columns, empty }) {
    Object.assign(this, { api, path, what, params, row, columns, empty });
    this.offset = 0;
    this.body = byId(`${name}-table`).tBodies[0];
    this.status = byId(`${name}-status`);
    this.error = byId(`${name}-error`);
    this.pager = new Pager(byId(`${name}-pager`), (offset) => this.load(offset));
    byId(`${name}-filters`).addEventListener('submit', (e) => {
      e.preventDefault();
      this.load(0);
    });
  }

  show() {
    this.load(this.offset);
  }

  hide() {}

  async load(offset) {
    this.offset = offset;
    this.body.setAttribute('aria-busy', 'true');
    try {
      const page = await this.api.get(this.path, { ...this.params(), limit: LIMIT, offset });
      this.body.replaceChildren(...(page.data.length > 0 ? page.data.map((item) => this.row(item)) : [h('tr', {}, h('td', { colspan: String(this.columns), class: 'empty' }, this.empty))]));
      this.pager.update(page);
      this.status.textContent = `${page.total} ${this.what[page.total === 1 ? 0 : 1]} · updated ${new Date().toLocaleTimeString()}`;
      showMessage(this.error, '');
    } catch (err) {
      showMessage(this.error, describeError(err, `Loading the ${this.what[1]}`));
    } finally {
      this.body.removeAttribute('aria-busy');
    }
  }
}

const value = (id) => byId(id).value.trim();

function features(list) {
  const top = (Array.isArray(list) ? list : []).slice(0, 3);
  if (top.length === 0) return h('span', { class: 'muted' }, '—');
  return h('ul', { class: 'features' }, top.map((f) => h('li', {}, h('strong', {}, f.name), ` ${Number(f.score).toFixed(2)}: `, f.detail)));
}

/** anomaliesTable: GET /api/v1/anomalies, searched by agent, minimum score and decision. */
export function anomaliesTable(api) {
  return new SearchTable({
    api,
    name: 'anomalies',
    path: '/anomalies',
    what: ['anomaly event', 'anomaly events'],
    columns: 6,
    empty: 'No anomaly events match.',
    params: () => ({ agent_id: value('anomalies-agent'), min_score: value('anomalies-min-score'), decision: value('anomalies-decision') }),
    row: (e) =>
      h(
        'tr',
        {},
        h('td', {}, timeEl(e.created_at)),
        h('td', {}, e.agent_id),
        h('td', {}, e.tool_name),
        h('td', { class: 'num' }, Number(e.score).toFixed(2)),
        h('td', {}, features(e.features)),
        h('td', {}, decisionBadge(e.decision)),
      ),
  });
}

function change(entry) {
  const before = entry.before ?? null;
  const after = entry.after ?? null;
  if (before === null && after === null) return h('span', { class: 'muted' }, '—');
  const json = (v) => h('pre', { class: 'json small' }, JSON.stringify(v, null, 2));
  return h(
    'details',
    {},
    h('summary', {}, before === null ? 'created' : after === null ? 'removed' : 'before → after'),
    before !== null ? [h('p', { class: 'muted' }, 'Before'), json(before)] : null,
    after !== null ? [h('p', { class: 'muted' }, 'After'), json(after)] : null,
  );
}

/** auditTable: GET /api/v1/audit-log (admins), searched server-side with q= and action=. */
export function auditTable(api) {
  return new SearchTable({
    api,
    name: 'audit',
    path: '/audit-log',
    what: ['audit entry', 'audit entries'],
    columns: 5,
    empty: 'No audit entries match.',
    params: () => ({ q: value('audit-q'), action: value('audit-action') }),
    row: (e) =>
      h(
        'tr',
        {},
        h('td', {}, timeEl(e.created_at)),
        h('td', {}, e.actor_name ?? e.actor, h('br'), h('code', { class: 'muted' }, e.actor)),
        h('td', {}, h('code', {}, e.action)),
        h('td', {}, e.resource_type, ' ', h('code', { class: 'id' }, e.resource_id ?? '')),
        h('td', {}, change(e)),
      ),
  });
}
