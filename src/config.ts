import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the gateway reads, parsed once at start-up. Nothing else in the code
 * base reads `process.env`: modules receive the frozen `Config` (or the part of it they need).
 */
const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** publicUrlProblem says what is wrong with an AEGIS_PUBLIC_URL value, if anything. */
function publicUrlProblem(v: string): string | undefined {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `must be an absolute http:// or https:// URL such as https://gateway.example.com; got ${JSON.stringify(v.slice(0, 100))}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http:// or https:// URL; got the scheme ${url.protocol}`;
  if (url.username || url.password || url.search || url.hash) return 'must not carry credentials, a query or a fragment';
  return undefined;
}

const envSchema = z.object({
  /** HTTP port of the API (0 = any free port). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface the API binds to; unset = 127.0.0.1 for `aegis start` (desktop), 0.0.0.0 for `aegis serve`. */
  HOST: optionalString,
  /**
   * The URL clients reach the gateway at (https://gateway.example.com, optionally with a path), for
   * the absolute URLs SCIM returns (Location, meta.location, $ref); unset = the request's scheme and
   * Host. X-Forwarded-* headers are never trusted: behind a TLS-terminating proxy, set this.
   */
  AEGIS_PUBLIC_URL: optionalString.superRefine((v, ctx) => {
    const problem = v === undefined ? undefined : publicUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Where the embedded PostgreSQL cluster, the Temporal dev server's SQLite file and generated keys live. */
  AEGIS_DATA_DIR: z.string().default('./.aegis'),
  /** PostgreSQL connection string; unset = embedded PostgreSQL in $AEGIS_DATA_DIR/pg. */
  DATABASE_URL: optionalString,
  /** Port of the embedded PostgreSQL server (5432 is often taken by a system server). */
  AEGIS_PG_PORT: port.default(54329),
  /** Maximum connections in the API's PostgreSQL pool. */
  AEGIS_DB_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  /** host:port of a Temporal frontend; unset = spawn the Temporal CLI dev server. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue shared by the gateway's workers and its workflow starts. */
  AEGIS_TASK_QUEUE: z.string().min(1).default('aegis-gateway'),
  /** gRPC port of the spawned dev server; its Web UI listens on this port + 1000. */
  AEGIS_TEMPORAL_DEV_PORT: port.max(64535).default(7233),
  /** Path of a Temporal CLI binary to use instead of the cached build. */
  AEGIS_TEMPORAL_CLI: optionalString,
  /** Creates org `default` with this admin key on first start (idempotent). Must look like aeg_<≥32 chars>. */
  AEGIS_BOOTSTRAP_API_KEY: optionalString,
  /** Creates a SCIM token for org `default` on first start (idempotent). Must look like scim_<≥32 chars>. */
  AEGIS_BOOTSTRAP_SCIM_TOKEN: optionalString,
  /** Ed25519 private key (PEM, or base64 of the 32-byte seed); unset = generated once into the data dir. */
  AEGIS_SIGNING_KEY: optionalString,
  /** Origin (and signing-key name) prefix of the transparency logs; each org's log is <origin>/<org id>. */
  AEGIS_LOG_ORIGIN: z.string().regex(/^[A-Za-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/, 'a schema-less URL like example.com/log').default('aegis.local/log'),
  /** Allow reviewer webhooks and proxy upstreams on loopback/private addresses (off: they are SSRF targets). */
  AEGIS_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  /** Redis shared by the replicas' rate limiters (redis:// or rediss://); unset = limits counted in each process's memory. */
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\/./.test(v), 'must be a redis:// or rediss:// URL'),
  /** Signing secret of the Stripe webhook endpoint (whsec_…); unset = POST /api/v1/stripe/webhook answers 503. */
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** How often pending checks left behind (workflow ended without a decision, kill switch not yet applied) are repaired. */
  AEGIS_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Traces held in memory awaiting their batch insert; beyond this, POST /api/v1/traces answers 429. */
  AEGIS_TRACE_BUFFER_MAX: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  /** Traces per INSERT: a batch is written as soon as this many are waiting. */
  AEGIS_TRACE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Longest a trace waits in memory before its (smaller) batch is written, in milliseconds. */
  AEGIS_TRACE_FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(50),
  /** OTLP endpoint for traces; unset = no tracing at all (the OTEL_EXPORTER_OTLP_* variables configure the exporter). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
  OTEL_SERVICE_NAME: z.string().default('aegis-gateway'),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Base of the cache directory holding the built Temporal CLI (default ~/.cache). */
  XDG_CACHE_HOME: optionalString,
});

export type Env = Record<string, string | undefined>;

export interface Config {
  readonly port: number;
  readonly host: string | undefined;
  /** AEGIS_PUBLIC_URL without trailing slashes. */
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly embeddedPgPort: number;
  readonly dbPoolMax: number;
  readonly temporal: {
    readonly address: string | undefined;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly devPort: number;
    readonly cliPath: string | undefined;
    readonly cacheDir: string;
  };
  readonly bootstrap: {
    readonly apiKey: string | undefined;
    readonly scimToken: string | undefined;
  };
  readonly signingKey: string | undefined;
  readonly webhookAllowPrivate: boolean;
  readonly logOrigin: string;
  readonly otel: { readonly endpoint: string | undefined; readonly serviceName: string };
  readonly redisUrl: string | undefined;
  readonly stripeWebhookSecret: string | undefined;
  readonly reconcileIntervalMs: number;
  readonly traces: {
    readonly bufferMax: number;
    readonly batchSize: number;
    readonly flushMs: number;
  };
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** loadConfig parses the environment; an invalid value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.AEGIS_BOOTSTRAP_API_KEY !== undefined && !/^aeg_[A-Za-z0-9_-]{32,200}$/.test(e.AEGIS_BOOTSTRAP_API_KEY)) {
    throw new ConfigError('invalid configuration: AEGIS_BOOTSTRAP_API_KEY must be aeg_ followed by at least 32 characters of [A-Za-z0-9_-]');
  }
  if (e.AEGIS_BOOTSTRAP_SCIM_TOKEN !== undefined && !/^scim_[A-Za-z0-9_-]{32,200}$/.test(e.AEGIS_BOOTSTRAP_SCIM_TOKEN)) {
    throw new ConfigError('invalid configuration: AEGIS_BOOTSTRAP_SCIM_TOKEN must be scim_ followed by at least 32 characters of [A-Za-z0-9_-]');
  }
  const cacheBase = e.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.AEGIS_PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir: path.resolve(e.AEGIS_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.AEGIS_PG_PORT,
    dbPoolMax: e.AEGIS_DB_POOL_MAX,
    temporal: Object.freeze({
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.AEGIS_TASK_QUEUE,
      devPort: e.AEGIS_TEMPORAL_DEV_PORT,
      cliPath: e.AEGIS_TEMPORAL_CLI,
      cacheDir: path.join(cacheBase, 'aegis', 'bin'),
    }),
    bootstrap: Object.freeze({ apiKey: e.AEGIS_BOOTSTRAP_API_KEY, scimToken: e.AEGIS_BOOTSTRAP_SCIM_TOKEN }),
    signingKey: e.AEGIS_SIGNING_KEY,
    webhookAllowPrivate: e.AEGIS_WEBHOOK_ALLOW_PRIVATE === 'true',
    logOrigin: e.AEGIS_LOG_ORIGIN,
    otel: Object.freeze({ endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME }),
    redisUrl: e.REDIS_URL,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    reconcileIntervalMs: e.AEGIS_RECONCILE_INTERVAL_MS,
    traces: Object.freeze({ bufferMax: e.AEGIS_TRACE_BUFFER_MAX, batchSize: e.AEGIS_TRACE_BATCH_SIZE, flushMs: e.AEGIS_TRACE_FLUSH_MS }),
    logLevel: e.LOG_LEVEL,
  });
}
