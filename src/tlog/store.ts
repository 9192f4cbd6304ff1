import type { Db } from '../db/knex.js';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import { SpanKind, inSpan } from '../telemetry/tracing.js';
import { buildConsistencyProof, buildInclusionProof, consistencyProofNodes, inclusionProofNodes, type NodeSpan } from './proof.js';

export interface Head {
  tree_size: number;
  root_hash: Buffer;
  checkpoint: string;
  created_at: Date;
}

/**
 * readNodes fetches complete nodes of an org's tree in one indexed query: a named prepared statement
 * on a pooled connection, so the server plans it once per connection and the proof endpoints skip
 * the query builder on their hot path.
 */
export async function readNodes(db: Db, orgId: string, spans: readonly NodeSpan[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (spans.length === 0) return out;
  // Outside knex, so the span knex gives its queries is made here.
  return inSpan('db select tlog_nodes', { 'db.system': 'postgresql' }, () => queryNodes(db, orgId, spans, out), SpanKind.CLIENT);
}

async function queryNodes(db: Db, orgId: string, spans: readonly NodeSpan[], out: Map<string, Buffer>): Promise<Map<string, Buffer>> {
  const conn = (await db.client.acquireConnection()) as { query: (q: { name: string; text: string; values: unknown[] }) => Promise<{ rows: Array<{ level: number; idx: number; hash: Buffer }> }> };
  try {
    const { rows } = await conn.query({
      name: 'aegis_tlog_read_nodes',
      text: `select n.level, n.idx, n.hash from tlog_nodes n
             join unnest($1::smallint[], $2::bigint[]) as w(level, idx) on n.level = w.level and n.idx = w.idx
             where n.org_id = $3`,
      values: [spans.map((s) => s.level), spans.map((s) => s.index), orgId],
    });
    for (const r of rows) out.set(`${r.level}/${r.idx}`, r.hash);
  } finally {
    await db.client.releaseConnection(conn);
  }
  return out;
}

function reader(nodes: Map<string, Buffer>) {
  return (level: number, index: number) => nodes.get(`${level}/${index}`);
}

/** latestHead is the org's newest signed checkpoint (undefined while its log is empty). */
export async function latestHead(db: Db, orgId: string): Promise<Head | undefined> {
  return (await db('tlog_checkpoints').select('tree_size', 'root_hash', 'note as checkpoint', 'created_at').where({ org_id: orgId }).orderBy('tree_size', 'desc').first()) as Head | undefined;
}

/** headsAt reads the kept checkpoints of two sizes in one query. */
async function headsAt(db: Db, orgId: string, first: number, second: number): Promise<[Head | undefined, Head | undefined]> {
  const rows = (await db('tlog_checkpoints').select('tree_size', 'root_hash', 'note as checkpoint', 'created_at').where({ org_id: orgId }).whereIn('tree_size', [first, second])) as Head[];
  return [rows.find((r) => r.tree_size === first), rows.find((r) => r.tree_size === second)];
}

/** headAt is the kept checkpoint of exactly this size. */
export async function headAt(db: Db, orgId: string, size: number): Promise<Head | undefined> {
  return (await db('tlog_checkpoints').select('tree_size', 'root_hash', 'note as checkpoint', 'created_at').where({ org_id: orgId, tree_size: size }).first()) as Head | undefined;
}

function parseSize(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ValidationError(`${what} must be a non-negative integer, got "${value}"`, [{ path: what, message: 'not a non-negative integer' }]);
  }
  return Number(value);
}

export { parseSize };

/**
 * inclusionProof proves leaf `index` in the tree of `size` (default: the latest checkpoint), returning
 * the checkpoint of that size too, so the size and root are authenticated together.
 */
export async function inclusionProof(db: Db, orgId: string, index: number, size?: number, knownLatest?: Head) {
  const latest = knownLatest ?? (await latestHead(db, orgId));
  if (!latest) throw new NotFoundError(`leaf_index ${index} is beyond the log (the log is empty)`);
  const treeSize = size ?? latest.tree_size;
  if (treeSize > latest.tree_size) throw new NotFoundError(`tree_size ${treeSize} is larger than the log (${latest.tree_size})`);
  if (index >= treeSize) {
    if (size === undefined) throw new NotFoundError(`leaf_index ${index} is beyond the log (${treeSize} leaves)`);
    throw new ValidationError(`leaf_index ${index} is not below tree_size ${treeSize}`, [{ path: 'leaf_index', message: `must be below tree_size ${treeSize}` }]);
  }
  const head = treeSize === latest.tree_size ? latest : await headAt(db, orgId, treeSize);
  if (!head) throw new NotFoundError(`no signed checkpoint of tree_size ${treeSize} is kept; use a size from GET /api/v1/transparency-log/sth`);
  const groups = inclusionProofNodes(index, treeSize);
  const nodes = await readNodes(db, orgId, [{ level: 0, index }, ...groups.flat()]);
  const leaf = nodes.get(`0/${index}`);
  if (!leaf) throw new AppError('INTERNAL', `leaf ${index} is missing from the store`);
  return { leaf_index: index, tree_size: treeSize, leaf_hash: leaf, root_hash: head.root_hash, audit_path: buildInclusionProof(index, treeSize, reader(nodes)), checkpoint: head.checkpoint };
}

/** consistencyProof proves the tree of `first` is a prefix of the tree of `second` (both kept sizes). */
export async function consistencyProof(db: Db, orgId: string, first: number, second: number, knownLatest?: Head) {
  if (first === 0) throw new ValidationError('first must be at least 1: RFC 9162 defines no consistency proof from the empty tree', [{ path: 'first', message: 'must be > 0' }]);
  if (first > second) throw new ValidationError(`first (${first}) is larger than second (${second})`, [{ path: 'first', message: 'must not exceed second' }]);
  const latest = knownLatest ?? (await latestHead(db, orgId));
  const size = latest?.tree_size ?? 0;
  if (second > size) throw new NotFoundError(`second ${second} is larger than the log (${size})`);
  // Both reads at once: the proof's nodes depend only on the two sizes, not on the checkpoints.
  const groups = consistencyProofNodes(first, second);
  const [[a, b], nodes] = await Promise.all([headsAt(db, orgId, first, second), first === second ? new Map<string, Buffer>() : readNodes(db, orgId, groups.flat())]);
  if (!a || !b) throw new NotFoundError(`no signed checkpoint of tree_size ${!a ? first : second} is kept`);
  return { first, second, consistency: buildConsistencyProof(first, second, reader(nodes)), first_root_hash: a.root_hash, second_root_hash: b.root_hash, first_checkpoint: a.checkpoint, second_checkpoint: b.checkpoint };
}

export async function getLeaf(db: Db, orgId: string, index: number) {
  const row = (await db('tlog_leaves').select('leaf_index', 'leaf_hash', 'data', 'kind', 'integrated_at').where({ org_id: orgId, leaf_index: index }).first()) as
    | { leaf_index: number; leaf_hash: Buffer; data: string; kind: string; integrated_at: Date }
    | undefined;
  if (!row) throw new NotFoundError(`leaf_index ${index} is beyond the log`);
  return row;
}

/** receiptOf tells where a check's decision sits in the log, once integrated. */
export async function receiptOf(db: Db, orgId: string, checkId: string): Promise<{ leaf_index: number; tree_size: number; leaf_hash: string; integrated_at: string } | null> {
  const row = (await db('tlog_leaves').select('leaf_index', 'leaf_hash', 'integrated_at').where({ org_id: orgId, ref_id: checkId }).first()) as
    | { leaf_index: number; leaf_hash: Buffer; integrated_at: Date }
    | undefined;
  if (!row) return null;
  const head = await latestHead(db, orgId);
  return { leaf_index: row.leaf_index, tree_size: head?.tree_size ?? row.leaf_index + 1, leaf_hash: row.leaf_hash.toString('base64'), integrated_at: row.integrated_at.toISOString() };
}
