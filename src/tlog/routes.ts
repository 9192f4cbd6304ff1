import { Router } from '@koa/router';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { principalOf, type AppState } from '../http/state.js';
import { validate } from '../http/validate.js';
import { rawEd25519PublicKey, verifierKey } from './note.js';
import { NotifiedCache } from '../db/notified-cache.js';
import type { PgListener } from '../db/notifications.js';
import { TLOG_HEAD_CHANNEL, ensureEmptyCheckpoint, type LogSigner } from './sequencer.js';
import { consistencyProof, getLeaf, inclusionProof, latestHead, parseSize, type Head } from './store.js';
import { createPublicKey } from 'node:crypto';
import { NotFoundError } from '../errors.js';

const b64 = (b: Buffer): string => b.toString('base64');

function leafAgent(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as { agent_id?: unknown };
    return typeof parsed.agent_id === 'string' ? parsed.agent_id : undefined;
  } catch {
    return undefined;
  }
}
const SizeString = z.string().max(20);

/**
 * transparencyLogRoutes: the org's log for any role — size, signed tree head, inclusion and
 * consistency proofs, leaves, and the public key to verify it all offline (tools/verify-log).
 */
export function transparencyLogRoutes(db: Db, signer: LogSigner, listener: PgListener): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/transparency-log', sensitive: true });
  const publicKey = createPublicKey(signer.key);
  // Each org's latest checkpoint, from memory: the sequencer notifies every replica of a new one.
  const heads = new NotifiedCache<Head>(listener, TLOG_HEAD_CHANNEL, async (orgId) => {
    let h = await latestHead(db, orgId);
    if (!h) {
      await ensureEmptyCheckpoint(db, signer, orgId);
      h = (await latestHead(db, orgId))!;
    }
    return h;
  });
  const head = (orgId: string): Promise<Head> => heads.get(orgId);

  router.get('/size', async (ctx) => {
    ctx.body = { tree_size: (await head(principalOf(ctx).orgId)).tree_size };
  });

  router.get('/sth', async (ctx) => {
    const h = await head(principalOf(ctx).orgId);
    if (ctx.accepts('application/json', 'text/plain') === 'text/plain' && !ctx.get('accept').includes('json')) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = h.checkpoint;
      return;
    }
    ctx.body = { tree_size: h.tree_size, root_hash: b64(h.root_hash), timestamp: h.created_at.toISOString(), checkpoint: h.checkpoint };
  });

  router.get('/proof/:leaf_index', validate({ params: z.object({ leaf_index: SizeString }), query: z.object({ tree_size: SizeString.optional() }) }, async (ctx, { params, query }) => {
    const index = parseSize(params.leaf_index, 'leaf_index')!;
    const size = parseSize(query.tree_size, 'tree_size');
    const orgId = principalOf(ctx).orgId;
    const p = await inclusionProof(db, orgId, index, size, await head(orgId));
    ctx.body = { leaf_index: p.leaf_index, tree_size: p.tree_size, leaf_hash: b64(p.leaf_hash), root_hash: b64(p.root_hash), audit_path: p.audit_path.map(b64), checkpoint: p.checkpoint };
  }));

  router.get('/consistency', validate({ query: z.object({ first: SizeString, second: SizeString }) }, async (ctx, { query }) => {
    const orgId = principalOf(ctx).orgId;
    const p = await consistencyProof(db, orgId, parseSize(query.first, 'first')!, parseSize(query.second, 'second')!, await head(orgId));
    // A proof authenticates neither size by itself: the signed checkpoints of both travel with it.
    ctx.body = { first: p.first, second: p.second, consistency: p.consistency.map(b64), first_checkpoint: p.first_checkpoint, second_checkpoint: p.second_checkpoint };
  }));

  router.get('/leaves/:leaf_index', validate({ params: z.object({ leaf_index: SizeString }) }, async (ctx, { params }) => {
    const principal = principalOf(ctx);
    const index = parseSize(params.leaf_index, 'leaf_index')!;
    const leaf = await getLeaf(db, principal.orgId, index);
    // An agent token reads its own agent's entries only, as GET /check/:id: another agent's tool names and
    // argument digests (a short argument is found again by hashing guesses) are not its to see.
    if (principal.agentId !== undefined && leafAgent(leaf.data) !== principal.agentId) throw new NotFoundError(`no leaf ${index} of agent "${principal.agentId}" in this log`);
    ctx.body = { leaf_index: leaf.leaf_index, leaf_hash: b64(leaf.leaf_hash), data: leaf.data, kind: leaf.kind, integrated_at: leaf.integrated_at.toISOString() };
  }));

  router.get('/public-key', async (ctx) => {
    const name = signer.origin(principalOf(ctx).orgId);
    ctx.body = { key_name: name, origin: name, vkey: verifierKey(name, publicKey), public_key: b64(rawEd25519PublicKey(publicKey)), algorithm: 'Ed25519' };
  });

  return router;
}
