/**
 * The AEGIS TypeScript SDK: ask the gateway before running a tool, wait for a reviewer when it says
 * "pending", and record what the tool did. No dependency beyond the platform's fetch.
 *
 *   const aegis = new AegisClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.AEGIS_API_KEY, agentId: 'billing-bot' });
 *   const refund = aegis.guard('create_refund', async (args: { charge: string; amount: number }) => stripe.refunds.create(args));
 *   await refund({ charge: 'ch_123', amount: 500 });   // allow → runs; block → PolicyViolationError; pending → waits
 */

export type Decision = 'allow' | 'block' | 'pending';

export interface Signal {
  id: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  path: string;
  evidence: string;
}

export interface CheckResponse {
  decision: Decision;
  policy_name: string;
  risk_level: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  /** `signals_omitted`: how many signals were left out when a call raised more than 100. */
  classification: { category: string; signals: Signal[]; signals_omitted?: number };
  anomaly_score: number;
  check_id: string;
  reason?: string;
  counterfactual?: string;
  anomaly_features?: Array<{ name: string; score: number; detail: string }>;
}

export interface Verdict {
  check_id: string;
  decision: Decision;
  status: 'pending' | 'decided';
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  expires_at: string | null;
}

export interface ToolCall {
  tool_name: string;
  arguments: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** Defaults to the client's agentId. */
  agent_id?: string;
}

export interface Trace {
  agent_id?: string;
  tool_name: string;
  arguments: Record<string, unknown>;
  result?: unknown;
  error?: string;
  started_at: string;
  duration_ms: number;
  check_id?: string;
  blocked?: boolean;
  trace_id?: string;
  span_id?: string;
  metadata?: Record<string, unknown>;
}

export interface AegisClientOptions {
  baseUrl: string;
  /** An org API key (role agent or admin) … */
  apiKey?: string;
  /** … or an agent token, which may only act as its own agent. */
  agentToken?: string;
  agentId: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Attempts for 429 and 5xx answers and network errors (default 3). */
  retries?: number;
  /** Traces are sent in batches of this size (default 50) or every flushMs (default 1 s). */
  traceBatchSize?: number;
  traceFlushMs?: number;
  fetch?: typeof fetch;
}

export interface GuardOptions {
  /** blocking (default): wait for a reviewer on pending; non-blocking: throw PendingApprovalError. */
  mode?: 'blocking' | 'non-blocking';
  /** closed (default): an unreachable gateway blocks the call; open: the call runs anyway. */
  failMode?: 'closed' | 'open';
  /** How long blocking mode waits for a reviewer (default 15 minutes). */
  waitTimeoutMs?: number;
  context?: Record<string, unknown>;
}

/** The gateway (or a reviewer) blocked the call. */
export class PolicyViolationError extends Error {
  override name = 'PolicyViolationError';
  constructor(
    readonly checkId: string,
    readonly policyName: string,
    readonly reason: string | undefined,
    readonly counterfactual: string | undefined,
    readonly decidedBy?: string | null,
  ) {
    super(`blocked by ${policyName}${reason ? `: ${reason}` : ''}${counterfactual ? ` (${counterfactual})` : ''}`);
  }
}

/** The call waits for a reviewer (non-blocking mode); retry later with waitForDecision(checkId). */
export class PendingApprovalError extends Error {
  override name = 'PendingApprovalError';
  constructor(
    readonly checkId: string,
    readonly policyName: string,
    readonly reason: string | undefined,
  ) {
    super(`waiting for a reviewer (check ${checkId}, ${policyName})`);
  }
}

/** The gateway could not be reached or kept failing; failMode "closed" turns this into a refusal. */
export class GatewayUnavailableError extends Error {
  override name = 'GatewayUnavailableError';
}

/** The gateway answered with an error (4xx other than 429): a bug in the call, or a permission. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    }, { once: true });
  });

export class AegisClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly doFetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly batchSize: number;
  private readonly traces: Trace[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: AegisClientOptions) {
    if (!opts.apiKey && !opts.agentToken) throw new TypeError('AegisClient needs apiKey or agentToken');
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/json', ...(opts.apiKey ? { 'x-aegis-api-key': opts.apiKey } : { 'x-aegis-agent-token': opts.agentToken! }) };
    this.doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = Math.max(1, opts.retries ?? 3);
    this.batchSize = opts.traceBatchSize ?? 50;
  }

  /** request sends one call to the gateway, retrying 429 (after Retry-After) and 5xx with jittered backoff. */
  private async request<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs, signal?: AbortSignal): Promise<T> {
    let lastError: Error = new GatewayUnavailableError('no attempt made');
    for (let attempt = 1; attempt <= this.retries; attempt++) {
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        res = await this.doFetch(`${this.base}${path}`, {
          method,
          headers: this.headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        lastError = new GatewayUnavailableError(`AEGIS gateway unreachable at ${this.base}: ${(err as Error).message}`);
        if (attempt < this.retries) await sleep(this.backoff(attempt), signal);
        continue;
      }
      const text = await res.text();
      const parsed = text ? (JSON.parse(text) as unknown) : undefined;
      if (res.ok) return parsed as T;
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (res.status === 429 || res.status >= 500) {
        lastError = new GatewayUnavailableError(`AEGIS gateway answered ${res.status}${error?.message ? `: ${error.message}` : ''}`);
        if (attempt < this.retries) {
          const retryAfter = Number(res.headers.get('retry-after'));
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoff(attempt), signal);
        }
        continue;
      }
      throw new GatewayError(res.status, error?.code ?? 'ERROR', error?.message ?? `AEGIS gateway answered ${res.status}`, parsed);
    }
    throw lastError;
  }

  private backoff(attempt: number): number {
    const base = Math.min(4_000, 200 * 2 ** (attempt - 1));
    return base / 2 + Math.random() * base;
  }

  /** check asks the gateway about one tool call. */
  check(call: ToolCall): Promise<CheckResponse> {
    return this.request<CheckResponse>('POST', '/api/v1/check', { agent_id: call.agent_id ?? this.opts.agentId, tool_name: call.tool_name, arguments: call.arguments, ...(call.context ? { context: call.context } : {}) });
  }

  /**
   * waitForDecision long-polls a pending check (one request per ≤ 60 s, reconnecting) until it is
   * decided, the deadline passes (returns the still-pending verdict) or the signal aborts.
   */
  async waitForDecision(checkId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Verdict> {
    const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
    for (;;) {
      const remaining = deadline - Date.now();
      const wait = Math.max(0, Math.min(60, Math.floor(remaining / 1000)));
      const verdict = await this.request<Verdict>('GET', `/api/v1/check/${encodeURIComponent(checkId)}/decision?wait=${wait}`, undefined, wait * 1000 + this.timeoutMs, options.signal);
      if (verdict.status === 'decided' || Date.now() >= deadline || wait === 0) return verdict;
    }
  }

  /**
   * guard wraps a tool: its first parameter is the tool's arguments object (sent as `arguments`).
   * allow → runs it and records a trace; block → throws PolicyViolationError; pending → waits for a
   * reviewer (blocking) or throws PendingApprovalError (non-blocking); gateway unreachable → throws
   * GatewayUnavailableError (failMode closed, the default) or runs it (failMode open).
   */
  guard<A extends Record<string, unknown>, R, Rest extends unknown[] = []>(
    toolName: string,
    fn: (args: A, ...rest: Rest) => R | Promise<R>,
    options: GuardOptions = {},
  ): (args: A, ...rest: Rest) => Promise<R> {
    const mode = options.mode ?? 'blocking';
    const failMode = options.failMode ?? 'closed';
    return async (args: A, ...rest: Rest): Promise<R> => {
      let decision: CheckResponse | undefined;
      try {
        decision = await this.check({ tool_name: toolName, arguments: args, context: options.context });
      } catch (err) {
        if (!(err instanceof GatewayUnavailableError) || failMode === 'closed') throw err;
      }
      if (decision?.decision === 'block') {
        this.trace({ tool_name: toolName, arguments: args, started_at: new Date().toISOString(), duration_ms: 0, check_id: decision.check_id, blocked: true, error: decision.reason });
        throw new PolicyViolationError(decision.check_id, decision.policy_name, decision.reason, decision.counterfactual);
      }
      if (decision?.decision === 'pending') {
        if (mode === 'non-blocking') throw new PendingApprovalError(decision.check_id, decision.policy_name, decision.reason);
        const verdict = await this.waitForDecision(decision.check_id, { timeoutMs: options.waitTimeoutMs });
        if (verdict.decision !== 'allow') {
          this.trace({ tool_name: toolName, arguments: args, started_at: new Date().toISOString(), duration_ms: 0, check_id: decision.check_id, blocked: true, error: verdict.reason ?? undefined });
          if (verdict.decision === 'pending') throw new PendingApprovalError(decision.check_id, decision.policy_name, 'no reviewer decided in time');
          throw new PolicyViolationError(decision.check_id, decision.policy_name, verdict.reason ?? decision.reason, decision.counterfactual, verdict.decided_by);
        }
      }
      const started = Date.now();
      try {
        const result = await fn(args, ...rest);
        this.trace({ tool_name: toolName, arguments: args, result: summarize(result), started_at: new Date(started).toISOString(), duration_ms: Date.now() - started, check_id: decision?.check_id, blocked: false });
        return result;
      } catch (err) {
        this.trace({ tool_name: toolName, arguments: args, error: (err as Error)?.message ?? String(err), started_at: new Date(started).toISOString(), duration_ms: Date.now() - started, check_id: decision?.check_id, blocked: false });
        throw err;
      }
    };
  }

  /** trace queues a trace; batches go out on size or time (flush() sends at once). */
  trace(t: Trace): void {
    if (this.closed) return;
    this.traces.push({ ...t, agent_id: t.agent_id ?? this.opts.agentId });
    if (this.traces.length >= this.batchSize) void this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), this.opts.traceFlushMs ?? 1_000);
      (this.flushTimer as { unref?: () => void }).unref?.();
    }
  }

  /** flush sends every queued trace (traces the gateway keeps refusing are dropped, never thrown at the tool). */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.flushing = this.flushing.then(async () => {
      while (this.traces.length > 0) {
        const batch = this.traces.splice(0, 1_000);
        try {
          await this.request('POST', '/api/v1/traces', batch);
        } catch {
          // Tracing must never break the tool; the check itself is already recorded by the gateway.
        }
      }
    });
    return this.flushing;
  }

  /** close flushes the traces and stops accepting more. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}

/** summarize keeps a trace's result small: JSON values up to ~4 KB, else a note of its size. */
function summarize(result: unknown): unknown {
  try {
    const text = JSON.stringify(result);
    if (text === undefined) return null;
    return text.length <= 4_096 ? (JSON.parse(text) as unknown) : { truncated: true, bytes: text.length };
  } catch {
    return { unserializable: true };
  }
}
