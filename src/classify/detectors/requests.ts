import { excerpt } from '../evidence.js';
import { graphqlDelete, requestVerdict } from '../shell/destructive-cli.js';
import type { Category, DetectionInput, Signal, StringField } from '../types.js';

/** Keys of an HTTP tool's own arguments: the method, the target, the payload. */
const METHOD_KEY = /^(method|http_?method|verb|request_?method)$/;
const URL_KEY = /^(url|uri|endpoint|href|link|target|path)$/;
const BODY_KEY = /^(body|data|json|payload|query|content)$/;

/** Keys that name the remote procedure a tool calls: `{ method: "admin.conversations.delete" }`, `{ operation: "DeleteBucket" }`. */
const API_METHOD_KEY = /^(method|operation|operation_?id|action|api|api_?method|rpc|function|function_?name)$/;
/**
 * A procedure name whose verb deletes: dotted or slashed (`files.delete`, `repos/delete`, `files.remove`),
 * PascalCase or camelCase (`DeleteBucket`, `deleteRepository`), snake_case (`delete_user`). Not
 * `removeFromCart` or `dropDown` (UI and shopping actions), and not a bare verb (`delete`): that is
 * left to the tool's own detector, a file tool's action or a document database's operation.
 */
const DELETING_METHOD =
  /^(?:[A-Za-z][\w-]*[./:])+(?:(?:delete|destroy|purge|truncate|wipe|erase)\w*|remove|drop)$|^(?:delete|destroy|purge|truncate|wipe|erase)(?:[A-Z]|_[a-z])\w*$|^(?:Delete|Destroy|Purge|Truncate|Wipe|Erase)[A-Z]\w*$/;
/** A GraphQL document that is a mutation (after blanks and `#` comments). */
const GRAPHQL_MUTATION = /^(?:\s|#[^\n]*\n)*mutation\b/;

/**
 * apiCalls reports an API procedure that deletes (medium: what it deletes is the API's business) and
 * a GraphQL mutation that deletes (high), whatever the tool is called.
 */
function apiCalls(fields: StringField[], category: Category): Signal[] {
  const out: Signal[] = [];
  for (const f of fields) {
    // A database tool's operation (`deleteMany` with a filter) is judged by the database rules.
    if (category !== 'database' && API_METHOD_KEY.test(f.key) && f.value.length <= 200 && DELETING_METHOD.test(f.value.trim())) {
      out.push({ id: 'destructive_operation', severity: 'medium', path: f.pointer, evidence: excerpt(`deleting API call: ${f.value.trim()}`) });
    } else if (category !== 'filesystem' && GRAPHQL_MUTATION.test(f.value) && graphqlDelete(f.value.slice(0, 65_536))) {
      // A file tool's mutation is content being written (`schema/ops.graphql`).
      out.push({ id: 'destructive_operation', severity: 'high', path: f.pointer, evidence: excerpt(`GraphQL delete mutation: ${f.value.trim()}`) });
    }
  }
  return out;
}

/**
 * detectRequests reports `destructive_operation` for an HTTP tool's request that destroys, judged
 * as the same request made with curl would be (shell/destructive-cli.ts): a DELETE, a POST/PUT to a
 * deleting endpoint (`_delete_by_query`, Prometheus' delete_series…), a GraphQL delete mutation.
 * Method, URL and body are read from one object of the arguments. In any tool but an e-mail tool, an
 * API procedure that deletes, and outside file tools (which carry text) a GraphQL mutation that deletes (apiCalls).
 */
export function detectRequests(input: DetectionInput): Signal[] {
  if (input.category === 'email') return [];
  const judged = new Set<string>();
  const signals = input.category === 'network' || input.category === 'general' ? ownRequests(input.fields, judged) : [];
  // A request judged whole is not reported again for its body.
  for (const s of apiCalls(input.fields, input.category)) if (!judged.has(s.path.slice(0, s.path.lastIndexOf('/')))) signals.push(s);
  return signals;
}

/** ownRequests judges each object's method + URL (+ body); the objects it reports are added to `judged`. */
function ownRequests(fields: StringField[], judged: Set<string>): Signal[] {
  const byObject = new Map<string, { method?: StringField; url?: StringField; body?: StringField }>();
  for (const f of fields) {
    const slot = METHOD_KEY.test(f.key) ? 'method' : URL_KEY.test(f.key) ? 'url' : BODY_KEY.test(f.key) ? 'body' : undefined;
    if (!slot) continue;
    const parent = f.pointer.slice(0, f.pointer.lastIndexOf('/'));
    const request = byObject.get(parent) ?? {};
    request[slot] ??= f;
    byObject.set(parent, request);
  }
  const signals: Signal[] = [];
  for (const [parent, { method, url, body }] of byObject) {
    if (!method || !url) continue;
    const verdict = requestVerdict(method.value.trim().toUpperCase(), url.value.trim().slice(0, 2048), body?.value.slice(0, 65_536) ?? '');
    if (verdict) {
      signals.push({ id: 'destructive_operation', severity: verdict.severity, path: url.pointer, evidence: excerpt(verdict.label) });
      judged.add(parent);
    }
  }
  return signals;
}
