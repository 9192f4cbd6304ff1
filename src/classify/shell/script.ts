/**
 * The flattened view of a shell command string that the shell rules read. Built from mvdan-sh's
 * syntax tree by parseScript (./parse.ts), or approximated token by token by tokenizeScript
 * (./tokens.ts) when the string is not valid shell.
 */

/** How a command is joined to the one before it in its sequence ('' for the first). */
export type Connector = '' | ';' | '\n' | '&' | '&&' | '||' | '|' | '|&';

export type PieceKind = 'lit' | 'sgl' | 'dbl' | 'ansi' | 'param' | 'subst' | 'arith' | 'proc' | 'glob';

/** One part of a word: unquoted text, a quoted string, or an expansion. */
export interface WordPiece {
  kind: PieceKind;
  /** Literal value with quotes removed; expansions as written (`$HOME`, `$(id)`). */
  value: string;
  /** Parameter name for `param` pieces. */
  param?: string;
}

export interface ShellWord {
  /** The word after quote removal; expansions stay as written. */
  value: string;
  /** Source text. */
  raw: string;
  start: number;
  end: number;
  pieces: WordPiece[];
  /** Contains a parameter, command or arithmetic expansion. */
  dynamic: boolean;
}

export interface ShellRedirect {
  /** Operator as written: `>`, `>>`, `<`, `>&`, `<<`, `<<<`, `&>`… */
  op: string;
  /** File descriptor before the operator, '' if none. */
  fd: string;
  target: ShellWord | undefined;
  /** Here-document body (`<<`), when there is one. */
  heredoc: ShellWord | undefined;
}

export interface ShellAssign {
  name: string;
  value: ShellWord | undefined;
}

/** Where a command runs: the script itself, inside a `$(…)`/backtick/`<(…)`, or in a function body. */
export type CommandContext = 'top' | 'subst' | 'function';

export interface ShellCommand {
  /** Words, the command name first; empty for a bare assignment or redirection. */
  argv: ShellWord[];
  assigns: ShellAssign[];
  redirs: ShellRedirect[];
  connector: Connector;
  /** The statement ends with `&`. */
  background: boolean;
  context: CommandContext;
  /** Sequence id (one per script, substitution and function body) and position in it. */
  sequence: number;
  index: number;
  start: number;
  end: number;
}

/** A command or process substitution, with the literal text glued in front of it in its word. */
export interface ShellSubst {
  kind: '$()' | '``' | '<()' | '>()';
  sequence: number;
  /** Literal text of the same word before the substitution (`alice` in `alice$(id)`). */
  prefix: string;
  /** The substitution sits inside another substitution. */
  nested: boolean;
  start: number;
  end: number;
}

export interface ShellFunction {
  name: string;
  sequence: number;
}

export interface ShellScript {
  source: string;
  /** True when mvdan-sh parsed the source; false for the token-level approximation. */
  parsed: boolean;
  /** The parser's message when it failed. */
  error?: string;
  commands: ShellCommand[];
  substs: ShellSubst[];
  functions: ShellFunction[];
}

/** commandName returns the command's name without its directory (`/usr/bin/id` → `id`), lower-cased. */
export function commandName(word: ShellWord | undefined): string {
  if (!word) return '';
  const v = word.value.replace(/\\/g, '/');
  const slash = v.lastIndexOf('/');
  return (slash >= 0 && slash < v.length - 1 ? v.slice(slash + 1) : v).toLowerCase();
}

/** wordValues returns the values of argv (argument texts after quote removal). */
export function wordValues(words: ShellWord[]): string[] {
  return words.map((w) => w.value);
}
