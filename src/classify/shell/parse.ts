import sh from 'mvdan-sh';
import { LruCache } from './lru.js';
import type { Connector, CommandContext, ShellAssign, ShellCommand, ShellRedirect, ShellScript, ShellWord, WordPiece } from './script.js';
import { PREFIX_KEPT, tailOf, tokenizeScript } from './tokens.js';

const { syntax } = sh;

/** Strings longer than this are not parsed (mvdan-sh is linear but ~1 µs per byte). */
const MAX_PARSED = 32_768;
/** Only strings up to this size are cached, so the cache stays within a few MB. */
const MAX_CACHED = 4_096;
const cache = new LruCache<string, ShellScript>(256);
let parser: ReturnType<typeof syntax.NewParser> | undefined;

/**
 * Bytes of command text mvdan-sh parses for one tool call (detectShell opens each call's budget).
 * The parser costs ~1 µs a byte: 28 commands of 32 KB in one request took 1.2 s. Past the budget a
 * string gets tokenizeScript's reading, still analysed rule by rule, and nothing read that way is cached.
 */
const CALL_PARSE_BUDGET = 131_072;
const OVER_BUDGET = "beyond this call's parse budget";
let budget = CALL_PARSE_BUDGET;
let denied = false;

/** openParseBudget starts a tool call's budget. */
export function openParseBudget(): void {
  budget = CALL_PARSE_BUDGET;
  denied = false;
}

/** parseBudgetDenied: some string of the current call was read without the parser (do not cache what came of it). */
export function parseBudgetDenied(): boolean {
  return denied;
}

/**
 * parseScript turns a command string into a ShellScript: mvdan-sh's syntax tree flattened into
 * simple commands, or, when the string is not valid shell (unbalanced quotes are common in
 * injection payloads), tokenizeScript's approximation with `parsed: false`. Results are cached.
 */
export function parseScript(src: string, useCache = true): ShellScript {
  const hit = useCache ? cache.get(src) : undefined;
  if (hit) return hit;
  const script = buildScript(src);
  if (useCache && src.length <= MAX_CACHED && script.error !== OVER_BUDGET) cache.set(src, script);
  return script;
}

/** A command made of plain words only: no quotes, expansions, globs, operators or comments. */
const PLAIN_COMMAND = /^[ \t]*[\w./:,@+%^~-][\w \t./:=,@+%^~-]*$/;

/**
 * plainScript splits a plain command on blanks, which is all the shell would do with it: the
 * parser costs ~100 µs, this a few. Requires PLAIN_COMMAND to match and no leading assignment.
 */
function plainScript(src: string): ShellScript {
  const argv: ShellWord[] = [];
  for (const m of src.matchAll(/[^ \t]+/g)) {
    const value = m[0];
    argv.push({ value, raw: value, start: m.index, end: m.index + value.length, pieces: [{ kind: 'lit', value }], dynamic: false });
  }
  const command: ShellCommand = { argv, assigns: [], redirs: [], connector: '', background: false, context: 'top', sequence: 0, index: 0, start: argv[0]?.start ?? 0, end: src.trimEnd().length };
  return { source: src, parsed: true, commands: argv.length > 0 ? [command] : [], substs: [], functions: [] };
}

function buildScript(src: string): ShellScript {
  if (PLAIN_COMMAND.test(src) && !/^\s*[\w]+=/.test(src)) return plainScript(src);
  if (src.length > MAX_PARSED) return tokenizeScript(src, 'too long to parse');
  if (src.length > budget) {
    denied = true;
    return tokenizeScript(src, OVER_BUDGET);
  }
  budget -= src.length;
  parser ??= syntax.NewParser();
  let file: GoNode | undefined;
  try {
    file = (parser.Parse(src, '') as unknown as { __internal_object__?: GoNode }).__internal_object__;
  } catch (err) {
    return tokenizeScript(src, parseErrorMessage(err));
  }
  // A build of mvdan-sh without GopherJS internals: fall back rather than misread it.
  if (!file || !Array.isArray((file.Stmts as GoSlice | undefined)?.$array)) return tokenizeScript(src, 'unsupported mvdan-sh build');
  const builder = new TreeFlattener(src);
  try {
    builder.stmts(list(file.Stmts), builder.newSequence(), 'top', '', 0);
  } catch (err) {
    // Thousands of `|` nest the tree as deep: walked recursively, that exhausts the stack.
    if (err instanceof RangeError) return tokenizeScript(src, 'nested too deeply to walk');
    throw err;
  }
  return { source: src, parsed: true, commands: builder.commands, substs: builder.substs, functions: builder.functions };
}

function parseErrorMessage(err: unknown): string {
  const e = err as { Error?: () => string; message?: string };
  if (typeof e?.Error === 'function') return e.Error();
  return e?.message ?? String(err);
}

/**
 * The GopherJS objects behind mvdan-sh's nodes. Reading them directly is ~10× faster than through
 * the exported wrappers (each wrapped field access copies the value). Pointers carry their Go type
 * in `constructor.string` (`*syntax.CallExpr`); nil pointers are `constructor.nil`; slices are
 * `{ $array, $offset, $length }`; strings hold UTF-8 bytes; positions are `{ offs }` byte offsets.
 */
interface GoNode {
  [field: string]: unknown;
}
interface GoSlice {
  $array: unknown[];
  $offset: number;
  $length: number;
}
interface GoPos {
  offs: number;
  lineCol: number;
}

/** typeOf returns a node's Go type without its package (`CallExpr`), or '' for nil. */
function typeOf(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const ctor = (node as { constructor?: { string?: unknown; nil?: unknown } }).constructor;
  if (!ctor || typeof ctor.string !== 'string' || ctor.nil === node || ctor.string.startsWith('[]')) return '';
  return ctor.string.replace(/^\*?syntax\./, '');
}

function list(slice: unknown): GoNode[] {
  const s = slice as GoSlice | undefined;
  if (!s || !Array.isArray(s.$array)) return [];
  return s.$array.slice(s.$offset, s.$offset + s.$length) as GoNode[];
}

function node(value: unknown): GoNode | undefined {
  return typeOf(value) ? (value as GoNode) : undefined;
}

/** goString decodes a Go string (UTF-8 bytes in a JS string). */
function goString(value: unknown): string {
  const s = typeof value === 'string' ? value : '';
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

function posOf(n: GoNode): GoPos {
  return (n.Pos as () => GoPos).call(n);
}

function endOf(n: GoNode): GoPos {
  return (n.End as () => GoPos).call(n);
}

/** byteToCharMap maps mvdan-sh's UTF-8 byte offsets to string indexes (identity for ASCII). */
function byteToCharMap(src: string): (offset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(src)) return (offset) => offset;
  const map: number[] = [];
  let i = 0;
  for (const ch of src) {
    const bytes = Buffer.byteLength(ch);
    for (let b = 0; b < bytes; b++) map.push(i);
    i += ch.length;
  }
  map.push(i);
  return (offset) => map[Math.min(offset, map.length - 1)] ?? src.length;
}

/** TreeFlattener walks a mvdan-sh File and collects its simple commands, substitutions and functions. */
class TreeFlattener {
  readonly commands: ShellCommand[] = [];
  readonly substs: ShellScript['substs'] = [];
  readonly functions: ShellScript['functions'] = [];
  private readonly counters: number[] = [];
  private readonly toChar: (offset: number) => number;

  constructor(private readonly src: string) {
    this.toChar = byteToCharMap(src);
  }

  newSequence(): number {
    this.counters.push(0);
    return this.counters.length - 1;
  }

  stmts(stmts: GoNode[], seq: number, ctx: CommandContext, first: Connector, depth: number): void {
    let connector = first;
    for (const s of stmts) {
      this.stmt(s, seq, ctx, connector, depth);
      connector = s.Background ? '&' : (s.Semicolon as GoPos).lineCol > 0 ? ';' : '\n';
    }
  }

  private stmt(s: GoNode, seq: number, ctx: CommandContext, connector: Connector, depth: number): void {
    const before = this.commands.length;
    const redirs = list(s.Redirs).map((r) => this.redirect(r, depth));
    const cmd = node(s.Cmd);
    const type = typeOf(cmd);
    const base = { connector, background: Boolean(s.Background), context: ctx, sequence: seq, start: this.pos(posOf(s)), end: this.pos(endOf(s)) };
    if (!cmd || type === 'CallExpr') {
      const assigns = list(cmd?.Assigns).map((a) => this.assign(a, depth));
      const argv = list(cmd?.Args).map((w) => this.word(w, depth));
      this.push({ ...base, argv, assigns, redirs });
      return;
    }
    switch (type) {
      case 'BinaryCmd':
        this.stmt(cmd.X as GoNode, seq, ctx, connector, depth);
        this.stmt(cmd.Y as GoNode, seq, ctx, this.binaryOp(cmd.OpPos as GoPos), depth);
        break;
      case 'Subshell':
      case 'Block':
        this.stmts(list(cmd.Stmts), seq, ctx, connector, depth);
        break;
      case 'IfClause':
        this.ifClause(cmd, seq, ctx, connector, depth);
        break;
      case 'WhileClause':
      case 'ForClause': {
        const cond = list(cmd.Cond);
        const loop = node(cmd.Loop);
        if (loop) this.nestedSubsts(loop, depth);
        this.stmts(cond, seq, ctx, connector, depth);
        this.stmts(list(cmd.Do), seq, ctx, cond.length ? '&&' : connector, depth);
        break;
      }
      case 'CaseClause':
        this.word(cmd.Word as GoNode, depth);
        for (const item of list(cmd.Items)) this.stmts(list(item.Stmts), seq, ctx, connector, depth);
        break;
      case 'FuncDecl': {
        const fseq = this.newSequence();
        this.functions.push({ name: goString((cmd.Name as GoNode).Value), sequence: fseq });
        this.stmt(cmd.Body as GoNode, fseq, 'function', '', depth);
        break;
      }
      case 'TimeClause':
      case 'CoprocClause': {
        const inner = node(cmd.Stmt);
        if (inner) this.stmt(inner, seq, ctx, connector, depth);
        break;
      }
      case 'DeclClause': {
        const variant = cmd.Variant as GoNode;
        const argv = [this.literalWord(goString(variant.Value), variant)];
        const assigns = [];
        for (const a of list(cmd.Args)) {
          const converted = this.assign(a, depth);
          if (a.Naked) argv.push(converted.value ?? this.literalWord(converted.name, a));
          else assigns.push(converted);
        }
        this.push({ ...base, argv, assigns, redirs });
        return;
      }
      default: {
        // [[ … ]], (( … )), let: not commands, but their words may substitute commands.
        this.nestedSubsts(cmd, depth);
        const at = this.pos(posOf(cmd));
        this.push({ ...base, argv: [this.literalWord(this.src.slice(at, at + 2), cmd)], assigns: [], redirs });
        return;
      }
    }
    // A compound statement: its redirections and `&` belong to the last command it ran.
    const last = this.commands.length > before ? this.commands[this.commands.length - 1] : undefined;
    if (last) {
      last.redirs.push(...redirs);
      last.background ||= Boolean(s.Background);
    }
  }

  private ifClause(clause: GoNode, seq: number, ctx: CommandContext, connector: Connector, depth: number): void {
    const cond = list(clause.Cond);
    this.stmts(cond, seq, ctx, connector, depth);
    this.stmts(list(clause.Then), seq, ctx, cond.length ? '&&' : connector, depth);
    const otherwise = node(clause.Else);
    if (otherwise) this.ifClause(otherwise, seq, ctx, '||', depth);
  }

  private push(c: Omit<ShellCommand, 'index'>): void {
    const index = this.counters[c.sequence] ?? 0;
    this.counters[c.sequence] = index + 1;
    this.commands.push({ ...c, index });
  }

  private binaryOp(pos: GoPos): Connector {
    const at = this.src.slice(this.pos(pos), this.pos(pos) + 2);
    if (at === '&&' || at === '||' || at === '|&') return at;
    return '|';
  }

  private assign(a: GoNode, depth: number): ShellAssign {
    const name = node(a.Name);
    const value = node(a.Value);
    const array = node(a.Array);
    if (array) this.nestedSubsts(array, depth);
    return { name: name ? goString(name.Value) : '', value: value ? this.word(value, depth) : undefined };
  }

  private redirect(r: GoNode, depth: number): ShellRedirect {
    const opStart = this.pos(r.OpPos as GoPos);
    const target = node(r.Word);
    const heredoc = node(r.Hdoc);
    const fd = node(r.N);
    const opEnd = target ? this.pos(posOf(target)) : opStart + 1;
    return {
      op: this.src.slice(opStart, opEnd).trim() || '>',
      fd: fd ? goString(fd.Value) : '',
      target: target ? this.word(target, depth) : undefined,
      heredoc: heredoc ? this.word(heredoc, depth) : undefined,
    };
  }

  private word(w: GoNode, depth: number): ShellWord {
    const pieces: WordPiece[] = [];
    for (const part of list(w.Parts)) this.piece(part, pieces, false, depth);
    const start = this.pos(posOf(w));
    const end = this.pos(endOf(w));
    return {
      value: pieces.map((p) => p.value).join(''),
      raw: this.src.slice(start, end),
      start,
      end,
      pieces,
      dynamic: pieces.some((p) => p.kind === 'param' || p.kind === 'subst' || p.kind === 'arith' || p.kind === 'proc'),
    };
  }

  private literalWord(value: string, n: GoNode): ShellWord {
    const start = this.pos(posOf(n));
    const end = this.pos(endOf(n));
    return { value, raw: this.src.slice(start, end), start, end, pieces: [{ kind: 'lit', value }], dynamic: false };
  }

  private piece(part: GoNode, pieces: WordPiece[], inDouble: boolean, depth: number): void {
    switch (typeOf(part)) {
      case 'Lit': {
        const value = goString(part.Value);
        if (inDouble) pieces.push({ kind: 'dbl', value: value.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1') });
        else pieces.push({ kind: 'lit', value: value.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1') });
        return;
      }
      case 'SglQuoted': {
        const value = goString(part.Value);
        pieces.push(part.Dollar ? { kind: 'ansi', value: decodeAnsiC(value) } : { kind: 'sgl', value });
        return;
      }
      case 'DblQuoted': {
        const before = pieces.length;
        for (const p of list(part.Parts)) this.piece(p, pieces, true, depth);
        if (pieces.length === before) pieces.push({ kind: 'dbl', value: '' });
        return;
      }
      case 'ParamExp': {
        const param = node(part.Param);
        const name = param ? goString(param.Value) : '';
        const simple = part.Short || (!node(part.Index) && !node(part.Slice) && !node(part.Repl) && !node(part.Exp) && !part.Length && !part.Excl && !part.Width);
        pieces.push({ kind: 'param', value: simple ? `$${name}` : this.text(part), param: name });
        this.nestedSubsts(part, depth);
        return;
      }
      case 'CmdSubst':
        this.subst(list(part.Stmts), part.Backquotes ? '``' : '$()', tailOf(pieces, PREFIX_KEPT), part, depth);
        pieces.push({ kind: 'subst', value: this.text(part) });
        return;
      case 'ProcSubst': {
        const text = this.text(part);
        this.subst(list(part.Stmts), text.startsWith('>') ? '>()' : '<()', '', part, depth);
        pieces.push({ kind: 'proc', value: text });
        return;
      }
      case 'ArithmExp':
        this.nestedSubsts(part, depth);
        pieces.push({ kind: 'arith', value: this.text(part) });
        return;
      case 'ExtGlob':
        pieces.push({ kind: 'glob', value: this.text(part) });
        return;
      default:
        pieces.push({ kind: 'lit', value: this.text(part) });
    }
  }

  private subst(stmts: GoNode[], kind: ShellScript['substs'][number]['kind'], prefix: string, n: GoNode, depth: number): void {
    const seq = this.newSequence();
    this.substs.push({ kind, sequence: seq, prefix, nested: depth > 0, start: this.pos(posOf(n)), end: this.pos(endOf(n)) });
    this.stmts(stmts, seq, 'subst', '', depth + 1);
  }

  /** nestedSubsts finds the command substitutions below a node this flattener does not model. */
  private nestedSubsts(n: GoNode, depth: number): void {
    for (const [key, value] of Object.entries(n)) {
      if (key === '$val') continue;
      const children = Array.isArray((value as GoSlice | undefined)?.$array) ? list(value) : typeOf(value) ? [value as GoNode] : [];
      for (const child of children) {
        const type = typeOf(child);
        if (type === 'CmdSubst') this.subst(list(child.Stmts), child.Backquotes ? '``' : '$()', '', child, depth);
        else if (type === 'ProcSubst') this.subst(list(child.Stmts), this.text(child).startsWith('>') ? '>()' : '<()', '', child, depth);
        else if (type && type !== 'Pos') this.nestedSubsts(child, depth);
      }
    }
  }

  private text(n: GoNode): string {
    return this.src.slice(this.pos(posOf(n)), this.pos(endOf(n)));
  }

  private pos(p: GoPos): number {
    return this.toChar(p.offs);
  }
}

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** decodeAnsiC decodes the escapes of a bash `$'…'` string. */
export function decodeAnsiC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs, (m, esc: string) => {
    const head = esc[0]!;
    if (head === 'x' || head === 'u' || head === 'U') return String.fromCodePoint(parseInt(esc.slice(1), 16));
    if (/[0-7]/.test(head)) return String.fromCharCode(parseInt(esc, 8));
    if (head === 'c' && esc.length === 2) return String.fromCharCode(esc.charCodeAt(1) & 31);
    return ANSI_ESCAPES[esc] ?? m;
  });
}
