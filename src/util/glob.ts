/** escapeRegex makes text literal inside a regular expression (JavaScript and RE2 alike). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** globToRegex turns `db_*` into an anchored regular expression source (`*` is the only wildcard). */
export function globToRegex(glob: string): string {
  return `^${glob.split('*').map(escapeRegex).join('.*')}$`;
}

/**
 * globMatcher compiles glob patterns into one predicate (undefined for no patterns): exact names
 * use a Set; patterns with `*` one regular expression, which cannot backtrack (only `.*` between
 * literal runs).
 */
export function globMatcher(globs: readonly string[] | undefined): ((value: string) => boolean) | undefined {
  if (!globs || globs.length === 0) return undefined;
  if (globs.every((g) => !g.includes('*'))) {
    const set = new Set(globs);
    return (v) => set.has(v);
  }
  const re = new RegExp(globs.map(globToRegex).join('|'));
  return (v) => re.test(v);
}
