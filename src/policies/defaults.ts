import type { RiskLevel } from '../orgs/settings.js';
import { findTemplate } from './templates.js';
import type { PolicyDefinition } from './types.js';

interface DefaultSpec {
  id: string;
  name: string;
  risk_level: RiskLevel;
}

/**
 * The platform defaults every org gets. Each is the template of the same id with default params, so
 * its counterfactuals name the offending signal. An org policy with the same id overrides one
 * (including `enabled: false` to switch it off).
 */
const SPECS: DefaultSpec[] = [
  { id: 'sql-injection', name: 'SQL injection', risk_level: 'CRITICAL' },
  { id: 'destructive-sql', name: 'Destructive SQL', risk_level: 'HIGH' },
  { id: 'command-injection', name: 'Command injection', risk_level: 'CRITICAL' },
  { id: 'destructive-command', name: 'Destructive commands', risk_level: 'HIGH' },
  { id: 'path-traversal', name: 'Path traversal and sensitive files', risk_level: 'CRITICAL' },
  { id: 'ssrf', name: 'Server-side request forgery', risk_level: 'CRITICAL' },
  { id: 'secret-leak', name: 'Secret leak', risk_level: 'HIGH' },
  { id: 'pii-egress', name: 'Personal data egress', risk_level: 'HIGH' },
  { id: 'prompt-injection', name: 'Prompt injection', risk_level: 'HIGH' },
];

export const PLATFORM_DEFAULTS: readonly PolicyDefinition[] = SPECS.map((spec) => {
  const template = findTemplate(spec.id);
  if (!template) throw new Error(`platform default ${spec.id} has no template`);
  const params = template.params.parse({});
  const built = template.build(params);
  return Object.freeze({
    id: spec.id,
    name: spec.name,
    description: template.description,
    policy_schema: built.policy_schema,
    risk_level: spec.risk_level,
    match: built.match,
    action: null,
    template: template.id,
    params,
    enabled: true,
    mode: 'enforce' as const,
    source: 'platform' as const,
    version: 1,
    created_at: null,
    updated_at: null,
  });
});
