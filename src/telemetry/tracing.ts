import { SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span } from '@opentelemetry/api';
import { VERSION } from '../version.js';

/**
 * OpenTelemetry tracing. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test registers its own
 * provider): then every helper here returns straight away, without creating spans or contexts.
 */
let enabled = false;
const tracer = trace.getTracer('aegis-gateway', VERSION);

export function tracingEnabled(): boolean {
  return enabled;
}

/** setTracingEnabled switches span creation on (a provider must be registered globally). */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * startTracing registers an OTLP exporter when an endpoint is configured (the standard
 * OTEL_EXPORTER_OTLP_* variables configure the exporter itself). Returns undefined when off.
 */
export async function startTracing(endpoint: string | undefined, serviceName: string): Promise<Tracing | undefined> {
  if (!endpoint) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: new Resource({ 'service.name': serviceName, 'service.version': VERSION }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      await provider.shutdown();
    },
  };
}

function finish(span: Span, err?: unknown): void {
  if (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  }
  span.end();
}

/** inSpan runs fn inside a child span of the current one (just fn when tracing is off). */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!enabled) return fn();
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      const result = await fn();
      finish(span);
      return result;
    } catch (err) {
      finish(span, err);
      throw err;
    }
  });
}

/** inSpanSync is inSpan for synchronous work (classification, policy evaluation). */
export function inSpanSync<T>(name: string, attributes: Attributes, fn: () => T): T {
  if (!enabled) return fn();
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      const result = fn();
      finish(span);
      return result;
    } catch (err) {
      finish(span, err);
      throw err;
    }
  });
}

export interface ServerSpan {
  /** Names the span after the route template once routing is done, and ends it. */
  end(route: string, status: number): void;
}

/**
 * serverSpan starts the span of an incoming request (continuing a W3C traceparent), makes it current
 * for `run`, and returns its result; the caller names it by route template, never by raw path.
 */
export function serverSpan<T>(method: string, headers: Record<string, string | string[] | undefined>, run: (s: ServerSpan) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
  const handle: ServerSpan = {
    end(route, status) {
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
  return context.with(trace.setSpan(parent, span), () => run(handle));
}

export { SpanKind };
