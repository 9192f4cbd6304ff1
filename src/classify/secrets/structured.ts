import type { Severity } from '../types.js';
import { charClasses, shannonEntropy } from './entropy.js';
import { findConfigCredentials } from './config-lines.js';
import { findCliPasswords, findCurlHeader, findCurlUser } from './curl.js';
import { isCredentialValue, isPlaceholder } from './value.js';

/** A secret found in a text: what it is, how bad, and where (the secret alone, not its label). */
export interface SecretFinding {
  kind: string;
  severity: Severity;
  start: number;
  end: number;
}

type Finder = (text: string, lower: string) => SecretFinding[];

const PEM_HEADER_RE = /-----BEGIN ([A-Z0-9 _-]{0,40}PRIVATE KEY(?: BLOCK)?)-----/g;
/** Body of an armoured key: base64 lines, `Proc-Type:`-style headers, and `\n` escapes of JSON text. */
const PEM_BODY_CHAR_RE = /[A-Za-z0-9+/=\s:,-]/;

/**
 * findPrivateKeys reports PEM/OpenSSH/PGP private key blocks with a real body (≥ 64 base64
 * characters, gitleaks' private-key rule), and, at lower severity, a key header followed by a few
 * words of text (detect-secrets flags the header alone). A one-word or empty body (`anything`) is a
 * documentation stub, as gitleaks' negative samples say.
 */
export const findPrivateKeys: Finder = (text, lower) => {
  if (!lower.includes('private key')) return [];
  const out: SecretFinding[] = [];
  PEM_HEADER_RE.lastIndex = 0;
  for (let m = PEM_HEADER_RE.exec(text); m !== null; m = PEM_HEADER_RE.exec(text)) {
    const start = m.index + m[0].length;
    let end = start;
    let base64 = 0;
    // A body ends at its END line — or at any `-----`, which no body holds: read on through the
    // next BEGIN, every header would rescan the rest of the text (1 MB of headers: 5 minutes).
    while (end < text.length && !text.startsWith('-----', end)) {
      const ch = text[end] ?? '';
      if (ch === '\\' && /[nr]/.test(text[end + 1] ?? '')) {
        end += 2;
        continue;
      }
      if (!PEM_BODY_CHAR_RE.test(ch)) break;
      if (/[A-Za-z0-9+/]/.test(ch)) base64++;
      end++;
    }
    const body = text.slice(start, end);
    const lead = body.length - body.trimStart().length;
    const trail = body.length - body.trimEnd().length;
    const kind = `Private key (${m[1] ?? 'PRIVATE KEY'})`;
    if (base64 >= 64) out.push({ kind, severity: 'critical', start: start + lead, end: end - trail });
    else if (body.replace(/\s|\\[nr]/g, '').length >= 12) out.push({ kind, severity: 'medium', start: start + lead, end: end - trail });
  }
  return out;
};

const JWT_RE = /(?:(?<![\w-])|(?<=\\[nrt]))(eyJ[A-Za-z0-9_-]{8,}={0,2})\.(eyJ[A-Za-z0-9_-]{8,}={0,2})(?:\.([A-Za-z0-9_-]*={0,2}))?(?![\w-])/g;

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** findJwts reports JSON Web Tokens: a header that decodes to JSON naming an `alg`, and a JSON payload. */
export const findJwts: Finder = (text, lower) => {
  if (!lower.includes('eyj')) return [];
  const out: SecretFinding[] = [];
  JWT_RE.lastIndex = 0;
  for (let m = JWT_RE.exec(text); m !== null; m = JWT_RE.exec(text)) {
    const header = decodeJson(m[1] ?? '');
    if (typeof header !== 'object' || header === null || !('alg' in header)) continue;
    if (typeof decodeJson(m[2] ?? '') !== 'object') continue;
    out.push({ kind: 'JSON Web Token', severity: 'high', start: m.index, end: m.index + m[0].length });
  }
  return out;
};

/** Passwords of documentation and local-development URLs: `postgres://postgres:postgres@localhost`. */
const DEFAULT_PASSWORD_RE = /^(?:pass|passwd|pwd|secret|admin|root|guest|changeme|changeit|postgres|mysql|redis|rabbitmq|mongo|test|user|demo)$/i;
/** From the `://` on (a literal V8 finds fast); the scheme before it is checked separately. */
// A password may hold `#` and `?` as written in a DSN (`postgres://app:Xk9#mQ2v@db`), which a URL parser would cut.
const URL_CREDENTIALS_RE = /:\/\/([^\s:@/?#"'`<>\\[\]]{0,128}):([^\s@/"'`<>\\[\]]{1,256})@([\w.[\]-]+)/g;
/** Hosts of a developer's own machine and of documentation: `postgres://user:password@localhost` is an example. */
const LOCAL_HOST_RE = /^(?:localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0|host\.docker\.internal|[\w-]+\.(?:local|localhost|test|example)|example\.(?:com|org|net))$/i;
const URL_SCHEME_RE = /(?:^|[^A-Za-z0-9_])([a-z][a-z0-9+.-]{1,30})$/i;

/** findUrlCredentials reports a password in a URL's userinfo (`scheme://user:password@host`). */
export const findUrlCredentials: Finder = (text, lower) => {
  if (!lower.includes('://')) return [];
  const out: SecretFinding[] = [];
  URL_CREDENTIALS_RE.lastIndex = 0;
  for (let m = URL_CREDENTIALS_RE.exec(text); m !== null; m = URL_CREDENTIALS_RE.exec(text)) {
    const scheme = URL_SCHEME_RE.exec(text.slice(Math.max(0, m.index - 32), m.index))?.[1];
    if (!scheme) continue;
    const password = m[2] ?? '';
    // `host:80+&@evil` (an SSRF userinfo trick) has a port, not a password: require a letter.
    if (password.length < 4 || !/[A-Za-z]/.test(password) || /^[$%{<[]/.test(password)) continue;
    // gitleaks' MongoDB rule takes any embedded credentials; detect-secrets' basic-auth plugin flags
    // `user:password@`. Other schemes skip documentation defaults (`postgres:postgres@localhost`).
    const mongo = /^mongodb/i.test(scheme);
    // The word `password` itself is flagged (detect-secrets' basic-auth samples), except towards a local or documentation host.
    const local = LOCAL_HOST_RE.test(m[3] ?? '');
    if (!mongo && ((isPlaceholder(password) && (password.toLowerCase() !== 'password' || local)) || password === m[1] || DEFAULT_PASSWORD_RE.test(password))) continue;
    const start = m.index + m[0].indexOf(`:${password}@`, 3) + 1;
    out.push({ kind: 'Credentials in URL', severity: 'high', start, end: start + password.length });
  }
  return out;
};

const AUTH_HEADER_RE = /\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(basic)\s+([A-Za-z0-9+/]{4,}={0,2})|(bearer|token|api-token|bot|sso-key|apikey|key)\s+([\w~+/=.:@-]{8,})|([\w~+/=.@-]{8,}))/gi;

/** findAuthHeaders reports `Authorization:` credentials: Basic user:password, Bearer/Token tokens, bare tokens. */
export const findAuthHeaders: Finder = (text, lower) => {
  if (!lower.includes('authorization')) return [];
  const out: SecretFinding[] = [];
  AUTH_HEADER_RE.lastIndex = 0;
  for (let m = AUTH_HEADER_RE.exec(text); m !== null; m = AUTH_HEADER_RE.exec(text)) {
    const secret = m[2] ?? m[4] ?? m[5] ?? '';
    const at = m.index + m[0].length - secret.length;
    if (m[2] !== undefined) {
      const decoded = Buffer.from(secret, 'base64').toString('latin1');
      if (!decoded.includes(':') || isPlaceholder(decoded)) continue;
      out.push({ kind: 'Basic auth credentials', severity: 'high', start: at, end: at + secret.length });
    } else if (isCredentialValue(secret, 'token')) {
      out.push({ kind: 'Authorization token', severity: 'high', start: at, end: at + secret.length });
    }
  }
  return out;
};

/** `Bearer <token>` without its header: what a log line, an error message or a copied curl prints (`sent Bearer eyJ…`). */
const BARE_BEARER_RE = /\bBearer[ \t]+([A-Za-z0-9\-._~+/]{20,512}=*)(?![A-Za-z0-9\-._~+/=])/g;

/** findBareBearer reports a bearer token written without `Authorization:` in front of it (masked in stored traces and checks). */
export const findBareBearer: Finder = (text, lower) => {
  if (!lower.includes('bearer')) return [];
  const out: SecretFinding[] = [];
  BARE_BEARER_RE.lastIndex = 0;
  for (let m = BARE_BEARER_RE.exec(text); m !== null; m = BARE_BEARER_RE.exec(text)) {
    const secret = m[1]!;
    // The header's own finder reads `Authorization: Bearer …`; here only what no header introduces.
    if (/authorization["']?\s*[:=]\s*["']?$/i.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    if (!isCredentialValue(secret, 'token')) continue;
    const at = m.index + m[0].length - secret.length;
    out.push({ kind: 'Bearer token', severity: 'high', start: at, end: at + secret.length });
  }
  return out;
};

const K8S_SECRET_KIND_RE = /\bkind:[ \t]*["']?secret\b["']?/i;
const K8S_DATA_HEADER_RE = /^([ \t]*)(?:data|stringData):[ \t]*$/m;
const K8S_ENTRY_RE = /^([ \t]*)[\w.-]+:[ \t]*(.*?)[ \t]*$/;
const K8S_VALUE_RE = /^["']?([A-Za-z0-9+/]{10,}={0,3})["']?$/;

/**
 * findKubernetesSecretData reports the base64 values under `data:` in a Kubernetes Secret manifest
 * (`kind: Secret` in the same `---` document, before or after the data), block scalars (`|`, `>`)
 * included, as gitleaks' kubernetes-secret-yaml rule does: each is an encoded credential, whatever
 * its key is called.
 */
export const findKubernetesSecretData: Finder = (text, lower) => {
  if (!lower.includes('data:') || !lower.includes('kind:')) return [];
  const out: SecretFinding[] = [];
  let docStart = 0;
  for (const doc of text.split(/^---[ \t]*$/m)) {
    if (K8S_SECRET_KIND_RE.test(doc)) findDataValues(doc, docStart, out);
    docStart += doc.length + 3;
  }
  return out;
};

/** findDataValues adds the base64 values of the `data:` block of one YAML document (at `offset` in the text). */
function findDataValues(doc: string, offset: number, out: SecretFinding[]): void {
  const header = K8S_DATA_HEADER_RE.exec(doc);
  if (!header) return;
  const indent = (header[1] ?? '').length;
  let pos = header.index + header[0].length + 1;
  const lines = doc.slice(pos).split('\n');
  for (let i = 0; i < lines.length; i++, pos += (lines[i - 1] ?? '').length + 1) {
    const line = lines[i] ?? '';
    if (/^\s*(?:#.*)?$/.test(line)) continue;
    const entry = K8S_ENTRY_RE.exec(line);
    if (!entry || (entry[1] ?? '').length <= indent) break;
    let value = entry[2] ?? '';
    let at = pos + line.lastIndexOf(value);
    if (/^[|>][-+]?$/.test(value)) {
      // A block scalar: the value is on the next line, indented further.
      const next = lines[i + 1] ?? '';
      value = next.trim();
      at = pos + line.length + 1 + next.indexOf(value);
    }
    const m = K8S_VALUE_RE.exec(value);
    const secret = m?.[1];
    if (!secret || shannonEntropy(secret) < 3) continue;
    const start = offset + at + value.indexOf(secret);
    out.push({ kind: 'Kubernetes Secret data', severity: 'high', start, end: start + secret.length });
  }
}

const AWS_SECRET_RE = /(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g;

/**
 * findAwsSecretNearKeyId reports a 40-character base64 string in a text that also holds an AWS access
 * key id: the pair is a usable credential even without a `secret` label.
 */
export function findAwsSecretNearKeyId(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  AWS_SECRET_RE.lastIndex = 0;
  for (let m = AWS_SECRET_RE.exec(text); m !== null; m = AWS_SECRET_RE.exec(text)) {
    const s = m[1] ?? '';
    const c = charClasses(s);
    if (c.lower === 0 || c.upper === 0 || c.digit === 0 || shannonEntropy(s) < 4) continue;
    out.push({ kind: 'AWS secret access key', severity: 'critical', start: m.index, end: m.index + s.length });
  }
  return out;
}

const AWS_SECRET_SHAPED_RE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const AWS_BEFORE_RE = /[\s'"`(,=:[]/;
const AWS_AFTER_RE = /[\s'"`),;\]\\]/;

/**
 * findAwsSecretShaped reports a stand-alone 40-character base64 token with a `/` or `+` and the
 * entropy of random bytes: the shape of an AWS secret access key, rare in anything else. `runs` are
 * the text's token runs (see tokenRuns); only those can hold one.
 */
export function findAwsSecretShaped(text: string, runs: ReadonlyArray<readonly [number, number]>): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const [from, to] of runs) {
    if (to - from < 40) continue;
    const run = text.slice(from, to);
    if (!/[/+]/.test(run)) continue;
    AWS_SECRET_SHAPED_RE.lastIndex = 0;
    for (let m = AWS_SECRET_SHAPED_RE.exec(run); m !== null; m = AWS_SECRET_SHAPED_RE.exec(run)) {
      const start = from + m.index;
      const end = start + 40;
      const before = text[start - 1];
      const after = text[end];
      if (before !== undefined && !AWS_BEFORE_RE.test(before) && !(text[start - 2] === '\\' && /[nrt]/.test(before))) continue;
      if (after !== undefined && !AWS_AFTER_RE.test(after)) continue;
      const s = m[0];
      const c = charClasses(s);
      if (!/[/+]/.test(s) || c.lower < 4 || c.upper < 4 || c.digit === 0 || shannonEntropy(s) < 4.2 || /\/\/|^\/|\/$/.test(s)) continue;
      out.push({ kind: 'Possible AWS secret access key', severity: 'high', start, end });
    }
  }
  return out;
}

/** Characters of the token runs secrets live in: base64(url), hex, separators of provider formats. */
const TOKEN_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./+=~|:%@\\-') TOKEN_CHAR[ch.charCodeAt(0)] = 1;

const RUN_MIN = 18;

/**
 * tokenRuns returns the [start, end) spans of runs of 18+ token characters in `text`: every provider
 * token lies inside one. A plain loop, cheaper than a regex that retries at every position.
 */
export function tokenRuns(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  const n = text.length;
  const isToken = (i: number): boolean => {
    const code = text.charCodeAt(i);
    return code < 128 && TOKEN_CHAR[code] === 1;
  };
  // Any 18 consecutive characters hold one index divisible by 18: probe those and grow runs from them.
  let floor = 0;
  for (let probe = 0; probe < n; ) {
    if (!isToken(probe)) {
      probe += RUN_MIN;
      continue;
    }
    let start = probe;
    while (start > floor && isToken(start - 1)) start--;
    let end = probe + 1;
    while (end < n && isToken(end)) end++;
    if (end - start >= RUN_MIN) runs.push([start, end]);
    floor = end;
    probe = (Math.floor(end / RUN_MIN) + 1) * RUN_MIN;
  }
  return runs;
}

export const STRUCTURED_FINDERS: readonly Finder[] = [
  findPrivateKeys, findJwts, findUrlCredentials, findAuthHeaders, findBareBearer, findCurlUser, findCurlHeader, findCliPasswords, findKubernetesSecretData, findConfigCredentials,
];
