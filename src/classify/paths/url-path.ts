import type { Severity } from '../types.js';
import { analysePath, type PathFinding } from './analyse.js';
import { decodePath } from './decode.js';
import { resolvePath } from './resolve.js';

/** `scheme://authority` up to the path; WHATWG URL would already have resolved the `..` we look for. */
const URL_HEAD_RE = /^[a-z][a-z0-9+.-]*:\/\/[^/\\?#]*/i;
/** Query parameters whose value is a file name by convention (`?file=`, `?page=`, `?include=`…). */
const FILE_PARAM_RE = /^(?:file|filename|path|filepath|dir|folder|doc|document|page|include|inc|template|tpl|view|load|read|download|lang|style|conf|config|log|img|image)$/i;
const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * analyseUrlPath checks the raw path and file-like query parameters of a URL for traversal. Requires
 * a `scheme://` URL; `file:` URLs are file paths and go to analysePath instead.
 */
export function analyseUrlPath(url: string): PathFinding | undefined {
  const head = URL_HEAD_RE.exec(url);
  if (!head) return undefined;
  const rest = url.slice(head[0].length);
  const cut = rest.search(/[?#]/);
  const rawPath = cut >= 0 ? rest.slice(0, cut) : rest;
  if (/\.|%|\\/.test(rawPath)) {
    const decoded = decodePath(rawPath).text;
    const resolved = resolvePath(decoded.startsWith('/') || decoded.startsWith('\\') ? decoded.slice(1) : decoded);
    if (resolved.escapes) return { severity: 'high', reason: 'traversal escapes the URL root', at: head[0].length, conclusive: true };
  }
  if (cut < 0 || rest[cut] !== '?') return undefined;
  const query = rest.slice(cut + 1).split('#')[0]!;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!/[./\\%]/.test(value)) continue;
    const found = analysePath(value);
    // Any parameter may climb out; only file-like parameters count when naming a sensitive file.
    const climbs = found?.reason.startsWith('traversal') === true;
    if (found && (climbs || found.conclusive || (FILE_PARAM_RE.test(key) && RANK[found.severity] >= RANK.high))) {
      return { ...found, reason: `${found.reason} (query parameter ${key})`, at: head[0].length + cut + 1, conclusive: true };
    }
  }
  return undefined;
}
