import { classifyKeyName, PROVIDER_NAME_RE, PROVIDER_NAMES, splitName, type KeyName } from './key-name.js';

/** A value assigned to a key-like name somewhere in a text: `api_key = "…"`, `"password": "…"`, `--token …`. */
export interface Assignment {
  name: string;
  keyName: KeyName;
  value: string;
  /** Offsets of the value in the text. */
  start: number;
  end: number;
}

/** Cheap pre-filter: only text containing one of these fragments can hold a key-like name. */
const KEYWORD_RE = /key|token|secret|passw|pwd|pass|pw|cred|auth|contrase/g;
const NAME_CHAR_RE = /[A-Za-z0-9_.$-]/;
const OPERATOR_RE = /^(?::::=|::=|:=|=>|\?=|\|\|=|\.=|\+=|===|!==|==|!=|=|:|<-)/;
const QUOTES = '"\'`';
/** An optional `:` and a type name, then `=`: the type of a declaration (`string`, `String`, `const char*`). */
const TYPE_THEN_ASSIGN_RE = /^(:?)[ \t]*[A-Za-z_][\w.<>[\]*]{0,24}[ \t]*=(?![=>])/;
const isQuote = (ch: string | undefined): boolean => ch !== undefined && ch.length === 1 && QUOTES.includes(ch);
const MAX_VALUE = 500;

/**
 * findAssignments returns the values assigned to key-like names in `text`, in the forms code, config
 * files, shells and HTTP use: `NAME = value`, `"name": "value"`, `name := value`, `name => value`,
 * `export NAME=value`, `--name value`, `<name>value</name>`, and `"value" == name` comparisons.
 */
export function findAssignments(text: string, lower = text.toLowerCase()): Assignment[] {
  const out: Assignment[] = [];
  const seen = new Set<number>();
  KEYWORD_RE.lastIndex = 0;
  for (let m = KEYWORD_RE.exec(lower); m !== null; m = KEYWORD_RE.exec(lower)) {
    let start = m.index;
    while (start > 0 && start > m.index - 80 && NAME_CHAR_RE.test(text[start - 1] ?? '') && !isEscape(text, start - 1)) start--;
    let end = m.index + m[0].length;
    while (end < text.length && end < m.index + 80 && NAME_CHAR_RE.test(text[end] ?? '')) end++;
    KEYWORD_RE.lastIndex = Math.max(KEYWORD_RE.lastIndex, end);
    if (seen.has(start)) continue;
    seen.add(start);
    // `arn:aws:secretsmanager:…:secret:prod/db`: a field of a colon-separated identifier, not a name.
    if (text[start - 1] === ':' && /\w/.test(text[start - 2] ?? '')) continue;
    let name = text.slice(start, end);
    // `secret.assign("…")`: the method call is not part of the name.
    if (name.endsWith('.assign') && text.startsWith('("', start + name.length)) name = name.slice(0, -7);
    while (/[.-]$/.test(name)) name = name.slice(0, -1);
    const keyName = classifyKeyName(name.replace(/^[-$]+/, ''));
    if (!keyName) continue;
    // npm reads `_authToken` only when scoped to a registry (`//registry.npmjs.org/:_authToken=`).
    if (name === '_authToken' && !/\/\/[^\s/]+(?:\/[^\s:]*)?:$/.test(text.slice(Math.max(0, start - 200), start))) continue;
    const found = valueAfter(text, start, start + name.length, name) ?? valueBefore(text, start);
    if (found) out.push({ name, keyName, ...found });
  }
  return out;
}

/**
 * findProviderAssignments returns values assigned to a service's bare name (`sourcegraph: …`,
 * `"heroku": "…"`), which findAssignments leaves out for want of a key word.
 */
export function findProviderAssignments(text: string, lower = text.toLowerCase()): Assignment[] {
  const out: Assignment[] = [];
  PROVIDER_NAME_RE.lastIndex = 0;
  for (let m = PROVIDER_NAME_RE.exec(lower); m !== null; m = PROVIDER_NAME_RE.exec(lower)) {
    let start = m.index;
    while (start > 0 && start > m.index - 40 && NAME_CHAR_RE.test(text[start - 1] ?? '') && !isEscape(text, start - 1)) start--;
    let end = m.index + m[0].length;
    while (end < text.length && end < m.index + 40 && NAME_CHAR_RE.test(text[end] ?? '')) end++;
    PROVIDER_NAME_RE.lastIndex = Math.max(PROVIDER_NAME_RE.lastIndex, end);
    const name = text.slice(start, end).replace(/[.-]+$/, '');
    // The service must be a word of the name (`okta_url`), not a fragment of another (`rookTable`).
    if (!splitName(name).some((w) => PROVIDER_NAMES.has(w)) || classifyKeyName(name.replace(/^[-$]+/, ''))) continue;
    const found = valueAfter(text, start, start + name.length, name);
    if (found) out.push({ name, keyName: { strictness: 'token', providerOnly: true }, ...found });
  }
  return out;
}

interface Span {
  value: string;
  start: number;
  end: number;
}

/** valueAfter reads the value assigned after the name ending at `end`, or undefined. */
function valueAfter(text: string, nameStart: number, end: number, name: string): Span | undefined {
  let p = end;
  const before = text[nameStart - 1];
  const quotedName = isQuote(before);
  if (text[p] === '\\' && isQuote(text[p + 1])) p++;
  if (isQuote(text[p])) p++;
  if (text[p] === ']') p++;
  else if (text.startsWith('[]', p)) p += 2;
  p = skipBlanks(text, p);
  // A declared type between the name and `=`: `var apiToken string = "…"`, `apiToken: string = "…"`.
  const typed = TYPE_THEN_ASSIGN_RE.exec(text.slice(p, p + 48));
  if (typed && ((!quotedName && /[ \t]/.test(text[end] ?? '')) || typed[1] === ':')) p = skipBlanks(text, p + typed[0].length - 1);
  const op = OPERATOR_RE.exec(text.slice(p, p + 5));
  if (op) {
    p = skipBlanks(text, p + op[0].length);
    // `'password' => $input`, `password => params[:pw]`: a hash arrow takes a literal only when quoted.
    if (op[0] === '=>' && !isQuote(text[p]) && !(text[p] === '\\' && isQuote(text[p + 1]))) return undefined;
  } else if (text[p] === '.' && text.startsWith('.assign(', p) && isQuote(text[p + 8])) {
    // `secret.assign("value", 17)`: a C++ string assigned a literal.
    p += 8;
  } else if (text[p] === ',' && quotedName) {
    p = skipBlanks(text, p + 1);
    if (!isQuote(text[p])) return undefined;
  } else if (text[p] === '>' && before === '<') {
    const close = text.indexOf('<', p + 1);
    if (close < 0 || close - p > MAX_VALUE) return undefined;
    return { value: text.slice(p + 1, close).trim(), start: p + 1, end: close };
  } else if (p > end && name.startsWith('-')) {
    // `--api-key VALUE`: a command-line flag takes the next word.
  } else if (p > end && isQuote(text[p])) {
    // `password "value";`: a bare name followed by a string literal.
  } else if (text[p] === '(' && isQuote(text[p + 1]) && /[\w:>]\s+$/.test(text.slice(Math.max(0, nameStart - 40), nameStart))) {
    // `std::string secret("value")`: a declaration initialised from a literal (not a call like `getSecret("name")`).
    p++;
  } else {
    return undefined;
  }
  if (text[p] === '@') p++;
  // A connection string (`Server=db;User Id=sa;Password=…;`): its values end at `;`.
  const connection = before === ';' || /^[^\s;]+;[A-Za-z][\w ]{0,30}=/.test(text.slice(p, p + MAX_VALUE));
  return readValue(text, p, connection);
}

/** valueBefore reads `"value" == name` / `'value' !== name`, a comparison with a literal on the left. */
function valueBefore(text: string, nameStart: number): Span | undefined {
  const head = text.slice(Math.max(0, nameStart - MAX_VALUE), nameStart);
  const m = /(["'`])([^"'`\n]{1,500})\1\s*[!=]==?\s*$/.exec(head);
  if (!m || m[2] === undefined) return undefined;
  const start = nameStart - head.length + m.index + 1;
  return { value: m[2], start, end: start + m[2].length };
}

/** isEscape is true when text[i] is the letter of a `\n`/`\r`/`\t` escape (JSON-encoded text). */
function isEscape(text: string, i: number): boolean {
  return text[i - 1] === '\\' && /[nrt]/.test(text[i] ?? '');
}

function skipBlanks(text: string, p: number): number {
  while (text[p] === ' ' || text[p] === '\t') p++;
  return p;
}

const OBJECT_OR_LIST = /^(?:\{\s*(?:["'\x60]|[A-Za-z_$][\w$]*\s*:|$)|\[\s*(?:["'\x60{[]|$))/;

/** readValue reads a quoted (also `\"`-escaped) or bare value starting at `p`, on one line; in a connection string a bare one ends at `;`. */
function readValue(text: string, p: number, connection = false): Span | undefined {
  const escaped = text[p] === '\\' && isQuote(text[p + 1]);
  const quote = escaped ? text[p + 1] : text[p];
  if (quote !== undefined && isQuote(quote)) {
    const from = p + (escaped ? 2 : 1);
    const closing = escaped ? `\\${quote}` : quote;
    let q = text.indexOf(closing, from);
    while (!escaped && q > 0 && text[q - 1] === '\\') q = text.indexOf(closing, q + 1);
    const eol = text.indexOf('\n', from);
    if (q >= 0 && (eol < 0 || q < eol) && q - from <= MAX_VALUE) return { value: text.slice(from, q), start: from, end: q };
    p = from;
  }
  let e = p;
  while (e < text.length && e - p < MAX_VALUE && !/\s/.test(text[e] ?? '')) {
    if (text[e] === '\\' && /[nrt"'`]/.test(text[e + 1] ?? '')) break;
    if (connection && text[e] === ';') break;
    e++;
  }
  let value = text.slice(p, e);
  // The end of an enclosing string literal and its statement (`"jdbc:…?password=S3cret";`): the value ends before them.
  if (/[^"'`;]["'`]\);?$|[^"'`;]["'`];$/.test(value)) value = value.replace(/["'`]\)?;?$/, '');
  // A bare right-hand side ending a statement (`secret = other_var;`) is code, not a literal.
  if (value.endsWith(';')) return undefined;
  // An object or list under the name (`"password": {"type": "string"}`, `password: {type: String,`, `tokens: ["a"`) is structure.
  if (OBJECT_OR_LIST.test(value)) return undefined;
  while (/[,'"`]$/.test(value)) value = value.slice(0, -1);
  // `initialize(token: abc123)`: a bare argument inside a call, not an assignment (gitleaks' generic rule
  // wants a quote, a blank or `;` after the value).
  if (value.endsWith(')') && !value.includes('(')) return undefined;
  return value ? { value, start: p, end: p + value.length } : undefined;
}
