import type { DetectionInput, Signal } from '../types.js';

/** Placeholder until the detector lands; returns no signals. */
export function detectUrls(_input: DetectionInput): Signal[] {
  return [];
}
