import { findAssignments, findProviderAssignments, type Assignment } from './assignment.js';
import { SpanSet } from '../spans.js';
import { shannonEntropy } from './entropy.js';
import { containsStopWord, isGenericLineAllowed, isGenericNameAllowed } from './gitleaks-allowlist.js';
import { fieldKeyName, PROVIDER_NAMES, splitName, type KeyName } from './key-name.js';
import { rulesFor, type ProviderRule } from './providers.js';
import { findSemiGeneric, isProviderNearMiss, serviceNamesIn } from './semi-generic.js';
import { findAuthHeaders, findAwsSecretNearKeyId, findAwsSecretShaped, STRUCTURED_FINDERS, tokenRuns, type SecretFinding } from './structured.js';
import { isCredentialValue, isMaskOrFiller, isPlaceholder } from './value.js';

export type { SecretFinding } from './structured.js';

/**
 * Prefixes whose owner's format is strict: a value that starts with one but fails the owner's
 * pattern (`xoxp-1234567890`, `sm_aat_` + 10 characters) is a sample or a typo, not a secret the
 * generic rule should pick up instead.
 */
const OWNED_PREFIX_RE = /^(?:gh[pousr]_|github_pat_|gl(?:pat|rt|dt|ft|imt|ptt|agent|oas|cbt|soat|ffct)-|gr1348941|xox[abposre]|xapp-|[sr]k_(?:live|test|prod)_|whsec_|sk-ant-|sk-(?:proj|svcacct|admin)-|sk-or-|akia|asia|aiza|gocspx-|npm_|pypi-|hf_|api_org_|gsk_|r8_|pplx-|xai-|lin_api_|sm_[aps]at_|sntry[us]_|do[opr]_v1_|shp(?:at|ss|pa|ca)_|shippo_|duffel_|pnu_|pul-|ntn_|sgp_|gl[cs]a?_|pscale_|sq0(?:csp|atp)-|xkeysib-|sha256~|ops_|dt0c01\.|dp\.pt\.|ez[at]k|flw(?:seck|pubk)|akcp|cmvmd|a3-|hv[sb]\.|hrku-|pmak-|rdme_|rubygems_|clojars_|nr(?:ak|js|ii)-|atatt3|fio-u-|tk-us-|absk|lsv2_|pcsk_|sbp_|re_|tskey-|ct[por]_|castai_v1_|access_token\$|(?:production|sandbox)_)/i;

/**
 * findSecrets returns the secrets in `text`, each as the span of the secret itself (for masking),
 * non-overlapping and in text order. `fieldKey` is the name the text is stored under (a `password`
 * argument): a key-like name makes the whole value a candidate credential.
 */
export function findSecrets(text: string, fieldKey = ''): SecretFinding[] {
  const invisible = INVISIBLE_RE.test(text);
  const encoded = PERCENT_RE.test(text);
  if (!invisible && !encoded) return findSecretsIn(text, fieldKey);
  // Zero-width characters inside a token (`ghp_ab\u200bcd…`) and percent-encoding before or inside one
  // (a form body's `key%3Dghp_…`) hide it from every pattern: the text is also read without them, and
  // what is found there is mapped back onto the text as written.
  const at: number[] = [];
  const kept: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (invisible && ((c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || c === 0xad)) continue;
    if (encoded && c === 0x25 && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      const decoded = parseInt(text.slice(i + 1, i + 3), 16);
      at.push(i);
      kept.push(decoded >= 0x20 && decoded < 0x7f ? String.fromCharCode(decoded) : ' ');
      i += 2;
      continue;
    }
    at.push(i);
    kept.push(text[i]!);
  }
  at.push(text.length);
  const visible = kept.join('');
  const spans = new SpanSet(text.length);
  const found: SecretFinding[] = [];
  // A mapped secret ends after the last character it covers, a `%XX` escape included.
  const endOf = (f: SecretFinding): number => (f.end > f.start ? (at[f.end] ?? text.length) : at[f.start]!);
  const mapped = findSecretsIn(visible, fieldKey).map((f) => ({ ...f, start: at[f.start]!, end: endOf(f) }));
  for (const f of [...findSecretsIn(text, fieldKey), ...mapped]) if (f.end > f.start && spans.add(f.start, f.end)) found.push(f);
  return found.sort((a, b) => a.start - b.start);
}

const PERCENT_RE = /%[0-9A-Fa-f]{2}/;
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** Format characters that render as nothing: zero-width space and joiners, word joiner, BOM, soft hyphen. */
const INVISIBLE_RE = /[\u200b-\u200d\u2060\ufeff\u00ad]/;

function findSecretsIn(text: string, fieldKey: string): SecretFinding[] {
  if (text.length < 8) return [];
  let lower = text.toLowerCase();
  // Offsets in `lower` index `text`: keep one character per character (`İ` lower-cases to two).
  if (lower.length !== text.length) lower = text.replace(/[A-Z]+/g, (w) => w.toLowerCase());
  const found: SecretFinding[] = [];
  const spans = new SpanSet(text.length);
  const add = (f: SecretFinding): void => {
    if (f.end > f.start && spans.add(f.start, f.end)) found.push(f);
  };

  let awsKeyId = false;
  // Every provider token, keyword included, lies in a run of 18+ token characters: look for the
  // keywords in those runs only (prose has few), and run the patterns over the runs alone, except
  // for the few `fullText` formats that span other characters.
  const runs = tokenRuns(text);
  const runTexts = runs.map(([from, to]) => text.slice(from, to));
  const providers = rulesFor(runs.map(([from, to]) => lower.slice(from, to)).join(' '), lower);
  for (const rule of providers) {
    if (rule.context && !rule.context.some((c) => lower.includes(c))) continue;
    const before = found.length;
    if (rule.fullText) scanProvider(rule, text, 0, text, add);
    else for (let i = 0; i < runs.length; i++) scanProvider(rule, runTexts[i] ?? '', runs[i]?.[0] ?? 0, text, add);
    if (rule.kind === 'AWS access key ID' && found.length > before) awsKeyId = true;
  }
  if (awsKeyId) findAwsSecretNearKeyId(text).forEach(add);
  for (const finder of STRUCTURED_FINDERS) finder(text, lower).forEach(add);
  const services = serviceNamesIn(lower);
  findSemiGeneric(text, services).forEach(add);
  findAwsSecretShaped(text, runs).forEach(add);

  // A service's bare name needs a long value: only texts with a long token run can hold one.
  const named = runs.length > 0 && [...services].some((s) => PROVIDER_NAMES.has(s)) ? findProviderAssignments(text, lower) : [];
  for (const a of [...findAssignments(text, lower), ...named]) {
    if (isAssignedCredential(text, a)) add({ kind: `Credential in ${a.name.slice(0, 40)}`, severity: 'high', start: a.start, end: a.end });
  }

  if (/authorization$/i.test(fieldKey)) {
    // An `authorization` argument is a header value without its name: `Bearer …`, `Basic …`.
    const header = `Authorization: ${text}`;
    const shift = header.length - text.length;
    for (const f of findAuthHeaders(header, header.toLowerCase())) add({ ...f, start: f.start - shift, end: f.end - shift });
  }

  const keyName = fieldKey ? fieldKeyName(fieldKey) : undefined;
  if (keyName && found.length === 0) {
    const value = text.trim();
    const start = text.indexOf(value);
    if (!value.includes('\n') && isGenericCredential(value, keyName)) {
      add({ kind: `Credential in ${fieldKey.slice(0, 40)}`, severity: 'high', start, end: start + value.length });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** What may follow a `strictEnd` secret: a quote, a blank, `;`, a `\n` escape, or nothing. */
const STRICT_END_RE = /^(?:[`'"\s;]|\\[nr]|$)/;

/** scanProvider adds the matches of a provider rule in `part`, which starts at `offset` in `text`. */
function scanProvider(rule: ProviderRule, part: string, offset: number, text: string, add: (f: SecretFinding) => void): void {
  rule.re.lastIndex = 0;
  for (let m = rule.re.exec(part); m !== null; m = rule.re.exec(part)) {
    if (rule.notAfter && !startsToken(text, offset + m.index, rule.notAfter)) continue;
    const secret = m[1] ?? m[0];
    if (!rule.allowFiller && isMaskOrFiller(secret)) continue;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
    if (rule.accept && !rule.accept(secret)) continue;
    if (rule.strictEnd && !STRICT_END_RE.test(text.slice(offset + m.index + m[0].length, offset + m.index + m[0].length + 2))) continue;
    const start = offset + m.index + m[0].indexOf(secret);
    add({ kind: rule.kind, severity: rule.severity, start, end: start + secret.length });
  }
}

/** startsToken is true when text[at] is not preceded by a `notAfter` character, or follows a `\n`-style escape. */
function startsToken(text: string, at: number, notAfter: RegExp): boolean {
  const prev = text[at - 1];
  return prev === undefined || !notAfter.test(prev) || (text[at - 2] === '\\' && /[nrt]/.test(prev));
}

/** How far from an assignment its line is read: a whole line, unless the text is one huge line. */
const LINE_WINDOW = 1_024;

/**
 * lineAround is the line holding text[start, end), cut LINE_WINDOW characters either side: reading
 * the whole line for every assignment made a text of one long line quadratic (1 MB: 6 s).
 */
function lineAround(text: string, start: number, end: number): string {
  const from = Math.max(0, start - LINE_WINDOW);
  const before = text.slice(from, start).lastIndexOf('\n');
  const after = text.slice(end, end + LINE_WINDOW).indexOf('\n');
  return text.slice(before < 0 ? from : from + before + 1, after < 0 ? Math.min(text.length, end + LINE_WINDOW) : end + after);
}

/**
 * isAssignedCredential applies gitleaks' generic-api-key allow-lists (names such as `primary_key`
 * and `keyPressed`, import lines, stop words in token-shaped values) and the service rules' own
 * negative shapes to an assignment, then the generic value test.
 */
function isAssignedCredential(text: string, a: Assignment): boolean {
  if (isGenericNameAllowed(a.name) || isProviderNearMiss(a.name, a.value)) return false;
  if (isGenericLineAllowed(lineAround(text, a.start, a.end))) return false;
  if (a.keyName.strictness === 'token' && TOKEN_VALUE_RE.test(a.value) && containsStopWord(a.value)) return false;
  // detect-secrets reports a quoted value with blanks only under a name whose word starts with the
  // keyword (`db_password`, `dbPassword`; not `someotherpassword`): the same boundary here.
  if (a.keyName.strictness === 'password' && splitName(a.name).some((w) => /^(?:pass|secret)/.test(w)) && /[ \t]/.test(a.value) && /["'`]/.test(text[a.start - 1] ?? '')) {
    return isQuotedPassphrase(a.value);
  }
  return isGenericCredential(a.value, a.keyName);
}

/**
 * isQuotedPassphrase accepts a quoted password of a few words (`password = "correct horse battery"`),
 * which detect-secrets' keyword plugin reports: not a sentence, not a placeholder, not an expression.
 */
function isQuotedPassphrase(value: string): boolean {
  const words = value.trim().split(/[ \t]+/);
  if (words.length > 6 || value.length < 8 || value.length > 80 || /[.!?:]$/.test(value)) return false;
  return !isPlaceholder(value) && !/[$<>{}()[\]|&;/\\=]/.test(value);
}

/** The values gitleaks' generic rule matches: token characters only. */
const TOKEN_VALUE_RE = /^[\w.=+/-]+$/;

/** isGenericCredential applies the name's format (if it pins one), then the generic value test. */
function isGenericCredential(value: string, keyName: KeyName): boolean {
  if (OWNED_PREFIX_RE.test(value)) return false;
  // A key-shaped value of the wrong length for the provider the name pins (a 41-character AWS secret).
  if (keyName.shape && /^[A-Za-z0-9/+=_-]+$/.test(value) && !keyName.shape.test(value)) return false;
  if (keyName.providerOnly && (value.length < 18 || !/\d/.test(value) || !/[A-Za-z]/.test(value) || shannonEntropy(value) < 3.2)) return false;
  if (keyName.bare && (!/^[A-Za-z0-9+=]{16,}$/.test(value) || shannonEntropy(value) < 3.5)) return false;
  return isCredentialValue(value, keyName.strictness);
}
