import type { Knex } from 'knex';

/**
 * The per-org transparency log. Entries are queued by the transaction that makes the decision
 * (`tlog_queue`); the sequencer integrates them in batches under an advisory lock, assigning leaf
 * indexes, storing every complete subtree node (`tlog_nodes`, level 0 = leaf hashes) so proofs are
 * O(log n) reads, and signing one checkpoint per integration (`tlog_checkpoints`, kept so any two
 * sizes can be proven consistent). `tlog_heads` is each org's latest size and root.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table tlog_queue (
      seq bigserial primary key,
      org_id uuid not null references orgs(id),
      kind text not null,
      ref_id text,
      data text not null,
      created_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create table tlog_leaves (
      org_id uuid not null references orgs(id),
      leaf_index bigint not null,
      leaf_hash bytea not null,
      kind text not null,
      ref_id text,
      data text not null,
      integrated_at timestamptz not null default now(),
      primary key (org_id, leaf_index)
    )`);
  await knex.raw('create index tlog_leaves_ref on tlog_leaves (org_id, ref_id) where ref_id is not null');
  await knex.raw(`
    create table tlog_nodes (
      org_id uuid not null,
      level smallint not null,
      idx bigint not null,
      hash bytea not null check (length(hash) = 32),
      primary key (org_id, level, idx)
    )`);
  await knex.raw(`
    create table tlog_checkpoints (
      org_id uuid not null references orgs(id),
      tree_size bigint not null,
      root_hash bytea not null,
      note text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, tree_size)
    )`);
  await knex.raw(`
    create table tlog_heads (
      org_id uuid primary key references orgs(id),
      tree_size bigint not null,
      root_hash bytea not null,
      updated_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create function notify_tlog_queue() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_tlog', '');
      return null;
    end $$`);
  await knex.raw('create trigger tlog_queue_notify after insert on tlog_queue for each statement execute function notify_tlog_queue()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger tlog_queue_notify on tlog_queue');
  await knex.raw('drop function notify_tlog_queue()');
  for (const t of ['tlog_heads', 'tlog_checkpoints', 'tlog_nodes', 'tlog_leaves', 'tlog_queue']) await knex.raw(`drop table ${t}`);
}
