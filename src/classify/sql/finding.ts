import { excerpt } from '../evidence.js';
import type { Severity } from '../types.js';

/** One thing the SQL analysis saw in a string, before it is placed at a JSON pointer. */
export interface Finding {
  id: 'sql_injection' | 'destructive_operation';
  severity: Severity;
  /** `kind: excerpt`, e.g. `tautology: OR 1=1`; at most ~120 characters. */
  evidence: string;
}

/** finding names what was seen (`kind`) and the text that shows it. */
export function finding(id: Finding['id'], severity: Severity, kind: string, shown = ''): Finding {
  return { id, severity, evidence: excerpt(shown ? `${kind}: ${shown.trim()}` : kind) };
}

/**
 * tokenEnd returns where the token starting at `pos` ends: a quoted literal runs to its closing
 * quote, a word over letters, digits, `_`, `$`, `.` and `@`; anything else is one character.
 */
function tokenEnd(text: string, pos: number): number {
  const q = text[pos];
  if (q === "'" || q === '"' || q === '`') {
    let i = pos + 1;
    while (i < text.length) {
      if (text[i] === q && text[i + 1] === q) i += 2;
      else if (text[i] === q) return i + 1;
      else i++;
    }
    return text.length;
  }
  const m = /^[\w$.@]+/.exec(text.slice(pos));
  return pos + (m ? m[0].length : 1);
}

/**
 * sliceSpan returns the text from `start` to the end of the token at `last`, closing any parentheses
 * the slice opened when the text closes them next (`pg_sleep(5` → `pg_sleep(5)`).
 */
export function sliceSpan(text: string, start: number, last: number): string {
  let end = tokenEnd(text, last);
  let open = 0;
  for (const ch of text.slice(start, end)) open += ch === '(' ? 1 : ch === ')' ? -1 : 0;
  for (; open > 0; open--) {
    const m = /^\s*\)/.exec(text.slice(end));
    if (!m) break;
    end += m[0].length;
  }
  return text.slice(start, end);
}
