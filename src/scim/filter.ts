import type { RawAttrPath } from './schema.js';
import { invalidFilter, invalidPath } from './errors.js';

/**
 * SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): a tokenizer and a recursive-descent
 * parser for the ABNF, producing an AST that knows nothing of schemas or SQL.
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"   ; and "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"      ; also: valuePath "." subAttr (compareOp compValue / "pr")
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   attrPath  = [URI ":"] ATTRNAME *1subAttr
 *   PATH      = attrPath / valuePath [subAttr]
 *
 * Precedence: not > and > or. Operators, `and`/`or`/`not` and literals are case-insensitive.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompValue = string | number | boolean | null;

export type Filter =
  | { kind: 'logical'; op: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'present'; path: RawAttrPath }
  | { kind: 'compare'; op: CompareOp; path: RawAttrPath; value: CompValue }
  /** `attr[filter]`: some value of the multi-valued attr matches filter (paths relative to it). */
  | { kind: 'valuePath'; path: RawAttrPath; filter: Filter };

/** A PATCH target: `attr[.sub]`, or `attr[filter][.sub]`. */
export interface PatchPath {
  path: RawAttrPath;
  filter?: Filter;
  /** Set when a value filter is followed by `.sub`. */
  sub?: string;
  /** The attribute path as written (an extension's bare URN is a valid PATCH target). */
  text: string;
}

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_LENGTH = 8192;
const MAX_DEPTH = 64;

type Token =
  | { type: 'word'; text: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: '(' | ')' | '[' | ']'; pos: number };

/** Thrown by the parser; the public entry points turn it into invalidFilter or invalidPath. */
class SyntaxProblem extends Error {}

function fail(message: string, pos: number): never {
  throw new SyntaxProblem(`${message} at position ${pos + 1}`);
}

/** tokenize splits a filter into words, JSON strings (escapes decoded) and brackets. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c, pos: i });
      i++;
    } else if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) fail('unterminated string', start);
      i++;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, i));
      } catch {
        fail('invalid escape in string', start);
      }
      tokens.push({ type: 'string', value: value as string, pos: start });
    } else {
      const start = i;
      while (i < text.length && !/[\s()[\]"]/.test(text[i]!)) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), pos: start });
    }
  }
  return tokens;
}

const NAME = '\\$?[A-Za-z][A-Za-z0-9_$-]*';
const PLAIN_PATH = new RegExp(`^(${NAME})(?:\\.(${NAME}))?$`);
const URN_PATH = new RegExp(`^(urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\\S+):(${NAME})(?:\\.(${NAME}))?$`, 'i');
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** parseAttrPath reads `[urn:…:]attr[.sub]`; undefined when the word is not one. */
export function parseAttrPath(word: string): RawAttrPath | undefined {
  const urn = URN_PATH.exec(word);
  if (urn) return { uri: urn[1]!, attr: urn[2]!, ...(urn[3] ? { sub: urn[3] } : {}) };
  const plain = PLAIN_PATH.exec(word);
  if (plain) return { attr: plain[1]!, ...(plain[2] ? { sub: plain[2] } : {}) };
  return undefined;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(what: string): Token {
    const t = this.tokens[this.i++];
    if (!t) fail(`expected ${what} but the filter ended`, this.length);
    return t;
  }

  private keyword(t: Token | undefined, ...words: string[]): boolean {
    return t?.type === 'word' && words.includes(t.text.toLowerCase());
  }

  private expect(type: '(' | ')' | '[' | ']'): void {
    const t = this.next(`"${type}"`);
    if (t.type !== type) fail(`expected "${type}" but found ${describe(t)}`, t.pos);
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  trailing(): never {
    const t = this.peek()!;
    fail(`unexpected ${describe(t)}`, t.pos);
  }

  /** filter := and ("or" and)* */
  filter(inBrackets: boolean): Filter {
    if (++this.depth > MAX_DEPTH) fail(`the filter nests deeper than ${MAX_DEPTH} levels`, this.peek()?.pos ?? this.length);
    let left = this.and(inBrackets);
    while (this.keyword(this.peek(), 'or')) {
      this.i++;
      left = { kind: 'logical', op: 'or', left, right: this.and(inBrackets) };
    }
    this.depth--;
    return left;
  }

  private and(inBrackets: boolean): Filter {
    let left = this.unary(inBrackets);
    while (this.keyword(this.peek(), 'and')) {
      this.i++;
      left = { kind: 'logical', op: 'and', left, right: this.unary(inBrackets) };
    }
    return left;
  }

  private unary(inBrackets: boolean): Filter {
    const t = this.next('an attribute, "not" or "("');
    if (t.type === '(') {
      const inner = this.filter(inBrackets);
      this.expect(')');
      return inner;
    }
    if (this.keyword(t, 'not')) {
      this.expect('(');
      const inner = this.filter(inBrackets);
      this.expect(')');
      return { kind: 'not', filter: inner };
    }
    if (t.type !== 'word') fail(`expected an attribute but found ${describe(t)}`, t.pos);
    const path = parseAttrPath(t.text);
    if (!path) fail(`"${t.text}" is not an attribute path`, t.pos);
    if (inBrackets && (path.uri !== undefined || path.sub !== undefined)) fail(`"${t.text}" inside [...] must name a sub-attribute`, t.pos);
    if (this.peek()?.type === '[') {
      if (inBrackets) fail('value filters cannot nest', this.peek()!.pos);
      if (path.sub !== undefined) fail(`"${t.text}[...]" filters a sub-attribute; filter the attribute`, t.pos);
      this.i++;
      const inner = this.filter(true);
      this.expect(']');
      const after = this.peek();
      if (after?.type === 'word' && after.text.startsWith('.')) {
        // `emails[type eq "work"].value eq "x"`: a value whose type is work and whose value is x.
        this.i++;
        const sub = parseAttrPath(after.text.slice(1));
        if (!sub || sub.sub !== undefined || sub.uri !== undefined) fail(`"${after.text}" is not a sub-attribute`, after.pos);
        const cond = this.condition({ attr: sub.attr }, after);
        return { kind: 'valuePath', path, filter: { kind: 'logical', op: 'and', left: inner, right: cond } };
      }
      return { kind: 'valuePath', path, filter: inner };
    }
    return this.condition(path, t);
  }

  /** condition := "pr" / compareOp compValue, after the attribute path. */
  private condition(path: RawAttrPath, at: Token): Filter {
    const op = this.next(`an operator after "${wordOf(at)}"`);
    if (this.keyword(op, 'pr')) return { kind: 'present', path };
    if (op.type !== 'word' || !COMPARE_OPS.has(op.text.toLowerCase())) fail(`expected an operator (eq ne co sw ew gt ge lt le pr) but found ${describe(op)}`, op.pos);
    return { kind: 'compare', op: op.text.toLowerCase() as CompareOp, path, value: this.value() };
  }

  private value(): CompValue {
    const t = this.next('a value');
    if (t.type === 'string') return t.value;
    if (t.type === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
      if (NUMBER.test(t.text)) return Number(t.text);
    }
    fail(`expected a value (a "string", number, true, false or null) but found ${describe(t)}`, t.pos);
  }

  /** patchPath := attrPath / attrPath "[" valFilter "]" ["." subAttr] */
  patchPath(): PatchPath {
    const t = this.next('an attribute path');
    if (t.type !== 'word') fail(`expected an attribute path but found ${describe(t)}`, t.pos);
    const path = parseAttrPath(t.text);
    if (!path) fail(`"${t.text}" is not an attribute path`, t.pos);
    if (this.peek()?.type !== '[') return { path, text: t.text };
    if (path.sub !== undefined) fail(`"${t.text}[...]" filters a sub-attribute; filter the attribute`, t.pos);
    this.i++;
    const filter = this.filter(true);
    this.expect(']');
    const after = this.peek();
    if (!after) return { path, filter, text: t.text };
    if (after.type !== 'word' || !after.text.startsWith('.')) fail(`unexpected ${describe(after)}`, after.pos);
    this.i++;
    const sub = parseAttrPath(after.text.slice(1));
    if (!sub || sub.sub !== undefined || sub.uri !== undefined) fail(`"${after.text}" is not a sub-attribute`, after.pos);
    return { path, filter, sub: sub.attr, text: t.text };
  }
}

function wordOf(t: Token): string {
  return t.type === 'word' ? t.text : t.type === 'string' ? JSON.stringify(t.value) : t.type;
}

function describe(t: Token): string {
  return t.type === 'string' ? `the string ${JSON.stringify(t.value)}` : `"${wordOf(t)}"`;
}

function run<T>(text: string, what: string, parse: (p: Parser) => T): T {
  if (text.length > MAX_LENGTH) throw new SyntaxProblem(`the ${what} is ${text.length} characters long; the limit is ${MAX_LENGTH}`);
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new SyntaxProblem(`the ${what} is empty`);
  const parser = new Parser(tokens, text.length);
  const result = parse(parser);
  if (!parser.atEnd()) parser.trailing();
  return result;
}

/** parseScimFilter parses a filter expression; a syntax error is 400 invalidFilter naming the position. */
export function parseScimFilter(text: string): Filter {
  try {
    return run(text, 'filter', (p) => p.filter(false));
  } catch (err) {
    if (err instanceof SyntaxProblem) throw invalidFilter(`invalid filter ${JSON.stringify(text.slice(0, 200))}: ${err.message}`);
    throw err;
  }
}

/** parseScimPath parses a PATCH operation's path; a syntax error is 400 invalidPath. */
export function parseScimPath(text: string): PatchPath {
  try {
    return run(text, 'path', (p) => p.patchPath());
  } catch (err) {
    if (err instanceof SyntaxProblem) throw invalidPath(`invalid path ${JSON.stringify(text.slice(0, 200))}: ${err.message}`);
    throw err;
  }
}
