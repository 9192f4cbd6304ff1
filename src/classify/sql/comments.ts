import { finding, type Finding } from './finding.js';
import { isComment, type Token } from './tokens.js';

/** commentBody strips a comment's markers: `-- x` → ` x`, `/* x *\/` → ` x `. */
function commentBody(t: Token): string {
  return t.kind === 'SQL_COMMENT' ? t.text.slice(2) : t.text.replace(/^\/\*/, '').replace(/\*\/$/, '');
}

const oddCount = (s: string, ch: string): boolean => s.split(ch).length % 2 === 0;

/**
 * truncates says whether a trailing comment cuts off the rest of a query rather than explaining it:
 * its body is or starts with punctuation (`--`, `-- -`, `--+`), holds the stray closing quote of the
 * literal it escaped (`--'`), is the query's own remainder (`-- AND year > 2000;`), or hides the query
 * from MSSQL's log (`--sp_password`).
 */
function truncates(body: string): boolean {
  if (!/[a-z0-9]/i.test(body) || /^\s*[-+#]/.test(body) || /sp_password/i.test(body)) return true;
  if (oddCount(body, "'") || oddCount(body, '"')) return true;
  return /^\s*(and|or|group\s+by|order\s+by|limit|having|union|where|from|join|[)'";])/i.test(body);
}

/**
 * findCommentTricks flags comments used to cut a query short or to hide keywords: a trailing comment
 * that truncates, MySQL's `#` comment (only when PostgreSQL rejected the string: there `#` is XOR),
 * MySQL's executable `/*!…*\/` comments and empty `/**\/` comments glued between keywords.
 */
export function findCommentTricks(text: string, toks: Token[], parsed: boolean): Finding[] {
  const out: Finding[] = [];
  const code = toks.filter((t) => !isComment(t) && t.text !== ';');
  const lastCode = code.at(-1);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (isComment(t)) {
      const body = commentBody(t);
      const trailing = lastCode !== undefined && t.start >= lastCode.end;
      if (t.text.startsWith('/*!')) out.push(finding('sql_injection', 'high', 'MySQL executable comment', t.text));
      else if (t.kind === 'C_COMMENT' && body.trim() === '' && (text[t.start - 1]?.trim() || text[t.end]?.trim())) {
        out.push(finding('sql_injection', 'high', 'comment obfuscation', text.slice(Math.max(0, t.start - 12), t.end + 12)));
      } else if (trailing && truncates(body)) {
        out.push(finding('sql_injection', 'high', 'comment truncation', text.slice(lastCode.start, t.end)));
      }
    } else if (!parsed && t.kind === 'OP' && t.text.startsWith('#')) {
      const next = toks[i + 1];
      if (next && next.start === t.end && next.kind === 'IDENT') continue; // T-SQL temporary table: #temp
      const eol = text.indexOf('\n', t.start);
      if (!truncates(text.slice(t.start + 1, eol < 0 ? text.length : eol))) continue; // MySQL `# a remark`
      const prev = toks[i - 1];
      out.push(finding('sql_injection', 'high', 'comment truncation', text.slice(prev ? prev.start : t.start)));
    }
  }
  return out;
}
