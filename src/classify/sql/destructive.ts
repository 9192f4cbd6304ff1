import type { AlterTableCmd, Node } from 'libpg-query';
import { finding, type Finding } from './finding.js';
import { isSelfComparison, matchesAll } from './injection-tree.js';
import { constTruth, constValue, isConstantExpr, sameExpr, someNode, stringsOf, walkNodes } from './nodes.js';
import { isComment, type Token } from './tokens.js';
import { stmtText, type ParsedSql } from './tree.js';

/** objectName turns OBJECT_MATERIALIZED_VIEW into `MATERIALIZED VIEW`. */
const objectName = (t: string | undefined): string => (t ?? 'OBJECT').replace(/^OBJECT_/, '').replace(/_/g, ' ');

/**
 * alwaysTrue: a WHERE that filters nothing is no WHERE at all — a constant that holds (`WHERE 1=1`,
 * `WHERE true`; not `WHERE 1=0`), an OR with a branch that always holds (`id = 5 OR 1=1`) or with a
 * condition and its complement (`id > 0 OR id <= 0`, `email IS NULL OR email IS NOT NULL`), an AND of
 * such, a column compared with itself (`price = price`), `x LIKE '%'`.
 */
function alwaysTrue(where: Node | undefined): boolean {
  if (!where) return false;
  if ('BoolExpr' in where) {
    const args = where.BoolExpr.args ?? [];
    if (where.BoolExpr.boolop === 'OR_EXPR') return args.some(alwaysTrue) || hasComplements(args);
    if (where.BoolExpr.boolop === 'AND_EXPR') return args.length > 0 && args.every(alwaysTrue);
    if (where.BoolExpr.boolop === 'NOT_EXPR') return constTruth(args[0]) === false;
  }
  if (isConstantExpr(where)) {
    const truth = constTruth(where);
    if (truth !== undefined) return truth;
    const v = constValue(where);
    return v === undefined || (v !== false && v !== 0 && v !== null);
  }
  return isSelfComparison(where) || matchesAll(where);
}

/**
 * rowIndependent: a condition that reads no column (`WHERE EXISTS (SELECT 1)`, `WHERE length('a') = 1`,
 * `WHERE random() < 2`) is the same for every row: it keeps all of them or none (`WHERE 1=0`: none). A
 * bound parameter (`WHERE $1`) is left to the caller's value.
 */
function rowIndependent(where: Node): boolean {
  return constTruth(where) !== false && !someNode(where, (x) => 'ColumnRef' in x || 'ParamRef' in x);
}

/** Each comparison and the one that holds exactly where it does not. */
const COMPLEMENT: Record<string, string> = { '<': '>=', '>=': '<', '>': '<=', '<=': '>', '=': '<>', '<>': '=', '!=': '=' };

/** hasComplements: two of the OR's branches are a condition and its negation, on the same operands. */
function hasComplements(args: Node[]): boolean {
  for (let i = 0; i < args.length; i++) {
    for (let j = i + 1; j < args.length; j++) {
      const a = args[i]!;
      const b = args[j]!;
      if ('NullTest' in a && 'NullTest' in b && a.NullTest.nulltesttype !== b.NullTest.nulltesttype && sameExpr(a.NullTest.arg, b.NullTest.arg)) return true;
      if ('A_Expr' in a && 'A_Expr' in b && a.A_Expr.kind === 'AEXPR_OP' && b.A_Expr.kind === 'AEXPR_OP') {
        const [opA] = stringsOf(a.A_Expr.name);
        const [opB] = stringsOf(b.A_Expr.name);
        if (opA && COMPLEMENT[opA] === (opB === '!=' ? '<>' : opB) && sameExpr(a.A_Expr.lexpr, b.A_Expr.lexpr) && sameExpr(a.A_Expr.rexpr, b.A_Expr.rexpr)) return true;
      }
      if ('BoolExpr' in b && b.BoolExpr.boolop === 'NOT_EXPR' && sameExpr(a, b.BoolExpr.args?.[0])) return true;
      if ('BoolExpr' in a && a.BoolExpr.boolop === 'NOT_EXPR' && sameExpr(b, a.BoolExpr.args?.[0])) return true;
    }
  }
  return false;
}

/** ALTER TABLE subcommands that remove a column or constraint, and ones that only drop a property. */
const DROPS_DATA = new Set(['AT_DropColumn', 'AT_DropConstraint', 'AT_DetachPartition']);
const DROPS_PROPERTY = new Set(['AT_DropNotNull', 'AT_DropIdentity', 'AT_DropExpression', 'AT_DropInherit', 'AT_DropOf', 'AT_DropCluster', 'AT_DropOids']);

function alterDrop(cmd: AlterTableCmd): 'high' | 'medium' | undefined {
  if (cmd.subtype && DROPS_DATA.has(cmd.subtype)) return 'high';
  if (cmd.subtype && DROPS_PROPERTY.has(cmd.subtype)) return 'medium';
  if (cmd.subtype === 'AT_ColumnDefault' && !cmd.def) return 'medium'; // ALTER COLUMN … DROP DEFAULT
  return undefined;
}

/** Roles that reach the server itself or every row (PostgreSQL's predefined roles, the clouds' admin roles). */
/** Roles that administer the server: their password is its master key. */
const ADMIN_ROLES = /^(?:postgres|root|admin|administrator|rdsadmin|azure_superuser|cloudsqlsuperuser|supabase_admin|sa|dba)$/i;
const POWER_ROLES = new Set(['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_read_all_data', 'pg_write_all_data', 'rds_superuser', 'cloudsqlsuperuser', 'azure_pg_admin', 'postgres']);
/** Role attributes that lift every permission check (or let the role create roles that do). */
const POWER_OPTIONS = new Set(['superuser', 'createrole', 'bypassrls', 'replication']);

/** untilLiteral cuts a statement before its first string literal: `SET password = 'hunter2'` is not evidence. */
function untilLiteral(stmt: string): string {
  const quote = stmt.indexOf("'");
  return quote < 0 ? stmt : `${stmt.slice(0, quote)}…`;
}

/**
 * findDestructiveInTree flags statements that destroy data or schema, wherever they sit (a CTE, a
 * stacked statement): DROP, TRUNCATE, ALTER TABLE … DROP, DELETE or UPDATE without a WHERE.
 */
export function findDestructiveInTree(sql: ParsedSql): Finding[] {
  const out: Finding[] = [];
  sql.stmts.forEach((raw, i) => {
    const add = (severity: 'medium' | 'high' | 'critical', kind: string): void => {
      out.push(finding('destructive_operation', severity, kind, untilLiteral(stmtText(sql, i))));
    };
    walkNodes(raw.stmt, (n) => {
      if ('DropdbStmt' in n) add('critical', 'DROP DATABASE');
      else if ('DropStmt' in n) {
        const what = objectName(n.DropStmt.removeType);
        const cascade = n.DropStmt.behavior === 'DROP_CASCADE';
        add(what === 'SCHEMA' && cascade ? 'critical' : 'high', `DROP ${what}`);
      } else if ('DropRoleStmt' in n) add('high', 'DROP ROLE');
      else if ('DropTableSpaceStmt' in n) add('high', 'DROP TABLESPACE');
      else if ('DropOwnedStmt' in n) add('high', 'DROP OWNED');
      else if ('DropSubscriptionStmt' in n) add('high', 'DROP SUBSCRIPTION');
      else if ('TruncateStmt' in n) add('critical', 'TRUNCATE');
      else if ('AlterTableStmt' in n) {
        const cmds = (n.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
        const drops = cmds.map(alterDrop);
        const severity = drops.includes('high') ? 'high' : drops.includes('medium') ? 'medium' : undefined;
        if (severity) add(severity, 'ALTER TABLE … DROP');
        // Row-level security switched off: every row visible to every role the table is granted to (as DROP POLICY).
        else if (cmds.some((c) => c.subtype === 'AT_DisableRowSecurity' || c.subtype === 'AT_NoForceRowSecurity')) add('high', 'row level security switched off');
      } else if ('GrantStmt' in n) {
        // GRANT ALL (no privilege list) to PUBLIC hands every right to every role; to one role it is routine set-up.
        const toPublic = (n.GrantStmt.grantees ?? []).some((g) => 'RoleSpec' in g && g.RoleSpec.roletype === 'ROLESPEC_PUBLIC');
        if (n.GrantStmt.is_grant && !n.GrantStmt.privileges?.length && toPublic) add('high', `GRANT ALL ON ${objectName(n.GrantStmt.objtype)} TO PUBLIC`);
      } else if ('GrantRoleStmt' in n) {
        const roles = (n.GrantRoleStmt.granted_roles ?? []).flatMap((r) => ('AccessPriv' in r && r.AccessPriv.priv_name ? [r.AccessPriv.priv_name] : []));
        const power = roles.find((r) => POWER_ROLES.has(r.toLowerCase()));
        if (n.GrantRoleStmt.is_grant && power) add('high', `GRANT ${power}`);
      } else if ('CreateRoleStmt' in n || 'AlterRoleStmt' in n) {
        const options = 'CreateRoleStmt' in n ? n.CreateRoleStmt.options : n.AlterRoleStmt.options;
        const power = (options ?? []).flatMap((o) => ('DefElem' in o ? [o.DefElem] : [])).find((d) => POWER_OPTIONS.has(d.defname ?? '') && (!d.arg || !('Boolean' in d.arg) || d.arg.Boolean.boolval === true));
        if (power) add('high', `role granted ${power.defname!.toUpperCase()}`);
        // A superuser's password changed: whoever knew it is locked out, whoever set it is in.
        else if ('AlterRoleStmt' in n && (options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'password') && ADMIN_ROLES.test(n.AlterRoleStmt.role?.rolename ?? '')) add('high', `password of ${n.AlterRoleStmt.role?.rolename} changed`);
      } else if ('MergeStmt' in n) {
        // MERGE … ON true WHEN MATCHED THEN DELETE (or UPDATE): every row of the target, as a DELETE without WHERE.
        const kinds = (n.MergeStmt.mergeWhenClauses ?? []).flatMap((c) => ('MergeWhenClause' in c && c.MergeWhenClause.matchKind === 'MERGE_WHEN_MATCHED' && !c.MergeWhenClause.condition ? [c.MergeWhenClause.commandType] : []));
        const every = alwaysTrue(n.MergeStmt.joinCondition);
        if (every && kinds.includes('CMD_DELETE')) add('high', 'MERGE deleting every row (an always-true ON)');
        else if (every && kinds.includes('CMD_UPDATE')) add('high', 'MERGE updating every row (an always-true ON)');
      } else if ('DeleteStmt' in n) {
        if (!n.DeleteStmt.whereClause) add('high', 'DELETE without WHERE');
        else if (alwaysTrue(n.DeleteStmt.whereClause)) add('high', 'DELETE with an always-true WHERE');
        else if (rowIndependent(n.DeleteStmt.whereClause)) add('high', 'DELETE with a WHERE that reads no column');
      } else if ('UpdateStmt' in n) {
        if (!n.UpdateStmt.whereClause) add('high', 'UPDATE without WHERE');
        else if (alwaysTrue(n.UpdateStmt.whereClause)) add('high', 'UPDATE with an always-true WHERE');
        else if (rowIndependent(n.UpdateStmt.whereClause)) add('high', 'UPDATE with a WHERE that reads no column');
      }
      return true;
    });
  });
  return out;
}

/**
 * findDestructiveInTokens applies the same rules to statements PostgreSQL's grammar rejects (other
 * dialects: `DROP TABLE t PURGE`, `TRUNCATE TABLE t PARTITION (…)`, `UPDATE a, b SET …`), statement by
 * statement, from their leading keywords and whether a WHERE appears outside parentheses.
 */
export function findDestructiveInTokens(text: string, all: Token[]): Finding[] {
  const out: Finding[] = [];
  const toks = all.filter((t) => !isComment(t));
  let start = 0;
  for (let i = 0; i <= toks.length; i++) {
    if (i < toks.length && toks[i]!.text !== ';') continue;
    const stmt = toks.slice(start, i);
    start = i + 1;
    const f = destructiveStatement(text, stmt);
    if (f) out.push(f);
  }
  return out;
}

/** `CREATE|ALTER USER|ROLE … SUPERUSER` in a dialect PostgreSQL's grammar rejects. */
const roleWithPower = (words: string[]): boolean => (words[1] === 'user' || words[1] === 'role') && words.some((w) => w === 'superuser' || w === 'bypassrls' || w === 'createrole');

function destructiveStatement(text: string, stmt: Token[]): Finding | undefined {
  const words = stmt.map((t) => t.word);
  const shown = (n = stmt.length): string => (stmt.length ? untilLiteral(text.slice(stmt[0]!.start, stmt[Math.min(n, stmt.length) - 1]!.end)) : '');
  const topLevel = (w: string): boolean => {
    let depth = 0;
    return stmt.some((t) => (t.text === '(' ? (depth++, false) : t.text === ')' ? (depth--, false) : depth === 0 && t.word === w));
  };
  switch (words[0]) {
    case 'drop': {
      const what = words.slice(1).find((w) => !['temporary', 'temp', 'if', 'exists', 'external', 'global', 'local', 'or', 'replace'].includes(w)) ?? '';
      return finding('destructive_operation', what === 'database' ? 'critical' : 'high', `DROP ${what.toUpperCase()}`, shown(8));
    }
    case 'truncate':
      return finding('destructive_operation', 'critical', 'TRUNCATE', shown(8));
    case 'delete':
      return topLevel('where') ? undefined : finding('destructive_operation', 'high', 'DELETE without WHERE', shown(8));
    case 'update':
      return topLevel('where') ? undefined : finding('destructive_operation', 'high', 'UPDATE without WHERE', shown(8));
    case 'alter':
      if (words[1] === 'table' && topLevel('drop')) return finding('destructive_operation', 'high', 'ALTER TABLE … DROP', shown(12));
      return roleWithPower(words) ? finding('destructive_operation', 'high', 'role granted SUPERUSER', shown(8)) : undefined;
    case 'create':
      return roleWithPower(words) ? finding('destructive_operation', 'high', 'role granted SUPERUSER', shown(8)) : undefined;
    case 'grant':
      // MySQL's `GRANT ALL [PRIVILEGES] ON *.* TO …` (every database), SQL Server's `GRANT CONTROL SERVER`.
      if (words[1] === 'control' && words[2] === 'server') return finding('destructive_operation', 'high', 'GRANT CONTROL SERVER', shown(8));
      return words[1] === 'all' && /\bon\s+\*\s*\.\s*\*/i.test(text.slice(stmt[0]!.start, stmt[stmt.length - 1]!.end)) ? finding('destructive_operation', 'high', 'GRANT ALL ON *.*', shown(8)) : undefined;
    default:
      return undefined;
  }
}
