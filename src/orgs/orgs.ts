import type { Db } from '../db/knex.js';
import { ConflictError, NotFoundError } from '../errors.js';

export interface Org {
  id: string;
  name: string;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** createOrg inserts an organisation (tenant); names are unique. */
export async function createOrg(db: Db, name: string): Promise<Org> {
  try {
    const [row] = await db('orgs').insert({ name }).returning(['id', 'name', 'created_at']);
    return row as Org;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new ConflictError(`an org named "${name}" already exists`);
    throw err;
  }
}

/** findOrg looks an org up by id or by name. */
export async function findOrg(db: Db, idOrName: string): Promise<Org | undefined> {
  const q = db('orgs').select('id', 'name', 'created_at');
  const row = await (UUID.test(idOrName) ? q.where({ id: idOrName }) : q.where({ name: idOrName })).first();
  return row as Org | undefined;
}

/** requireOrg is findOrg that throws NOT_FOUND naming what was asked for. */
export async function requireOrg(db: Db, idOrName: string): Promise<Org> {
  const org = await findOrg(db, idOrName);
  if (!org) throw new NotFoundError(`no org with id or name "${idOrName}"`);
  return org;
}

/** ensureOrg returns the org with this name, creating it if needed (safe under concurrency). */
export async function ensureOrg(db: Db, name: string): Promise<Org> {
  await db('orgs').insert({ name }).onConflict('name').ignore();
  return (await findOrg(db, name))!;
}
