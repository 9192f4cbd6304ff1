import { excerpt } from '../evidence.js';
import { analysePath, type PathFinding } from '../paths/analyse.js';
import { analyseUrlPath } from '../paths/url-path.js';
import { normalizePath, pathScope } from '../shell/paths.js';
import type { DetectionInput, Signal, StringField } from '../types.js';

/** Keys whose value is a file-system path by name: `path`, `file_path`, `outputdir`, `destination`… */
const PATH_KEY_RE = /(?:path|paths|file|files|filename|filenames|member|members|entry_?name|arcname|dir|dirs|directory|directories|folder|folders|dest|destination|cwd|workdir|include|template|attachments?|link_?name|link_?target)$|(?:^|_)(?:src|dst)$/;
/** Keys that hold contents, not a location, even in a file-system tool (`write_file {path, content}`). */
const CONTENT_KEY_RE = /^(?:content|contents|data|body|text|message|code|source|query|sql|command|cmd|script|description|comment|prompt|patch|diff|old_str|new_str|old_string|new_string|replacement|pattern|search|encoding|mode)$/;
/** One token that starts at a root, a home or a climb: `/etc/x`, `~/.ssh/id_rsa`, `../x`, `C:\\x`. */
const ROOTED_TOKEN_RE = /^(?:~|\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])\S*$/;
/** Web URLs: their raw path can climb, but fetching one is the ssrf detector's business. */
const WEB_URL_RE = /^(?:https?|wss?):\/\//i;
/** A single path-shaped token: no line breaks, not a paragraph. */
const MAX_PATH = 4096;

/** What a token of free text needs before it is worth analysing: a climb, an encoded dot, a wrapper. */
const FREE_TEXT_HINT_RE = /\.\.(?:[\\/]|%(?:25)*(?:2f|5c))|%(?:25)*(?:2e|c0|c1|e0|u)|0x2e|\uff0e|(?:php|phar|expect):/i;
/** Prose beyond this is not scanned: a path worth flagging does not hide 64 KiB into a message. */
const MAX_TEXT = 65_536;
const TOKEN_RE = /[^\s"'`<>()[\]{},;|&]+/g;

/**
 * detectPaths reports `path_traversal`: a path field (by key, or any location field of a file-system
 * tool) that escapes its base after decoding, names a sensitive file, or uses a stream wrapper; a
 * URL whose raw path climbs above its root; and in free text, a token that climbs to a sensitive file.
 */
export function detectPaths(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  // `ｄｅｌｅｔｅ_ｆｉｌｅ`, `files/delete`, `files:delete` name the same deletion.
  const toolName = /[^\x20-\x7e]/.test(input.toolName) ? input.toolName.normalize('NFKC') : input.toolName;
  const deleteTool = DELETE_TOOL_RE.test(toolName);
  const deletes = deleteTool || (input.category === 'filesystem' && input.fields.some((f) => ACTION_KEY_RE.test(f.key) && DELETE_ACTION_RE.test(f.value)));
  for (const field of input.fields) {
    // A deletion's target by any name (`target`, `location`, `p`), or any value written as a rooted path.
    const target = deletes && (PATH_KEY_RE.test(field.key) || DELETE_TARGET_KEY_RE.test(field.key) || (!CONTENT_KEY_RE.test(field.key) && ROOTED_TOKEN_RE.test(field.value.trim())));
    const gone = target ? wholeTree(field.value) : undefined;
    if (gone) signals.push({ id: 'destructive_operation', severity: 'critical', path: field.pointer, evidence: excerpt(`deletes ${gone}: ${field.value}`) });
    // A location field by tool alone only among the call's own arguments: the members of a JSON document
    // being written (`{"img": "data:image/png;base64,…"}`) are its data, read as paths by their names only.
    const seen = analyseField(field, input.category === 'filesystem' && !input.embedded);
    if (seen) {
      signals.push({
        id: 'path_traversal',
        severity: seen.found.severity,
        path: field.pointer,
        evidence: evidenceOf(seen.found, seen.text),
      });
    }
  }
  return signals;
}

/** A finding and the text its offset points into (the value, or its compacted form). */
interface Seen {
  found: PathFinding;
  text: string;
}

function analyseField(field: StringField, filesystem: boolean): Seen | undefined {
  const { key, value } = field;
  if (value.length === 0) return undefined;
  const singleLine = !value.includes('\n');
  const trimmed = value.trim();
  const seen = (found: PathFinding | undefined, text: string): Seen | undefined => (found ? { found, text } : undefined);
  if (singleLine && value.length <= MAX_PATH && WEB_URL_RE.test(trimmed)) return seen(analyseUrlPath(trimmed), value);
  // A file-system tool's `source` is contents (`write_file {source}`) or where to copy from (`upload_file {source: '~/.aws/credentials'}`): a lone path-shaped token is the latter.
  const sourcePath = filesystem && key === 'source' && ROOTED_TOKEN_RE.test(trimmed);
  // An environment variable (`PATH`, `PYTHONPATH`, `LD_LIBRARY_PATH`: a search list) names no file to open.
  const searchList = field.name !== undefined && ENV_SEARCH_LIST_RE.test(field.name);
  if (searchList && !value.includes('..')) return undefined;
  if (singleLine && !searchList && (PATH_KEY_RE.test(key) || sourcePath || (filesystem && !CONTENT_KEY_RE.test(key)))) {
    if (value.length <= MAX_PATH) return seen(analysePath(value), value);
    // No file system takes a path this long as it is, but a tool that normalises it first does:
    // padding (`./` or `/` thousands of times, a climb far above any root) must not hide the target.
    const compact = compactPath(value);
    return seen(analysePath(compact), compact);
  }
  return seen(analyseFreeText(value), value);
}

const ENV_SEARCH_LIST_RE = /^(?:[A-Z][A-Z0-9_]*_?)?PATH$/;

/** The most `../` a path needs to climb above any real root. */
const MAX_CLIMB = 64;

/**
 * compactPath removes what normalisation removes without changing where a path leads: repeated
 * separators, `./` segments, and a climb of more than MAX_CLIMB levels (all of them end at the root).
 */
function compactPath(value: string): string {
  return value
    .replace(/(?<=.)[\\/]{2,}/g, '/')
    .replace(/(^|[\\/])(?:\.[\\/])+/g, '$1')
    .replace(new RegExp(`(?:\\.\\.[\\\\/]){${MAX_CLIMB + 1},}`, 'g'), '../'.repeat(MAX_CLIMB));
}

/** File tools that delete what they are given: `delete_file`, `fs_remove`, `removeDirectory`, `rmdir`… */
const DELETE_TOOL_RE = /(?:^|[_\-.\s/:]|[a-z](?=[A-Z]))(?:delete|remove|rm|rmdir|unlink|erase|wipe|purge|destroy|trash)(?:$|[_\-.\s/:]|(?<=[a-z])(?=[A-Z]))|^(?:delete|remove|rm|rmdir|unlink|erase|wipe|purge|destroy|trash)/i;
/** Keys a deletion's target goes by besides the path words: `fs_remove {target}`, `{location}`, `{pathname}`, `{name}`, `{p}`. */
const DELETE_TARGET_KEY_RE = /^(?:target|targets|location|pathname|name|names|p|item|items|resource|entry|node)$/;

/** `file_manager { action: "delete", path }` */
const ACTION_KEY_RE = /^(?:action|operation|op|command|mode)$/;
const DELETE_ACTION_RE = /^\s*(?:(?:recursive|force|bulk|hard)[_-]?)?(?:delete|remove|rm|rmdir|unlink|erase|wipe|purge|destroy|trash)(?:[_-]?(?:recursive|all|force|tree|dir|directory|folder|rf))?\s*$/i;

/**
 * wholeTree names what deleting `value` destroys when that is the root, a home directory or a
 * top-level system directory (`/`, `/*`, `~`, `$HOME`, `/home/ana`, `/etc`, `C:\\`, `C:\\Windows`), by
 * the shell rules' own path scope; a file inside a system directory (`/etc/hosts`) is not the tree.
 */
function wholeTree(value: string): string | undefined {
  const scope = pathScope(withoutDots(value.trim()));
  if (scope === 'root') return 'the root of the file system';
  if (scope === 'home') return 'a home directory';
  if (scope !== 'system') return undefined;
  const n = normalizePath(withoutDots(value.trim()).replace(/["']/g, '')).replace(/\/+$/, '');
  return /^\/[^/]+$|^[a-z]:\/[^/]+$/i.test(n) ? 'a system directory' : undefined;
}

/**
 * withoutDots resolves `.` and `..` in an absolute path the way the file system does (`/tmp/..` is `/`,
 * `/home/u/../../` is `/`, `C:\\Windows\\..` is `C:\\`); a relative path is left as it is.
 */
function withoutDots(p: string): string {
  const m = /^(~[^/\\]*|\$\{?HOME\}?|[A-Za-z]:|)([/\\].*)$/.exec(p);
  if (!m || !/(?:^|[/\\])\.\.?(?:[/\\]|$)/.test(m[2]!)) return p;
  const sep = m[2]!.includes('\\') && !m[2]!.includes('/') ? '\\' : '/';
  const out: string[] = [];
  for (const part of m[2]!.split(/[/\\]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `${m[1]}${sep}${out.join(sep)}`;
}

/** analyseFreeText looks at the tokens of prose, commands or code that carry a traversal hint. */
function analyseFreeText(value: string): PathFinding | undefined {
  const text = value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
  if (!FREE_TEXT_HINT_RE.test(text)) return undefined;
  for (const m of text.matchAll(TOKEN_RE)) {
    const token = m[0];
    if (token.length < 4 || token.length > MAX_PATH || !FREE_TEXT_HINT_RE.test(token)) continue;
    const found = WEB_URL_RE.test(token) ? analyseUrlPath(token) : analysePath(token);
    // Prose is full of `../` links and `data:` words: only conclusive findings count there.
    if (found?.conclusive) return { ...found, at: (m.index ?? 0) + found.at };
  }
  return undefined;
}

/** evidenceOf is the reason and an excerpt of the value around the finding, ~140 characters at most. */
function evidenceOf(found: PathFinding, value: string): string {
  const text = `${found.reason}: ${excerpt(value, found.at, found.at + 40)}`;
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
