import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { createCredential } from '../../src/auth/credentials.js';
import type { Role } from '../../src/auth/roles.js';
import { loadConfig, type Env } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/runtime/gateway.js';
import { testDatabaseUrl } from './database.js';

export interface TestGateway extends Gateway {
  readonly url: string;
  readonly taskQueue: string;
  /** Every log line this gateway wrote (JSON strings). */
  readonly logs: string[];
}

/**
 * startTestGateway starts an in-process gateway (API + worker) on the run's PostgreSQL and Temporal
 * server, on a random port and a task queue of its own. Replicas of one deployment must share
 * AEGIS_TASK_QUEUE (pass it in env), or one's dispatcher starts workflows no worker polls for.
 */
export async function startTestGateway(env: Env = {}, opts: Partial<Omit<GatewayOptions, 'log'>> = {}): Promise<TestGateway> {
  const dataDir = path.join(inject('tmpRoot'), `gw-${randomUUID()}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const taskQueue = `test-${randomUUID()}`;
  const config = loadConfig({
    DATABASE_URL: await testDatabaseUrl(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    AEGIS_DATA_DIR: dataDir,
    AEGIS_TASK_QUEUE: taskQueue,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const gateway = await startGateway(config, {
    api: true,
    worker: true,
    embedded: false,
    migrate: false,
    bootstrap: false,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...opts,
    log: createLogger(config.logLevel, sink),
  });
  return Object.assign(gateway, { url: gateway.url!, taskQueue, logs });
}

export interface TestOrg {
  orgId: string;
  name: string;
  adminKey: string;
  /** keyFor creates (once per role) and returns an API key of this org with that role. */
  keyFor(role: Role): Promise<string>;
}

/** newOrg creates a fresh org with an admin key, so tests never share tenants by accident. */
export async function newOrg(gw: Gateway, prefix = 'org'): Promise<TestOrg> {
  const org = await createOrg(gw.db, `${prefix}-${randomUUID()}`);
  const keys = new Map<Role, string>();
  const keyFor = async (role: Role): Promise<string> => {
    const existing = keys.get(role);
    if (existing) return existing;
    const { secret } = await createCredential(gw.db, { orgId: org.id, kind: 'api_key', name: `test-${role}`, role });
    keys.set(role, secret);
    return secret;
  };
  return { orgId: org.id, name: org.name, adminKey: await keyFor('admin'), keyFor };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  key?: string;
  agentToken?: string;
  scimToken?: string;
  body?: unknown;
  /** Sent verbatim instead of JSON.stringify(body). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

/** call sends one HTTP request to a gateway and parses the JSON answer (if any). */
export async function call(base: string, method: string, url: string, opts: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers['x-aegis-api-key'] = opts.key;
  if (opts.agentToken) headers['x-aegis-agent-token'] = opts.agentToken;
  if (opts.scimToken) headers.authorization = `Bearer ${opts.scimToken}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${url}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}
