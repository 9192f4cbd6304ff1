import { recordAudit, type Actor } from '../audit/audit.js';
import type { Db } from '../db/knex.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { problemsOf } from '../http/validate.js';
import type { Decision, RiskLevel } from '../orgs/settings.js';
import { createAjv } from './ajv.js';
import { PLATFORM_DEFAULTS } from './defaults.js';
import { compilePolicy } from './engine.js';
import { schemaLimitProblem } from './limits.js';
import { findTemplate } from './templates.js';
import type { CallDocument, CompiledPolicy, PolicyDefinition, PolicyMatch } from './types.js';

/** What a client sends for a policy (validated by the route's zod schema). */
export interface PolicyInput {
  id: string;
  name: string;
  description: string;
  policy_schema?: Record<string, unknown>;
  risk_level?: RiskLevel;
  match?: PolicyMatch | null;
  action?: Decision | null;
  template?: string;
  params?: Record<string, unknown>;
  enabled: boolean;
  mode: 'enforce' | 'shadow';
}

interface PolicyRow {
  org_id: string;
  id: string;
  name: string;
  description: string;
  policy_schema: Record<string, unknown>;
  risk_level: RiskLevel;
  match: PolicyMatch | null;
  action: Decision | null;
  template: string | null;
  params: Record<string, unknown> | null;
  enabled: boolean;
  mode: 'enforce' | 'shadow';
  version: number;
  created_at: Date;
  updated_at: Date;
}

function fromRow(r: PolicyRow): PolicyDefinition {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    policy_schema: r.policy_schema,
    risk_level: r.risk_level,
    match: r.match,
    action: r.action,
    template: r.template,
    params: r.params,
    enabled: r.enabled,
    mode: r.mode,
    source: 'org',
    version: r.version,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The smallest call document: what a new policy is run on once before it is saved. */
const SAMPLE_CALL: CallDocument = { agent_id: 'agent', tool_name: 'tool', tool_key: 'tool', arguments: {}, classification: { category: 'general', signals: [] }, anomaly_score: 0, context: {} };

export function platformDefault(id: string): PolicyDefinition | undefined {
  return PLATFORM_DEFAULTS.find((p) => p.id === id);
}

/**
 * resolvePolicy turns client input into a full definition: a template and its params generate the
 * schema (and a default match and risk level); a given schema is used as is. Either way the schema
 * is compiled once here, so an invalid one is refused with AJV's own words.
 */
export function resolvePolicy(input: PolicyInput): Omit<PolicyDefinition, 'source' | 'version' | 'created_at' | 'updated_at'> {
  let policySchema = input.policy_schema;
  let match = input.match ?? null;
  let riskLevel = input.risk_level;
  let params: Record<string, unknown> | null = null;
  if (input.template) {
    const template = findTemplate(input.template);
    if (!template) throw new ValidationError(`unknown template "${input.template}"; GET /api/v1/policy-templates lists them`, [{ path: 'template', message: 'unknown template' }]);
    const parsed = template.params.safeParse(input.params ?? {});
    if (!parsed.success) {
      const problems = problemsOf(parsed.error, 'params').map((p) => ({ ...p, path: `params.${p.path}` }));
      throw new ValidationError(`invalid params for template ${template.id}: ${problems[0]!.path}: ${problems[0]!.message}`, problems);
    }
    params = parsed.data;
    const built = template.build(params);
    policySchema = built.policy_schema;
    match = input.match === undefined ? built.match : match;
    riskLevel ??= template.risk_level;
  }
  if (!policySchema || !riskLevel) throw new ValidationError('a policy needs policy_schema and risk_level, or a template', [{ path: '(body)', message: 'policy_schema and risk_level, or template' }]);
  const def = {
    id: input.id,
    name: input.name,
    description: input.description,
    policy_schema: policySchema,
    risk_level: riskLevel,
    match,
    action: input.action ?? null,
    template: input.template ?? null,
    params,
    enabled: input.enabled,
    mode: input.mode,
  };
  // Only schemas written by hand are bounded: templates build theirs from bounded params.
  const tooBig = input.policy_schema !== undefined ? schemaLimitProblem(policySchema) : undefined;
  if (tooBig) throw new ValidationError(tooBig, [{ path: 'policy_schema', message: tooBig }]);
  let compiled: CompiledPolicy;
  try {
    compiled = compilePolicy(createAjv(), { ...def, source: 'org', version: 0, created_at: null, updated_at: null });
  } catch (err) {
    const message = (err as Error).message;
    throw new ValidationError(`policy_schema is invalid: ${message}`, [{ path: 'policy_schema', message }]);
  }
  // One run on an empty call: a schema that compiles but cannot run (a recursion the bounds missed) is refused here, not on every check.
  try {
    if (typeof compiled.validate(SAMPLE_CALL) !== 'boolean') throw new Error('it did not answer synchronously');
  } catch (err) {
    const message = `the schema compiles but fails to run: ${(err as Error).message}`;
    throw new ValidationError(`policy_schema is invalid: ${message}`, [{ path: 'policy_schema', message }]);
  }
  return def;
}

const COLUMNS = ['org_id', 'id', 'name', 'description', 'policy_schema', 'risk_level', 'match', 'action', 'template', 'params', 'enabled', 'mode', 'version', 'created_at', 'updated_at'];

function toRow(orgId: string, def: ReturnType<typeof resolvePolicy>) {
  return {
    org_id: orgId,
    id: def.id,
    name: def.name,
    description: def.description,
    policy_schema: JSON.stringify(def.policy_schema),
    risk_level: def.risk_level,
    match: def.match === null ? null : JSON.stringify(def.match),
    action: def.action,
    template: def.template,
    params: def.params === null ? null : JSON.stringify(def.params),
    enabled: def.enabled,
    mode: def.mode,
  };
}

export async function listOrgPolicies(db: Db, orgId: string): Promise<PolicyDefinition[]> {
  const rows = (await db('policies').select(COLUMNS).where({ org_id: orgId }).orderBy('created_at')) as PolicyRow[];
  return rows.map(fromRow);
}

/** getPolicy returns the org's policy with this id, else the platform default, else NOT_FOUND. */
export async function getPolicy(db: Db, orgId: string, id: string): Promise<PolicyDefinition> {
  const row = (await db('policies').select(COLUMNS).where({ org_id: orgId, id }).first()) as PolicyRow | undefined;
  if (row) return fromRow(row);
  const platform = platformDefault(id);
  if (platform) return platform;
  throw new NotFoundError(`no policy "${id}"`);
}

export interface WriteContext {
  orgId: string;
  actor: Actor;
  requestId?: string;
}

/** createPolicy adds an org policy (409 if the org has one with that id); audited in the same transaction. */
export async function createPolicy(db: Db, w: WriteContext, input: PolicyInput): Promise<PolicyDefinition> {
  const def = resolvePolicy(input);
  return db.transaction(async (trx) => {
    await lockPolicy(trx, w.orgId, def.id);
    const inserted = (await trx('policies').insert(toRow(w.orgId, def)).onConflict(['org_id', 'id']).ignore().returning(COLUMNS)) as PolicyRow[];
    if (inserted.length === 0) throw new ConflictError(`a policy with id "${def.id}" already exists; PUT /api/v1/policies/${def.id} replaces it`);
    const created = fromRow(inserted[0]!);
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'policy.create', resourceType: 'policy', resourceId: def.id, before: platformDefault(def.id) ?? null, after: created, requestId: w.requestId });
    return created;
  });
}

/** replacePolicy creates or replaces the org's policy with this id (a platform id creates an override). */
/**
 * lockPolicy serialises writes of one policy id of an org until the transaction ends: two PUTs that
 * both find no row would otherwise both insert (one failing on the key), and versions, updated_at and
 * the audit entries keep the order the writes really took.
 */
async function lockPolicy(trx: Db, orgId: string, id: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`policy:${orgId}:${id}`]);
}

export async function replacePolicy(db: Db, w: WriteContext, input: PolicyInput): Promise<{ policy: PolicyDefinition; created: boolean }> {
  const def = resolvePolicy(input);
  return db.transaction(async (trx) => {
    await lockPolicy(trx, w.orgId, def.id);
    const existing = (await trx('policies').select(COLUMNS).where({ org_id: w.orgId, id: def.id }).forUpdate().first()) as PolicyRow | undefined;
    let row: PolicyRow;
    if (existing) {
      [row] = (await trx('policies')
        .where({ org_id: w.orgId, id: def.id })
        .update({ ...toRow(w.orgId, def), version: existing.version + 1, updated_at: trx.raw('clock_timestamp()') })
        .returning(COLUMNS)) as PolicyRow[] as [PolicyRow];
    } else {
      [row] = (await trx('policies').insert(toRow(w.orgId, def)).returning(COLUMNS)) as PolicyRow[] as [PolicyRow];
    }
    const policy = fromRow(row);
    const before = existing ? fromRow(existing) : (platformDefault(def.id) ?? null);
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: existing ? 'policy.update' : 'policy.create', resourceType: 'policy', resourceId: def.id, before, after: policy, requestId: w.requestId });
    return { policy, created: !existing };
  });
}

/** deletePolicy removes an org policy (an override: the platform default applies again). */
export async function deletePolicy(db: Db, w: WriteContext, id: string): Promise<void> {
  await db.transaction(async (trx) => {
    await lockPolicy(trx, w.orgId, id);
    const [row] = (await trx('policies').where({ org_id: w.orgId, id }).delete().returning(COLUMNS)) as PolicyRow[];
    if (!row) {
      if (platformDefault(id)) throw new ConflictError(`"${id}" is a platform default and cannot be deleted; override it to switch it off: PUT /api/v1/policies/${id} { "name": "…", "template": "${id}", "enabled": false }`);
      throw new NotFoundError(`no policy "${id}"`);
    }
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'policy.delete', resourceType: 'policy', resourceId: id, before: fromRow(row), after: platformDefault(id) ?? null, requestId: w.requestId });
  });
}
