import type { Knex } from 'knex';
import * as createOrgs from './20261128120000_create_orgs.js';
import * as createCredentials from './20261128120100_create_credentials.js';
import * as createAuditLog from './20261128130000_create_audit_log.js';
import * as createPolicies from './20261128130100_create_policies.js';
import * as createChecks from './20261128130200_create_checks.js';
import * as notifyOrgSettings from './20261128130300_notify_org_settings.js';
import * as createCheckOutbox from './20261128140000_create_check_outbox.js';
import * as createTransparencyLog from './20261128150000_create_transparency_log.js';
import * as createKillSwitches from './20261128160000_create_kill_switches.js';
import * as createAnomalyTables from './20261128160100_create_anomaly_tables.js';
import * as addAnomalyFeatures from './20261128160200_add_anomaly_features_to_checks.js';
import * as createScimUsers from './20261128170000_create_scim_users.js';
import * as createScimUserEmails from './20261128170100_create_scim_user_emails.js';
import * as createScimGroups from './20261128170200_create_scim_groups.js';
import * as createScimGroupMembers from './20261128170300_create_scim_group_members.js';
import * as createScimProvisionedOrgs from './20261128170400_create_scim_provisioned_orgs.js';
import * as createTraces from './20261128180000_create_traces.js';
import * as createOrgBilling from './20261128180100_create_org_billing.js';
import * as createStripeEvents from './20261128180200_create_stripe_events.js';
import * as createUsageCounters from './20261128180300_create_usage_counters.js';
import * as bindCredentialsToUsers from './20261128190000_bind_credentials_to_users.js';
import * as notifyOutboxOnlyWithRows from './20261206150000_notify_outbox_only_with_rows.js';
import * as addSignalsOmitted from './20261206180000_add_signals_omitted_to_checks.js';
import * as addUserNameKey from './20261206230000_add_user_name_key_to_scim_users.js';
import * as addEmailValueKey from './20261206230100_add_value_key_to_scim_user_emails.js';
import * as addGroupDisplayNameKey from './20261206230200_add_display_name_key_to_scim_groups.js';
import * as foldScimCaseKeys from './20261207030000_fold_scim_case_keys.js';
import * as createAgentTokenRevocations from './20261207040000_create_agent_token_revocations.js';
import * as indexAnomalyEventsByCheck from './20261207010000_index_anomaly_events_by_check.js';

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
  ['20261128130000_create_audit_log', createAuditLog],
  ['20261128130100_create_policies', createPolicies],
  ['20261128130200_create_checks', createChecks],
  ['20261128130300_notify_org_settings', notifyOrgSettings],
  ['20261128140000_create_check_outbox', createCheckOutbox],
  ['20261128150000_create_transparency_log', createTransparencyLog],
  ['20261128160000_create_kill_switches', createKillSwitches],
  ['20261128160100_create_anomaly_tables', createAnomalyTables],
  ['20261128160200_add_anomaly_features_to_checks', addAnomalyFeatures],
  ['20261128170000_create_scim_users', createScimUsers],
  ['20261128170100_create_scim_user_emails', createScimUserEmails],
  ['20261128170200_create_scim_groups', createScimGroups],
  ['20261128170300_create_scim_group_members', createScimGroupMembers],
  ['20261128170400_create_scim_provisioned_orgs', createScimProvisionedOrgs],
  ['20261128180000_create_traces', createTraces],
  ['20261128180100_create_org_billing', createOrgBilling],
  ['20261128180200_create_stripe_events', createStripeEvents],
  ['20261128180300_create_usage_counters', createUsageCounters],
  ['20261128190000_bind_credentials_to_users', bindCredentialsToUsers],
  ['20261206150000_notify_outbox_only_with_rows', notifyOutboxOnlyWithRows],
  ['20261206180000_add_signals_omitted_to_checks', addSignalsOmitted],
  ['20261206230000_add_user_name_key_to_scim_users', addUserNameKey],
  ['20261206230100_add_value_key_to_scim_user_emails', addEmailValueKey],
  ['20261206230200_add_display_name_key_to_scim_groups', addGroupDisplayNameKey],
  ['20261207010000_index_anomaly_events_by_check', indexAnomalyEventsByCheck],
  ['20261207030000_fold_scim_case_keys', foldScimCaseKeys],
  ['20261207040000_create_agent_token_revocations', createAgentTokenRevocations],
];
