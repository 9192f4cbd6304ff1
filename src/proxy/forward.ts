import dns from 'node:dns/promises';
import net from 'node:net';
import { ssrfProblem } from '../classify/detectors/urls.js';
import { AppError } from '../errors.js';
import type { Upstream } from '../orgs/settings.js';

export interface UpstreamAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * assertReachable refuses an upstream whose host resolves to a loopback, private, link-local or
 * metadata address (DNS may point a public-looking name inside the network) unless it is `internal`.
 */
async function assertReachable(upstream: Upstream, name: string): Promise<void> {
  if (upstream.internal) return;
  const textual = ssrfProblem(upstream.url);
  if (textual) throw new AppError('PROXY_UPSTREAM_FAILED', `upstream "${name}" is refused: ${textual}`, { upstream: name });
  const host = new URL(upstream.url).hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [{ address: host }] : await dns.lookup(host, { all: true }).catch(() => []);
  for (const { address } of addresses) {
    const problem = ssrfProblem(`http://${net.isIPv6(address) ? `[${address}]` : address}/`);
    if (problem) throw new AppError('PROXY_UPSTREAM_FAILED', `upstream "${name}" resolves to a refused address: ${problem}`, { upstream: name });
  }
}

/**
 * forward POSTs an allowed call to an upstream: `{ agent_id, tool_name, arguments, check_id }`, with
 * the upstream's configured headers, no redirects followed, within its timeout. A network failure or
 * 5xx answer is PROXY_UPSTREAM_FAILED (502); a timeout PROXY_UPSTREAM_TIMEOUT (504); any other answer
 * is returned as is.
 */
/**
 * fetchFailure says why a request to an upstream failed without quoting its configuration: the
 * caller (an agent) must never read the upstream's header values or URL credentials, which fetch's
 * own messages repeat ("… is an invalid header value"). A network error is named by its code.
 */
function fetchFailure(e: Error, upstream: Upstream): string {
  const cause = e.cause as (Error & { code?: string }) | undefined;
  if (cause?.code && /^[A-Z_0-9]{2,40}$/.test(cause.code)) return `${cause.code} (${redact(cause.message, upstream)})`;
  return 'the request could not be built from its configuration (check the upstream\'s url and headers)';
}

function redact(text: string, upstream: Upstream): string {
  let out = text;
  for (const v of Object.values(upstream.headers ?? {})) if (v.length >= 4) out = out.split(v).join('[redacted]');
  try {
    const url = new URL(upstream.url);
    if (url.password) out = out.split(url.password).join('[redacted]');
  } catch {
    // not a URL: nothing of it to hide
  }
  return out.slice(0, 300);
}

export async function forward(name: string, upstream: Upstream, payload: Record<string, unknown>): Promise<UpstreamAnswer> {
  await assertReachable(upstream, name);
  let res: Response;
  try {
    res = await fetch(upstream.url, {
      method: 'POST',
      headers: { ...upstream.headers, 'content-type': 'application/json', 'user-agent': 'aegis-gateway-proxy' },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: AbortSignal.timeout(upstream.timeout_ms),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError') {
      throw new AppError('PROXY_UPSTREAM_TIMEOUT', `upstream "${name}" did not answer within ${upstream.timeout_ms} ms`, { upstream: name, timeout_ms: upstream.timeout_ms, check_id: payload.check_id });
    }
    throw new AppError('PROXY_UPSTREAM_FAILED', `upstream "${name}" could not be reached: ${fetchFailure(e, upstream)}`, { upstream: name, check_id: payload.check_id });
  }
  let body: Buffer;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > MAX_ANSWER_BYTES) throw new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    body = Buffer.concat(chunks);
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError') throw new AppError('PROXY_UPSTREAM_TIMEOUT', `upstream "${name}" did not finish its answer within ${upstream.timeout_ms} ms`, { upstream: name, check_id: payload.check_id });
    throw new AppError('PROXY_UPSTREAM_FAILED', `upstream "${name}" answer failed: ${e.message}`, { upstream: name, check_id: payload.check_id });
  }
  if (res.status >= 500) {
    throw new AppError('PROXY_UPSTREAM_FAILED', `upstream "${name}" answered ${res.status}`, { upstream: name, upstream_status: res.status, check_id: payload.check_id });
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body };
}
