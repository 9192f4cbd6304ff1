import type { DetectionInput, Signal } from '../types.js';

/** Placeholder until the detector lands; returns no signals. */
export function detectPaths(_input: DetectionInput): Signal[] {
  return [];
}
