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

/** Verbs of a tool that destroys what it is named for. */
const DESTROY_VERBS = new Set(['delete', 'destroy', 'drop', 'purge', 'truncate', 'wipe', 'erase', 'terminate', 'nuke', 'flush', 'obliterate', 'decommission', 'deprovision', 'remove', 'reset']);
/** Any of the verbs anywhere in a name: most tool names have none, and are not split into words. */
const DESTROY_VERB_RE = new RegExp([...DESTROY_VERBS].join('|'), 'i');
/** What a team cannot get back once such a tool has run: whole stores, systems and tenants. */
const WHOLE_RESOURCES = new Set([
  'repository', 'repositories', 'repo', 'repos', 'database', 'databases', 'db', 'dbs', 'bucket', 'buckets', 'cluster', 'clusters', 'namespace', 'namespaces',
  'project', 'projects', 'schema', 'schemas', 'table', 'tables', 'account', 'accounts', 'organization', 'organizations', 'organisation', 'org', 'orgs',
  'tenant', 'tenants', 'workspace', 'workspaces', 'zone', 'zones', 'volume', 'volumes', 'disk', 'disks', 'backup', 'backups', 'snapshot', 'snapshots',
  'stack', 'stacks', 'environment', 'environments', 'keyspace', 'index', 'indices', 'indexes', 'collection', 'collections', 'queue', 'queues', 'topic',
  'topics', 'stream', 'streams', 'instance', 'instances', 'server', 'servers', 'vm', 'vms', 'droplet', 'droplets', 'site', 'sites', 'domain', 'domains',
  'dataset', 'datasets', 'warehouse', 'registry', 'vault', 'keyring', 'subscription', 'subscriptions',
]);
const PREPOSITIONS = new Set(['from', 'in', 'on', 'at', 'to', 'within', 'inside', 'into', 'for', 'by', 'with', 'of']);
/** What "all" may be of and still be everything (`delete_all_files`, `purge_all`), unlike `remove_all_filters`. */
const BULK = new Set(['files', 'objects', 'items', 'messages', 'entries', 'emails', 'events', 'logs', 'issues', 'comments', 'tickets', 'orders', 'contacts', 'photos', 'notes', 'versions']);
/** Records and access that matter, but one at a time: reviewed, not blocked. */
const PART_RESOURCES = new Set([
  'user', 'users', 'member', 'members', 'customer', 'customers', 'branch', 'branches', 'secret', 'secrets', 'key', 'keys', 'deployment', 'deployments',
  'service', 'services', 'function', 'functions', 'app', 'apps', 'application', 'applications', 'records', 'rows', 'documents', 'data', 'channel', 'team', 'role', 'roles',
]);

/**
 * deletingToolName reports a tool that is itself a deletion of something large (`delete_repository`,
 * `s3_delete_bucket`, `dropTable`, `purge_queue`, `terminate_instances`, `delete_all_users`): high for
 * whole stores, systems and tenants or anything "all", medium for users, branches, keys and the like.
 * `delete_file`, `delete_comment`, `remove_label` name small things and are left alone; so is a call
 * that says it is a dry run. Reported at `/tool_name`.
 */
function deletingToolName(toolName: string, args: Record<string, unknown> | undefined): Signal | undefined {
  if (toolName.length > 128 || !DESTROY_VERB_RE.test(toolName)) return undefined;
  const words = toolName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const verb = words.findIndex((w) => DESTROY_VERBS.has(w));
  if (verb < 0) return undefined;
  // What is destroyed is the head of the phrase after the verb, up to a preposition: `delete_index_pattern`
  // deletes a pattern, `delete_file_from_repository` a file, `delete_database_user` a user.
  const rest: string[] = [];
  for (const w of words.slice(verb + 1)) {
    if (PREPOSITIONS.has(w)) break;
    rest.push(w);
  }
  // A generic deleting tool names its target in an argument: `k8s_delete {kind: "namespace"}`.
  if (rest.length === 0 && args) {
    for (const k of ['kind', 'resource', 'resource_type', 'resourcetype', 'type', 'object', 'object_type', 'entity', 'target_type']) {
      const v = args[k];
      if (typeof v === 'string' && v.length <= 64) {
        rest.push(...v.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
        break;
      }
    }
  }
  const head = rest[rest.length - 1];
  if (head === undefined) return undefined;
  const all = rest.includes('all') || rest.includes('everything');
  const whole = WHOLE_RESOURCES.has(head) || (all && (head === 'all' || head === 'everything' || PART_RESOURCES.has(head) || BULK.has(head)));
  const part = !whole && PART_RESOURCES.has(head);
  if (!whole && !part) return undefined;
  // `reset_password`, `remove_member_from_channel`: verbs that only delete when aimed at a whole thing.
  if ((words[verb] === 'reset' || words[verb] === 'remove') && !whole) return undefined;
  if (args && Object.entries(args).some(([k, v]) => /^(?:dry_?run|dryrun|plan_?only|preview)$/i.test(k) && (v === true || v === 'true'))) return undefined;
  return { id: 'destructive_operation', severity: whole ? 'high' : 'medium', path: '/tool_name', evidence: excerpt(`tool deletes ${whole ? 'a whole store or system' : 'records or access'} (${words[verb]}): ${toolName}`) };
}

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
  const named = input.embedded ? undefined : deletingToolName(input.toolName, input.args);
  if (named) signals.push(named);
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
