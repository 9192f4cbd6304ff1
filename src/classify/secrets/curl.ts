import { shannonEntropy } from './entropy.js';
import type { SecretFinding } from './structured.js';

/**
 * gitleaks' curl-auth-user rule: `curl … -u user:password` / `--user`, quoted or not, up to five
 * lines after `curl` (continued commands). Group 1 is the credential as written.
 */
const CURL_USER_RE = /\bcurl\b(?:.*|.*(?:[\r\n]{1,2}.*){1,5})[ \t\n\r](?:-u|--user)(?:=|[ \t]{0,5})("(:[^"]{3,}|[^:"]{3,}:|[^:"]{3,}:[^"]{3,})"|'([^:']{3,}:[^']{3,})'|((?:"[^"]{3,}"|'[^']{3,}'|[\w$@.-]+):(?:"[^"]{3,}"|'[^']{3,}'|[\w${}@.-]+)))(?=\s|$)/g;

/** The rule's allow-list: placeholder passwords, `<user>:<pass>`, `[PASSWORD]`, `$VAR`, `$(cmd)`, `{{ var }}`. */
const CURL_USER_ALLOW_RES: readonly RegExp[] = [
  /[^:]+:(?:change(?:it|me)|pass(?:word)?|pwd|test|token|\*+|x+)/,
  /['"]?<[^>]+>['"]?:['"]?<[^>]+>|<[^:]+:[^>]+>['"]?/,
  /[^:]+:\[[^\]]+\]/,
  /['"]?[^:]+['"]?:['"]?\$(?:\d|\w+|\{(?:\d|\w+)\})['"]?/,
  /\$\([^)]+\):\$\([^)]+\)/,
  /['"]?\$?\{\{[^}]+\}\}['"]?:['"]?\$?\{\{[^}]+\}\}['"]?/,
];

/** findCurlUser reports the credentials of `curl -u user:password` (gitleaks' curl-auth-user, entropy above 2). */
export function findCurlUser(text: string, lower: string): SecretFinding[] {
  if (!lower.includes('curl')) return [];
  const out: SecretFinding[] = [];
  CURL_USER_RE.lastIndex = 0;
  for (let m = CURL_USER_RE.exec(text); m !== null; m = CURL_USER_RE.exec(text)) {
    const credential = m[1] ?? '';
    if (shannonEntropy(credential) <= 2 || CURL_USER_ALLOW_RES.some((re) => re.test(credential))) continue;
    const start = m.index + m[0].length - credential.length;
    out.push({ kind: 'curl user credentials', severity: 'high', start, end: start + credential.length });
  }
  return out;
}

/**
 * The headers gitleaks' curl-auth-header rule reads: `Authorization: Basic|Bearer|Token|Api-Token …`
 * or a bare value, and `[X-…-][Api-]Key|Token: …` (`apikey:`, `X-Octopus-ApiKey:`).
 */
const AUTH = '(?:Authorization:[ \\t]{0,5}(?:Basic[ \\t]([a-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \\t]([\\w=~@.+/-]{8,})|([\\w=~@.+/-]{8,}))|(?:(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token)):[ \\t]{0,5}([\\w=~@.+/-]{8,}))';
const CURL_HEADER_RE = new RegExp(`\\bcurl\\b(?:.*?|.*?(?:[\\r\\n]{1,2}.*?){1,5})[ \\t\\n\\r](?:-H|--header)(?:=|[ \\t]{0,5})(?:"${AUTH}"|'${AUTH}')(?=\\B|\\s|$)`, 'gi');

/** findCurlHeader reports a credential passed in a curl header (gitleaks' curl-auth-header, entropy above 2.75). */
export function findCurlHeader(text: string, lower: string): SecretFinding[] {
  if (!lower.includes('curl')) return [];
  const out: SecretFinding[] = [];
  CURL_HEADER_RE.lastIndex = 0;
  for (let m = CURL_HEADER_RE.exec(text); m !== null; m = CURL_HEADER_RE.exec(text)) {
    const secret = m.slice(1).find((g) => g !== undefined) ?? '';
    if (shannonEntropy(secret) <= 2.75) continue;
    const start = m.index + m[0].lastIndexOf(secret);
    out.push({ kind: 'curl header credential', severity: 'high', start, end: start + secret.length });
  }
  return out;
}
