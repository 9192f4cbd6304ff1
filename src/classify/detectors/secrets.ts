import { maskSecret } from '../evidence.js';
import { findSecrets, type SecretFinding } from '../secrets/scan.js';
import type { DetectionInput, Signal } from '../types.js';

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * detectSecrets reports `secret_leak` for each argument that carries a credential: a provider token
 * (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI, Anthropic…), a private key, a JWT, credentials
 * in a URL or an Authorization header, or a high-entropy value assigned to a key-like name (the
 * argument's own name counts). Evidence names the kind and shows only the masked secret.
 */
export function detectSecrets(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  for (const field of input.fields) {
    const found = findSecrets(field.value, field.key);
    if (found.length === 0) continue;
    const worst = found.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
    const more = found.length > 1 ? ` (+${found.length - 1} more)` : '';
    signals.push({ id: 'secret_leak', severity: worst.severity, path: field.pointer, evidence: evidenceOf(worst, field.value, more) });
  }
  return signals;
}

/**
 * maskSecrets returns `text` with every secret detectSecrets would find replaced by its masked form
 * (maskSecret: a short prefix and asterisks). Masked text holds no secret, so masking is idempotent.
 * `fieldKey` is the argument name the text was stored under, as the detector sees it.
 */
export function maskSecrets(text: string, fieldKey = ''): string {
  const found = findSecrets(text, fieldKey);
  let out = text;
  for (let i = found.length - 1; i >= 0; i--) {
    const f = found[i];
    if (f) out = `${out.slice(0, f.start)}${maskSecret(out.slice(f.start, f.end))}${out.slice(f.end)}`;
  }
  return out;
}

function evidenceOf(f: SecretFinding, value: string, more: string): string {
  const masked = maskSecret(value.slice(f.start, f.end));
  const kind = f.kind.slice(0, 120 - masked.length - more.length - 1);
  return `${kind} ${masked}${more}`;
}
