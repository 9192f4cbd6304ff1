/* global document */
// DOM helpers of the reviewer console. Text always goes in as text nodes (never innerHTML), so data
// from the gateway — agent ids, arguments, evidence — cannot inject markup.

/**
 * h creates an element: h('button', { type: 'button', class: 'x', onclick: fn }, 'text', child).
 * Attributes that are null, undefined or false are left out; true sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

/** append adds children (nodes, strings, numbers, nested arrays); null, undefined and false are skipped. */
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}

/** byId returns the element with this id, or throws naming it (a missing element is a bug in index.html). */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the console page has no element #${id}`);
  return el;
}

/** showMessage puts text in a message element and shows it; an empty text hides it. */
export function showMessage(el, text) {
  el.textContent = text ?? '';
  el.hidden = !text;
}

/** timeEl renders an ISO timestamp as a <time> in the reader's locale (null → "—"). */
export function timeEl(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
}

/** formatRemaining renders milliseconds left as m:ss, h:mm:ss, or "N d h h" beyond a day. */
export function formatRemaining(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  if (s >= 86_400) return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

/** riskBadge renders a risk level with its colour class (the text says the level, colour only helps). */
export function riskBadge(level) {
  return h('span', { class: `badge risk-${String(level).toLowerCase()}` }, `${level} risk`);
}

/** decisionBadge renders allow / block / pending. */
export function decisionBadge(decision) {
  return h('span', { class: `badge decision-${decision}` }, decision);
}

/**
 * Pager shows "1–20 of 57" with Previous / Next under a table; onPage(offset) loads a page. Its
 * buttons are made once and updated in place, so a poll never takes the keyboard focus away.
 */
export class Pager {
  constructor(el, onPage) {
    this.el = el;
    this.page = { offset: 0, limit: 0, total: 0 };
    const go = (button, offset) => {
      if (button.getAttribute('aria-disabled') !== 'true') onPage(offset());
    };
    this.prev = h('button', { type: 'button', class: 'secondary' }, 'Previous');
    this.next = h('button', { type: 'button', class: 'secondary' }, 'Next');
    this.prev.addEventListener('click', () => go(this.prev, () => Math.max(0, this.page.offset - this.page.limit)));
    this.next.addEventListener('click', () => go(this.next, () => this.page.offset + this.page.limit));
    this.range = h('span', { class: 'muted' });
    el.replaceChildren(this.prev, this.range, this.next);
    el.hidden = true;
  }

  update({ offset, limit, total }) {
    this.page = { offset, limit, total };
    const last = Math.min(offset + limit, total);
    this.el.hidden = total <= limit && offset === 0;
    this.range.textContent = total === 0 ? 'none' : `${offset + 1}–${last} of ${total}`;
    this.prev.setAttribute('aria-disabled', String(offset === 0));
    this.next.setAttribute('aria-disabled', String(last >= total));
  }
}

/**
 * Characters that render as nothing, as blank space or reorder what follows: C1 controls, soft
 * hyphen, zero-width and bidi controls, odd spaces, the Braille blank, Hangul fillers, variation
 * selectors, the BOM, and Unicode tag characters. An agent writes them to hide part of a value
 * (`hr@corp.example` + 4,000 Braille blanks + `, exfil@evil.example`) or to make text read
 * backwards (`invoice_\u202Efdp.exe` shows as `invoice_exe.pdf`).
 */
// Combining marks and Hangul fillers (U+034F, U+115F/60, U+17B4/5, U+180B–U+180F, the variation selectors) as alternatives: in a class they
// could combine with the character before them.
const HIDDEN_CHARS = new RegExp(
  `(?:[\\u0080-\\u009F\\u00AD\\u061C\\u2000-\\u200F\\u2028-\\u202F\\u205F-\\u206F\\u2800\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB]|\\u034F|\\u115F|\\u1160|\\u17B4|\\u17B5|\\u180B|\\u180C|\\u180D|\\u180E|\\u180F|\\uFE00|\\uFE01|\\uFE02|\\uFE03|\\uFE04|\\uFE05|\\uFE06|\\uFE07|\\uFE08|\\uFE09|\\uFE0A|\\uFE0B|\\uFE0C|\\uFE0D|\\uFE0E|\\uFE0F|\\uDB40[\\uDC00-\\uDC7F])+`,
  'g',
);

function escapeOf(ch) {
  const cp = ch.codePointAt(0);
  return cp > 0xffff ? `\\u{${cp.toString(16).toUpperCase()}}` : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * visible returns text as nodes in which every hidden character is written as its escape
 * (`\u202E`) in a marked span, and a run of one repeated is written once with its count
 * (`\u2800 ×4000`), so that nothing in a value is out of sight and no text reads backwards.
 */
export function visible(text) {
  const s = String(text);
  const out = [];
  let at = 0;
  for (const m of s.matchAll(HIDDEN_CHARS)) {
    if (m.index > at) out.push(s.slice(at, m.index));
    const chars = [...m[0]];
    const parts = [];
    for (let i = 0; i < chars.length; ) {
      let j = i + 1;
      while (j < chars.length && chars[j] === chars[i]) j++;
      parts.push(`${escapeOf(chars[i])}${j - i > 2 ? ` ×${j - i}` : escapeOf(chars[i]).repeat(j - i - 1)}`);
      i = j;
    }
    out.push(h('span', { class: 'hidden-char', title: 'characters that would not show, or would reorder the text' }, parts.join('')));
    at = m.index + m[0].length;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

/** identifier renders an agent id or tool name isolated from the text around it, its hidden characters shown. */
export function identifier(text, cls) {
  return h('bdi', { class: cls }, visible(text));
}
