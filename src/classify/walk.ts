import type { StringField } from './types.js';

/** escapePointerToken escapes one JSON-pointer reference token (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * collectStrings returns every string in `value` (object values and array items, depth-first, in
 * document order) with its JSON pointer below `base`. Numbers and booleans are not strings and are
 * skipped; object keys are not values (long ones go to `memberNames`, when given). Requires a tree (no
 * cycles): parsed JSON always is.
 */
export function collectStrings(value: unknown, base: string, key = '', memberNames?: StringField[]): StringField[] {
  const out: StringField[] = [];
  const visit = (v: unknown, pointer: string, k: string, name: string): void => {
    if (typeof v === 'string') out.push(name === k ? { pointer, key: k, value: v } : { pointer, key: k, name, value: v });
    else if (Array.isArray(v)) v.forEach((item, i) => visit(item, `${pointer}/${i}`, k, name));
    else if (v !== null && typeof v === 'object') {
      for (const [childKey, child] of Object.entries(v as Record<string, unknown>)) {
        if (memberNames && childKey.length >= MIN_NAME_AS_DATA) memberNames.push({ pointer, key: '', value: childKey });
        visit(child, `${pointer}/${escapePointerToken(childKey)}`, childKey.toLowerCase(), childKey);
      }
    }
  };
  visit(value, base, key.toLowerCase(), key);
  return out;
}

/**
 * Member names shorter than this are names (`password`, `customer_email`), not data. Longer ones may
 * carry data (a token, an address used as a key: `{"ghp_…": 1}`): collectStrings hands them to
 * `memberNames`, each at the pointer of the object that holds it (its own pointer would spell it out).
 */
const MIN_NAME_AS_DATA = 12;
