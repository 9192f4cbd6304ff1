import { maskSecret } from '../evidence.js';
import { findSecrets, type SecretFinding } from '../secrets/scan.js';
import type { DetectionInput, Signal } from '../types.js';

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * detectSecrets reports `secret_leak` for each argument that carries a credential: a provider token
 * (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI, Anthropic…), a private key, a JWT, credentials
 * in a URL or an Authorization header, or a high-entropy value assigned to a key-like name (the
 * argument's own name counts). Evidence names the kind and shows only the masked secret.
 */
export function detectSecrets(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  let byPointer: Map<string, string> | undefined;
  for (const field of input.fields) {
    const found = findSecrets(field.value, field.name ?? field.key);
    if (found.length === 0) continue;
    const worst = found.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
    const more = found.length > 1 ? ` (+${found.length - 1} more)` : '';
    const header = HEADER_POINTER.exec(field.pointer);
    if (header) {
      byPointer ??= new Map(input.fields.map((f) => [f.pointer, f.value]));
      const home = ownApi(found, requestUrl(byPointer, header[1]!));
      if (home) {
        signals.push({ id: 'secret_leak', severity: 'low', path: field.pointer, evidence: evidenceOf(worst, field.value, `${more} (sent to its own API, ${home})`) });
        continue;
      }
    }
    signals.push({ id: 'secret_leak', severity: worst.severity, path: field.pointer, evidence: evidenceOf(worst, field.value, more) });
  }
  return signals;
}

/** A request header of a call: `…/headers/Authorization`, with the pointer of the object holding `headers`. */
const HEADER_POINTER = /^(.*)\/headers\/[^/]+$/;

/**
 * Where a provider's tokens are meant to go. Sent there over HTTPS in a request header, a token is
 * being used, not leaked (reported `low`, below the default policy); sent anywhere else it stays a leak.
 */
const PROVIDER_HOSTS: ReadonlyArray<readonly [kind: RegExp, host: RegExp]> = [
  [/^GitHub token/, /(?:^|\.)(?:github\.com|githubusercontent\.com)$/],
  [/^GitLab token/, /(?:^|\.)gitlab\.com$/],
  [/^Stripe (?:live|test) key/, /(?:^|\.)stripe\.com$/],
  [/^Slack (?:bot|user|app|legacy|token)/, /(?:^|\.)slack\.com$/],
  [/^OpenAI API key/, /(?:^|\.)openai\.com$/],
  [/^Anthropic (?:admin )?API key/, /(?:^|\.)anthropic\.com$/],
  [/^Hugging Face token/, /(?:^|\.)huggingface\.co$/],
  [/^npm token/, /(?:^|\.)npmjs\.(?:org|com)$/],
  [/^SendGrid API key/, /(?:^|\.)sendgrid\.com$/],
  [/^Google API key/, /(?:^|\.)googleapis\.com$/],
  [/^Groq API key/, /(?:^|\.)groq\.com$/],
  [/^Notion token/, /(?:^|\.)notion\.com$/],
  [/^Linear API key/, /(?:^|\.)linear\.app$/],
];

/** requestUrl is the URL beside a call's headers (`url`, `uri` or `endpoint` of the same object). */
function requestUrl(byPointer: Map<string, string>, holder: string): string | undefined {
  return byPointer.get(`${holder}/url`) ?? byPointer.get(`${holder}/uri`) ?? byPointer.get(`${holder}/endpoint`);
}

/** ownApi is the host when every secret found is a provider token bound for that provider over HTTPS. */
function ownApi(found: SecretFinding[], url: string | undefined): string | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' || u.username || u.password) return undefined;
    host = u.hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const home = (f: SecretFinding): boolean => PROVIDER_HOSTS.some(([kind, hosts]) => kind.test(f.kind) && hosts.test(host));
  return found.every(home) ? host : undefined;
}

/**
 * maskSecrets returns `text` with every secret detectSecrets would find replaced by its masked form
 * (maskSecret: a short prefix and asterisks). Masked text holds no secret, so masking is idempotent.
 * `fieldKey` is the argument name the text was stored under, as the detector sees it.
 */
export function maskSecrets(text: string, fieldKey = ''): string {
  const unsorted = findSecrets(text, fieldKey);
  if (unsorted.length === 0) return text;
  const found = [...unsorted].sort((a, b) => a.start - b.start);
  // One pass, in pieces: rebuilding the string per secret was quadratic (30,000 secrets in 1 MiB: 23 s).
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < found.length; i++) {
    const start = Math.max(found[i]!.start, at);
    let end = found[i]!.end;
    // Overlapping findings mask their union once.
    while (i + 1 < found.length && found[i + 1]!.start < end) end = Math.max(end, found[++i]!.end);
    if (end <= start) continue;
    parts.push(text.slice(at, start), maskSecret(text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function evidenceOf(f: SecretFinding, value: string, more: string): string {
  const masked = maskSecret(value.slice(f.start, f.end));
  const kind = f.kind.slice(0, 120 - masked.length - more.length - 1);
  return `${kind} ${masked}${more}`;
}
