import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from '@temporalio/client';
import { anomalyRoutes } from '../anomaly/routes.js';
import { AnomalyService } from '../anomaly/service.js';
import { AgentTokens } from '../auth/agent-tokens.js';
import { Authenticator } from '../auth/authenticator.js';
import { CredentialCache } from '../auth/credential-cache.js';
import { identityRoutes } from '../auth/routes.js';
import { auditRoutes } from '../audit/routes.js';
import type { BillingRecord } from '../billing/reduce.js';
import { billingRoutes } from '../billing/routes.js';
import { BILLING_CHANNEL, loadBilling } from '../billing/store.js';
import { UsageMeter } from '../billing/usage.js';
import { StripeWebhook } from '../billing/webhook.js';
import { OutboxDispatcher } from '../checks/dispatcher.js';
import { ReviewService } from '../checks/review.js';
import { PendingReconciler } from '../checks/reconcile.js';
import { checkRoutes } from '../checks/routes.js';
import { CheckService } from '../checks/service.js';
import { DecisionWaiters } from '../checks/waiters.js';
import { PendingWorkflows } from '../checks/workflows.js';
import { CheckWriter } from '../checks/writer.js';
import { initClassifier } from '../classify/classify.js';
import { ClassifierPool } from '../classify/pool.js';
import { TokenRevocations } from '../auth/token-revocations.js';
import type { Config } from '../config.js';
import { consoleRoutes } from '../console/routes.js';
import type { Db } from '../db/knex.js';
import { NotifiedCache } from '../db/notified-cache.js';
import { PgListener } from '../db/notifications.js';
import { HealthProbe } from '../health/health.js';
import { healthRoutes } from '../health/routes.js';
import { buildApp } from '../http/app.js';
import { answerClientError, answerUnsupportedRequests } from '../http/errors.js';
import { killSwitchRoutes } from '../killswitch/routes.js';
import { KillSwitchService } from '../killswitch/service.js';
import type { Logger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { configRoutes } from '../orgs/routes.js';
import { loadSettings, type OrgSettings } from '../orgs/settings.js';
import { PolicyCache } from '../policies/cache.js';
import { policyRoutes } from '../policies/routes.js';
import { proxyRoutes, type ProxyOutcome } from '../proxy/routes.js';
import { Admission } from '../ratelimit/admission.js';
import { closeRedis, connectRedis, RateLimiter } from '../ratelimit/limiter.js';
import { transparencyLogRoutes } from '../tlog/routes.js';
import { scimRoutes } from '../scim/routes.js';
import { LogSigner, Sequencer } from '../tlog/sequencer.js';
import { TraceBuffer } from '../traces/buffer.js';
import { shedTraces, traceRoutes } from '../traces/routes.js';
import { TraceService } from '../traces/service.js';
import { loadSigningKeys } from './signing-key.js';

export interface ApiDeps {
  config: Config;
  db: Db;
  databaseUrl: string;
  /** The Temporal client connection (lazy). */
  temporal: Connection;
  temporalAddress: string;
  log: Logger;
  embedded: boolean;
}

/** recordProxiedCall stores a proxied call as a trace (a full buffer drops it: the call is answered anyway). */
function recordProxiedCall(buffer: TraceBuffer, o: ProxyOutcome, log: Logger): void {
  try {
    buffer.push([
      {
        id: randomUUID(),
        org_id: o.orgId,
        agent_id: o.agentId,
        tool_name: o.toolName,
        arguments: o.arguments,
        result: o.status === undefined ? null : { upstream_status: o.status },
        error: o.error ?? null,
        started_at: o.startedAt.toISOString(),
        duration_ms: o.durationMs,
        check_id: o.checkId,
        blocked: false,
        trace_id: null,
        span_id: null,
        metadata: { via: 'proxy' },
        received_at: new Date().toISOString(),
      },
    ]);
  } catch (err) {
    log.warn({ check_id: o.checkId, err: (err as Error).message }, 'could not record a proxied call as a trace');
  }
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    // Keep-alive connections become idle as their last requests finish: close those as they do.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    idle.unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * startApi wires the HTTP API — caches fed by NOTIFY, the check pipeline, the pending-check
 * dispatcher — and listens. Everything it starts is registered with onCleanup (stopped in reverse).
 * Returns the base URL.
 */
export async function startApi(deps: ApiDeps, onCleanup: (what: string, run: () => Promise<void> | void) => void): Promise<string> {
  const { config, db, databaseUrl, temporal, log } = deps;
  if (!config.signingKey && !deps.embedded) {
    log.warn('AEGIS_SIGNING_KEY is not set: agent tokens are signed with a key generated in the data dir, which other replicas do not share');
  }
  const keys = loadSigningKeys(config.signingKey, config.dataDir);

  // Everything that listens for notifications registers before the LISTEN connection starts.
  const listener = new PgListener(databaseUrl, log.child({ component: 'listener' }));
  const credentials = new CredentialCache(db, listener, log);
  const policies = new PolicyCache(db, listener, log);
  const settings = new NotifiedCache<OrgSettings>(listener, 'aegis_orgs', (orgId) => loadSettings(db, orgId));
  const billing = new NotifiedCache<BillingRecord | null>(listener, BILLING_CHANNEL, (orgId) => loadBilling(db, orgId));
  const workflows = new PendingWorkflows(temporal, config.temporal.namespace, config.temporal.taskQueue);
  const dispatcher = new OutboxDispatcher(db, listener, workflows, log.child({ component: 'dispatcher' }));
  const waiters = new DecisionWaiters(listener);
  const reviews = new ReviewService(db, workflows, dispatcher, waiters, log);
  const killSwitches = new KillSwitchService(db, listener, reviews, log);
  const signer = new LogSigner(config.logOrigin, keys.logKey);
  const sequencer = new Sequencer(db, listener, signer, log.child({ component: 'sequencer' }));
  const tlogRoutes = transparencyLogRoutes(db, signer, listener);
  await Promise.all([listener.start(), initClassifier()]);
  onCleanup('LISTEN connection', () => listener.stop());
  credentials.start();
  onCleanup('credential cache', () => credentials.stop());

  const writer = new CheckWriter(databaseUrl, log);
  onCleanup('check writer', () => writer.drain());
  const anomaly = new AnomalyService(db, log.child({ component: 'anomaly' }));
  anomaly.start();
  onCleanup('anomaly model snapshots', () => anomaly.stop());
  // Rate limits (shared through Redis with REDIS_URL) and plan quotas, for checks and traces.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log.child({ component: 'ratelimit' })) : undefined;
  if (redis) onCleanup('Redis connection', () => closeRedis(redis));
  const usage = new UsageMeter(db, log.child({ component: 'usage' }));
  usage.start();
  onCleanup('usage counters', () => usage.stop());
  const admission = new Admission({ limiter: new RateLimiter(redis), billing, usage });
  const pool = new ClassifierPool(log);
  onCleanup('classifier workers', () => pool.close());
  const checks = new CheckService({ killSwitches, policies, settings, anomaly, writer, log, admission, pool });
  // Registered before the HTTP server: it drains after the last request was answered.
  const traceBuffer = new TraceBuffer(databaseUrl, log.child({ component: 'traces' }), config.traces);
  onCleanup('trace buffer', () => traceBuffer.drain());
  const traces = new TraceService({ buffer: traceBuffer, settings, admission });
  const stripe = new StripeWebhook({ db, secret: config.stripeWebhookSecret, log: log.child({ component: 'billing' }), onChange: (orgId) => billing.invalidate(orgId) });
  dispatcher.start();
  onCleanup('outbox dispatcher', () => dispatcher.stop());
  const reconciler = new PendingReconciler(db, reviews, dispatcher, killSwitches, log.child({ component: 'reconcile' }), config.reconcileIntervalMs);
  reconciler.start();
  onCleanup('pending-check reconciler', () => reconciler.stop());
  sequencer.start();
  onCleanup('transparency log sequencer', () => sequencer.stop());

  // Health probes get a connection without the client's retry interceptor: a probe should fail
  // fast, and a retry timer must not outlive the connection at shutdown.
  const healthConnection = Connection.lazy({ address: deps.temporalAddress, interceptors: [] });
  onCleanup('Temporal health connection', () => healthConnection.close());
  const metrics = createMetrics();
  const tokens = new AgentTokens(keys.tokenKey, keys.tokenPublicKey);
  const revocations = new TokenRevocations(db, listener);
  const app = buildApp({
    log,
    metrics,
    auth: new Authenticator(db, credentials, tokens, revocations),
    beforeBody: [shedTraces(traces)],
    routers: [
      healthRoutes(new HealthProbe(db, healthConnection), metrics),
      consoleRoutes(),
      identityRoutes({ db, tokens, revocations }),
      checkRoutes(db, checks, reviews),
      policyRoutes(db, policies),
      configRoutes(db, settings, { allowPrivateWebhooks: config.webhookAllowPrivate }),
      auditRoutes(db),
      killSwitchRoutes(db, killSwitches),
      anomalyRoutes(db),
      traceRoutes(db, traces),
      billingRoutes(stripe, { billing, settings, usage }),
      tlogRoutes,
      scimRoutes(db, { publicUrl: config.publicUrl }),
      proxyRoutes(checks, reviews, settings, (o) => recordProxiedCall(traceBuffer, o, log)),
    ],
  });
  // Host is required of HTTP/1.1 requests by the app (requireHost), so the 400 comes in the envelope.
  const server = http.createServer({ requireHostHeader: false }, app.callback());
  server.on('clientError', answerClientError);
  answerUnsupportedRequests(server);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  const host = config.host ?? (deps.embedded ? '127.0.0.1' : '0.0.0.0');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  onCleanup('HTTP server', () => {
    // Long-polls answer now (still pending); clients ask again, of another replica or after restart.
    waiters.close();
    return closeServer(server);
  });
  const { port } = server.address() as AddressInfo;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}
