import { SpanKind, context, trace, type Span } from '@opentelemetry/api';
import type { Db } from '../db/knex.js';
import { tracingEnabled } from './tracing.js';

const tracer = trace.getTracer('aegis-gateway-db');

/**
 * traceQueries gives every knex query a CLIENT span (`db <operation> <table>`), child of whatever
 * span is current where the query was issued. Statement text is not recorded (it may hold data).
 */
export function traceQueries(db: Db): void {
  const open = new Map<string, Span>();
  db.on('query', (q: { __knexQueryUid?: string; method?: string; sql?: string }) => {
    if (!tracingEnabled() || !q.__knexQueryUid) return;
    const method = q.method === 'raw' || !q.method ? (q.sql?.trim().split(/\s+/)[0] ?? 'query') : q.method;
    const operation = ({ first: 'select', pluck: 'select', del: 'delete', counter: 'update' } as Record<string, string>)[method] ?? method.toLowerCase();
    const table = /\b(?:from|into|update|join)\s+"?([a-z_][a-z0-9_]*)"?/i.exec(q.sql ?? '')?.[1];
    const span = tracer.startSpan(`db ${operation}${table ? ` ${table}` : ''}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.operation.name': operation, ...(table ? { 'db.collection.name': table } : {}) } }, context.active());
    open.set(q.__knexQueryUid, span);
  });
  const end = (q: { __knexQueryUid?: string }, failed: boolean): void => {
    const span = q.__knexQueryUid ? open.get(q.__knexQueryUid) : undefined;
    if (!span) return;
    open.delete(q.__knexQueryUid!);
    if (failed) span.setStatus({ code: 2 });
    span.end();
  };
  db.on('query-response', (_r: unknown, q: { __knexQueryUid?: string }) => end(q, false));
  db.on('query-error', (_e: unknown, q: { __knexQueryUid?: string }) => end(q, true));
}
