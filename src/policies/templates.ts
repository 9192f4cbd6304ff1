import { toolKeyGlobs } from '../util/tool-key.js';
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, SIGNAL_IDS, type Category, type Severity, type SignalId } from '../classify/types.js';
import type { RiskLevel } from '../orgs/settings.js';
import { escapeRegex, globToRegex } from '../util/glob.js';
import { explainSignals, offendingSignals } from './explain.js';
import type { CallDocument, Explanation, PolicyMatch } from './types.js';

/** What a template produces from its params: the schema, a default match, and a tailored explanation. */
export interface TemplateOutput {
  policy_schema: Record<string, unknown>;
  match: PolicyMatch | null;
  /** Overrides the generic schema-error explanation when the template knows better. */
  explain?: (call: CallDocument, policyId: string) => Explanation;
}

export interface PolicyTemplate {
  id: string;
  description: string;
  /** Suggested risk level when the policy gives none. */
  risk_level: RiskLevel;
  params: z.ZodType<Record<string, unknown>>;
  build(params: Record<string, unknown>): TemplateOutput;
}


function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
}

/**
 * signalGuard forbids signals of the given ids at or above a severity: the schema says
 * "classification.signals contains no such signal".
 */
function signalGuard(signals: readonly SignalId[], minSeverity: Severity, categories: Category[] | undefined): TemplateOutput {
  return {
    policy_schema: {
      type: 'object',
      properties: {
        classification: {
          type: 'object',
          properties: {
            signals: {
              not: {
                contains: {
                  type: 'object',
                  properties: { id: { enum: [...signals] }, severity: { enum: severitiesFrom(minSeverity) } },
                  required: ['id', 'severity'],
                },
              },
            },
          },
        },
      },
    },
    match: categories && categories.length > 0 ? { categories } : null,
    explain: (call, policyId) => explainSignals(policyId, offendingSignals(call, signals, minSeverity)),
  };
}

const minSeverity = z.enum(SEVERITIES).default('medium');
const categoryList = z.array(z.enum(CATEGORIES)).min(1).optional();

function signalTemplate(id: string, description: string, signals: SignalId[], risk: RiskLevel, categories?: Category[]): PolicyTemplate {
  return {
    id,
    description,
    risk_level: risk,
    params: z.strictObject({ min_severity: minSeverity, categories: categoryList }),
    build: (p) => signalGuard(signals, p.min_severity as Severity, (p.categories as Category[] | undefined) ?? categories),
  };
}

const stringList = z.array(z.string().min(1).max(200)).min(1).max(500);
/** Host names the templates match with their subdomains: `example.com`, not `*.example.com`, `https://example.com/` or `@example.com`, which would never match. */
const domainList = z
  .array(z.string().max(253).regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, 'must be a host name such as example.com (its subdomains are included; no scheme, path, port, * or @)'))
  .min(1)
  .max(500);
/** The argument a template reads: an identifier, not a name JavaScript objects inherit (`__proto__`, `constructor`). */
const fieldName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)
    .refine((f) => !['__proto__', 'constructor', 'prototype'].includes(f), 'must not be __proto__, constructor or prototype')
    .default(fallback);

export const TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'signal-guard',
    description: 'Violated when the call carries any of the given signals at or above min_severity.',
    risk_level: 'HIGH',
    params: z.strictObject({ signals: z.array(z.enum(SIGNAL_IDS)).min(1), min_severity: minSeverity, categories: categoryList }),
    build: (p) => signalGuard(p.signals as SignalId[], p.min_severity as Severity, p.categories as Category[] | undefined),
  },
  signalTemplate('sql-injection', 'SQL injection in a query (tautologies, UNION, stacked statements, comment truncation, time-based functions).', ['sql_injection'], 'CRITICAL'),
  signalTemplate('destructive-sql', 'Destructive SQL: DROP, TRUNCATE, ALTER … DROP, DELETE or UPDATE without WHERE.', ['destructive_operation'], 'HIGH', ['database']),
  // Every category but database (destructive-sql's): a tool named like an e-mail tool (`mailing_list_db`, `shell_email`) must not carry `rm -rf /` past both.
  signalTemplate('destructive-command', 'Destructive commands and API calls: rm -rf, mkfs, dd, force pushes, deletions of cloud resources, tools that delete whole stores.', ['destructive_operation'], 'HIGH', ['shell', 'code', 'network', 'filesystem', 'general', 'payment', 'email']),
  signalTemplate('command-injection', 'Shell command injection: substitution, chained payloads, download-and-execute, reverse shells.', ['command_injection'], 'CRITICAL'),
  signalTemplate('path-traversal', 'Paths that escape their base or name sensitive files (/etc/shadow, ~/.ssh, /proc/self/environ).', ['path_traversal'], 'CRITICAL'),
  signalTemplate('ssrf', 'Requests to loopback, private, link-local or metadata addresses, or non-HTTP schemes.', ['ssrf'], 'CRITICAL'),
  signalTemplate('secret-leak', 'Credentials (cloud keys, tokens, private keys) in what the tool sends or writes.', ['secret_leak'], 'HIGH'),
  signalTemplate('pii-egress', 'Personal data (e-mail addresses, card numbers, SSNs, IBANs, phone numbers) leaving through the tool.', ['pii'], 'HIGH'),
  signalTemplate('prompt-injection', 'Instructions to an AI hidden in content (override, jailbreak, task hijacking).', ['prompt_injection'], 'HIGH'),
  {
    id: 'tool-allowlist',
    description: 'Only the listed tools (globs allowed) may be called.',
    risk_level: 'HIGH',
    params: z.strictObject({ tools: stringList }),
    build: (p) => ({
      policy_schema: { type: 'object', properties: { tool_key: { type: 'string', pattern: toolPattern(p.tools as string[]) } } },
      match: null,
    }),
  },
  {
    id: 'tool-denylist',
    description: 'The listed tools (globs allowed) may not be called.',
    risk_level: 'CRITICAL',
    params: z.strictObject({ tools: stringList }),
    build: (p) => ({ policy_schema: { type: 'object', properties: { tool_key: { not: { type: 'string', pattern: toolPattern(p.tools as string[]) } } } }, match: null }),
  },
  {
    id: 'amount-limit',
    description: 'A payment argument (default `amount`) may not exceed max.',
    risk_level: 'HIGH',
    params: z.strictObject({ max: z.number().nonnegative(), field: fieldName('amount') }),
    build: (p) => ({
      policy_schema: { type: 'object', properties: { arguments: { type: 'object', properties: { [p.field as string]: { type: 'number', maximum: p.max } } } } },
      match: { categories: ['payment'] },
    }),
  },
  {
    id: 'domain-allowlist',
    description: 'URLs in the given argument (default `url`) must be http(s) on one of the domains or their subdomains.',
    risk_level: 'HIGH',
    params: z.strictObject({ domains: domainList, field: fieldName('url') }),
    build: (p) => {
      const hosts = (p.domains as string[]).map((d) => escapeRegex(d.toLowerCase())).join('|');
      return {
        policy_schema: {
          type: 'object',
          properties: { arguments: { type: 'object', properties: { [p.field as string]: { type: 'string', pattern: `(?i)^https?://([a-z0-9-]+\\.)*(${hosts})(:[0-9]{1,5})?([/?#]|$)` } } } },
        },
        match: null,
      };
    },
  },
  {
    id: 'email-recipient-domains',
    description: 'E-mail recipients (default argument `to`, a string or a list; `cc`, `bcc` and `recipients` too) must be on the given domains.',
    risk_level: 'HIGH',
    params: z.strictObject({ domains: domainList, field: fieldName('to') }),
    build: (p) => {
      const address = { type: 'string', pattern: `(?i)^[^@\\s]+@([a-z0-9-]+\\.)*(${(p.domains as string[]).map((d) => escapeRegex(d.toLowerCase())).join('|')})$` };
      return {
        policy_schema: {
          type: 'object',
          // Every field a message goes to, not only the one named: a `bcc` would otherwise carry it anywhere.
          properties: { arguments: { type: 'object', properties: Object.fromEntries([...new Set([p.field as string, 'to', 'cc', 'bcc', 'recipients'])].map((f) => [f, { anyOf: [address, { type: 'array', items: address }] }])) } },
        },
        match: { categories: ['email'] },
      };
    },
  },
  {
    id: 'max-anomaly',
    description: "The agent's anomaly score for the call may not exceed max_score.",
    risk_level: 'HIGH',
    params: z.strictObject({ max_score: z.number().min(0).max(1) }),
    build: (p) => ({ policy_schema: { type: 'object', properties: { anomaly_score: { type: 'number', maximum: p.max_score } } }, match: null }),
  },
];

const BY_ID = new Map(TEMPLATES.map((t) => [t.id, t]));

export function findTemplate(id: string): PolicyTemplate | undefined {
  return BY_ID.get(id);
}

/**
 * toolPattern matches the listed tools (globs) by their toolKey — `Run-Shell`, `runShell` and
 * `functions.run_shell` are the `run_shell` the list names — against the call's `tool_key`.
 */
function toolPattern(globs: string[]): string {
  return toolKeyGlobs(globs).map(globToRegex).join('|');
}
