import type { Db } from '../db/knex.js';
import { caseKey } from './case-key.js';
import { isUuid } from './store-common.js';

/**
 * Lookups the rest of the gateway uses to tie human reviewers to SCIM-provisioned users.
 *
 * Deactivating (PATCH active:false) or deleting a user notifies no one: there is no
 * `aegis_credentials`-style NOTIFY for SCIM users. Whoever binds keys or reviews to a user asks
 * isUserActive / findActiveReviewer at the moment it matters (both are single indexed reads).
 */

export interface ActiveReviewer {
  id: string;
  userName: string;
}

/**
 * findActiveReviewer finds the active SCIM user of an org whose userName or any e-mail equals
 * nameOrEmail, case-insensitively in every script (by caseKey). A userName match wins over an e-mail match; among several
 * e-mail matches the oldest user wins. Returns null when no active user matches (deactivated users
 * never match), and 'no-users' when the org has never provisioned a user through SCIM (an org whose
 * users were all deleted still answers null).
 */
export async function findActiveReviewer(db: Db, orgId: string, nameOrEmail: string): Promise<ActiveReviewer | null | 'no-users'> {
  if (!isUuid(orgId)) return 'no-users';
  const { rows } = (await db.raw(
    `select id, user_name from (
       select u.id, u.user_name, 0 as rank, u.created_at from scim_users u
        where u.org_id = ? and u.user_name_key = ? and u.active
       union all
       select u.id, u.user_name, 1 as rank, u.created_at from scim_user_emails e join scim_users u on u.id = e.user_id
        where e.org_id = ? and e.value_key = ? and u.active
     ) found order by rank, created_at, id limit 1`,
    [orgId, caseKey(nameOrEmail), orgId, caseKey(nameOrEmail)],
  )) as { rows: Array<{ id: string; user_name: string }> };
  const hit = rows[0];
  if (hit) return { id: hit.id, userName: hit.user_name };
  const provisioned = await db('scim_provisioned_orgs').select('org_id').where({ org_id: orgId }).first();
  return provisioned ? null : 'no-users';
}

/** isUserActive: the user exists in this org and is active (false for unknown, deleted or other orgs' ids). */
export async function isUserActive(db: Db, orgId: string, userId: string): Promise<boolean> {
  if (!isUuid(orgId) || !isUuid(userId)) return false;
  const row = (await db('scim_users').select('active').where({ org_id: orgId, id: userId }).first()) as { active: boolean } | undefined;
  return row?.active === true;
}
