import { carriesText } from '../category.js';
import { excerpt } from '../evidence.js';
import type { DetectionInput, Severity, Signal, StringField } from '../types.js';
import { assessUrl, type UrlFinding } from '../urls/ssrf.js';

/**
 * Keys whose value is a URL or a host by name. URL words may end a compound (`callbackurl`,
 * `imageuri`); generic words (`host`, `server`, `target`) must stand alone or after `_`/`-`, so
 * `database` or `ghost` do not count.
 */
const URL_KEY_RE = /(?:urls?|uris?|hrefs?|endpoints?|webhooks?)$|(?:^|[_-])(?:links?|callback|redirect|redirect_to|proxy|upstream|host|hostname|server|origin|base|target|feed|src|location|address|addr|domain)$/;
/** `scheme://` in free text; the scheme list keeps prose like `note://` out. */
const TEXT_URL_RE = /\b(?:https?|wss?|gopher|dict|file|netdoc|jar|ldaps?|tftp|ftps?|sftp|smb|telnet|expect|phar|php):\/\/[^\s"'<>`]+/gi;
const MAX_FIELD = 65_536;

/**
 * ssrfProblem says why a server must not fetch `url` on an agent's behalf ("loopback address
 * 127.0.0.1", "cloud metadata address 169.254.169.254", "non-HTTP scheme gopher:"), or returns
 * undefined when it is an ordinary public http(s) or ws(s) URL. A bare `host:port` is read as http;
 * any other scheme is a problem.
 * Purely lexical: it does not resolve DNS, so a public name that later resolves inside still needs
 * a check of the connected address.
 */
export function ssrfProblem(url: string): string | undefined {
  return assessUrl(url, { schemeless: true, strict: true, webOnly: true })?.reason;
}

/**
 * detectUrls reports `ssrf` for URL fields (by key) whose target is internal, and for internal
 * URLs embedded in any other text. Findings in text that is run (a command, SQL) drop one severity
 * level unless they reach a metadata service; in content (a message body, a document, a comment) a
 * URL is only mentioned and is reported `low`, since a document that *mentions*
 * `http://localhost:3000` is not a request — unless markup a tool renders or parses fetches it by
 * itself (`<img src>`, an XML external entity, CSS `url()`), which keeps its full severity (not in a
 * file being written or an e-mail being sent: their readers fetch it, not the tool).
 */
export function detectUrls(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  const remoteLogin = REMOTE_LOGIN_TOOL_RE.test(input.toolName);
  for (const field of input.fields) {
    const found = analyseField(field, carriesText(input.category));
    // An ssh/ansible tool's host is where it logs in, private hosts included: only a metadata service there is a finding.
    if (found && remoteLogin && HOST_KEY_RE.test(field.key) && found.finding.severity !== 'critical') continue;
    if (found) signals.push({ id: 'ssrf', severity: found.finding.severity, path: field.pointer, evidence: evidenceOf(found.finding, field.value, found.at) });
  }
  return signals;
}

interface Located {
  finding: UrlFinding;
  at: number;
}

/** `carrier`: a tool that writes or sends the text (a file, an e-mail): nothing in it is fetched by the tool. */
function analyseField(field: StringField, carrier: boolean): Located | undefined {
  const value = field.value.length > MAX_FIELD ? field.value.slice(0, MAX_FIELD) : field.value;
  const trimmed = value.trim();
  if (URL_KEY_RE.test(field.key) && trimmed !== '' && !/\s/.test(trimmed)) {
    const finding = assessUrl(trimmed, { schemeless: true, strict: true });
    return finding ? { finding, at: value.indexOf(trimmed) } : undefined;
  }
  if (!value.includes('://')) return undefined;
  const content = CONTENT_KEY_RE.test(field.key);
  let best: Located | undefined;
  for (const m of value.matchAll(TEXT_URL_RE)) {
    const url = m[0].replace(/[).,;:!?\]]+$/, '');
    // A reference a renderer or parser fetches by itself (`<img src="…">`, `<!ENTITY x SYSTEM "…">`,
    // CSS `url(…)`) is a request, not a mention: judged like a URL field, it keeps its severity.
    const fetched = !carrier && FETCHED_REFERENCE_RE.test(value.slice(Math.max(0, (m.index ?? 0) - 60), m.index ?? 0));
    const finding = assessUrl(url, { schemeless: false, strict: fetched });
    if (!finding) continue;
    // Content (a message, a document, a comment) that only mentions a URL makes no request: `low`,
    // below the default policy ("the dev server runs at http://localhost:3000" is no attack). A
    // metadata service stays critical outside files and e-mails: a request body or a ticket naming
    // one hands it to a service that may fetch it.
    const critical = finding.severity === 'critical';
    const severity = fetched ? finding.severity : content ? (critical && !carrier ? 'critical' : 'low') : critical ? 'critical' : lower(finding.severity);
    if (!best || RANK[severity] > RANK[best.finding.severity]) best = { finding: { ...finding, severity }, at: m.index ?? 0 };
  }
  return best;
}

/** Tools that log in to the host they are given (ssh, sftp, scp, rsync, ansible, WinRM). */
const REMOTE_LOGIN_TOOL_RE = /(?:^|[_\-.\s])(?:ssh|sftp|scp|rsync|ansible|mosh|winrm)(?:$|[_\-.\s])|^(?:ssh|sftp|scp|rsync|ansible|winrm)/i;
const HOST_KEY_RE = /^(?:host|hosts|hostname|server|target|address|addr|ip|remote)$/;

/** Keys of text that is read by people or rendered, not run: a URL there is mentioned, not requested. */
const CONTENT_KEY_RE = /^(?:body|content|contents|text|message|messages|description|comment|comments|note|notes|summary|markdown|md|title|subject|caption|bio|readme|reply|answer|html|xml|svg)$/;

/** What comes right before a URL that HTML, SVG, CSS or an XML parser fetches (XXE: `SYSTEM "file:///etc/passwd"`). */
const FETCHED_REFERENCE_RE = /(?:\b(?:src|srcset|data|background|poster|codebase|xlink:href)\s*=\s*["']?|<!(?:ENTITY|DOCTYPE)\b[^>]{0,40}?\b(?:SYSTEM\s+|PUBLIC\s+["'][^"']{0,40}["']\s+)["']|\burl\(\s*["']?|@import\s+(?:url\(\s*)?["']?)$/i;

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const lower = (s: Severity): Severity => (s === 'critical' ? 'high' : s === 'high' ? 'medium' : 'low');

/** evidenceOf is the reason and an excerpt of the value around the URL, ~140 characters at most. */
function evidenceOf(finding: UrlFinding, value: string, at: number): string {
  const text = `${finding.reason}: ${excerpt(value, at, at + 60)}`;
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
