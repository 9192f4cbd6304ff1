import type { A_Expr, FuncCall, Node, SelectStmt } from 'libpg-query';
import { finding, type Finding } from './finding.js';
import { CREDENTIAL_COLUMN_RE, ERROR_FUNCTIONS, PROBING_FUNCTIONS, SERVER_COMMAND_FUNCTIONS, SERVER_FILE_FUNCTIONS, SYSTEM_FUNCTIONS, TIME_FUNCTIONS, isPasswordRelation, isSystemRelation, qualifiedName } from './lexicon.js';
import { constTruth, constValue, isConstantExpr, isQuotedValue, locationSpan, sameExpr, someNode, stringsOf, walkNodes } from './nodes.js';
import { nodeText, stmtText, stmtType, type ParsedSql } from './tree.js';

/**
 * Injection rules over PostgreSQL's parse tree. A well-formed query can still carry an injection when
 * the payload happens to be valid SQL: `' OR '1'='1`, `1 UNION SELECT NULL,version()`, `1; DROP TABLE t`.
 */
export function findInjectionInTree(sql: ParsedSql): Finding[] {
  const out: Finding[] = [];
  const whereClauses = new Set<unknown>();
  walkNodes(sql.stmts, (n) => {
    if ('SelectStmt' in n || 'UpdateStmt' in n || 'DeleteStmt' in n) {
      const body = Object.values(n)[0] as { whereClause?: Node; havingClause?: Node };
      if (body.whereClause && 'BoolExpr' in body.whereClause) whereClauses.add(body.whereClause.BoolExpr);
      if (body.havingClause && isConstantExpr(body.havingClause)) {
        out.push(finding('sql_injection', 'high', 'boolean probe', `HAVING ${nodeText(sql, body.havingClause)}`));
      }
    }
    if ('BoolExpr' in n) checkCondition(sql, n.BoolExpr.boolop, n.BoolExpr.args ?? [], whereClauses.has(n.BoolExpr), out);
    else if ('FuncCall' in n) checkFunction(sql, n.FuncCall, out);
    else if ('TypeCast' in n) checkCast(sql, n, out);
    else if ('A_Expr' in n && isBlindExtraction(n.A_Expr)) out.push(finding('sql_injection', 'high', 'blind extraction', nodeText(sql, n)));
    else if ('A_Expr' in n) markCastSubqueryProbe(n.A_Expr);
    else if ('CaseWhen' in n && n.CaseWhen.expr && isConstantExpr(n.CaseWhen.expr)) {
      out.push(finding('sql_injection', 'high', 'boolean probe', `CASE WHEN ${nodeText(sql, n.CaseWhen.expr)}`));
    }
    if ('AlterSystemStmt' in n && SERVER_COMMAND_SETTINGS.has((n.AlterSystemStmt.setstmt?.name ?? '').toLowerCase())) {
      // The server runs these settings' values as commands, or loads them as libraries (after a reload).
      out.push(finding('sql_injection', 'critical', 'command execution on the database server (ALTER SYSTEM)', nodeText(sql, n)));
    }
    if ('SelectStmt' in n) checkSelect(sql, n.SelectStmt, out);
    else if ('CopyStmt' in n) checkCopy(sql, n, out);
    else if ('CreateFunctionStmt' in n || 'DoStmt' in n) {
      const options = 'CreateFunctionStmt' in n ? n.CreateFunctionStmt.options : n.DoStmt.args;
      const language = (options ?? []).flatMap((o) => ('DefElem' in o && o.DefElem.defname === 'language' && o.DefElem.arg && 'String' in o.DefElem.arg ? [o.DefElem.arg.String.sval ?? ''] : []))[0]?.toLowerCase();
      if (language && UNTRUSTED_LANGUAGES.has(language)) out.push(finding('sql_injection', 'critical', `code execution on the database server (LANGUAGE ${language})`, untilBody(sql, n)));
    } else if ('CreateExtensionStmt' in n && UNTRUSTED_LANGUAGES.has((n.CreateExtensionStmt.extname ?? '').toLowerCase())) {
      out.push(finding('sql_injection', 'high', `untrusted language installed on the database server (${n.CreateExtensionStmt.extname})`, nodeText(sql, n)));
    }
    else if ('RangeVar' in n && isPasswordRelation(n.RangeVar.schemaname, n.RangeVar.relname ?? '')) {
      out.push(finding('sql_injection', 'high', 'password hashes read', nodeText(sql, n)));
    }
    return true;
  });
  for (const stmt of sql.stmts) checkSystemProbe(sql, stmt.stmt, out);
  checkStacked(sql, out);
  return out;
}

const COMPARISONS = new Set(['=', '<=', '>=', '~~', '~~*']);

/** isSelfComparison: `x = x`, `"a" = "a"` (double-quoted values are identifiers to PostgreSQL), `b LIKE b`. */
export function isSelfComparison(n: Node): boolean {
  if (!('A_Expr' in n)) return false;
  const e: A_Expr = n.A_Expr;
  const [op] = stringsOf(e.name);
  const comparing = e.kind === 'AEXPR_NOT_DISTINCT' || (op !== undefined && COMPARISONS.has(op) && e.kind !== 'AEXPR_IN');
  return comparing && e.lexpr !== undefined && sameExpr(e.lexpr, e.rexpr);
}

/** matchesAll: `x LIKE '%'` is true for every non-null x. */
export function matchesAll(n: Node): boolean {
  if (!('A_Expr' in n) || (n.A_Expr.kind !== 'AEXPR_LIKE' && n.A_Expr.kind !== 'AEXPR_ILIKE') || !n.A_Expr.rexpr) return false;
  if (stringsOf(n.A_Expr.name)[0]?.startsWith('!')) return false;
  const r = n.A_Expr.rexpr;
  const pattern = 'ColumnRef' in r && isQuotedValue(r) ? stringsOf(r.ColumnRef.fields)[0] : constValue(r);
  return typeof pattern === 'string' && /^%+$/.test(pattern);
}

/**
 * checkCondition flags OR branches that are always true or constant (`OR 1=1`, `OR 'a'='a'`, `OR x=x`,
 * `OR name LIKE '%'`) and constant conjuncts after the first (`AND 1=0`: boolean-blind probes). A
 * leading `WHERE 1=1 AND …` is how query builders start a condition list, so the first conjunct of a
 * WHERE itself is left alone.
 */
function checkCondition(sql: ParsedSql, op: string | undefined, args: Node[], isWhere: boolean, out: Finding[]): void {
  if (op !== 'OR_EXPR' && op !== 'AND_EXPR') return;
  args.forEach((arg, i) => {
    if (op === 'AND_EXPR' && i === 0 && isWhere) return;
    if (!isConstantExpr(arg) && !isSelfComparison(arg) && !(op === 'OR_EXPR' && matchesAll(arg))) return;
    const shown = nodeText(sql, arg);
    // `OR 1=0` adds nothing true: a probe of how the query answers, not a tautology.
    if (op === 'OR_EXPR') out.push(finding('sql_injection', 'high', constTruth(arg) === false ? 'boolean probe' : 'tautology', `OR ${shown}`));
    else out.push(finding('sql_injection', 'high', 'boolean probe', `AND ${shown}`));
  });
}

function funcName(f: FuncCall): string {
  return qualifiedName(stringsOf(f.funcname).filter((p) => p.toLowerCase() !== 'pg_catalog'));
}

/** checkFunction flags functions that stall the server or leak data through error messages. */
function checkFunction(sql: ParsedSql, f: FuncCall, out: Finding[]): void {
  const name = funcName(f);
  const shown = (): string => nodeText(sql, { FuncCall: f });
  if (SERVER_COMMAND_FUNCTIONS.has(name)) out.push(finding('sql_injection', 'critical', 'command execution on the database server', shown()));
  else if (SERVER_FILE_FUNCTIONS.has(name)) out.push(finding('sql_injection', 'high', 'file access on the database server', shown()));
  else if (TIME_FUNCTIONS.has(name)) out.push(finding('sql_injection', 'critical', 'time-based', shown()));
  else if (ERROR_FUNCTIONS.has(name)) out.push(finding('sql_injection', 'high', 'error-based', shown()));
  else if (name === 'iif' && f.args?.[0] && (isConstantExpr(f.args[0]) || someNode(f.args[0], (n) => 'A_Expr' in n && isBlindExtraction(n.A_Expr)))) {
    // T-SQL's IIF(1=1, 1, 0): a condition the query answers yes or no to, one bit at a time.
    out.push(finding('sql_injection', 'high', 'boolean probe', shown()));
  } else if (name === 'randomblob' || name === 'zeroblob') {
    const size = constValue(f.args?.[0]);
    if (typeof size === 'number' && size >= 1e6) out.push(finding('sql_injection', 'critical', 'time-based heavy query', shown()));
  } else if (name === 'exp' && someNode(f.args, (n) => 'A_Expr' in n && stringsOf(n.A_Expr.name)[0] === '~')) {
    out.push(finding('sql_injection', 'high', 'error-based', shown()));
  } else if (name === 'convert' && (f.args ?? []).some(revealsSystem)) {
    out.push(finding('sql_injection', 'high', 'error-based convert', shown()));
  }
}

/**
 * Procedural languages that run with the server's operating-system rights (PostgreSQL's "untrusted"
 * ones: Python, Perl, Tcl, shell) and C, whose functions are shared libraries loaded into the server.
 */
const UNTRUSTED_LANGUAGES = new Set(['plpython3u', 'plpythonu', 'plpython2u', 'plperlu', 'pltclu', 'plsh', 'c']);

/** untilBody shows a routine's header, not its (long) body. */
function untilBody(sql: ParsedSql, n: Node): string {
  const text = nodeText(sql, n);
  const body = text.search(/\bAS\b|\$\$/i);
  return body > 0 ? `${text.slice(0, body).trim()} …` : text;
}

/**
 * checkCopy flags COPY that runs a program on the database server (`COPY … TO PROGRAM 'curl …'`,
 * `FROM PROGRAM`: a shell on the host) or reads or writes a file there; COPY to and from the client
 * (STDIN / STDOUT) is how data is bulk-loaded and passes.
 */
function checkCopy(sql: ParsedSql, n: Node, out: Finding[]): void {
  if (!('CopyStmt' in n)) return;
  const c = n.CopyStmt as { is_program?: boolean; filename?: string; is_from?: boolean };
  if (c.is_program) out.push(finding('sql_injection', 'critical', 'command execution on the database server', `COPY … ${c.is_from ? 'FROM' : 'TO'} PROGRAM '${c.filename ?? ''}'`));
  else if (c.filename) out.push(finding('sql_injection', 'high', 'file access on the database server', `COPY … ${c.is_from ? 'FROM' : 'TO'} '${c.filename}'`));
}

/**
 * checkCast flags casts that make the server print a value in an error: a system value or a
 * subquery or CHR()-built marker string cast to a number (`CAST(version() AS int)`, sqlmap's
 * `CAST(CHR(113)||…||(SELECT …)::text AS NUMERIC)`).
 */
function checkCast(sql: ParsedSql, n: Node, out: Finding[]): void {
  if (!('TypeCast' in n) || !n.TypeCast.arg || !isNumericType(stringsOf(n.TypeCast.typeName?.names))) return;
  if (constantComparedToSubquery.has(n)) {
    out.push(finding('sql_injection', 'high', 'error-based cast', nodeText(sql, n)));
    return;
  }
  const arg = n.TypeCast.arg;
  const concat = 'A_Expr' in arg && stringsOf(arg.A_Expr.name)[0] === '||';
  const marker = concat && someNode(arg, (x) => 'SubLink' in x || ('FuncCall' in x && ['chr', 'char'].includes(funcName(x.FuncCall))));
  if (marker || revealsSystem(arg)) out.push(finding('sql_injection', 'high', 'error-based cast', nodeText(sql, n)));
}

const PROBING = PROBING_FUNCTIONS;

/**
 * isBlindExtraction: a subquery's value cut into characters or measured, compared with a constant:
 * `ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1)) > 64`.
 */
function isBlindExtraction(e: A_Expr): boolean {
  if (e.kind !== 'AEXPR_OP' || !e.lexpr || !e.rexpr) return false;
  const [probe, other] = isConstantExpr(e.rexpr) ? [e.lexpr, e.rexpr] : isConstantExpr(e.lexpr) ? [e.rexpr, e.lexpr] : [];
  if (!probe || !other) return false;
  if ('FuncCall' in probe) return PROBING.has(funcName(probe.FuncCall)) && someNode(probe.FuncCall.args, (n) => 'SubLink' in n);
  // `(SELECT SUBSTRING(password, 1, 1) FROM users LIMIT 1) = 'a'`: a subquery whose one value is a cut of a column.
  if (!('SubLink' in probe) || probe.SubLink.subLinkType !== 'EXPR_SUBLINK' || !probe.SubLink.subselect || !('SelectStmt' in probe.SubLink.subselect)) return false;
  const targets = probe.SubLink.subselect.SelectStmt.targetList ?? [];
  const value = targets.length === 1 && 'ResTarget' in targets[0]! ? targets[0]!.ResTarget.val : undefined;
  return value !== undefined && 'FuncCall' in value && PROBING.has(funcName(value.FuncCall));
}

/**
 * Casts the walk found compared with a constant: `1 = CAST((SELECT password FROM users LIMIT 1) AS int)`
 * makes the server print the value in its conversion error (comparing a column with a cast subquery
 * is ordinary SQL; a constant with one is not). Marked on the comparison, reported by checkCast.
 */
const constantComparedToSubquery = new WeakSet<object>();

function markCastSubqueryProbe(e: A_Expr): void {
  if (e.kind !== 'AEXPR_OP' || !e.lexpr || !e.rexpr) return;
  const cast = isConstantExpr(e.lexpr) ? e.rexpr : isConstantExpr(e.rexpr) ? e.lexpr : undefined;
  if (cast && 'TypeCast' in cast && cast.TypeCast.arg && 'SubLink' in cast.TypeCast.arg && cast.TypeCast.arg.SubLink.subLinkType === 'EXPR_SUBLINK') constantComparedToSubquery.add(cast);
}

/** isSystemVariable: MySQL/MSSQL `@@version`, which PostgreSQL reads as the prefix operator `@@` on a column. */
function isSystemVariable(n: Node): boolean {
  return 'A_Expr' in n && !n.A_Expr.lexpr && stringsOf(n.A_Expr.name)[0] === '@@' && n.A_Expr.rexpr !== undefined && 'ColumnRef' in n.A_Expr.rexpr;
}

function readsSystemRelation(tree: unknown): boolean {
  return someNode(tree, (n) => 'RangeVar' in n && isSystemRelation(n.RangeVar.schemaname, n.RangeVar.relname ?? ''));
}

/** revealsSystem: the expression reads the server's identity, a system variable or a system catalog. */
function revealsSystem(tree: unknown): boolean {
  return (
    someNode(tree, (n) => ('FuncCall' in n && SYSTEM_FUNCTIONS.has(funcName(n.FuncCall))) || isSystemVariable(n)) ||
    readsSystemRelation(tree)
  );
}

function isNumericType(names: string[]): boolean {
  return /^(int\d?|integer|bigint|smallint|numeric|decimal|float\d?|real|double)$/i.test(names.at(-1) ?? '');
}

/** Server settings whose values PostgreSQL runs as shell commands or loads as shared libraries. */
const SERVER_COMMAND_SETTINGS = new Set(['archive_command', 'restore_command', 'archive_cleanup_command', 'recovery_end_command', 'ssl_passphrase_command', 'shared_preload_libraries', 'local_preload_libraries', 'session_preload_libraries', 'dynamic_library_path', 'archive_library']);

/** armsOf flattens a chain of UNIONs into its SELECTs, left to right. */
function armsOf(s: SelectStmt): SelectStmt[] {
  if (s.op === 'SETOP_UNION' && s.larg && s.rarg) return [...armsOf(s.larg), ...armsOf(s.rarg)];
  return [s];
}

function hasStar(s: SelectStmt): boolean {
  return someNode(s.targetList, (n) => 'A_Star' in n);
}

/**
 * checkSelect flags UNION arms that only an attacker writes (NULL or number columns, system functions
 * or catalogs, a column count that differs from the query it is appended to) and ORDER BY positions past
 * the last column (`ORDER BY 10`: counting the columns before a UNION).
 */
function checkSelect(sql: ParsedSql, s: SelectStmt, out: Finding[]): void {
  const arms = armsOf(s);
  let first = arms[0]!;
  while (first.op !== undefined && first.op !== 'SETOP_NONE' && first.larg) first = first.larg;
  const width = first.targetList?.length ?? 0;
  // An injected UNION is appended to a query that reads a table; `SELECT 1 UNION SELECT 2` has no host.
  for (const arm of first.fromClause ? arms.slice(1) : []) {
    const targets = (arm.targetList ?? []).map((t) => ('ResTarget' in t ? t.ResTarget.val : undefined));
    const constant = targets.length > 0 && targets.every((v) => v !== undefined && isConstantExpr(v));
    // NULL and number columns probe the column count; a concatenation of literals is a marker to find in the page ('INJ'||'ECT').
    const nullsOrNumbers = constant && targets.every((v) => typeof constValue(v) !== 'string' || ('A_Expr' in v! && stringsOf(v.A_Expr.name)[0] === '||'));
    const mismatch = !hasStar(first) && !hasStar(arm) && (arm.targetList?.length ?? 0) !== width;
    const credentials = someNode(arm.targetList, (n) => 'ColumnRef' in n && CREDENTIAL_COLUMN_RE.test(stringsOf(n.ColumnRef.fields).at(-1) ?? ''));
    if (nullsOrNumbers || mismatch || credentials || revealsSystem(arm.targetList) || readsSystemRelation(arm.fromClause)) {
      out.push(finding('sql_injection', 'critical', 'UNION-based', unionText(sql, arm)));
    }
  }
  if (s.sortClause && !hasStar(first) && width > 0) {
    for (const sort of s.sortClause) {
      const key = 'SortBy' in sort ? constValue(sort.SortBy.node) : undefined;
      if (typeof key === 'number' && key > width) {
        out.push(finding('sql_injection', 'high', 'column enumeration', `ORDER BY ${key} with ${width} column${width === 1 ? '' : 's'}`));
      }
    }
  }
}

/** unionText shows an appended arm from its UNION keyword to its last column. */
function unionText(sql: ParsedSql, arm: SelectStmt): string {
  const span = locationSpan(arm.targetList);
  if (!span) return 'UNION SELECT';
  const start = sql.toChar(span[0]);
  const union = sql.text.toLowerCase().lastIndexOf('union', start);
  return `${sql.text.slice(union >= 0 ? union : start, start)}${nodeText(sql, arm.targetList)}`;
}

/**
 * checkSystemProbe flags conditions that read the server's identity or catalogs in a query about
 * something else: `AND substring(version(),1,1)='P'`, `AND (SELECT count(*) FROM pg_user)>0`.
 */
function checkSystemProbe(sql: ParsedSql, stmt: Node | undefined, out: Finding[]): void {
  walkNodes(stmt, (n) => {
    const body = 'SelectStmt' in n ? n.SelectStmt : 'UpdateStmt' in n ? n.UpdateStmt : 'DeleteStmt' in n ? n.DeleteStmt : undefined;
    if (!body) return true;
    const from = 'fromClause' in body ? body.fromClause : 'relation' in body ? body.relation : undefined;
    if (readsSystemRelation(from)) return true;
    for (const cond of [body.whereClause, 'havingClause' in body ? body.havingClause : undefined]) {
      if (cond && revealsSystem(cond)) {
        const probe = findProbe(cond) ?? cond;
        out.push(finding('sql_injection', 'high', 'system probe', nodeText(sql, probe)));
      }
    }
    return true;
  });
}

/** findProbe returns the smallest condition branch that reveals the system, for the evidence. */
function findProbe(cond: Node): Node | undefined {
  if ('BoolExpr' in cond) return (cond.BoolExpr.args ?? []).map(findProbe).find(Boolean);
  return revealsSystem(cond) ? cond : undefined;
}

/** Statements that change schema, roles or the server, or run code: stacked, these are the attack. */
const DANGEROUS_STATEMENTS = new Set([
  'DropStmt', 'DropdbStmt', 'TruncateStmt', 'AlterTableStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'GrantStmt', 'GrantRoleStmt',
  'CopyStmt', 'DoStmt', 'CreateFunctionStmt', 'DropRoleStmt', 'AlterSystemStmt', 'LoadStmt', 'CreateExtensionStmt',
]);
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/**
 * checkStacked flags a statement stacked after a query or write that ends in a literal (`… WHERE id = 5;
 * DROP TABLE users`, `VALUES ('Robert'); DROP TABLE students`) when it changes schema or roles, runs
 * code, stalls, or writes without a WHERE (critical), or reads the system, or writes after a filtered
 * read (high). Scripts of filtered writes, several INSERTs, DDL or transaction control pass.
 */
function checkStacked(sql: ParsedSql, out: Finding[]): void {
  for (let i = 1; i < sql.stmts.length; i++) {
    const stacked = sql.stmts[i]!.stmt;
    const prev = sql.stmts[i - 1]!.stmt;
    if (!stacked || !/(['"\d]|\bnull|\btrue|\bfalse)\s*\)*\s*$/i.test(stmtText(sql, i - 1))) continue;
    // Only a query or a write hosts an injected value; DDL scripts (`… DEFAULT 0; DROP TABLE old`) do not.
    if (!['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt'].includes(stmtType(prev))) continue;
    const type = stmtType(stacked);
    const body = Object.values(stacked)[0] as { whereClause?: Node };
    const destroys =
      DANGEROUS_STATEMENTS.has(type) ||
      ((type === 'UpdateStmt' || type === 'DeleteStmt') && !body.whereClause) ||
      someNode(stacked, (n) => 'FuncCall' in n && TIME_FUNCTIONS.has(funcName(n.FuncCall)));
    const readThenWrite = stmtType(prev) === 'SelectStmt' && someNode(prev, (n) => 'SelectStmt' in n && n.SelectStmt.whereClause !== undefined) && WRITES.has(type);
    if (destroys || readThenWrite || revealsSystem(stacked)) {
      out.push(finding('sql_injection', destroys ? 'critical' : 'high', 'stacked statement', `; ${stmtText(sql, i).trim()}`));
    }
  }
}
