import { finding, type Finding } from './finding.js';
import { isCredentialPath } from '../shell/paths.js';
import { CREDENTIAL_COLUMN_RE, DESTRUCTIVE_KEYWORDS, ERROR_FUNCTIONS, PROBING_FUNCTIONS, SERVER_COMMAND_FUNCTIONS, SERVER_FILE_FUNCTIONS, STATEMENT_KEYWORDS, SYSTEM_FUNCTIONS, TIME_FUNCTIONS, isPasswordRelation, isSystemRelation } from './lexicon.js';
import { isComment, isLiteral, type Token } from './tokens.js';

/**
 * Injection rules over PostgreSQL's tokens, for strings its grammar rejects: most payloads are written
 * for MySQL or MSSQL (`#` comments, `@@version`, `WAITFOR DELAY`), or break the query they land in.
 * Tokens still tell literals, comments and identifiers apart, so a quote, `--` or `union` inside a
 * string literal is never read as code.
 */
export function findInjectionInTokens(text: string, all: Token[]): Finding[] {
  const toks = all.filter((t) => !isComment(t));
  const out: Finding[] = [];
  const show = (from: number, to: number): string => text.slice(toks[from]!.start, toks[Math.max(from, Math.min(to, toks.length - 1))]!.end);
  const width = selectWidth(toks);
  const closers = matchingParens(toks);
  const query = ['select', 'insert', 'update', 'delete', 'values', '('].includes(toks[0]?.word ?? '');
  let routine = false; // inside a function or procedure body, `;` separates statements legitimately
  let reading = false; // inside a condition: past WHERE, HAVING, ON or a connective
  let fromSeen = false;
  let copySeen = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const w = t.word;
    const next = toks[i + 1];
    if (w === 'begin' || w === 'function' || w === 'procedure' || w === 'trigger') routine = true;
    if (w === 'where' || w === 'having' || w === 'on' || w === 'and' || w === 'or' || w === 'union') reading = true;
    if (w === 'from') fromSeen = true;
    if (w === 'copy') copySeen = true;
    if ((w === 'or' || w === 'and' || w === '||' || w === '&&' || w === 'xor' || w === 'having') && !afterBetween(toks, i)) {
      const probe = constantCondition(toks, i + 1, w === 'or' || w === '||' || w === 'xor');
      if (probe !== undefined) out.push(finding('sql_injection', 'high', w === 'or' || w === '||' || w === 'xor' ? 'tautology' : 'boolean probe', show(i, probe)));
      else {
        const blind = blindProbe(toks, i + 1, closers);
        if (blind) out.push(finding('sql_injection', 'high', blind[0], show(i, blind[1])));
      }
    } else if (w === 'union' && fromSeen) {
      const end = suspiciousUnion(toks, i);
      if (end !== undefined) out.push(finding('sql_injection', 'critical', 'UNION-based', show(i, end)));
    } else if (w === 'order' && next?.word === 'by' && toks[i + 2]?.kind === 'ICONST' && width !== undefined && Number(toks[i + 2]!.text) > width) {
      out.push(finding('sql_injection', 'high', 'column enumeration', `${show(i, i + 2)} with ${width} column${width === 1 ? '' : 's'}`));
    }
    const batched = isLiteral(t) && (BATCH_KEYWORDS.has(next?.word ?? '') || (reading && next?.word === 'select'));
    if (query && !routine && (w === ';' || batched)) {
      const before = w === ';' ? toks[i - 1] : t;
      if (next && STATEMENT_KEYWORDS.has(next.word) && (isLiteral(before) || before?.text === ')')) {
        const severity = DESTRUCTIVE_KEYWORDS.has(next.word) ? 'critical' : 'high';
        out.push(finding('sql_injection', severity, 'stacked statement', `${w === ';' ? '; ' : ''}${show(i + 1, i + 6)}`));
      }
    }
    if (t.kind === 'IDENT' || t.keyword) {
      const call = callName(toks, i, closers);
      if (call) {
        const kind = callKind(toks, i, call.name);
        if (kind && (reading || kind[1] !== 'system probe')) out.push(finding('sql_injection', kind[0], kind[1], show(i, call.close)));
      } else if (w === 'waitfor' && ['delay', 'time'].includes(next?.word ?? '')) {
        out.push(finding('sql_injection', 'critical', 'time-based', show(i, i + 2)));
      } else if (w === 'into' && ['outfile', 'dumpfile'].includes(next?.word ?? '')) {
        out.push(finding('sql_injection', 'critical', 'file write', show(i, i + 2)));
      } else if (w === 'load' && next?.word === 'data' && loadsSystemFile(toks, i)) {
        out.push(finding('sql_injection', 'high', 'system file read into a table', show(i, toks[i + 2]?.word === 'local' ? i + 4 : i + 3)));
      } else if (w === 'soname' && routine) {
        out.push(finding('sql_injection', 'critical', 'native library loaded into the database server', show(i, i + 1)));
      } else if (w === 'attach' && isLiteral(next?.word === 'database' ? toks[i + 2] : next) && WEB_OR_SYSTEM_FILE.test((next?.word === 'database' ? toks[i + 2] : next)!.text)) {
        out.push(finding('sql_injection', 'critical', 'file write (SQLite ATTACH)', show(i, next?.word === 'database' ? i + 2 : i + 1)));
      } else if (COMMAND_PROCEDURES.has(w)) {
        out.push(finding('sql_injection', 'critical', 'command execution', show(i, i + 2)));
      } else if (w === 'program' && (toks[i - 1]?.word === 'to' || toks[i - 1]?.word === 'from') && copySeen) {
        out.push(finding('sql_injection', 'critical', 'command execution on the database server', show(i - 1, i + 1)));
      } else if (fromSeen && isPasswordRelation(dotted(next) ? w : undefined, dotted(next) ? (toks[i + 2]?.word ?? '') : w)) {
        out.push(finding('sql_injection', 'high', 'password hashes read', show(i, dotted(next) ? i + 2 : i)));
      } else if ((w === 'exec' || w === 'execute') && next?.text.startsWith('@')) {
        out.push(finding('sql_injection', 'critical', 'dynamic SQL', show(i, i + 3)));
      } else if (reading && isSystemRelation(dotted(next) ? w : undefined, dotted(next) ? (toks[i + 2]?.word ?? '') : w)) {
        out.push(finding('sql_injection', 'high', 'system catalog', show(i, dotted(next) ? i + 2 : i)));
      }
    } else if (w === '@@' && next && next.start === t.end) {
      out.push(finding('sql_injection', 'high', 'system variable', show(i, i + 1)));
    }
    const prev = toks[i - 1];
    const adjacent = prev !== undefined && (isLiteral(prev) || prev.kind === 'IDENT' || (prev.keyword && !prev.reserved) || prev.text === ')' || prev.text === '%');
    if (isLiteral(t) && adjacent && isBreakout(t)) out.push(finding('sql_injection', 'high', 'quote breakout', t.text));
    else if (!isLiteral(t) && ENCODED_QUOTE.test(t.text + (next && next.start === t.end ? next.text : ''))) out.push(finding('sql_injection', 'high', 'encoded quote', show(i, i + 3)));
  }
  return out;
}

/** A quote escaped or encoded for a layer above SQL (`\x27`, `%27`, `&apos;`, `&#39;`), outside any literal. */
const ENCODED_QUOTE = /^(\\x27|\\u0027|%27|&apos;?|&#0*39;?|&#x0*27;?)/i;

/**
 * Statement keywords that MSSQL runs as a new statement right after a literal, without a `;`
 * (`WHERE id = 1 WAITFOR DELAY '0:0:5'`, `= 'x' DROP TABLE t`). SELECT only inside a condition:
 * dialects put a query after a literal in legitimate places (`INSERT OVERWRITE DIRECTORY 'x' SELECT …`).
 */
const BATCH_KEYWORDS = new Set(['insert', 'update', 'delete', 'drop', 'truncate', 'exec', 'execute', 'declare', 'shutdown', 'waitfor', 'create', 'alter', 'grant', 'backup']);

/** MSSQL/Oracle procedures that run OS commands or reach the network. */
const COMMAND_PROCEDURES = new Set(['xp_cmdshell', 'sp_oacreate', 'sp_oamethod', 'xp_regread', 'xp_regwrite', 'xp_dirtree', 'xp_fileexist', 'sp_makewebtask', 'sp_addextendedproc', 'sp_configure', 'sp_execute_external_script', 'openrowset', 'opendatasource']);

/** callKind names what a call to `name` at i is, if it is one that payloads use. */
/** `LOAD DATA [LOCAL] INFILE '<file>'` of a system or credential file (a CSV next to the data is bulk loading). */
function loadsSystemFile(toks: Token[], i: number): boolean {
  const at = toks[i + 2]?.word === 'local' ? i + 3 : i + 2;
  const file = toks[at]?.word === 'infile' ? toks[at + 1] : undefined;
  if (!file || !isLiteral(file)) return false;
  const path = file.text.slice(1, -1);
  return /^(?:\/etc\/|\/proc\/|\/root\/|\/var\/lib\/mysql|[a-z]:[\\/]windows)/i.test(path) || isCredentialPath(path);
}

/** A file a database may not create without handing over the web server or the system: a script under a web root, a config. */
const WEB_OR_SYSTEM_FILE = /\.(?:php\d?|phtml|jsp|jspx|aspx?|cgi|pl|py|sh)['"]$|^['"](?:\/var\/www|\/srv\/www|\/usr\/share\/nginx|\/etc\/|\/root\/|~\/\.ssh)/i;

function callKind(toks: Token[], i: number, name: string): ['critical' | 'high', string] | undefined {
  const arg = toks[i + 2];
  if (SERVER_COMMAND_FUNCTIONS.has(name)) return ['critical', 'command execution on the database server'];
  if (SERVER_FILE_FUNCTIONS.has(name)) return ['high', 'file access on the database server'];
  if (TIME_FUNCTIONS.has(name)) return ['critical', 'time-based'];
  if (ERROR_FUNCTIONS.has(name)) return ['high', 'error-based'];
  if (SYSTEM_FUNCTIONS.has(name)) return ['high', 'system probe'];
  if ((name === 'randomblob' || name === 'zeroblob') && Number(arg?.text) >= 1e6) return ['critical', 'time-based heavy query'];
  if (name === 'exp' && arg?.text === '~') return ['high', 'error-based'];
  if (COMMAND_PROCEDURES.has(name)) return ['critical', 'command execution'];
  if ((name === 'exec' || name === 'execute') && arg?.text.startsWith('@')) return ['critical', 'dynamic SQL'];
  // MSSQL error-based: CONVERT(INT, (SELECT …)) / CONVERT(INT, @@version) / CONVERT(INT, CHAR(…)+…)
  if (name === 'convert' && arg && ['int', 'integer', 'bigint', 'numeric'].includes(arg.word) && toks[i + 3]?.text === ',') {
    const value = toks.slice(i + 4, i + 7).map((t) => t.word);
    if (value.includes('select') || value.includes('union') || value.includes('@@') || value.includes('char')) return ['high', 'error-based convert'];
  }
  return undefined;
}

/**
 * blindProbe reads a condition at i that asks the database one bit at a time: T-SQL's `IIF(<constant
 * condition or a character of a subquery>, 1, 0)`, or a subquery whose value is a cut of a column,
 * `(SELECT [TOP 1] SUBSTRING(password, 1, 1) FROM users)`. Returns its kind and last token.
 */
function blindProbe(toks: Token[], i: number, closers: Int32Array): [string, number] | undefined {
  let j = i;
  while (toks[j]?.text === '(') j++;
  if (toks[j]?.word === 'iif' && toks[j + 1]?.text === '(') {
    const inner = blindProbe(toks, j + 2, closers);
    if (constantCondition(toks, j + 2, false) !== undefined || inner) return [inner ? inner[0] : 'boolean probe', closers[j + 1]!];
    return undefined;
  }
  if (toks[j]?.word !== 'select' || j === i) return undefined;
  let k = j + 1;
  if (toks[k]?.word === 'top') k += toks[k + 1]?.text === '(' ? 4 : 2;
  if (PROBING_FUNCTIONS.has(toks[k]?.word ?? '') && toks[k + 1]?.text === '(') return ['blind extraction', closers[k + 1]!];
  return undefined;
}

/** dotted: a `.` between qualified name parts, or MSSQL's `..` (`master..sysservers`, default schema). */
const dotted = (t: Token | undefined): boolean => t?.text === '.' || t?.text === '..';

/** afterBetween: the AND at i belongs to `BETWEEN x AND y`. */
function afterBetween(toks: Token[], i: number): boolean {
  return toks[i - 2]?.word === 'between' || (toks[i - 3]?.word === 'between' && toks[i - 2]?.text === '-');
}

/**
 * isBreakout: a literal whose text is the middle of an injection, which happens when a payload made to
 * close a quoted value lands where no quote was open: `1' or '1'='1` lexes as `1`, `' or '`, `1`, `'='`…
 * The literal starts with a connective and holds a comparison, a SELECT or another connective at its end;
 * the caller checks that it follows a value (or a LIKE wildcard, `%' or '0'='0`) directly, which no
 * query does (`concat_ws(' and ', …)` is fine).
 */
function isBreakout(t: Token): boolean {
  const body = t.text.replace(/^[a-z&]*(['"])/i, '').replace(/['"]$/, '');
  const lead = /^[\s()]+(or|and|xor|union)\b/i.test(body) || /^[\s()]*(or|and|xor|union)\s/i.test(body);
  return lead && /\b(or|and|xor|union)[\s()]*$|[=<>]|\bselect\b|\blike\b/i.test(body);
}

/** selectWidth counts the first SELECT's columns (undefined for `*` or no SELECT). */
function selectWidth(toks: Token[]): number | undefined {
  const start = toks.findIndex((t) => t.word === 'select');
  if (start < 0) return undefined;
  let depth = 0;
  let width = 1;
  for (let k = start + 1; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text === '*' && toks[k - 1]?.text !== '(' ) return undefined;
    else if (depth === 0 && t.text === ',') width++;
    else if (depth === 0 && t.word === 'from') return width;
  }
  return width;
}

/** callName reads `name(` or `schema.name(` at i: the lower-case name and the index of its `)`. */
function callName(toks: Token[], i: number, closers: Int32Array): { name: string; close: number } | undefined {
  let name = toks[i]!.word;
  let j = i + 1;
  while (toks[j]?.text === '.' && toks[j + 1] && (toks[j + 1]!.kind === 'IDENT' || toks[j + 1]!.keyword)) {
    name += `.${toks[j + 1]!.word}`;
    j += 2;
  }
  if (toks[j]?.text !== '(') return undefined;
  return { name: name.replace(/"/g, ''), close: closers[j]! };
}

/**
 * matchingParens gives each `(` token the index of its `)` (the last token when it is never closed),
 * in one pass: looking each one up by scanning ahead made a text of unclosed calls (`drop(drop(…`)
 * quadratic (250 KB: 4 s).
 */
function matchingParens(toks: Token[]): Int32Array {
  const closers = new Int32Array(toks.length).fill(toks.length - 1);
  const open: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    if (toks[k]!.text === '(') open.push(k);
    else if (toks[k]!.text === ')' && open.length > 0) closers[open.pop()!] = k;
  }
  return closers;
}

const COMPARE = new Set(['=', '==', '<', '>', '<=', '>=', '<>', '!=', 'like', 'is', 'rlike', 'regexp', 'glob']);

interface Operand {
  value: string;
  numeric: boolean;
  ident: boolean;
  next: number;
}

/** operand reads one side of a comparison at i: a literal, a column name, NULL/TRUE/FALSE, or CHAR(n). */
function operand(toks: Token[], i: number): Operand | undefined {
  let j = i;
  while (toks[j]?.text === '(') j++;
  const t = toks[j];
  if (!t) return undefined;
  const after = toks[j + 1];
  if (t.text === '-' && after && (after.kind === 'ICONST' || after.kind === 'FCONST')) return { value: `-${after.text}`, numeric: true, ident: false, next: j + 2 };
  if (t.kind === 'ICONST' || t.kind === 'FCONST') return { value: t.text, numeric: true, ident: false, next: j + 1 };
  if (t.kind === 'SCONST') return { value: t.text.replace(/^[a-z&]*'|'$/gi, ''), numeric: false, ident: false, next: j + 1 };
  if ((t.word === 'char' || t.word === 'chr') && after?.text === '(' && toks[j + 2]?.kind === 'ICONST' && toks[j + 3]?.text === ')') {
    return { value: String.fromCharCode(Number(toks[j + 2]!.text)), numeric: false, ident: false, next: j + 4 };
  }
  if (t.kind === 'IDENT' || (t.keyword && ['null', 'true', 'false'].includes(t.word))) {
    const quoted = t.text.startsWith('"');
    return { value: quoted ? t.text.slice(1, -1) : t.word, numeric: false, ident: !quoted && !t.keyword, next: j + 1 };
  }
  return undefined;
}

/**
 * constantCondition reads the condition after OR/AND at i: `1=1`, `'a'='a'`, `x=x`, `2>1`, `x LIKE '%'`,
 * or (after OR) a lone `1`, `true` or literal that ends the query. Returns the index of its last token.
 */
function constantCondition(toks: Token[], i: number, afterOr: boolean): number | undefined {
  const a = operand(toks, i);
  if (!a) return undefined;
  let j = a.next;
  while (toks[j]?.text === ')') j++;
  const end = toks[j];
  if (!end || end.text === ';' || end.text.startsWith('#') || (afterOr && isLiteral(end))) {
    if (!afterOr || a.ident) return undefined;
    return a.value !== '0' && a.value !== 'false' ? a.next - 1 : undefined;
  }
  const op = end.word;
  if (!COMPARE.has(op)) return undefined;
  const negated = (op === 'is' || op === 'like') && toks[j + 1]?.word === 'not';
  const b = operand(toks, negated ? j + 2 : j + 1);
  if (!b) return undefined;
  const last = b.next - 1;
  if (op === 'like' && !negated && /^%+$/.test(b.value) && !b.ident) return last;
  if (a.ident !== b.ident) return undefined;
  if (a.ident) return a.value === b.value && !['<', '>', '<>', '!='].includes(op) && !negated ? last : undefined;
  return last;
}

/**
 * suspiciousUnion reads `UNION [ALL] SELECT …` at i and says whether it is what an attacker appends:
 * columns that are all constants (NULL, numbers, marker strings), system variables or functions,
 * credential columns (`group_concat(username,0x3a,password)`), or a
 * FROM naming a system catalog. Returns the index of the last column token, or undefined.
 */
function suspiciousUnion(toks: Token[], i: number): number | undefined {
  let j = i + 1;
  if (toks[j]?.word === 'all' || toks[j]?.word === 'distinct') j++;
  while (toks[j]?.text === '(') j++;
  if (toks[j]?.word !== 'select') return undefined;
  let depth = 0;
  let k = j + 1;
  let constant = true;
  let system = false;
  for (; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      if (--depth < 0) break;
    } else if (depth === 0 && ['from', 'where', 'into', 'order', 'union', 'limit', 'group'].includes(t.word)) break;
    else if (depth === 0 && (t.text === ';' || t.text.startsWith('#'))) break;
    if (t.text === '@@' || ((t.kind === 'IDENT' || t.keyword) && toks[k + 1]?.text === '(' && (SYSTEM_FUNCTIONS.has(t.word) || TIME_FUNCTIONS.has(t.word)))) system = true;
    else if ((t.kind === 'IDENT' || t.keyword) && CREDENTIAL_COLUMN_RE.test(t.word)) system = true;
    else if ((t.kind === 'IDENT' && !t.text.startsWith('"')) || (t.keyword && !['null', 'true', 'false', 'char', 'chr', 'concat', 'cast', 'as', 'int', 'varchar', 'nvarchar', 'char'].includes(t.word))) constant = false;
  }
  const last = k - 1;
  if (last <= j) return toks.length === j + 1 ? j : undefined; // `UNION SELECT` cut off at the end: a probe
  if (constant || system) return last;
  if (toks[k]?.word === 'from') {
    const rel = toks[k + 1];
    const dotted = toks[k + 2]?.text === '.';
    if (rel && isSystemRelation(dotted ? rel.word : undefined, dotted ? (toks[k + 3]?.word ?? '') : rel.word)) return k + 1;
  }
  return undefined;
}
