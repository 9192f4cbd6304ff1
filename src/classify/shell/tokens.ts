import type { Connector, ShellCommand, ShellRedirect, ShellScript, ShellSubst, ShellWord, WordPiece } from './script.js';

interface Frame {
  kind: 'top' | '$()' | '``';
  sequence: number;
  index: number;
  connector: Connector;
  words: ShellWord[];
  redirs: ShellRedirect[];
  pendingRedirect: { op: string; fd: string } | undefined;
  pieces: WordPiece[];
  wordStart: number;
  commandStart: number;
  parens: number;
  /** Where the substitution's `$(` or backtick starts. */
  substStart: number;
  subst: ShellSubst | undefined;
}

/** Substitutions nested deeper than this are counted but not opened: each open one holds its outer word. */
const MAX_SUBST_NESTING = 64;
// Sticky: read at an offset without slicing the rest of the text off for every `$` and `<`.
const PARAM = /\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/y;
const REDIRECT = /<<<|<<-|<<|>>|<>|<&|>&|>\||<|>/y;

/**
 * How much of the text before a substitution is kept as its prefix: rules read only its end (`alice$(id)`).
 * Joining the whole word each time made a word of 20,000 substitutions quadratic in time and memory
 * (100 KB of "db.`{": 23 s and 2 GB).
 */
export const PREFIX_KEPT = 64;

/** tailOf joins the last `max` characters of a word's pieces. */
export function tailOf(pieces: readonly WordPiece[], max: number): string {
  let out = '';
  for (let k = pieces.length - 1; k >= 0 && out.length < max; k--) out = pieces[k]!.value.slice(-(max - out.length)) + out;
  return out;
}

/**
 * tokenizeScript approximates a ShellScript for a string mvdan-sh could not parse, the way a shell
 * would see it once the payload lands in its intended (quoted) context: a quote with no partner is
 * dropped, `;`, `&`, `|`, newlines and stray parentheses separate commands, and `$(`/backticks open
 * substitutions even when they are never closed.
 */
export function tokenizeScript(src: string, error: string): ShellScript {
  const commands: ShellCommand[] = [];
  const substs: ShellSubst[] = [];
  let sequences = 0;
  const newFrame = (kind: Frame['kind'], at: number): Frame => ({
    kind,
    sequence: sequences++,
    index: 0,
    connector: '',
    words: [],
    redirs: [],
    pendingRedirect: undefined,
    pieces: [],
    wordStart: at,
    commandStart: at,
    parens: 0,
    substStart: at,
    subst: undefined,
  });
  const stack: Frame[] = [newFrame('top', 0)];
  const top = (): Frame => stack[stack.length - 1]!;

  const endWord = (f: Frame, at: number): void => {
    if (f.pieces.length === 0) return;
    const word: ShellWord = {
      value: f.pieces.map((p) => p.value).join(''),
      raw: src.slice(f.wordStart, at),
      start: f.wordStart,
      end: at,
      pieces: f.pieces,
      dynamic: f.pieces.some((p) => p.kind === 'param' || p.kind === 'subst'),
    };
    f.pieces = [];
    if (f.pendingRedirect) {
      f.redirs.push({ ...f.pendingRedirect, target: word, heredoc: undefined });
      f.pendingRedirect = undefined;
    } else f.words.push(word);
  };
  const endCommand = (f: Frame, at: number, next: Connector): void => {
    endWord(f, at);
    if (f.words.length > 0 || f.redirs.length > 0) {
      commands.push({
        argv: f.words,
        assigns: [],
        redirs: f.redirs,
        connector: f.connector,
        background: next === '&',
        context: f.kind === 'top' ? 'top' : 'subst',
        sequence: f.sequence,
        index: f.index++,
        start: f.words[0]?.start ?? f.redirs[0]?.target?.start ?? f.commandStart,
        end: at,
      });
      f.connector = next;
    } else if (f.index > 0 || next === '&' || next === '|') {
      // Keep the strongest separator seen since the last command (`a;& b`).
      if (f.connector === '' || f.connector === ';' || f.connector === '\n') f.connector = next;
    }
    f.words = [];
    f.redirs = [];
    f.commandStart = at;
  };
  const addChar = (f: Frame, at: number, ch: string, kind: WordPiece['kind'] = 'lit'): void => {
    if (f.pieces.length === 0) f.wordStart = at;
    const last = f.pieces[f.pieces.length - 1];
    if (last && last.kind === kind) last.value += ch;
    else f.pieces.push({ kind, value: ch });
  };
  const closeSubst = (at: number): void => {
    const inner = stack.pop()!;
    endCommand(inner, at, '');
    const outer = top();
    const text = src.slice(inner.substStart, at);
    if (inner.subst) inner.subst.end = at;
    if (outer.pieces.length === 0) outer.wordStart = inner.substStart;
    outer.pieces.push({ kind: 'subst', value: text });
  };
  const openSubst = (kind: '$()' | '``', at: number, bodyStart: number): boolean => {
    const outer = top();
    if (stack.length > MAX_SUBST_NESTING) {
      // Deeper than any command nests: counted (so the script is reported as too big to analyse), not opened.
      substs.push({ kind, sequence: -1, prefix: '', nested: true, start: at, end: src.length });
      return false;
    }
    const frame = newFrame(kind, bodyStart);
    frame.substStart = at;
    frame.subst = { kind, sequence: frame.sequence, prefix: tailOf(outer.pieces, PREFIX_KEPT), nested: stack.length > 1, start: at, end: src.length };
    substs.push(frame.subst);
    stack.push(frame);
    return true;
  };

  let i = 0;
  while (i < src.length) {
    const f = top();
    const ch = src[i]!;
    const next = src[i + 1] ?? '';
    if (ch === "'" || ch === '"') {
      const close = src.indexOf(ch, i + 1);
      if (close > i) {
        if (f.pieces.length === 0) f.wordStart = i;
        f.pieces.push({ kind: ch === "'" ? 'sgl' : 'dbl', value: src.slice(i + 1, close) });
        i = close + 1;
      } else i++;
      continue;
    }
    if (ch === '\\') {
      addChar(f, i, next);
      i += 2;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord(f, i);
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      endCommand(f, i, '\n');
      i++;
      continue;
    }
    if (ch === ';') {
      endCommand(f, i, ';');
      i++;
      continue;
    }
    if (ch === '&' && next !== '>') {
      endCommand(f, i, next === '&' ? '&&' : '&');
      i += next === '&' ? 2 : 1;
      continue;
    }
    if (ch === '|') {
      const op = next === '|' ? '||' : next === '&' ? '|&' : '|';
      endCommand(f, i, op);
      i += op.length;
      continue;
    }
    if (ch === '`') {
      if (f.kind === '``') closeSubst(i + 1);
      else if (!openSubst('``', i, i + 1)) addChar(f, i, ch);
      i++;
      continue;
    }
    if (ch === '$' && next === '(' && src[i + 2] !== '(') {
      if (!openSubst('$()', i, i + 2)) addChar(f, i, '$(');
      i += 2;
      continue;
    }
    if (ch === '$' && /[A-Za-z_{]/.test(next)) {
      PARAM.lastIndex = i;
      const m = PARAM.exec(src);
      if (m) {
        const name = m[1]!.replace(/^\{|\}$/g, '').replace(/[^A-Za-z0-9_].*$/, '');
        if (f.pieces.length === 0) f.wordStart = i;
        f.pieces.push({ kind: 'param', value: `$${name}`, param: name });
        i += m[0].length;
        continue;
      }
    }
    if (ch === '(') {
      endWord(f, i);
      f.parens++;
      i++;
      continue;
    }
    if (ch === ')') {
      if (f.kind === '$()' && f.parens === 0) {
        closeSubst(i + 1);
      } else if (f.parens > 0) {
        endWord(f, i);
        f.parens--;
      } else endCommand(f, i, ';');
      i++;
      continue;
    }
    if (ch === '<' || ch === '>') {
      const fd = f.pieces.length === 1 && f.pieces[0]!.kind === 'lit' && /^\d$/.test(f.pieces[0]!.value) ? f.pieces[0]!.value : '';
      if (fd) f.pieces = [];
      else endWord(f, i);
      REDIRECT.lastIndex = i;
      const m = REDIRECT.exec(src)!;
      f.pendingRedirect = { op: m[0], fd };
      i += m[0].length;
      continue;
    }
    addChar(f, i, ch);
    i++;
  }
  while (stack.length > 1) closeSubst(src.length);
  endCommand(top(), src.length, '');
  return { source: src, parsed: false, error, commands, substs, functions: [] };
}
