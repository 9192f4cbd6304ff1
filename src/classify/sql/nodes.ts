import type { A_Const, Node } from 'libpg-query';

/**
 * Helpers over libpg-query's JSON parse tree. A node is an object with one PascalCase key naming its
 * type (`{ A_Expr: {...} }`); some fields hold bare bodies (SelectStmt.larg, DeleteStmt.relation).
 */

/** isNode says whether `v` is a `{ Type: body }` parse-tree node. */
export function isNode(v: unknown): v is Node {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  let key: string | undefined;
  for (const k in v) {
    if (key !== undefined) return false;
    key = k;
  }
  const c = key?.charCodeAt(0) ?? 0;
  return c >= 65 && c <= 90; // A-Z
}

/**
 * walkNodes calls `visit` on every node below `tree`, parents first, including nodes inside bare
 * bodies; the arms of a UNION/INTERSECT/EXCEPT (bare SelectStmt bodies) are visited as SelectStmt
 * nodes. Returning false from `visit` skips that node's children.
 */
export function walkNodes(tree: unknown, visit: (node: Node) => boolean | void): void {
  if (Array.isArray(tree)) {
    for (const item of tree) walkNodes(item, visit);
    return;
  }
  if (tree === null || typeof tree !== 'object') return;
  if (isNode(tree) && visit(tree) === false) return;
  const obj = tree as Record<string, unknown>;
  for (const key in obj) {
    const child = obj[key];
    if (child === null || typeof child !== 'object') continue;
    walkNodes(key === 'larg' || key === 'rarg' ? { SelectStmt: child } : child, visit);
  }
}

/** someNode says whether any node below `tree` (or `tree` itself) satisfies `test`. */
export function someNode(tree: unknown, test: (node: Node) => boolean): boolean {
  let found = false;
  walkNodes(tree, (n) => {
    if (found) return false;
    if (test(n)) found = true;
    return !found;
  });
  return found;
}

/** stringsOf returns the `String` values of a name list (funcname, A_Expr.name, ColumnRef.fields). */
export function stringsOf(list: Node[] | undefined): string[] {
  return (list ?? []).flatMap((n) => ('String' in n && n.String.sval !== undefined ? [n.String.sval] : []));
}

/** locationSpan returns the smallest and largest `location` below `tree` (byte offsets), if any. */
export function locationSpan(tree: unknown): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'location' && typeof child === 'number' && child >= 0) {
          lo = Math.min(lo, child);
          hi = Math.max(hi, child);
        } else visit(child);
      }
    }
  };
  visit(tree);
  return lo === Infinity ? undefined : [lo, hi];
}

export type ConstValue = number | string | boolean | null;

/** aConstValue reads an A_Const; protobuf omits zero values, so `{ ival: {} }` is 0. */
export function aConstValue(c: A_Const): ConstValue {
  if (c.isnull) return null;
  if (c.ival) return c.ival.ival ?? 0;
  if (c.fval) return Number(c.fval.fval ?? 0);
  if (c.boolval) return c.boolval.boolval ?? false;
  if (c.sval) return c.sval.sval ?? '';
  if (c.bsval) return c.bsval.bsval ?? '';
  return null;
}

/** Nodes whose value depends on the row, the session or a subquery: an expression without them is constant. */
const VARYING = new Set(['ColumnRef', 'SubLink', 'ParamRef', 'FuncCall', 'SQLValueFunction', 'A_Star', 'CurrentOfExpr']);

/**
 * isQuotedValue: a double-quoted "1" or "" is a column to PostgreSQL but a string to MySQL and SQLite,
 * which is how payloads written for them mean it (`OR "1"`).
 */
export function isQuotedValue(n: Node): boolean {
  if (!('ColumnRef' in n)) return false;
  const fields = stringsOf(n.ColumnRef.fields);
  return n.ColumnRef.fields?.length === 1 && fields.length === 1 && /^[\d\s%]*$/.test(fields[0]!);
}

/** isConstantExpr says whether `n` has the same value for every row (`1=1`, `'a'='a'`, `NOT 0`, `TRUE`). */
export function isConstantExpr(n: Node): boolean {
  return !someNode(n, (x) => VARYING.has(Object.keys(x)[0]!) && !isQuotedValue(x));
}

/** constValue evaluates simple constant expressions: literals, casts, unary minus, + - * / on numbers, || on strings. */
export function constValue(n: Node | undefined): ConstValue | undefined {
  if (!n) return undefined;
  if ('A_Const' in n) return aConstValue(n.A_Const);
  if ('TypeCast' in n) return constValue(n.TypeCast.arg);
  if ('A_Expr' in n && n.A_Expr.kind === 'AEXPR_OP') {
    const [op] = stringsOf(n.A_Expr.name);
    const r = constValue(n.A_Expr.rexpr);
    if (!n.A_Expr.lexpr) return op === '-' && typeof r === 'number' ? -r : undefined;
    const l = constValue(n.A_Expr.lexpr);
    if (op === '||' && l !== undefined && l !== null && r !== undefined && r !== null) return `${l}${r}`;
    if (typeof l !== 'number' || typeof r !== 'number') return undefined;
    if (op === '+') return l + r;
    if (op === '-') return l - r;
    if (op === '*') return l * r;
    if (op === '/' && r !== 0) return l / r;
  }
  return undefined;
}

/** sameExpr compares two expressions structurally, ignoring where they are in the text. */
export function sameExpr(a: Node | undefined, b: Node | undefined): boolean {
  if (!a || !b) return false;
  const canon = (n: Node): string => JSON.stringify(n, (k, v: unknown) => (k === 'location' ? undefined : v));
  return canon(a) === canon(b);
}

/**
 * constTruth evaluates a constant condition when it can: comparisons of literals (`1=0`, `'a'<>'b'`),
 * AND, OR and NOT of those, and a bare literal. Undefined when it cannot tell (a function, LIKE…).
 */
export function constTruth(n: Node | undefined): boolean | undefined {
  if (!n) return undefined;
  if ('BoolExpr' in n) {
    const values = (n.BoolExpr.args ?? []).map(constTruth);
    if (n.BoolExpr.boolop === 'NOT_EXPR') return values[0] === undefined ? undefined : !values[0];
    if (n.BoolExpr.boolop === 'AND_EXPR') return values.includes(false) ? false : values.every((v) => v === true) ? true : undefined;
    if (n.BoolExpr.boolop === 'OR_EXPR') return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
    return undefined;
  }
  if ('A_Expr' in n && n.A_Expr.kind === 'AEXPR_OP' && n.A_Expr.lexpr) {
    const [op] = stringsOf(n.A_Expr.name);
    const l = constValue(n.A_Expr.lexpr);
    const r = constValue(n.A_Expr.rexpr);
    if (l === undefined || r === undefined || l === null || r === null || typeof l !== typeof r) return undefined;
    switch (op) {
      case '=':
        return l === r;
      case '<>':
      case '!=':
        return l !== r;
      case '<':
        return l < r;
      case '>':
        return l > r;
      case '<=':
        return l <= r;
      case '>=':
        return l >= r;
      default:
        return undefined;
    }
  }
  const v = 'A_Const' in n || 'TypeCast' in n ? constValue(n) : undefined;
  if (v === undefined) return undefined;
  return v !== false && v !== 0 && v !== null && v !== '0' && v !== 'f' && v !== 'false';
}
