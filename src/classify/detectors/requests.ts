import { excerpt } from '../evidence.js';
import { requestVerdict } from '../shell/destructive-cli.js';
import type { DetectionInput, Signal, StringField } from '../types.js';

/** Keys of an HTTP tool's own arguments: the method, the target, the payload. */
const METHOD_KEY = /^(method|http_?method|verb|request_?method)$/;
const URL_KEY = /^(url|uri|endpoint|href|link|target|path)$/;
const BODY_KEY = /^(body|data|json|payload|query|content)$/;

/**
 * detectRequests reports `destructive_operation` for an HTTP tool's request that destroys, judged
 * as the same request made with curl would be (shell/destructive-cli.ts): a DELETE, a POST/PUT to a
 * deleting endpoint (`_delete_by_query`, Prometheus' delete_series…), a GraphQL delete mutation.
 * Method, URL and body are read from one object of the arguments.
 */
export function detectRequests(input: DetectionInput): Signal[] {
  if (input.category !== 'network' && input.category !== 'general') return [];
  const byObject = new Map<string, { method?: StringField; url?: StringField; body?: StringField }>();
  for (const f of input.fields) {
    const slot = METHOD_KEY.test(f.key) ? 'method' : URL_KEY.test(f.key) ? 'url' : BODY_KEY.test(f.key) ? 'body' : undefined;
    if (!slot) continue;
    const parent = f.pointer.slice(0, f.pointer.lastIndexOf('/'));
    const request = byObject.get(parent) ?? {};
    request[slot] ??= f;
    byObject.set(parent, request);
  }
  const signals: Signal[] = [];
  for (const { method, url, body } of byObject.values()) {
    if (!method || !url) continue;
    const verdict = requestVerdict(method.value.trim().toUpperCase(), url.value.trim().slice(0, 2048), body?.value.slice(0, 65_536) ?? '');
    if (verdict) signals.push({ id: 'destructive_operation', severity: verdict.severity, path: url.pointer, evidence: excerpt(verdict.label) });
  }
  return signals;
}
