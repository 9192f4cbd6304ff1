import { excerpt } from '../evidence.js';
import type { Severity } from '../types.js';

/** One thing the shell rules saw, before it becomes a Signal on a field. */
export interface Finding {
  id: 'command_injection' | 'destructive_operation';
  severity: Severity;
  /** What was seen, e.g. `download and execute`, `rm -rf /`. */
  label: string;
  /** The text the offsets point into (the field value, or a nested `sh -c` string). */
  text: string;
  start: number;
  end: number;
}

/** evidenceOf renders a finding as `label: command`, or just one of them when it contains the other; at most ~120 characters. */
export function evidenceOf(f: Finding): string {
  const shown = f.text.slice(f.start, f.end).trim().replace(/[\s;&|]+$/, '');
  if (!shown || f.label.includes(shown)) return excerpt(f.label);
  if (shown.includes(f.label)) return excerpt(shown);
  return excerpt(`${f.label}: ${shown}`);
}

export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
