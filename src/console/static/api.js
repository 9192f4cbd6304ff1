/* global fetch, URLSearchParams */
// The console's only way to the gateway: the public /api/v1, same origin, with the reviewer's key.

/** ApiError is a failed call: the HTTP status (0 = unreachable), the error code and the error body's fields. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `the gateway answered HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error?.code ?? `HTTP_${status}`;
    /** The error object of the envelope: { code, message, ...details } (409 carries decision and decided_by). */
    this.error = error ?? {};
  }
}

/** query renders an object as a query string, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Api calls /api/v1 with an API key in the X-AEGIS-API-Key header (never in a URL). */
export class Api {
  /** onUnauthorized runs when the gateway stops accepting the key (revoked, expired session). */
  constructor(key, onUnauthorized = () => {}) {
    this.key = key;
    this.onUnauthorized = onUnauthorized;
  }

  async request(method, path, body) {
    const headers = { 'X-AEGIS-API-Key': this.key, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit', redirect: 'error' });
    } catch (err) {
      throw new ApiError(0, { code: 'NETWORK', message: `the gateway cannot be reached (${err.message})` });
    }
    const text = await res.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const error = new ApiError(res.status, parsed?.error);
      if (res.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return parsed;
  }

  get(path, params = {}) {
    return this.request('GET', `${path}${query(params)}`);
  }
}

/** describeError turns a failed call into a sentence for the page. */
export function describeError(err, doing) {
  if (!(err instanceof ApiError)) return `${doing} failed: ${err?.message ?? err}`;
  if (err.status === 0) return `${doing} failed: ${err.message}. Check your connection and try again.`;
  if (err.status === 503) return `${doing} failed: the gateway is temporarily unavailable (${err.message}). Try again.`;
  if (err.status === 429) return `${doing} failed: rate limited; try again in ${Math.ceil(err.error.retry_after_seconds ?? 1)} s.`;
  return `${doing} failed: ${err.message}`;
}
