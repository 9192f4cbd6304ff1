import type { DetectionInput, Signal } from '../types.js';

/** Placeholder until the detector lands. */
export async function initSql(): Promise<void> {}

/** Placeholder until the detector lands; returns no signals. */
export function detectSql(_input: DetectionInput): Signal[] {
  return [];
}
