/**
 * toolKey is the form tool names are compared in wherever a name decides something (tool kill
 * switches, policies scoped to tools, the tool allow/deny templates): the same tool however the agent
 * spells it. NFKC-folded (full-width letters), without invisible characters (zero-width, soft hyphen),
 * Cyrillic and Greek look-alikes read as the Latin letters they imitate, camelCase split, lower-cased,
 * and every run of blanks, `_`, `-`, `.`, `:` and `/` one `_`: `runShell`, `Run-Shell`, `run.shell`,
 * `"run_shell "`, `run_shell\u200b`, `ｒｕｎ_ｓｈｅｌｌ` and `run_shеll` (Cyrillic е) are all `run_shell`.
 */
export function toolKey(name: string): string {
  // Most names are already keys (`db_query`): nothing to fold.
  if (CANONICAL.test(name)) return name;
  return name
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONFUSABLE, (c) => LATIN[c] ?? c)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s_.:/-]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const CANONICAL = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * toolKeyGlobs turns tool names or globs into the globs their keys are matched by: the key itself,
 * and the key under a namespace (`*_run_shell` for `functions.run_shell`, `mcp__srv__run_shell`) — a
 * kill switch, a policy scoped to tools and a denylist err towards covering the tool.
 */
export function toolKeyGlobs(globs: readonly string[]): string[] {
  return globs.flatMap((g) => {
    const k = toolKey(g);
    return [k, `*_${k}`];
  });
}

const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;
/** Cyrillic and Greek letters drawn like Latin ones. */
const LATIN: Record<string, string> = Object.fromEntries(
  [
    ['а', 'a'], ['в', 'b'], ['е', 'e'], ['ё', 'e'], ['к', 'k'], ['м', 'm'], ['н', 'h'], ['о', 'o'], ['р', 'p'], ['с', 'c'], ['т', 't'], ['у', 'y'], ['х', 'x'],
    ['і', 'i'], ['ї', 'i'], ['ј', 'j'], ['ѕ', 's'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'], ['һ', 'h'], ['ӏ', 'l'],
    ['А', 'A'], ['В', 'B'], ['Е', 'E'], ['К', 'K'], ['М', 'M'], ['Н', 'H'], ['О', 'O'], ['Р', 'P'], ['С', 'C'], ['Т', 'T'], ['У', 'Y'], ['Х', 'X'], ['І', 'I'], ['Ј', 'J'], ['Ѕ', 'S'],
    ['α', 'a'], ['β', 'b'], ['ε', 'e'], ['ι', 'i'], ['κ', 'k'], ['ν', 'v'], ['ο', 'o'], ['ρ', 'p'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'],
    ['Α', 'A'], ['Β', 'B'], ['Ε', 'E'], ['Ζ', 'Z'], ['Η', 'H'], ['Ι', 'I'], ['Κ', 'K'], ['Μ', 'M'], ['Ν', 'N'], ['Ο', 'O'], ['Ρ', 'P'], ['Τ', 'T'], ['Υ', 'Y'], ['Χ', 'X'],
  ],
);
const CONFUSABLE = new RegExp(`[${Object.keys(LATIN).join('')}]`, 'g');
