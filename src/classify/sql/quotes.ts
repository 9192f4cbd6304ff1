/**
 * libpg-query's scanSync throws on an unterminated quote or comment without saying where it starts, and
 * on a zero-length identifier (`""`, which MySQL-style payloads are full of). findQuoteTrouble walks
 * the quoting rules of PostgreSQL's scanner (standard strings, E'' escapes, "identifiers", $tag$ dollar
 * quotes, nested /* comments *\/, -- comments) just far enough to say where.
 */
export interface QuoteTrouble {
  /** Where an unterminated quote or comment starts, and which. */
  unterminated?: { at: number; kind: 'quote' | 'comment' };
  /** Offsets of `""` outside literals: zero-length identifiers. */
  emptyIdentifiers: number[];
}

export function findQuoteTrouble(text: string): QuoteTrouble {
  const emptyIdentifiers: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') depth++;
        else if (text[j] === '*' && text[j + 1] === '/') depth--;
        else {
          j++;
          continue;
        }
        j += 2;
      }
      if (depth > 0) return { unterminated: { at: i, kind: 'comment' }, emptyIdentifiers };
      i = j;
    } else if (c === "'" || c === '"') {
      if (c === '"' && next === '"') {
        emptyIdentifiers.push(i);
        i += 2;
        continue;
      }
      const escapes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
      let j = i + 1;
      for (;;) {
        if (j >= n) return { unterminated: { at: i, kind: 'quote' }, emptyIdentifiers };
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === c && text[j + 1] === c) j += 2;
        else if (text[j] === c) break;
        else j++;
      }
      i = j + 1;
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(text.slice(i))?.[0];
      if (!tag) {
        i++;
        continue;
      }
      const close = text.indexOf(tag, i + tag.length);
      if (close < 0) return { unterminated: { at: i, kind: 'quote' }, emptyIdentifiers };
      i = close + tag.length;
    } else i++;
  }
  return { emptyIdentifiers };
}
