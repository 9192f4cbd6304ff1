import { findPii } from '../pii/scan.js';
import type { DetectionInput, Signal } from '../types.js';

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * detectPii reports `pii` for each argument that carries personal data: payment card numbers (Luhn
 * and issuer ranges), IBANs (country format and mod-97), US SSNs/ITINs, UK NHS numbers (mod-11), US
 * driver licences (in context), e-mail addresses and phone numbers. Addresses and numbers in
 * recipient arguments (`to`, `cc`…) are where a message goes, not a leak, and are not reported.
 * Evidence shows the kind and a masked value only.
 */
export function detectPii(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  for (const field of input.fields) {
    const found = findPii(field.value, field.key);
    if (found.length === 0) continue;
    const worst = found.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
    const more = found.length > 1 ? ` (+${found.length - 1} more)` : '';
    signals.push({ id: 'pii', severity: worst.severity, path: field.pointer, evidence: `${worst.kind} ${worst.masked}${more}`.slice(0, 120) });
  }
  return signals;
}
