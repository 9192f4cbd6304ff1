import { h, visible } from './dom.js';

// Formatted JSON with the parts that risk signals point at highlighted. Signals name JSON pointers
// into the call document ({ agent_id, tool_name, arguments, … }), e.g. /arguments/sql.

/** pointerToken escapes one reference token of a JSON pointer (RFC 6901: ~ → ~0, / → ~1). */
export function pointerToken(key) {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

function parsePointer(pointer) {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  return pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * resolveFlags maps each signal to the deepest node of the document its path reaches (a detector
 * may point inside a decoded string), keyed by that node's pointer. Paths outside the document's
 * root pointer are left out.
 */
export function resolveFlags(root, rootPointer, signals) {
  const flags = new Map();
  const rootTokens = parsePointer(rootPointer);
  for (const s of signals ?? []) {
    const tokens = parsePointer(String(s.path ?? ''));
    if (!tokens || tokens.length < rootTokens.length || rootTokens.some((t, i) => tokens[i] !== t)) continue;
    let node = root;
    let pointer = rootPointer;
    for (const t of tokens.slice(rootTokens.length)) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, t)) break;
      node = node[t];
      pointer += `/${pointerToken(t)}`;
    }
    const list = flags.get(pointer) ?? [];
    list.push(s);
    flags.set(pointer, list);
  }
  return flags;
}

function scalar(value) {
  const cls = value === null ? 'null' : typeof value;
  return h('span', { class: `j-${cls}` }, typeof value === 'string' ? visible(JSON.stringify(value)) : JSON.stringify(value));
}

/** render writes one value (and its key, if any) at an indentation into parent, wrapped in <mark> when flagged. */
function render(parent, value, pointer, indent, key, trailingComma, flags) {
  const pad = '  '.repeat(indent);
  parent.append(pad);
  const flagged = flags.get(pointer);
  const target = flagged
    ? h('mark', { class: 'flag', 'data-pointer': pointer, title: flagged.map((s) => `${s.id} (${s.severity}) at ${s.path}`).join('\n') })
    : parent;
  if (flagged) parent.append(target);
  if (key !== undefined) target.append(h('span', { class: 'j-key' }, visible(JSON.stringify(key))), ': ');
  const comma = trailingComma ? ',' : '';
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      target.append(`${open}${close}${comma}`);
    } else {
      target.append(`${open}\n`);
      entries.forEach(([k, v], i) => render(target, v, `${pointer}/${pointerToken(k)}`, indent + 1, Array.isArray(value) ? undefined : k, i < entries.length - 1, flags));
      target.append(`${pad}${close}${comma}`);
    }
  } else {
    target.append(scalar(value), comma);
  }
  parent.append('\n');
}

/**
 * renderJson returns a <pre> of value, pretty-printed, its nodes named by JSON pointers under
 * rootPointer, the nodes the signals point at highlighted (<mark class="flag">, titled with the signal).
 */
export function renderJson(value, rootPointer, signals) {
  const code = h('code');
  render(code, value, rootPointer, 0, undefined, false, resolveFlags(value, rootPointer, signals));
  return h('pre', { class: 'json', tabindex: '0' }, code);
}
