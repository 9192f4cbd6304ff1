import type { Severity } from '../types.js';
import { classifyHost } from './hosts.js';
import type { AddressFinding } from './ip.js';

export type UrlFinding = AddressFinding;

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const worse = (a: UrlFinding | undefined, b: UrlFinding | undefined): UrlFinding | undefined =>
  !a ? b : !b ? a : RANK[b.severity] > RANK[a.severity] ? b : a;

/** Schemes a fetcher should never follow for an agent, with how bad each is. */
const SCHEMES: Record<string, Severity> = {
  gopher: 'high', // speaks raw TCP: Redis, SMTP, MySQL, FastCGI
  javascript: 'high', // a browser tool runs it in the page it is on: its cookies and tokens
  vbscript: 'high',
  dict: 'high',
  file: 'high',
  netdoc: 'high',
  jar: 'high',
  ldap: 'high',
  ldaps: 'high',
  tftp: 'high',
  expect: 'high',
  php: 'high',
  phar: 'high',
  ftp: 'medium',
  ftps: 'medium',
  sftp: 'medium',
  smb: 'medium',
  telnet: 'medium',
  ssh: 'medium',
  imap: 'medium',
  pop3: 'medium',
  smtp: 'medium',
  rtsp: 'medium',
  redis: 'medium',
  mysql: 'medium',
  postgres: 'medium',
  postgresql: 'medium',
  mongodb: 'medium',
  memcache: 'medium',
  zookeeper: 'medium',
};
const WEB_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);
/** Schemes that mean an attack even when a URL merely appears in prose (`file:` and `ftp:` links are common in docs). */
const PROSE_SCHEMES = new Set(['gopher', 'dict', 'ldap', 'ldaps', 'tftp', 'netdoc', 'jar', 'expect', 'phar', 'php']);

const MAX_URL = 8192;
const SCHEME_RE = /^([a-z][a-z0-9+.-]*):/i;
/** A bare `host[:port][/…]` without a scheme, as people type upstreams: `10.0.0.5:6379`, `[::1]:80/x`. */
const SCHEMELESS_RE = /^(?:\[[0-9a-f:.%a-z]+\]?|[a-z0-9_.-]+)(?::\d{0,5})?(?:[/?#].*)?$/i;
/**
 * Characters that end a host token in a hand-split authority: userinfo, fragment, query, junk, and
 * NUL, where C resolvers stop (`localhost%00.example.com` is `localhost` to them).
 */
// eslint-disable-next-line no-control-regex
const AUTHORITY_SPLIT_RE = /[@#?\\\s,;!&+'"<>()|`{}^\u0000]+/;
/** A URL inside a URL (`?url=http://127.0.0.1`, `/proxy/http://…`), possibly percent-encoded. */
const NESTED_URL_RE = /(?:https?|gopher|dict|file|ftp|ldap|tftp)(?::|%3a)(?:\/|%2f){2}/i;
const METADATA_LITERAL_RE = /169\.254\.169\.254|169\.254\.170\.2(?!\d)|168\.63\.129\.16(?!\d)|fd00:ec2::254|100\.100\.100\.200|metadata\.google\.internal/i;
/** The address as a whole path segment or parameter value (`/proxy/169.254.169.254/latest`, `?target=169.254.169.254`), not inside a file's name (`/169.254.169.254-hardening.md`). */
const METADATA_IN_REST_RE = new RegExp(String.raw`(?:^|[/=@:.-]|%2f|%3a|%40|%3d)(?:${METADATA_LITERAL_RE.source})(?=$|[/?&#:;,]|%2f|%3a|%3f|%26)`, 'i');
/** A search box's terms (`?q=169.254.169.254`): words looked up, not an address fetched. A URL as the term (`q=http://…`) stays. */
const SEARCH_TERMS_RE = /(?<=[?&;])(?:q|query|search|search_query|s|term|terms|keywords?|text)=(?!(?:[a-z][a-z0-9+.-]*)(?::|%3a)(?:\/|%2f))[^&#]*/gi;
/** Enclosed alphanumerics, fullwidth forms and other compatibility spellings of ASCII in a host. */
const COMPAT_CHARS_RE = /[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf\uff01-\uff5e\uff61\u3002\u2024\ufe52]/;

export interface AssessOptions {
  /** Accept `host:port` without a scheme (a URL-typed field). */
  schemeless: boolean;
  /** Report weak evidence too (single-label names, lesser schemes); off for URLs found in prose. */
  strict: boolean;
  /** Treat every scheme but http(s) and ws(s) as a problem, known or not (a proxy's upstream). */
  webOnly?: boolean;
}

/**
 * assessUrl says why fetching `url` could reach something internal: the host (in every spelling,
 * including the ones URL parsers disagree on), a dangerous scheme, or a URL nested in its path.
 * A dangerous scheme aimed at an internal host names both (`non-HTTP scheme gopher: to loopback…`).
 */
export function assessUrl(url: string, options: AssessOptions, depth = 0): UrlFinding | undefined {
  // Servers and browsers refuse URLs much past 8 KiB; the host is at the start anyway.
  let text = (url.length > MAX_URL ? url.slice(0, MAX_URL) : url).trim();
  if (text === '') return undefined;
  let strict = options.strict;
  let spelling: UrlFinding | undefined;
  if (/[\u0080-\uffff]/.test(text)) {
    if (strict && COMPAT_CHARS_RE.test(hostArea(text))) spelling = { severity: 'medium', reason: 'host spelt with look-alike Unicode characters' };
    text = text.normalize('NFKC').replace(/[\u3002\uff61\u2024\ufe52]/g, '.');
  }

  let scheme = SCHEME_RE.exec(text)?.[1]?.toLowerCase();
  if (scheme && /^\d+(?:[/?#]|$)/.test(text.slice(scheme.length + 1))) scheme = undefined; // `localhost:8080`
  if (!scheme) {
    if (!options.schemeless || !SCHEMELESS_RE.test(text)) return spelling;
    text = `http://${text}`;
    scheme = 'http';
    // Without a scheme, `main` or `prod` is more likely a branch or an environment than an intranet host.
    strict = false;
  }
  let schemeFinding: UrlFinding | undefined;
  if (!WEB_SCHEMES.has(scheme)) {
    const severity = SCHEMES[scheme] ?? (options.webOnly ? 'medium' : undefined);
    // An unlisted scheme (`mailto:`, `amqp://`) is no problem in itself, but its host still counts.
    if (!severity && !text.startsWith('//', scheme.length + 1)) return spelling;
    if (severity && (strict || PROSE_SCHEMES.has(scheme))) schemeFinding = { severity, reason: `non-HTTP scheme ${scheme}:` };
  }

  const host = hostFinding(text, scheme, strict);
  let found = schemeFinding && host ? { severity: worse(schemeFinding, host)!.severity, reason: `${schemeFinding.reason} to ${host.reason}` } : (schemeFinding ?? host);
  found = worse(found, spelling);
  const rest = afterHost(text, scheme);
  if (rest) {
    if (METADATA_IN_REST_RE.test(rest.replace(SEARCH_TERMS_RE, ''))) found = worse(found, { severity: 'high', reason: 'cloud metadata address in the URL path or query (proxy or redirector)' });
    if (depth === 0 && NESTED_URL_RE.test(rest)) found = worse(found, nestedFinding(rest));
  }
  return found;
}

/** hostFinding checks the host WHATWG URL sees, then every host-like token of the raw authority. */
function hostFinding(text: string, scheme: string, strict: boolean): UrlFinding | undefined {
  let found: UrlFinding | undefined;
  let whatwgHost: string | undefined;
  try {
    whatwgHost = new URL(text).hostname;
  } catch {
    // Unparseable for WHATWG; the raw authority below still counts: other parsers may accept it.
  }
  // Parsers disagree on `a@b@c`, `a#@b`, `a\@b`, tabs and `%09`: judge every candidate host. The
  // tokens go first so that, at equal severity, the raw spelling (`0x7f.1 encodes…`) is reported.
  for (const token of authorityTokens(text, scheme)) {
    if (token === whatwgHost) continue;
    found = worse(found, classifyHost(token, { strict: false }));
    if (found?.severity === 'critical') return found;
  }
  return whatwgHost ? worse(found, classifyHost(whatwgHost, { strict })) : found;
}

/**
 * authorityTokens splits the raw authority (everything up to the first `/`) on the characters
 * that end a host for one parser or another, and returns each candidate host, port dropped.
 */
function authorityTokens(text: string, scheme: string): string[] {
  let authority = text.slice(scheme.length + 1).replace(/^[/\\]+/, '');
  const slash = authority.indexOf('/');
  if (slash >= 0) authority = authority.slice(0, slash);
  if (authority.includes('%')) authority = safeDecode(authority);
  const tokens: string[] = [];
  for (const piece of authority.split(AUTHORITY_SPLIT_RE)) {
    if (piece === '') continue;
    if (piece.startsWith('[')) {
      const close = piece.indexOf(']');
      tokens.push(close >= 0 ? piece.slice(0, close + 1) : piece);
      continue;
    }
    const host = piece.split(':')[0]!;
    if (host !== '') tokens.push(host.toLowerCase());
  }
  return tokens;
}

/** afterHost is the path, query and fragment: what follows the first `/`, `?` or `#` after `scheme://`. */
function afterHost(text: string, scheme: string): string {
  const tail = text.slice(scheme.length + 1).replace(/^[/\\]+/, '');
  const end = tail.search(/[/?#]/);
  return end >= 0 ? tail.slice(end) : '';
}

/** hostArea is roughly the authority of a URL as written, before any normalisation. */
function hostArea(text: string): string {
  const m = /^(?:[^:/]*:)?[/\\]*([^/?#]*)/.exec(text);
  return m?.[1] ?? text;
}

/** nestedFinding assesses the first URL inside `rest` (decoded up to twice), as a redirector would fetch it. */
function nestedFinding(rest: string): UrlFinding | undefined {
  const decoded = /%[0-9a-f]{2}/i.test(rest) ? safeDecode(safeDecode(rest)) : rest;
  const m = /(?:https?|gopher|dict|file|ftp|ldap|tftp):\/\/\S*/i.exec(decoded);
  if (!m) return undefined;
  const inner = assessUrl(m[0], { schemeless: false, strict: false }, 1);
  return inner ? { severity: inner.severity, reason: `nested URL: ${inner.reason}` } : undefined;
}

/** safeDecode percent-decodes, byte by byte when the text is not valid UTF-8. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}
