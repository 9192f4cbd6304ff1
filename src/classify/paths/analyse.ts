import type { Severity } from '../types.js';
import { decodePath } from './decode.js';
import { resolvePath } from './resolve.js';
import { sensitiveTarget, type PathScope } from './targets.js';

/** What is wrong with one path, for a path_traversal signal. */
export interface PathFinding {
  severity: Severity;
  reason: string;
  /** Where in the raw text the evidence starts (for excerpt()). */
  at: number;
  /**
   * Strong enough to report even when the path was found in prose or a command: a climb onto a
   * credential or system file, an encoding trick, or a PHP/Phar/expect wrapper. A bare `../x` or an
   * absolute path is ordinary in text.
   */
  conclusive: boolean;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const atLeast = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

/**
 * Stream wrappers and URL schemes that turn a file read into something else: PHP's filter chains,
 * archive and Phar (deserialisation) readers, command execution, inline data, network schemes.
 * The boolean says whether the wrapper is conclusive in prose too.
 */
const WRAPPERS: Array<[RegExp, Severity, string, boolean]> = [
  [/^expect:/, 'critical', 'command-execution wrapper expect://', true],
  [/^php:/, 'high', 'PHP stream wrapper', true],
  [/^phar:/, 'high', 'Phar archive wrapper (deserialisation)', true],
  [/^(?:zip|rar|compress\.(?:zlib|bzip2)|zlib|bzip2|glob|ogg|ssh2\.[a-z]+|jar|netdoc):/, 'high', 'archive or stream wrapper', false],
  [/^data:/, 'high', 'inline data: wrapper', false],
  [/^(?:gopher|dict|ldap|tftp|smb|sftp|ftps?):\/\//, 'high', 'network scheme in a path', false],
];
const MAX_PATH = 4096;
const SCHEME_RE = /^[a-z][a-z0-9+.-]*:/i;
const DRIVE_RE = /^[a-z]:(?:[\\/]|$)/i;
const FILE_URL_RE = /^file:(?:\/\/[^/\\]*)?/i;

/** Base64 that could spell a path: the whole string, padded to a multiple of 4, long enough to matter. */
const BASE64_RE = /^[A-Za-z0-9+/]{12,}={0,2}$/;
const PRINTABLE_RE = /^[\x20-\x7e]+$/;
/** Percent-escapes of letters, digits and `.`, which no encoder needs to escape; `%2e` and `%252e` alike. */
const ENCODED_UNRESERVED_RE = /%(?:25)*(?:2e|3[0-9]|[46][1-9a-f]|[57][0-9a])/gi;
/** A segment of dots followed by a separator: what a climb looks like once decoded. */
const CLIMB_SEGMENT_RE = /(?:^|[\\/])\.{2,}[\\/]/;

/**
 * analysePath says whether a string used as a file path is an attack: once decoded it climbs above
 * its base, reaches a sensitive location, uses a stream wrapper, or hides dots, separators or a
 * NUL behind encodings. Returns undefined for an ordinary path. Cost: one decoding pass and a few
 * dozen anchored regexes.
 */
export function analysePath(raw: string): PathFinding | undefined {
  // Nothing longer than PATH_MAX reaches a file system; the prefix still shows the attempt.
  const value = (raw.length > MAX_PATH ? raw.slice(0, MAX_PATH) : raw).trim();
  if (value === '') return undefined;
  const { text: decoded, overlong } = decodePath(value);
  const lower = decoded.toLowerCase().trimStart();

  if (SCHEME_RE.test(lower) && !DRIVE_RE.test(lower)) {
    const file = FILE_URL_RE.exec(decoded);
    if (file) return judge(value, decoded.slice(file[0].length) || '/', 'absolute', 'file:// URL');
    for (const [re, severity, reason, conclusive] of WRAPPERS) if (re.test(lower)) return { severity, reason, at: 0, conclusive };
  }

  const found = judge(value, decoded, undefined, '');
  if (found) return found;
  // `\.\.\/` is `../` to anything that treats backslash as an escape (shells, JSON, regexes).
  if (decoded.includes('\\.')) {
    const unescaped = judge(value, decoded.replace(/\\(.)/g, '$1'), undefined, 'backslash-escaped path');
    if (unescaped) return unescaped;
  }
  const at = Math.max(0, value.indexOf('%'));
  if (overlong) return { severity: 'high', reason: 'overlong UTF-8 encoding (filter evasion)', at, conclusive: true };
  if ((value.match(ENCODED_UNRESERVED_RE)?.length ?? 0) >= 2) {
    return { severity: 'medium', reason: 'needlessly percent-encoded letters or dots (filter evasion)', at, conclusive: false };
  }
  if (BASE64_RE.test(value) && value.length % 4 === 0) {
    const text = Buffer.from(value, 'base64').toString('latin1');
    if (PRINTABLE_RE.test(text)) return judge(value, decodePath(text).text, 'absolute', 'base64-encoded path');
  }
  return undefined;
}

/**
 * judge resolves a decoded path and reports an escape, a sensitive target, a UNC share, an encoded
 * climb or a NUL, most serious first. `scope` overrides where the path is taken to start.
 */
function judge(raw: string, decoded: string, scope: PathScope | undefined, prefix: string): PathFinding | undefined {
  const path = resolvePath(decoded);
  const nulAt = decoded.indexOf('\u0000');
  // A NUL truncates the path in C-based file APIs: judge the target by what comes before it.
  const head = nulAt >= 0 ? resolvePath(decoded.slice(0, nulAt)) : path;
  const where: PathScope = scope ?? (path.absolute ? 'absolute' : path.escapes ? 'escaped' : 'relative');
  const target = sensitiveTarget(head.normalized, where);
  const encodedClimb = CLIMB_SEGMENT_RE.test(decoded) && !CLIMB_SEGMENT_RE.test(raw);
  const at = Math.max(0, raw.search(/\.\.|%|\\/));
  const via = prefix ? ` (${prefix})` : '';

  if (path.escapes) {
    return {
      severity: target ? atLeast(target.severity, 'high') : 'high',
      reason: `traversal escapes the base${target ? ` to ${target.what}` : ''}${via}`,
      at,
      conclusive: encodedClimb || prefix !== '' || target?.anywhere === true,
    };
  }
  if (target) return { severity: target.severity, reason: prefix ? `${prefix} to ${target.what}` : target.what, at: 0, conclusive: prefix !== '' && target.anywhere };
  if (path.unc) return { severity: 'medium', reason: 'UNC network path (SMB fetch, NTLM leak)', at: 0, conclusive: false };
  if (encodedClimb) return { severity: 'medium', reason: 'encoded dot-dot segment', at, conclusive: true };
  if (path.nul) return { severity: 'medium', reason: 'NUL byte in path (truncation)', at: Math.max(0, raw.indexOf('%00')), conclusive: false };
  return undefined;
}
