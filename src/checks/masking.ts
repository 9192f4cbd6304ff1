import type { Signal } from '../classify/types.js';
import { maskSecrets } from '../classify/detectors/secrets.js';
import { maskWhole } from '../classify/evidence.js';
import { valueAt } from '../policies/explain.js';


/**
 * maskArguments returns a copy of the arguments with secrets masked in every string a secret_leak
 * signal points at (the stored record and every later read show masked values only).
 */
export function maskArguments(args: Record<string, unknown>, signals: Signal[]): Record<string, unknown> {
  const paths = signals.filter((s) => s.id === 'secret_leak' && (s.path === '/arguments' || s.path.startsWith('/arguments/'))).map((s) => s.path.slice('/arguments'.length));
  if (paths.length === 0) return args;
  let copy = structuredClone(args);
  const maskNames = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).map(([k, v]) => [maskSecrets(k), v]));
  for (const pointer of paths) {
    if (pointer === '') {
      // A secret in a member name of the arguments themselves.
      copy = maskNames(copy);
      continue;
    }
    const tokens = pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop()!;
    const parent = valueAt(copy, tokens.length ? `/${tokens.map((t) => t.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}` : '') as Record<string, unknown> | undefined;
    // The field's name is part of the evidence (a `password` argument), as when it was detected.
    const key = [...tokens, last].reverse().find((t) => !/^\d+$/.test(t)) ?? '';
    const holder = parent?.[last];
    if (holder !== null && typeof holder === 'object' && !Array.isArray(holder)) {
      // The secret is in a member name of this object (`{"ghp_…": 1}`): the names are masked, in order.
      parent![last] = maskNames(holder as Record<string, unknown>);
    } else if (parent && typeof parent[last] === 'string') {
      const value = parent[last] as string;
      const masked = maskSecrets(value, key);
      // The secret is there but not as text (base64, an escape): the whole value is masked.
      parent[last] = masked === value ? maskWhole(value) : masked;
    }
  }
  return copy;
}
