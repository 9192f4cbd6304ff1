/**
 * The classifier in a worker thread (ClassifierPool): large tool calls are classified, and their
 * secrets masked, here, so seconds of detector work on a megabyte of content never hold the event
 * loop that answers every other org's checks.
 */
import { parentPort } from 'node:worker_threads';
import { maskArguments } from '../checks/masking.js';
import { classify, initClassifier } from './classify.js';
import type { Classification } from './types.js';

export interface ClassifyJob {
  id: number;
  toolName: string;
  args: Record<string, unknown>;
}

/** `masked`: the arguments with their secrets masked, only when there were secrets (else the caller's own are stored as they are). */
export type ClassifyAnswer = { id: number; classification: Classification; masked?: Record<string, unknown> } | { id: number; error: string };

const port = parentPort;
if (port) {
  const ready = initClassifier();
  port.on('message', (job: ClassifyJob) => {
    void ready
      .then(() => {
        const classification = classify(job.toolName, job.args);
        const secrets = classification.signals.some((s) => s.id === 'secret_leak');
        const answer: ClassifyAnswer = { id: job.id, classification, ...(secrets ? { masked: maskArguments(job.args, classification.signals) } : {}) };
        port.postMessage(answer);
      })
      .catch((err: Error) => port.postMessage({ id: job.id, error: err.message } satisfies ClassifyAnswer));
  });
}
