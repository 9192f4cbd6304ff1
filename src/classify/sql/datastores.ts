import { excerpt } from '../evidence.js';
import type { Signal, StringField } from '../types.js';

/**
 * The commands of datastores that are not SQL, as a database tool passes them: Redis commands,
 * Cypher (Neo4j, Memgraph), and MongoDB's shell and driver operations. PostgreSQL's parser rejects all
 * of them, so the SQL rules see only words; these are their destructive and host-reaching forms.
 */

const REDIS: Array<[RegExp, Signal['id'], Signal['severity'], string]> = [
  [/^\s*flushall\b/i, 'destructive_operation', 'critical', 'Redis FLUSHALL (every key of every database)'],
  [/^\s*flushdb\b/i, 'destructive_operation', 'high', 'Redis FLUSHDB (every key of the database)'],
  [/^\s*(?:shutdown|debug\s+(?:segfault|crash|restart))\b/i, 'destructive_operation', 'high', 'Redis server stopped'],
  [/^\s*script\s+flush\b|^\s*function\s+flush\b/i, 'destructive_operation', 'medium', 'Redis scripts flushed'],
  // The classic Redis break-in: point the dump file at cron or authorized_keys, or load a module.
  [/^\s*config\s+set\s+(?:dir|dbfilename)\b/i, 'command_injection', 'high', 'Redis CONFIG SET dir/dbfilename (writes a file on the host)'],
  [/^\s*module\s+load\b/i, 'command_injection', 'high', 'Redis MODULE LOAD (native code on the server)'],
  [/^\s*(?:slaveof|replicaof)\s+(?!no\s+one\b)\S+/i, 'command_injection', 'high', 'Redis replication from another host'],
];

/** Cypher that deletes every node it matched, with no WHERE to narrow the match. */
const CYPHER_DELETE_ALL = /\bmatch\s*\(\s*\w*\s*(?::\s*`?[\w]+`?\s*)?\)\s*(?:with\s+\w+\s+)?(?:detach\s+)?delete\b/i;
/** mongosh: `db.users.deleteMany({})`, `db.getCollection('users').remove({})`, `db.users.drop()`, `db.dropDatabase()`. */
const MONGO_SHELL = /\bdb(?:\.[\w$]+(?:\([^()]{0,100}\))?|\[['"][^'"]{1,100}['"]\]){0,3}\.(deleteMany|remove|drop|dropDatabase)\(\s*(\{\s*\})?\s*\)/;

/**
 * Driver operations that delete whatever the filter matches, and ones that drop a collection or the
 * database. Spellings of drivers and tool wrappers: deleteMany, delete_many, remove, drop_collection…
 */
const DELETE_OPS = /^(?:delete_?many|remove|delete)$/i;
const DROP_OPS = /^(?:drop|drop_?collection)$/i;
const DROP_DB_OPS = /^drop_?database$/i;
const OP_KEYS = ['operation', 'op', 'method', 'action', 'command'];
const FILTER_KEYS = ['filter', 'query', 'selector', 'where', 'criteria'];

const redisCommand = (field: StringField, redisCall: boolean): string | undefined => {
  if (!/^(?:command|cmd|query|statement|args)$/.test(field.key) && !/^\/arguments\/(?:command|cmd)\/0$/.test(field.pointer) && !(redisCall && field.key === 'sql')) return undefined;
  return field.value;
};

/** A generic database tool pointed at Redis (`db_query {sql: "FLUSHALL", database: "redis"}`) runs Redis commands under any statement key. */
const REDIS_TARGET_KEY = /^(?:database|db|engine|dialect|type|driver|datastore|backend)$/;

/** datastoreFindings reports a database tool's non-SQL commands that destroy data or reach the host. */
export function datastoreFindings(toolName: string, fields: StringField[], args: Record<string, unknown> | undefined): Signal[] {
  const out: Signal[] = [];
  const redisCall = /redis/i.test(toolName) || fields.some((f) => REDIS_TARGET_KEY.test(f.key) && /^\s*redis\b/i.test(f.value));
  for (const field of fields) {
    const command = redisCommand(field, redisCall);
    const redis = command === undefined ? undefined : REDIS.find(([re]) => re.test(command));
    if (redis) {
      out.push({ id: redis[1], severity: redis[2], path: field.pointer, evidence: excerpt(`${redis[3]}: ${field.value}`) });
      continue;
    }
    const cypher = CYPHER_DELETE_ALL.exec(field.value);
    if (cypher && !/\bwhere\b/i.test(field.value.slice(0, cypher.index + cypher[0].length))) {
      out.push({ id: 'destructive_operation', severity: 'high', path: field.pointer, evidence: excerpt(`Cypher DELETE of every matched node: ${field.value.slice(cypher.index)}`) });
      continue;
    }
    const mongo = MONGO_SHELL.exec(field.value);
    if (mongo && (mongo[1] === 'drop' || mongo[1] === 'dropDatabase' || mongo[2] !== undefined)) {
      const what = mongo[1] === 'dropDatabase' ? 'drops the database' : mongo[1] === 'drop' ? 'drops the collection' : 'with an empty filter deletes every document';
      out.push({ id: 'destructive_operation', severity: mongo[1] === 'dropDatabase' ? 'critical' : 'high', path: field.pointer, evidence: excerpt(`MongoDB ${mongo[1]} ${what}: ${mongo[0]}`) });
    }
  }
  const op = args && operationOf(toolName, args);
  if (op) out.push(op);
  return out;
}

/**
 * operationOf reads a driver-style call (`{ collection, operation: "deleteMany", filter: {} }`, or a
 * tool named `mongo_delete_many`): a delete with no filter or an empty one, or a drop.
 */
function operationOf(toolName: string, args: Record<string, unknown>): Signal | undefined {
  // A database command document (MongoDB's runCommand): `{ command: { dropDatabase: 1 } }`, `{ command: { drop: "users" } }`.
  const doc = OP_KEYS.map((k) => args[k]).find((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
  if (doc) {
    const path = `/arguments/${OP_KEYS.find((k) => args[k] === doc)!}`;
    if ('dropDatabase' in doc) return { id: 'destructive_operation', severity: 'critical', path, evidence: excerpt('dropDatabase command: drops the database') };
    if (typeof doc.drop === 'string') return { id: 'destructive_operation', severity: 'high', path, evidence: excerpt(`drop command: drops the collection ${doc.drop}`) };
  }
  const key = OP_KEYS.find((k) => typeof args[k] === 'string');
  const named = key ? (args[key] as string) : /(?:^|_)(delete_?many|drop_?database|drop_?collection)$/i.exec(toolName.replace(/[\s.-]+/g, '_'))?.[1];
  if (!named) return undefined;
  const path = key ? `/arguments/${key}` : '/arguments';
  if (DROP_DB_OPS.test(named)) return { id: 'destructive_operation', severity: 'critical', path, evidence: excerpt(`${named}: drops the database`) };
  if (DROP_OPS.test(named)) return { id: 'destructive_operation', severity: 'high', path, evidence: excerpt(`${named}: drops the collection`) };
  if (!DELETE_OPS.test(named) || !('collection' in args || /mongo|document|collection/i.test(toolName))) return undefined;
  const filterKey = FILTER_KEYS.find((k) => k in args);
  const filter = filterKey === undefined ? undefined : args[filterKey];
  const empty = filter === undefined || filter === null || (typeof filter === 'object' && !Array.isArray(filter) && Object.keys(filter).length === 0) || (typeof filter === 'string' && /^\s*(?:\{\s*\})?\s*$/.test(filter));
  return empty ? { id: 'destructive_operation', severity: 'high', path, evidence: excerpt(`${named} with ${filterKey ? 'an empty' : 'no'} filter deletes every document`) } : undefined;
}
