/* global document, window, setTimeout, clearTimeout, setInterval */
import { describeError } from './api.js';
import { checkLabel, renderCheckCard } from './check-card.js';
import { byId, formatRemaining, h, showMessage } from './dom.js';

const POLL_MS = 2_000;
const HIDDEN_POLL_MS = 10_000;
/** How long a card decided elsewhere stays (marked) before it leaves the queue, unless it has focus. */
const CLOSED_CARD_MS = 20_000;
const LIMIT = 200;
/** After the list changed under the pointer (cards added above, a card closed), decisions wait this long. */
const SETTLE_MS = 800;
/** A card just decided here stays (marked) in place; its Dismiss answers only after this long (a double click must not reach the card below). */
const DISMISS_ARM_MS = 1_000;

/** alreadyDecidedText says who was first, from a 409's error body or a re-read check. */
export function alreadyDecidedText(decision, decidedBy) {
  return decision && decidedBy ? `Already decided: ${decision} by ${decidedBy}` : 'Already decided by someone else';
}

/**
 * QueueView lists the org's pending checks, newest first, 200 a page (Older / Newer), polling every
 * 2 s while live updates are on; announces new ones; decides them as the signed-in reviewer. Nothing
 * moves under the reader: a card decided here or elsewhere (another reviewer, the timeout, a kill
 * switch) is marked in place, cards added above scroll the page by their height, and for a moment
 * after the list changed a click decides nothing.
 */
export class QueueView {
  constructor({ api, identity, announce, onCount, onDecided }) {
    this.api = api;
    this.identity = identity;
    this.announce = announce;
    this.onCount = onCount;
    this.onDecided = onDecided;
    /** check id → { li, check, state: 'pending' | 'deciding' | 'closed', ... } */
    this.cards = new Map();
    /** Checks decided from this page: a poll that raced the decision must not bring them back. */
    this.done = new Set();
    this.loadedFor = null;
    this.timeoutDecision = null;
    this.list = byId('queue-list');
    this.empty = byId('queue-empty');
    this.status = byId('queue-status');
    this.error = byId('queue-error');
    this.agent = byId('queue-agent');
    this.agents = byId('queue-agents');
    this.risk = byId('queue-risk');
    this.live = byId('queue-live');
    this.newer = byId('queue-newer');
    this.older = byId('queue-older');
    /** The page shown: pending checks offset…offset+LIMIT, newest first (an agent flooding the queue cannot push one out of reach). */
    this.offset = 0;
    /** Until when clicks on Approve and Block are ignored: the list just moved. */
    this.settledAt = 0;
  }

  start() {
    byId('queue-filters').addEventListener('submit', (e) => {
      e.preventDefault();
      this.refresh();
    });
    let typing;
    this.agent.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.refresh(), 300);
    });
    this.risk.addEventListener('change', () => this.applyFilters());
    const page = (delta) => {
      this.offset = Math.max(0, this.offset + delta);
      this.reset(this.agent.value.trim());
      this.refresh();
    };
    this.newer.addEventListener('click', () => page(-LIMIT));
    this.older.addEventListener('click', () => page(LIMIT));
    this.live.addEventListener('change', () => {
      this.announce(this.live.checked ? 'Live updates on.' : 'Live updates paused.');
      if (this.live.checked) this.refresh();
      else clearTimeout(this.timer);
    });
    setInterval(() => this.tick(), 1_000);
    this.api.get('/config').then((c) => (this.timeoutDecision = c.timeout_decision ?? null), () => {});
    this.refresh();
  }

  schedule() {
    clearTimeout(this.timer);
    if (this.live.checked) this.timer = setTimeout(() => this.refresh(), document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  async refresh() {
    if (this.inFlight) return;
    this.inFlight = true;
    const agent = this.agent.value.trim();
    try {
      if (this.loadedFor !== null && this.loadedFor !== agent) this.offset = 0;
      const page = await this.api.get('/checks', { status: 'pending', limit: LIMIT, offset: this.offset, agent_id: agent });
      if (this.loadedFor !== agent) this.reset(agent);
      this.reconcile(page.data.filter((c) => !this.done.has(c.check_id)));
      const from = this.offset + 1;
      const to = this.offset + page.data.length;
      const shown = page.total > page.data.length || this.offset > 0 ? `; showing ${from}–${to}, newest first` : '';
      this.status.textContent = `${page.total} pending${agent ? ` for ${agent}` : ''}${shown} · updated ${new Date().toLocaleTimeString()}`;
      this.newer.hidden = this.offset === 0;
      this.older.hidden = page.total <= to;
      this.onCount(page.total);
      showMessage(this.error, '');
    } catch (err) {
      showMessage(this.error, describeError(err, 'Loading the queue'));
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }

  /** reset empties the list when the agent filter changes: what leaves it then was not decided. */
  reset(agent) {
    for (const card of this.cards.values()) clearTimeout(card.closeTimer);
    this.cards.clear();
    this.list.replaceChildren();
    this.loadedFor = agent;
    this.loaded = false;
  }

  reconcile(checks) {
    const fresh = [];
    let prev = null;
    // Where the first card already shown sits now: cards inserted above it must not move it (and the
    // button under the reviewer's pointer) — the page scrolls by what was added instead.
    const anchor = [...this.cards.values()].find((c) => c.li.isConnected && !c.li.hidden)?.li;
    const anchorTop = anchor?.getBoundingClientRect().top;
    for (const c of checks) {
      let card = this.cards.get(c.check_id);
      if (!card) {
        card = this.createCard(c);
        this.cards.set(c.check_id, card);
        if (this.loaded) fresh.push(card);
      }
      // Insert new cards in the server's order without moving existing ones (moving would drop focus).
      const at = prev ? prev.li.nextSibling : this.list.firstChild;
      if (at !== card.li) this.list.insertBefore(card.li, at);
      prev = card;
    }
    const ids = new Set(checks.map((c) => c.check_id));
    for (const card of this.cards.values()) if (card.state === 'pending' && !ids.has(card.check.check_id)) this.closeVanished(card);
    for (const agent of new Set(checks.map((c) => c.agent_id))) {
      if (![...this.agents.options].some((o) => o.value === agent)) this.agents.append(h('option', { value: agent }));
    }
    if (fresh.length === 1) this.announce(`New pending check: ${checkLabel(fresh[0].check)}, ${fresh[0].check.risk_level} risk.`);
    else if (fresh.length > 1) this.announce(`${fresh.length} new pending checks.`);
    for (const card of fresh) {
      card.li.classList.add('new');
      setTimeout(() => card.li.classList.remove('new'), 4_000);
    }
    this.loaded = true;
    this.applyFilters();
    if (anchor && anchor.isConnected) {
      const moved = anchor.getBoundingClientRect().top - anchorTop;
      if (moved !== 0) {
        window.scrollBy(0, moved);
        this.settle();
      }
    }
    this.tick();
  }

  /** settle ignores decisions for a moment after the list moved: a click aimed at one card must not land on another. */
  settle() {
    this.settledAt = Date.now() + SETTLE_MS;
  }

  applyFilters() {
    const risk = this.risk.value;
    let visible = 0;
    for (const card of this.cards.values()) {
      card.li.hidden = Boolean(risk) && card.check.risk_level !== risk && card.state !== 'closed';
      if (!card.li.hidden) visible++;
    }
    this.empty.textContent = this.cards.size === 0 ? 'Nothing is waiting for a reviewer.' : 'No pending check matches the filters.';
    this.empty.hidden = visible > 0;
  }

  /** tick updates every countdown to the timeout decision. */
  tick() {
    const now = Date.now();
    for (const card of this.cards.values()) {
      if (card.state === 'closed' || !card.check.expires_at) continue;
      const left = Date.parse(card.check.expires_at) - now;
      const then = this.timeoutDecision ? `, then ${this.timeoutDecision}` : '';
      card.countdown.textContent = left > 0 ? `${formatRemaining(left)} left${then}` : `timing out now${then}`;
      card.countdown.classList.toggle('urgent', left < 60_000);
    }
  }

  createCard(c) {
    const card = { ...renderCheckCard(c), check: c, state: 'pending' };
    card.approve.addEventListener('click', () => this.decide(card, 'allow'));
    card.block.addEventListener('click', () => this.decide(card, 'block'));
    return card;
  }

  async decide(card, decision) {
    if (card.state !== 'pending') return;
    if (Date.now() < this.settledAt) {
      showMessage(card.outcome, 'The list just changed; check this card and decide again.');
      return;
    }
    card.state = 'deciding';
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
    for (const b of [card.approve, card.block]) b.setAttribute('aria-disabled', 'true');
    card.li.setAttribute('aria-busy', 'true');
    showMessage(card.outcome, '');
    const id = card.check.check_id;
    const reason = card.reason.value.trim();
    try {
      const decided = await this.api.request('PATCH', `/check/${id}`, { decision, decided_by: this.identity, ...(reason ? { reason } : {}) });
      this.done.add(id);
      this.announce(`${decision === 'allow' ? 'Approved' : 'Blocked'}: ${checkLabel(card.check)}.`);
      // Stays in place, marked: removing it would slide the next card (and its Approve) under the pointer.
      this.close(card, `${decision === 'allow' ? 'Approved' : 'Blocked'} by you`);
      this.onDecided?.(decided);
      this.refresh();
    } catch (err) {
      if (err.status === 409) {
        this.done.add(id);
        this.close(card, alreadyDecidedText(err.error.decision, err.error.decided_by));
        return;
      }
      card.state = 'pending';
      for (const b of [card.approve, card.block]) b.removeAttribute('aria-disabled');
      card.li.removeAttribute('aria-busy');
      const text = err.status === 503 ? `The decision did not go through: the gateway could not reach its workflow engine. Try again. (${err.message})` : describeError(err, 'Deciding');
      showMessage(card.outcome, text);
    }
  }

  /** closeVanished marks a card whose check left the queue without us: someone else or the timeout decided. */
  async closeVanished(card) {
    card.state = 'closed';
    let text = 'Decided elsewhere';
    try {
      const c = await this.api.get(`/check/${card.check.check_id}`);
      text = alreadyDecidedText(c.decision, c.decided_by);
    } catch {
      // Shown without who: the check may be unreadable now (key revoked, gateway down).
    }
    this.close(card, text);
  }

  /** close turns a card into a notice (no more buttons) with a Dismiss button; it leaves by itself later. */
  close(card, text) {
    card.state = 'closed';
    card.li.removeAttribute('aria-busy');
    card.li.classList.add('closed');
    const hadFocus = card.li.contains(document.activeElement);
    const armedAt = Date.now() + DISMISS_ARM_MS;
    const dismiss = h('button', { type: 'button', class: 'secondary', onclick: () => Date.now() >= armedAt && this.remove(card) }, 'Dismiss');
    card.form.replaceWith(h('div', { class: 'decide' }, dismiss));
    showMessage(card.outcome, text);
    this.settle();
    if (hadFocus) dismiss.focus();
    const expire = () => {
      if (card.li.contains(document.activeElement)) card.closeTimer = setTimeout(expire, CLOSED_CARD_MS);
      else this.remove(card, false);
    };
    card.closeTimer = setTimeout(expire, CLOSED_CARD_MS);
    this.applyFilters();
  }

  /** remove takes a card out; if it held focus, focus moves to the next card's title (or the list's heading). */
  remove(card, keepFocus = true) {
    clearTimeout(card.closeTimer);
    const hadFocus = keepFocus && card.li.contains(document.activeElement);
    let next = card.li.nextElementSibling;
    while (next?.hidden) next = next.nextElementSibling;
    let prev = card.li.previousElementSibling;
    while (prev?.hidden) prev = prev.previousElementSibling;
    // The cards below move up by this one's height: the page scrolls with them, so none slides under the pointer.
    const below = next && !next.hidden ? next : null;
    const belowTop = below?.getBoundingClientRect().top;
    card.li.remove();
    this.cards.delete(card.check.check_id);
    this.applyFilters();
    if (below?.isConnected) {
      const moved = below.getBoundingClientRect().top - belowTop;
      if (moved !== 0) window.scrollBy(0, moved);
    }
    this.settle();
    if (hadFocus) ((next ?? prev)?.querySelector('h2') ?? byId('queue-title')).focus();
  }
}
