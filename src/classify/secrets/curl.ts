import { RE2JS } from 're2js';
import { shannonEntropy } from './entropy.js';
import type { SecretFinding } from './structured.js';
import { isPlaceholder } from './value.js';

// Both rules start with `curl` and a greedy or lazy `.*` to an option: a backtracking engine retries
// that from every `curl` to the end of the line, so a line of many curls was quadratic (100 KB:
// 0.5 s; 1 MB: a minute). They run on RE2, linear like the Go engine gitleaks wrote them for, and
// with its leftmost-first semantics. RE2 has no look-ahead: the rules' trailing `(?=\s|$)` becomes
// a group that ends the match, and the credential is read from its own group's position.

/**
 * gitleaks' curl-auth-user rule: `curl … -u user:password` / `--user`, quoted or not, up to five
 * lines after `curl` (continued commands). Group 1 is the credential as written.
 */
const CURL_USER_RE = RE2JS.compile(
  `\\bcurl\\b(?:.*|.*(?:[\\r\\n]{1,2}.*){1,5})[ \\t\\n\\r](?:-u|--user)(?:=|[ \\t]{0,5})("(:[^"]{3,}|[^:"]{3,}:|[^:"]{3,}:[^"]{3,})"|'([^:']{3,}:[^']{3,})'|((?:"[^"]{3,}"|'[^']{3,}'|[\\w$@.-]+):(?:"[^"]{3,}"|'[^']{3,}'|[\\w\${}@.!#%^&*+=~?-]+)))(?:\\s|$)`,
);

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
  const m = CURL_USER_RE.matcher(text);
  while (m.find()) {
    const credential = m.group(1) ?? '';
    if (shannonEntropy(credential) <= 2 || CURL_USER_ALLOW_RES.some((re) => re.test(credential))) continue;
    out.push({ kind: 'curl user credentials', severity: 'high', start: m.start(1), end: m.end(1) });
  }
  return out;
}

/**
 * The headers gitleaks' curl-auth-header rule reads: `Authorization: Basic|Bearer|Token|Api-Token …`
 * or a bare value, and `[X-…-][Api-]Key|Token: …` (`apikey:`, `X-Octopus-ApiKey:`).
 */
const AUTH = '(?:Authorization:[ \\t]{0,5}(?:Basic[ \\t]([a-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \\t]([\\w=~@.+/-]{8,})|([\\w=~@.+/-]{8,}))|(?:(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token)):[ \\t]{0,5}([\\w=~@.+/-]{8,}))';
const CURL_HEADER_RE = RE2JS.compile(`\\bcurl\\b(?:.*?|.*?(?:[\\r\\n]{1,2}.*?){1,5})[ \\t\\n\\r](?:-H|--header)(?:=|[ \\t]{0,5})(?:"${AUTH}"|'${AUTH}')(?:\\B|\\s|$)`, RE2JS.CASE_INSENSITIVE);

/** findCurlHeader reports a credential passed in a curl header (gitleaks' curl-auth-header, entropy above 2.75). */
export function findCurlHeader(text: string, lower: string): SecretFinding[] {
  if (!lower.includes('curl')) return [];
  const out: SecretFinding[] = [];
  const m = CURL_HEADER_RE.matcher(text);
  while (m.find()) {
    let group = 1;
    while (group <= m.groupCount() && m.start(group) < 0) group++;
    if (group > m.groupCount()) continue;
    const secret = m.group(group) ?? '';
    if (shannonEntropy(secret) <= 2.75) continue;
    out.push({ kind: 'curl header credential', severity: 'high', start: m.start(group), end: m.end(group) });
  }
  return out;
}

/** MySQL's clients take the password glued to `-p` (`mysql -uroot -pS3cret`); a space makes `-p` prompt instead. */
const MYSQL_CLIENT_RE = /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlsh|mariadb(?:-dump|-admin)?)\b([^\n;|&]{0,300})/g;
const GLUED_P_RE = /(?:^|\s)-p([^\s'"$`-][^\s'"`]{3,127})/;
/** `sshpass -p password ssh …` */
const SSHPASS_RE = /\bsshpass\b[^\n;|&]{0,100}?\s-p\s*(['"]?)([^\s'"]{4,128})\1/g;

/** `docker login -u ci -p S3cret registry` (podman, buildah, skopeo and `helm registry login` alike); `--password S3cret`. */
const REGISTRY_LOGIN_RE = /\b(?:docker|podman|buildah|skopeo|nerdctl|(?:helm|oras)\s+registry)\s+login\b[^\n;|&]{0,200}?\s(?:-p|--password)(?:\s+|=)(['"]?)([^\s'"]{4,256})\1/g;
/** `redis-cli -h prod -a S3cret`, `--pass S3cret`. */
const REDIS_CLI_RE = /\bredis-cli\b[^\n;|&]{0,200}?\s(?:-a|--pass)\s+(['"]?)([^\s'"]{4,256})\1/g;
/** `az login --service-principal -u <app> -p S3cret --tenant …`, `az acr login … --password S3cret`. */
const AZ_LOGIN_RE = /\baz\s+(?:acr\s+)?login\b[^\n;|&]{0,300}?\s(?:-p|--password)(?:\s+|=)(['"]?)([^\s'"]{4,256})\1/g;

/**
 * findCliPasswords reports passwords written on a command line: `mysql -pS3cret`, `mysqldump
 * -uroot -pS3cret`, `sshpass -p S3cret ssh …`, `docker login -p …`, `redis-cli -a …` (where
 * `--password=…` is an assignment and found as one).
 */
/**
 * isLiteralPassword: a password written as it is — not one of a single character class repeated, a
 * placeholder, a variable (`$PASS`, `%PASS%`), a template (`{{ pass }}`, `<password>`), a hash (`*6BB4…`).
 */
export function isLiteralPassword(secret: string): boolean {
  return shannonEntropy(secret) > 2 && !isPlaceholder(secret) && !/^[$%*<{]|\{\{/.test(secret);
}

export function findCliPasswords(text: string, lower: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const keep = (secret: string, start: number, kind: string): void => {
    if (isLiteralPassword(secret)) out.push({ kind, severity: 'high', start, end: start + secret.length });
  };
  if (lower.includes('mysql') || lower.includes('mariadb')) {
    for (const m of text.matchAll(MYSQL_CLIENT_RE)) {
      const rest = m[1]!;
      const p = GLUED_P_RE.exec(rest);
      if (p) keep(p[1]!, m.index + m[0].length - rest.length + p.index + p[0].length - p[1]!.length, 'Password on a MySQL command line');
    }
  }
  if (lower.includes('sshpass')) {
    for (const m of text.matchAll(SSHPASS_RE)) keep(m[2]!, m.index + m[0].length - m[2]!.length - m[1]!.length, 'Password given to sshpass');
  }
  if (lower.includes('login')) {
    for (const m of text.matchAll(REGISTRY_LOGIN_RE)) keep(m[2]!, m.index + m[0].length - m[2]!.length - m[1]!.length, 'Password on a registry login command line');
    for (const m of text.matchAll(AZ_LOGIN_RE)) keep(m[2]!, m.index + m[0].length - m[2]!.length - m[1]!.length, 'Password on an az login command line');
  }
  if (lower.includes('redis-cli')) {
    for (const m of text.matchAll(REDIS_CLI_RE)) keep(m[2]!, m.index + m[0].length - m[2]!.length - m[1]!.length, 'Password given to redis-cli');
  }
  return out;
}
