import type { Db } from '../src/db/knex.js';
import type { Logger } from '../src/log.js';

/** The narrow dependencies activities need; the worker passes the real ones, tests may pass others. */
export interface ActivityDeps {
  db: Db;
  log: Logger;
}

/** createActivities builds the activity implementations over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    /** probeDatabase reads the database clock (a round trip through the worker's pool). */
    async probeDatabase(): Promise<{ now: string }> {
      const { rows } = await deps.db.raw<{ rows: Array<{ now: Date }> }>('select now() as now');
      return { now: rows[0]!.now.toISOString() };
    },
  };
}

export type GatewayActivities = ReturnType<typeof createActivities>;
