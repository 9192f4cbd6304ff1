import { h, identifier, riskBadge, timeEl, visible } from './dom.js';
import { renderJson } from './json-view.js';

/** checkLabel names a check in headings and announcements: "deploy by billing-bot". */
export const checkLabel = (c) => `${c.tool_name} by ${c.agent_id}`;

function labelled(el, text) {
  el.setAttribute('aria-label', text);
  return el;
}

/**
 * renderCheckCard presents a pending check as a queue card: agent and tool, risk, the countdown slot,
 * the deciding policy with its reason and counterfactual, the signals with their (server-masked)
 * evidence, the anomaly score with its top features, the arguments with flagged paths highlighted,
 * and the decision form. Returns the card's parts for QueueView to drive.
 */
export function renderCheckCard(c) {
  const id = c.check_id;
  const titleId = `check-${id}-title`;
  const countdown = h('span', { class: 'countdown' });
  const reason = h('input', { id: `check-${id}-reason`, type: 'text', maxlength: '2000', autocomplete: 'off' });
  const outcome = h('p', { class: 'outcome', role: 'alert', hidden: true });
  const approve = h('button', { type: 'button', class: 'approve', 'aria-describedby': titleId }, 'Approve');
  const block = h('button', { type: 'button', class: 'danger', 'aria-describedby': titleId }, 'Block');
  const form = h(
    'form',
    { class: 'decide', novalidate: true, onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'field grow' }, h('label', { for: reason.id }, 'Reason (optional)'), reason),
    h('div', { class: 'actions' }, approve, block),
  );
  const signals = c.classification?.signals ?? [];
  const omitted = Number(c.classification?.signals_omitted ?? 0);
  const features = c.anomaly_features ?? [];
  const li = h(
    'li',
    { class: `card risk-${String(c.risk_level).toLowerCase()}`, 'data-check-id': id },
    h(
      'article',
      { 'aria-labelledby': titleId },
      h(
        'header',
        { class: 'card-head' },
        h('h2', { id: titleId, tabindex: '-1' }, identifier(c.tool_name, 'tool'), ' by ', identifier(c.agent_id, 'agent')),
        h('div', { class: 'meta' }, riskBadge(c.risk_level), h('span', { class: 'muted' }, c.classification?.category ?? ''), h('span', { class: 'muted' }, 'requested ', timeEl(c.created_at)), countdown),
      ),
      h(
        'div',
        { class: 'card-body' },
        h(
          'div',
          { class: 'facts' },
          h(
            'dl',
            {},
            h('dt', {}, 'Policy'),
            h('dd', {}, h('code', {}, c.policy_name ?? '—')),
            c.reason && [h('dt', {}, 'Reason'), h('dd', {}, visible(c.reason))],
            c.counterfactual && [h('dt', {}, 'Counterfactual'), h('dd', {}, visible(c.counterfactual))],
            h('dt', {}, 'Check'),
            h('dd', {}, h('code', { class: 'id' }, id)),
          ),
          h('h3', {}, 'Signals'),
          signals.length === 0
            ? h('p', { class: 'muted' }, 'No risk signals.')
            : h(
                'ul',
                { class: 'signals' },
                signals.map((s) =>
                  h('li', {}, h('span', { class: `sev sev-${s.severity}` }, s.severity), ' ', h('strong', {}, s.id), ' at ', h('code', {}, visible(s.path)), s.evidence ? [': ', h('q', { class: 'evidence' }, visible(s.evidence))] : null),
                ),
              ),
          omitted > 0 && h('p', { class: 'muted omitted' }, `and ${omitted} more signal${omitted === 1 ? '' : 's'} not listed (the 100 most severe are kept)`),
          (c.shadow_violations ?? []).length > 0 && [
            h('h3', {}, 'Shadow policies'),
            h('ul', { class: 'shadow' }, c.shadow_violations.map((v) => h('li', {}, h('code', {}, v.policy_name), ` would ${v.decision}: `, visible(v.reason ?? '')))),
          ],
          h(
            'h3',
            {},
            'Anomaly score ',
            h('span', { class: `score${c.anomaly_score >= 0.7 ? ' high' : ''}` }, Number(c.anomaly_score ?? 0).toFixed(2)),
          ),
          features.length === 0
            ? h('p', { class: 'muted' }, 'Nothing unusual for this agent.')
            : h(
                'ul',
                { class: 'features' },
                features.slice(0, 5).map((f) => h('li', {}, h('strong', {}, f.name), ` ${Number(f.score).toFixed(2)}: `, visible(f.detail ?? ''))),
              ),
        ),
        h(
          'div',
          { class: 'args' },
          h('h3', {}, 'Arguments'),
          labelled(renderJson(c.arguments ?? {}, '/arguments', signals), `Arguments of ${checkLabel(c)}`),
          c.context && Object.keys(c.context).length > 0 && [h('h3', {}, 'Context'), labelled(renderJson(c.context, '/context', signals), `Context of ${checkLabel(c)}`)],
        ),
      ),
      form,
      outcome,
    ),
  );
  return { li, countdown, reason, approve, block, form, outcome };
}
