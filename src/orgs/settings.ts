import { maskSecrets } from '../classify/detectors/secrets.js';
import { z } from 'zod';
import { recordAudit, type Actor } from '../audit/audit.js';
import type { Db } from '../db/knex.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { problemsOf } from '../http/validate.js';

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const DECISIONS = ['allow', 'pending', 'block'] as const;
export type Decision = (typeof DECISIONS)[number];

const decision = z.enum(DECISIONS);
/** A rate limit; null = none. */
const rateLimit = z.number().int().min(1).max(100_000_000).nullable().default(null);

/** A proxy-mode upstream: where allowed calls are forwarded (POST /api/v1/proxy/:upstream). */
export const UpstreamSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  timeout_ms: z.number().int().min(100).max(300_000).default(10_000),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(4096)).optional(),
  /** Allow a loopback/private address (otherwise refused as an SSRF target). */
  internal: z.boolean().default(false),
});
export type Upstream = z.infer<typeof UpstreamSchema>;

/** Every org setting with its default. An org that never changed a setting stores `{}` (orgs.settings). */
export const OrgSettingsSchema = z.strictObject({
  /** What a violated policy decides when it names no action, by its risk level. */
  risk_mapping: z
    .strictObject({ LOW: decision, MEDIUM: decision, HIGH: decision, CRITICAL: decision })
    .default({ LOW: 'allow', MEDIUM: 'allow', HIGH: 'pending', CRITICAL: 'block' }),
  /** How long a pending check waits for a reviewer. */
  pending_timeout_seconds: z.number().int().min(1).max(604_800).default(900),
  /** What the timeout decides. */
  timeout_decision: z.enum(['allow', 'block']).default('block'),
  /** Where pending checks are announced (signed POST); null = nowhere. */
  reviewer_webhook_url: z.url({ protocol: /^https?$/ }).nullable().default(null),
  /** A check scoring at least this writes an anomaly event. */
  anomaly_threshold: z.number().min(0).max(1).default(0.7),
  /** A check scoring at least this is escalated from allow to pending. */
  anomaly_escalate_threshold: z.number().min(0).max(1).default(0.9),
  /** Engage an agent kill switch automatically after blocked_calls blocked checks within window_seconds. */
  auto_kill: z
    .strictObject({ enabled: z.boolean(), blocked_calls: z.number().int().min(1).max(100_000), window_seconds: z.number().int().min(1).max(86_400) })
    .default({ enabled: false, blocked_calls: 20, window_seconds: 60 }),
  /** Proxy-mode upstreams by name. */
  upstreams: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), UpstreamSchema).default({}),
  /** When a check cannot be recorded: "closed" answers 503 (the SDK treats it as blocked), "open" answers the decision anyway. */
  fail_mode: z.enum(['closed', 'open']).default('closed'),
  /**
   * The org's own rate limits; null = no limit of its own. A billed org's plan limits apply as well
   * (the lower one wins), so an admin can tighten, never loosen, what the plan allows.
   */
  rate_limits: z
    .strictObject({
      checks_per_minute_per_agent: rateLimit,
      checks_per_second_per_org: rateLimit,
      traces_per_second_per_org: rateLimit,
    })
    .default({ checks_per_minute_per_agent: null, checks_per_second_per_org: null, traces_per_second_per_org: null }),
});
export type OrgSettings = z.infer<typeof OrgSettingsSchema>;
export type RateLimitSettings = OrgSettings['rate_limits'];

/**
 * presentSettings is what the API shows of the settings: upstream header values (credentials for the
 * upstream, typically) are never shown back — not to readers, not in the audit log.
 */
export function presentSettings(settings: OrgSettings, opts: { maskUrls?: boolean } = {}): OrgSettings {
  // For readers who did not set them (reviewers, viewers): tokens in URLs (`?api_key=sk_live_…`, a Slack webhook's path) masked too.
  const shown = (url: string): string => (opts.maskUrls ? maskSecrets(withoutPassword(url), 'url') : withoutPassword(url));
  const upstreams = Object.fromEntries(
    Object.entries(settings.upstreams).map(([name, u]) => [name, { ...u, url: shown(u.url), ...(u.headers ? { headers: Object.fromEntries(Object.keys(u.headers).map((h) => [h, '[redacted]'])) } : {}) }]),
  );
  return { ...settings, upstreams, reviewer_webhook_url: settings.reviewer_webhook_url === null ? null : shown(settings.reviewer_webhook_url) };
}

/** withoutPassword shows a URL with its password (stored before PATCH refused them) as `redacted`. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = 'redacted';
    return u.toString();
  } catch {
    return url;
  }
}

export const DEFAULT_SETTINGS: OrgSettings = Object.freeze(OrgSettingsSchema.parse({}));

/** effectiveSettings merges stored overrides over the defaults (unknown stored keys are dropped). */
export function effectiveSettings(stored: unknown): OrgSettings {
  const known = Object.fromEntries(Object.entries((stored as Record<string, unknown>) ?? {}).filter(([k]) => k in OrgSettingsSchema.shape));
  const parsed = OrgSettingsSchema.safeParse(known);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function loadSettings(db: Db, orgId: string): Promise<OrgSettings> {
  const row = (await db('orgs').select('settings').where({ id: orgId }).first()) as { settings: unknown } | undefined;
  if (!row) throw new NotFoundError(`no org ${orgId}`);
  return effectiveSettings(row.settings);
}

/** mergePatch applies an RFC 7386 JSON merge patch: null removes a member, objects merge recursively. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * patchSettings merge-patches an org's settings (null resets a setting to its default), validates the
 * result as a whole, stores the overrides and audits `config.update` with before/after, atomically.
 */
export async function patchSettings(db: Db, orgId: string, patch: Record<string, unknown>, actor: Actor, requestId?: string): Promise<OrgSettings> {
  return db.transaction(async (trx) => {
    const row = (await trx('orgs').select('settings').where({ id: orgId }).forUpdate().first()) as { settings: Record<string, unknown> } | undefined;
    if (!row) throw new NotFoundError(`no org ${orgId}`);
    const before = effectiveSettings(row.settings);
    // Patch the effective settings (so a partial nested object merges into its defaults); a null
    // removes the member, and parsing brings its default back.
    const merged = mergePatch(before, patch) as Record<string, unknown>;
    const parsed = OrgSettingsSchema.safeParse(merged);
    if (!parsed.success) {
      const problems = problemsOf(parsed.error, 'body');
      throw new ValidationError(`invalid configuration: ${problems[0]!.path}: ${problems[0]!.message}`, problems);
    }
    // A check escalated for its anomaly score must also be an anomaly event (listed, explained).
    if (parsed.data.anomaly_threshold > parsed.data.anomaly_escalate_threshold) {
      const message = `anomaly_threshold (${parsed.data.anomaly_threshold}) must not exceed anomaly_escalate_threshold (${parsed.data.anomaly_escalate_threshold}): a check escalated for its score would leave no anomaly event`;
      throw new ValidationError(`invalid configuration: ${message}`, [{ path: 'anomaly_threshold', message }]);
    }
    await trx('orgs').where({ id: orgId }).update({ settings: JSON.stringify(parsed.data) });
    await recordAudit(trx, { orgId, actor, action: 'config.update', resourceType: 'config', resourceId: orgId, before: presentSettings(before), after: presentSettings(parsed.data), requestId });
    return parsed.data;
  });
}
