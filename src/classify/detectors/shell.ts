import type { DetectionInput, Signal } from '../types.js';

/** Placeholder until the detector lands. */
export async function initShell(): Promise<void> {}

/** Placeholder until the detector lands; returns no signals. */
export function detectShell(_input: DetectionInput): Signal[] {
  return [];
}
