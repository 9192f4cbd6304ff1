import { storable } from './names.js';

/**
 * Where a call sends or reads data: URL hosts and their domains, e-mail recipients and their
 * domains, SQL table names and file-system path roots. A small, fast extractor for the behaviour
 * model (new destinations for an agent); the classifier does the careful parsing (WHATWG URL,
 * PostgreSQL's parser, a shell parser) for the security signals, this only has to name things
 * consistently. Each string is scanned up to SCAN_LIMIT characters, a call up to SCAN_BUDGET.
 */

export const DESTINATION_KINDS = ['domain', 'host', 'recipient_domain', 'recipient', 'table', 'path_root'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export interface Destination {
  kind: DestinationKind;
  value: string;
}

/** A string field of the call: its nearest key (lower-cased) and value. */
export interface KeyedString {
  key: string;
  value: string;
}

/** Characters of each string that are scanned: destinations past this are not seen… */
export const SCAN_LIMIT = 8192;
/** …and of all the strings of a call together. */
export const SCAN_BUDGET = 32_768;
/** Destinations kept per call. */
export const MAX_DESTINATIONS = 16;
/** Characters kept of a destination (they are stored per agent). */
export const MAX_DESTINATION_LENGTH = 200;

const URL_RE = /\b(?:https?|wss?|ftps?|sftp|ssh|s3|gs|git|redis|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|amqps?):\/\/(?:[^\s/?#@'"<>]*@)?(\[[0-9a-fA-F:.]+\]|[^\s/?#:'"<>\\|,;)]+)/gi;
const EMAIL_RE = /[a-z0-9._%+'-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;
/** Text that reads like a SQL statement (not merely prose starting with "Update" or "Select"). */
const SQL_LIKE_RE =
  /^\s*\(?\s*(?:select\b[\s\S]*?\bfrom\s|with\s+\w+\s+as\s*\(|insert\s+into\s|update\s+\S+\s+set\s|delete\s+from\s|merge\s+into\s|(?:create|drop|alter)\s+(?:temp(?:orary)?\s+)?(?:table|view|index)\s|truncate\s|copy\s+\S+\s+(?:from|to)\s)/i;
const IDENT = '(?:[a-z_][\\w$]*|"[^"]{1,128}"|`[^`]{1,128}`|\\[[^\\]]{1,128}\\])';
const SQL_TABLE_RE = new RegExp(
  `\\b(?:from|join|into|update|table(?:\\s+if\\s+(?:not\\s+)?exists)?|truncate(?:\\s+table)?)\\s+(?:only\\s+)?(${IDENT}(?:\\s*\\.\\s*${IDENT}){0,2})`,
  'gi',
);
/** Words that follow FROM/INTO/… but are not tables. */
const SQL_NOT_TABLES = new Set(['select', 'lateral', 'unnest', 'values', 'generate_series', 'json_table', 'openjson', 'set', 'where', 'dual']);
/** An absolute or home-relative path token inside a command line. */
const COMMAND_PATH_RE = /(?:^|[\s=<>|;&'"(])(~?\/[^\s'";|&<>()]*)/g;

const RECIPIENT_KEY_RE = /^(?:to|cc|bcc|recipients?|email|emails|email_address|address|reply_to|forward_to|send_to|notify)$|_(?:email|recipients?)$/;
const PATH_KEY_RE = /^(?:path|paths|file|files|filename|filepath|dir|directory|folder|dest|destination|target|src|source|output|output_path|input_path|cwd)$|_(?:path|file|dir)$/;
const COMMAND_KEY_RE = /^(?:command|cmd|script|shell|commands|args)$/;
const HOST_KEY_RE = /^(?:host|hostname|domain|server|endpoint_host)$/;
const BARE_HOST_RE = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i;

/** Second-level labels under which registrations happen one level lower: `example.co.uk`. */
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ne', 'or', 'go', 'gob', 'mil', 'nic']);

/**
 * registrableDomain approximates the domain someone registered: the last two labels, or three
 * under a two-letter country code with a generic second level (`example.co.uk`); an IP stays whole.
 * Requires a lower-case host without a trailing dot.
 */
export function registrableDomain(host: string): string {
  if (host.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return host;
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const keep = tld.length === 2 && SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/**
 * pathRoot names the part of a path that says where it points: the first two directories of an
 * absolute path (`/var/log/nginx/a.log` → `/var/log`, `/etc/passwd` → `/etc`), `~/x` for home, the
 * first directory of a relative path, with any leading `..` run kept (`../../etc`). Undefined for a
 * bare file name.
 */
export function pathRoot(raw: string): string | undefined {
  let p = raw.trim().replace(/\\/g, '/');
  if (p === '') return undefined;
  let prefix = '';
  const drive = /^([a-zA-Z]):\//.exec(p);
  if (drive) {
    prefix = `${drive[1]!.toLowerCase()}:`;
    p = p.slice(2);
  }
  if (p.startsWith('~')) {
    const segments = p.split('/').filter(Boolean);
    return segments.length > 2 ? segments.slice(0, 2).join('/') : segments[0];
  }
  const absolute = p.startsWith('/');
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  const dirs = segments.slice(0, -1);
  if (absolute) return prefix + '/' + (dirs.length === 0 ? (segments[0] ?? '') : dirs.slice(0, 2).join('/'));
  if (dirs.length === 0) return undefined;
  let i = 0;
  while (i < dirs.length && dirs[i] === '..') i += 1;
  return prefix + dirs.slice(0, Math.min(i + 1, dirs.length)).join('/');
}

function unquoteIdentifier(part: string): string {
  const t = part.trim();
  const first = t[0];
  if (first === '"' || first === '`' || first === '[') return t.slice(1, -1).toLowerCase();
  return t.toLowerCase();
}

/** The destinations of one call, without duplicates, at most MAX_DESTINATIONS. */
class DestinationList {
  readonly items: Destination[] = [];

  get full(): boolean {
    return this.items.length >= MAX_DESTINATIONS;
  }

  /** add appends a destination unless present; false once the list is full. */
  add(kind: DestinationKind, raw: string): boolean {
    if (this.full) return false;
    const value = storable(raw, MAX_DESTINATION_LENGTH);
    for (const d of this.items) if (d.kind === kind && d.value === value) return true;
    this.items.push({ kind, value });
    return true;
  }

  addHost(raw: string): boolean {
    const host = raw.toLowerCase().replace(/\.+$/, '');
    if (host === '') return true;
    return this.add('domain', registrableDomain(host)) && this.add('host', host);
  }
}

/**
 * extractDestinations returns the destinations named by a call's string fields, in field order,
 * without duplicates, at most MAX_DESTINATIONS. URLs are found in any field; recipients only under
 * recipient-like keys (`to`, `cc`, `recipients`, `*_email`); SQL tables in strings that read like a
 * statement (`SELECT … FROM`, `INSERT INTO`, `UPDATE … SET`, …); path roots under path-like keys and in command lines.
 */
export function extractDestinations(fields: Iterable<KeyedString>): Destination[] {
  const out = new DestinationList();
  let budget = SCAN_BUDGET;
  for (const { key, value } of fields) {
    if (out.full || budget <= 0) break;
    const limit = Math.min(SCAN_LIMIT, budget);
    const text = value.length > limit ? value.slice(0, limit) : value;
    budget -= text.length;
    if (text.includes('://')) {
      for (const m of text.matchAll(URL_RE)) if (!out.addHost(m[1]!)) break;
    }
    if (HOST_KEY_RE.test(key) && BARE_HOST_RE.test(text)) out.addHost(text);
    if (RECIPIENT_KEY_RE.test(key) && text.includes('@')) {
      for (const m of text.matchAll(EMAIL_RE)) {
        if (!out.add('recipient_domain', registrableDomain(m[1]!.toLowerCase())) || !out.add('recipient', m[0].toLowerCase())) break;
      }
    }
    if (SQL_LIKE_RE.test(text)) {
      for (const m of text.matchAll(SQL_TABLE_RE)) {
        const name = m[1]!.split('.').map(unquoteIdentifier).join('.');
        if (SQL_NOT_TABLES.has(name)) continue;
        if (!out.add('table', name)) break;
      }
    }
    if (PATH_KEY_RE.test(key) && !text.includes('://')) {
      const root = pathRoot(text);
      if (root !== undefined) out.add('path_root', root);
    } else if (COMMAND_KEY_RE.test(key)) {
      for (const m of text.matchAll(COMMAND_PATH_RE)) {
        const root = pathRoot(m[1]!);
        if (root !== undefined && !out.add('path_root', root)) break;
      }
    }
  }
  return out.items;
}
