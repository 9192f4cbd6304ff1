import { foldSqlString } from './fold.js';
import { parseSync, type RawStmt } from 'libpg-query';
import { LruCache } from './cache.js';
import { findCommentTricks } from './comments.js';
import { findDestructiveInTokens, findDestructiveInTree } from './destructive.js';
import { finding, type Finding } from './finding.js';
import { findInjectionInTokens } from './injection-tokens.js';
import { findInjectionInTree } from './injection-tree.js';
import { constValue, stringsOf, walkNodes } from './nodes.js';
import { byteToCharMapper } from './offsets.js';
import { findQuoteTrouble } from './quotes.js';
import { scanTokens } from './tokens.js';

/** What one SQL string holds: its findings, and whether PostgreSQL's grammar accepted it. */
export interface SqlAnalysis {
  parsed: boolean;
  findings: Finding[];
}

/**
 * Characters of SQL PostgreSQL's parser reads for one tool call (detectSql opens each call's budget).
 * The parser costs ~0.4 µs a character (a 1 MB statement: 0.4 s), and its scanner more, so what lies
 * beyond the budget is not read at all. It is not let through either: a statement padded past the
 * budget (`DROP TABLE users; --` and 300 KB of anything) would otherwise pass unread. It is reported,
 * and the default policies block it. Only strings read within the budget are cached.
 */
export const CALL_PARSE_BUDGET = 256 * 1024;
let budget = CALL_PARSE_BUDGET;

/** openSqlBudget starts a tool call's parse budget. */
export function openSqlBudget(): void {
  budget = CALL_PARSE_BUDGET;
}

/**
 * A parse costs ~50–250 µs and the same SQL recurs (agents retry, templates repeat): keep recent
 * results. Only strings up to 16 Ki characters are kept, so the keys stay under 32 M characters.
 */
const cache = new LruCache<string, SqlAnalysis>(2000);
const MAX_CACHED_LENGTH = 16 * 1024;

/**
 * analyzeSql parses `text` with PostgreSQL's parser and returns its injection and destructive-operation
 * findings. When the grammar rejects it (another dialect, or a payload that broke the query), the
 * verdict comes from PostgreSQL's tokens instead, and an unterminated quote is itself a finding.
 * Past the call's parse budget the text is reported as too long to analyse. Requires libpg-query's
 * module to be loaded (initSql).
 */
export function analyzeSql(text: string): SqlAnalysis {
  const hit = cache.get(text);
  if (hit) return hit;
  if (text.trim() === '') return { parsed: false, findings: [] };
  if (text.length > budget) {
    const kind = `${text.length} characters of SQL, beyond the ${CALL_PARSE_BUDGET} a call may have analysed`;
    return { parsed: false, findings: [finding('sql_injection', 'high', kind, text.slice(0, 60))] };
  }
  budget -= text.length;
  const result = analyzeUncached(text);
  if (text.length <= MAX_CACHED_LENGTH) cache.set(text, result);
  return result;
}

/**
 * Statements of many kinds, dialects and payloads, so that warming up runs most of the parser's
 * grammar actions, node writers and error paths, and most of the rules here.
 */
const WARM_UP = [
  "SELECT a, count(*) FROM t JOIN u ON u.id = t.u WHERE b = 'x' AND c > 1 OR d IN (SELECT e FROM f) GROUP BY a HAVING count(*) > 1 -- c",
  "SELECT DISTINCT x FROM t WHERE y < 1 INTERSECT SELECT x FROM t WHERE y > 2 EXCEPT SELECT 1 UNION ALL SELECT NULL ORDER BY 1 LIMIT 5",
  "WITH a AS (SELECT * FROM b) SELECT CASE WHEN a.x = 1 THEN 'y' END, CAST(z AS int), z::text, sum(x) OVER (PARTITION BY y ORDER BY z) FROM a",
  'DELETE FROM t AS d USING u WHERE d.x = u.x; DROP TABLE u; TRUNCATE v; UPDATE v SET a = 1 RETURNING *',
  "INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = excluded.b",
  "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.id)",
  "CREATE TABLE t (id int PRIMARY KEY, n varchar(10) DEFAULT 'x' REFERENCES u (id) ON UPDATE CASCADE, CHECK (id > 0))",
  'CREATE INDEX i ON t (a); CREATE VIEW v AS SELECT 1; DROP DATABASE d; DROP SCHEMA s CASCADE; DROP ROLE r',
  'ALTER TABLE t DROP COLUMN c, DROP CONSTRAINT k, ADD COLUMN d int, ALTER COLUMN e DROP DEFAULT',
  "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql; GRANT SELECT ON t TO r; COPY t TO '/tmp/x'",
  "SELECT * FROM t WHERE a = \"b\" AND c = 2) waitfor delay '0:0:5' --",
  "SELECT * FROM t WHERE id = 1 UNION SELECT NULL, version() ORDER BY 2 #'",
  'ALTER TABLE t DROP COLUMNS (a, b) PURGE; UPDATE a, b SET a.x = 1',
];

/**
 * warmUpSql analyses sample statements (~25–60 ms) so that V8 compiles the parser's WASM and these
 * rules with its optimising tiers at start-up rather than during the first checks, which otherwise run
 * 2–3× slower. The results are not cached. Requires libpg-query's module to be loaded.
 */
export function warmUpSql(rounds = 25): void {
  for (let i = 0; i < rounds; i++) for (const sample of WARM_UP) analyzeUncached(sample);
}

/** Comment markers outside literals need the tokens; most queries have none and skip the scan. */
const COMMENT_MARK = /--|\/\*|#/;

/** What the scanner may re-read in runs of operator characters before a text is refused (~0.2 s). */
const MAX_OPERATOR_RESCANS = 4_000_000;
/** PostgreSQL's operator characters. */
const OP_CHAR = new Uint8Array(128);
for (const ch of '~!@#^&|`?+-*/%<>=') OP_CHAR[ch.charCodeAt(0)] = 1;

/**
 * operatorRescans estimates how many characters PostgreSQL's scanner re-reads in the runs of operator
 * characters outside literals and line comments: a run's length for every `/*` in it, and its length
 * again for every character of a trailing `+`/`-` run it gives back. A banner comment
 * (`/*********…*\/`) is one `/*` in its run: read about once.
 */
function operatorRescans(text: string): number {
  let total = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x27 || c === 0x22) {
      // A quoted literal or identifier ('it''s' doubles its quote); unterminated, it runs to the end.
      let j = i + 1;
      while (j < n && !(text.charCodeAt(j) === c && text.charCodeAt(j + 1) !== c)) j += text.charCodeAt(j) === c ? 2 : 1;
      i = j + 1;
    } else if (c === 0x2d && text.charCodeAt(i + 1) === 0x2d) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c < 128 && OP_CHAR[c]) {
      let j = i;
      let starts = 0;
      while (j < n && text.charCodeAt(j) < 128 && OP_CHAR[text.charCodeAt(j)]) {
        if (text.charCodeAt(j) === 0x2f && text.charCodeAt(j + 1) === 0x2a) starts++;
        j++;
      }
      const length = j - i;
      let pm = 0;
      while (pm < length && (text.charCodeAt(j - 1 - pm) === 0x2b || text.charCodeAt(j - 1 - pm) === 0x2d)) pm++;
      total += length * (starts + 1) + (pm > 1 ? pm * pm : 0);
      i = j;
    } else i++;
  }
  return total;
}

/** Deeper than this, nested comments are obfuscation, and too costly to hand to the parser. */
const MAX_COMMENT_NESTING = 32;

/** commentNesting returns how deep `/* … *\/` comments nest in `text` (literals not told apart: a bound, not a parse). */
function commentNesting(text: string): number {
  if (!text.includes('/*')) return 0;
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      if (++depth > max) max = depth;
      i++;
    } else if (c === 0x2a && text.charCodeAt(i + 1) === 0x2f && depth > 0) {
      depth--;
      i++;
    }
  }
  return max;
}

/**
 * Dynamic SQL in other dialects, which PostgreSQL's grammar refuses and whose statement is a string:
 * T-SQL's `EXEC sp_executesql N'…'` and `EXEC ('…')`, MySQL's `PREPARE s FROM '…'`.
 */
const DYNAMIC_SQL_RE = /\b(?:exec(?:ute)?\s+(?:\w+\.)*sp_executesql\s+N?|exec(?:ute)?\s*\(\s*N?|prepare\s+\w+\s+from\s+)'((?:[^']|''){1,4000})'/gi;

/** `SET @q = CONCAT('DR', 'OP TABLE users')`, `DECLARE @q NVARCHAR(99) = N'DR' + N'OP …'`: a variable holding built SQL. */
const SQL_VARIABLE_RE = /\b(?:set|declare)\s+(@\w+)(?:\s+n?(?:var)?char\s*\(\s*(?:\d+|max)\s*\))?\s*(?::=|=)\s*([^;]{1,4000})/gi;
/** What runs a variable or an expression: `PREPARE s FROM @q`, `PREPARE s FROM CONCAT(…)`, `EXEC(@q)`, `EXEC sp_executesql @q`. */
const RUNS_BUILT_RE = /\b(?:prepare\s+\w+\s+from|exec(?:ute)?\s*\(|exec(?:ute)?\s+(?:\w+\.)*sp_executesql)\s*(@\w+|(?!')[^;)]{1,4000}\))/gi;

function findInDynamicSql(text: string): Finding[] {
  if (remoteDepth >= MAX_REMOTE_DEPTH) return [];
  const out: Finding[] = [];
  remoteDepth++;
  try {
    const dynamic = [...text.matchAll(DYNAMIC_SQL_RE)].map((m) => m[1]!.replaceAll("''", "'"));
    // Statements built from constants at run time: folded, then read like the literal ones.
    const variables = new Map<string, string>();
    for (const m of text.matchAll(SQL_VARIABLE_RE)) {
      const folded = foldSqlString(m[2]!.trim());
      if (folded !== undefined) variables.set(m[1]!.toLowerCase(), folded);
    }
    for (const m of text.matchAll(RUNS_BUILT_RE)) {
      const what = m[1]!.trim();
      const folded = what.startsWith('@') ? variables.get(what.toLowerCase()) : foldSqlString(what.replace(/\)$/, '').trim()) ?? foldSqlString(what);
      if (folded !== undefined) dynamic.push(folded);
    }
    for (const sql of dynamic) {
      for (const f of analyzeSql(sql).findings) out.push(finding(f.id, f.severity, `in dynamic SQL, ${f.evidence}`));
    }
  } finally {
    remoteDepth--;
  }
  return out;
}

function analyzeUncached(text: string): SqlAnalysis {
  const result = analyzeStatements(text);
  if (!/\b(?:sp_executesql|exec(?:ute)?\s*\(|prepare\s+\w+\s+from)/i.test(text)) return result;
  return { parsed: result.parsed, findings: [...result.findings, ...findInDynamicSql(text)] };
}

function analyzeStatements(text: string): SqlAnalysis {
  // PostgreSQL reads a C string: it would stop at a NUL and never see what follows.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const rest = analyzeUncached(text.slice(0, nul));
    return { parsed: rest.parsed, findings: [finding('sql_injection', 'high', 'null byte', text.slice(Math.max(0, nul - 40), nul + 40).replaceAll('\u0000', '\\0')), ...rest.findings] };
  }
  // PostgreSQL's scanner re-reads runs of operator characters: each `/*` in a run restarts a token
  // that runs to the run's end, and a run of `+`/`-` is given back one character at a time. 20 KB of
  // `+` took 0.6 s, 256 KB of `/*…*/` nested 32 deep 98 s. No query has such runs: they are refused.
  const nesting = commentNesting(text);
  if (nesting > MAX_COMMENT_NESTING) return { parsed: false, findings: [finding('sql_injection', 'high', 'comment nesting', `${nesting} levels of /* … */`)] };
  const rescans = operatorRescans(text);
  if (rescans > MAX_OPERATOR_RESCANS) return { parsed: false, findings: [finding('sql_injection', 'high', 'operator runs too costly to parse', `about ${rescans} characters re-read`)] };
  let stmts: RawStmt[];
  try {
    stmts = parseSync(text).stmts ?? [];
  } catch {
    return { parsed: false, findings: analyzeRejected(text) };
  }
  const sql = { text, stmts, toChar: byteToCharMapper(text) };
  let findings: Finding[];
  try {
    findings = [...findInjectionInTree(sql), ...findDestructiveInTree(sql)];
  } catch (err) {
    // The tree walk recurses: an expression chained tens of thousands deep (`'a'+b+'c'+…`) exhausts the stack.
    if (!(err instanceof RangeError)) throw err;
    return { parsed: true, findings: [finding('sql_injection', 'high', 'expression nested too deep to analyse', text.slice(0, 60))] };
  }
  if (COMMENT_MARK.test(text)) findings.push(...findCommentTricks(text, scanTokens(text) ?? [], true));
  if (/dblink/i.test(text)) findings.push(...findInRemoteQueries(stmts));
  if (/\b(?:do|function|procedure)\b/i.test(text)) findings.push(...findInBodies(stmts));
  return { parsed: true, findings };
}

/** dblink's functions that run their last text argument as SQL on a (possibly other) server. */
const REMOTE_QUERY_FUNCTIONS = new Set(['dblink', 'dblink_exec', 'dblink_send_query', 'dblink_open']);
/** How deep SQL handed to dblink is followed into SQL it hands to dblink in turn. */
const MAX_REMOTE_DEPTH = 3;
let remoteDepth = 0;

/**
 * findInRemoteQueries analyses the SQL a statement sends through dblink (`dblink('host=… dbname=prod',
 * 'SELECT passwd FROM pg_shadow')`, `dblink_exec(…, 'DROP TABLE users')`) as SQL of its own: it runs as
 * surely as the statement around it, and a string literal would otherwise hide it from every rule.
 */
function findInRemoteQueries(stmts: RawStmt[]): Finding[] {
  if (remoteDepth >= MAX_REMOTE_DEPTH) return [];
  const queries: string[] = [];
  walkNodes(stmts, (n) => {
    if (!('FuncCall' in n)) return true;
    const name = stringsOf(n.FuncCall.funcname).at(-1)?.toLowerCase() ?? '';
    if (!REMOTE_QUERY_FUNCTIONS.has(name)) return true;
    // (sql), (connection, sql) or, for dblink_open, (connection?, cursor, sql): the last text argument.
    const texts = (n.FuncCall.args ?? []).map((a) => constValue(a)).filter((v): v is string => typeof v === 'string');
    const query = texts.at(-1);
    if (query !== undefined && (texts.length > 1 || name === 'dblink' || name === 'dblink_exec')) queries.push(query);
    return true;
  });
  const out: Finding[] = [];
  remoteDepth++;
  try {
    for (const q of queries) for (const f of analyzeSql(q).findings) out.push(finding(f.id, f.severity, `through dblink, ${f.evidence}`));
  } finally {
    remoteDepth--;
  }
  return out;
}

/** Languages whose bodies are SQL, or PL/pgSQL around SQL (DO's default). */
const SQL_BODY_LANGUAGES = new Set(['sql', 'plpgsql']);

/**
 * findInBodies analyses the code a statement runs: a `DO` block, or a function or procedure it
 * creates in SQL or PL/pgSQL (`DO $$ BEGIN DROP TABLE users; END $$`, `CREATE FUNCTION f() … AS
 * 'DELETE FROM users'`), and the strings such a body EXECUTEs — a body is a string literal, which
 * would otherwise hide every statement in it.
 */
function findInBodies(stmts: RawStmt[]): Finding[] {
  if (remoteDepth >= MAX_REMOTE_DEPTH) return [];
  const bodies: string[] = [];
  walkNodes(stmts, (n) => {
    if (!('DoStmt' in n) && !('CreateFunctionStmt' in n)) return true;
    const options = ('DoStmt' in n ? n.DoStmt.args : n.CreateFunctionStmt.options) ?? [];
    let language = 'DoStmt' in n ? 'plpgsql' : '';
    let body: string | undefined;
    for (const o of options) {
      if (!('DefElem' in o) || !o.DefElem.arg) continue;
      const arg = o.DefElem.arg;
      if (o.DefElem.defname === 'language' && 'String' in arg) language = (arg.String.sval ?? '').toLowerCase();
      if (o.DefElem.defname === 'as') {
        if ('String' in arg) body = arg.String.sval;
        else if ('List' in arg) body = (arg.List.items ?? []).flatMap((i) => ('String' in i ? [i.String.sval ?? ''] : [])).join('\n');
      }
    }
    if (body && SQL_BODY_LANGUAGES.has(language)) bodies.push(body);
    return true;
  });
  const out: Finding[] = [];
  remoteDepth++;
  try {
    for (const body of bodies) {
      // PL/pgSQL around the statements: its block keywords go, PERFORM is a SELECT, EXECUTE's literal is SQL of its own.
      const statements = body
        .replace(/^\s*(?:<<\w+>>\s*)?(?:declare\b[\s\S]*?)?\bbegin\b/i, '')
        .replace(/\bend\s*(?:\w+\s*)?;?\s*$/i, '')
        .replace(/\bperform\b/gi, 'SELECT');
      const executed = [...statements.matchAll(/\bexecute\s+'((?:[^']|'')*)'/gi)].map((m) => m[1]!.replaceAll("''", "'"));
      // `EXECUTE format('DR' || 'OP TABLE %I', 'users')`, `EXECUTE reverse('…')`: SQL built from constants.
      for (const m of statements.matchAll(/\bexecute\s+(?!')([^;]{1,4000}?)\s*(?:\b(?:using|into)\b[^;]*)?(?:;|$)/gi)) {
        const folded = foldSqlString(m[1]!);
        if (folded !== undefined) executed.push(folded);
      }
      for (const sql of [statements.replace(/\bexecute\s+'(?:[^']|'')*'/gi, 'SELECT 1'), ...executed]) {
        for (const f of analyzeSql(sql).findings) out.push(finding(f.id, f.severity, `in a function or DO body, ${f.evidence}`));
      }
    }
  } finally {
    remoteDepth--;
  }
  return out;
}

/**
 * analyzeRejected handles SQL the grammar rejected. PostgreSQL's scanner stops at an unterminated
 * quote or comment, so then only the text before it is lexed: the payload that unbalanced the quotes
 * sits there, and the unterminated quote is reported on its own. Zero-length identifiers (`""`) are
 * lexed as empty strings (`''`), which is what MySQL makes of them.
 */
function analyzeRejected(text: string): Finding[] {
  const out: Finding[] = [];
  const trouble = findQuoteTrouble(text);
  let lexed = text;
  for (const at of trouble.emptyIdentifiers) lexed = `${lexed.slice(0, at)}''${lexed.slice(at + 2)}`;
  const stop = trouble.unterminated;
  if (stop) {
    lexed = lexed.slice(0, stop.at);
    const before = Math.max(0, stop.at - 60);
    if (stop.kind === 'quote') out.push(finding('sql_injection', 'high', 'unbalanced quote', text.slice(before, stop.at + 40)));
    else out.push(finding('sql_injection', 'high', 'comment truncation', text.slice(before)));
  }
  const tokens = scanTokens(lexed) ?? [];
  out.push(...findInjectionInTokens(lexed, tokens), ...findCommentTricks(lexed, tokens, false), ...findDestructiveInTokens(lexed, tokens));
  return out;
}
