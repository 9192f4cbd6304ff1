import { PLATFORM_DEFAULTS } from './defaults.js';
import type { PolicyDefinition } from './types.js';

/** presentPolicy lists the fields a policy exposes. */
export function presentPolicy(p: PolicyDefinition) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    policy_schema: p.policy_schema,
    risk_level: p.risk_level,
    match: p.match,
    action: p.action,
    template: p.template,
    params: p.params,
    enabled: p.enabled,
    mode: p.mode,
    source: p.source,
    overrides_platform: p.source === 'org' && PLATFORM_DEFAULTS.some((d) => d.id === p.id),
    version: p.version,
    created_at: p.created_at?.toISOString() ?? null,
    updated_at: p.updated_at?.toISOString() ?? null,
  };
}
