import type { Knex } from 'knex';
import * as createOrgs from './20261128120000_create_orgs.js';
import * as createCredentials from './20261128120100_create_credentials.js';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every migration in order. Listed explicitly (not globbed) so the same list runs from TypeScript
 * sources in tests and from dist/ in production; test/db/migrations.test.ts checks that no file of
 * this folder is missing from it.
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['20261128120000_create_orgs', createOrgs],
  ['20261128120100_create_credentials', createCredentials],
];
