import type { Node, RawStmt } from 'libpg-query';
import { sliceSpan } from './finding.js';
import { locationSpan } from './nodes.js';

/** A parsed SQL string: its text, its statements, and a byte→character offset converter. */
export interface ParsedSql {
  text: string;
  stmts: RawStmt[];
  toChar: (byteOffset: number) => number;
}

/** nodeText returns the source text of a node (from its first to its last located token), or ''. */
export function nodeText(sql: ParsedSql, node: unknown): string {
  const span = locationSpan(node);
  return span ? sliceSpan(sql.text, sql.toChar(span[0]), sql.toChar(span[1])) : '';
}

/** stmtText returns the source text of statement `i`, without its terminating semicolon. */
export function stmtText(sql: ParsedSql, i: number): string {
  const s = sql.stmts[i]!;
  const from = sql.toChar(s.stmt_location ?? 0);
  const to = s.stmt_len ? sql.toChar((s.stmt_location ?? 0) + s.stmt_len) : sql.text.length;
  return sql.text.slice(from, to);
}

/** stmtType names a statement's node type: 'SelectStmt', 'DropStmt'… */
export function stmtType(stmt: Node | undefined): string {
  return stmt ? Object.keys(stmt)[0]! : '';
}
