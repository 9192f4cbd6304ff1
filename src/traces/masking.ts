import { maskSecrets } from '../classify/detectors/secrets.js';
import { encodedTexts } from '../classify/encoded.js';
import { maskWhole } from '../classify/evidence.js';
import { findSecrets } from '../classify/secrets/scan.js';

/** Strings longer than this are always scanned (and never remembered). */
const MAX_REMEMBERED_LENGTH = 256;

/**
 * TraceMasker masks secrets in trace payloads (and in the `context` of checks). Scanning a string costs 5–25 µs, and trace payloads
 * repeat (SDK versions, tool names, argument templates, paths), so it remembers up to `capacity`
 * strings in which the scan found nothing, by field key: maskSecrets is a pure function of
 * (text, key), and only clean strings are kept, so no secret is held here and a string with a
 * secret is scanned every time.
 */
export class TraceMasker {
  private readonly clean = new Set<string>();

  /** At most `capacity` strings of at most 256 characters: a few MB at worst. */
  constructor(private readonly capacity = 20_000) {}

  /**
   * mask returns the parsed JSON value with every string's secrets masked (maskSecrets, keyed by the
   * name of the member it is stored under, as written — an array's items count as their member's), and
   * member names long enough to carry a secret (`{"ghp_…": 1}`) masked too.
   * Unchanged parts are returned as they are, not copied. Requires a value as
   * JSON.parse makes it (no cycles; depth is bounded by the request schema).
   */
  mask(value: unknown, key = ''): unknown {
    if (typeof value === 'string') return this.maskString(value, key);
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = this.mask(value[i], key);
        if (v !== value[i]) (out ??= value.slice())[i] = v;
      }
      return out ?? value;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      let changed = false;
      const masked = entries.map(([k, v]): [string, unknown] => {
        const mv = this.mask(v, k);
        const mk = k.length >= 12 ? this.maskString(k, '') : k;
        if (mv !== v || mk !== k) changed = true;
        return [mk, mv];
      });
      // fromEntries defines own properties: a "__proto__" member stays a member.
      return changed ? Object.fromEntries(masked) : value;
    }
    return value;
  }

  private maskString(text: string, key: string): string {
    const remember = text.length <= MAX_REMEMBERED_LENGTH;
    const id = remember ? `${key}\u0000${text}` : '';
    if (remember && this.clean.has(id)) return text;
    let masked = maskSecrets(text, key);
    // A token sent base64- or hex-encoded (`Z2hwXzFh…`) is masked with the whole string, as checks store it.
    if (masked === text && text.length >= 28) {
      const decoded = encodedTexts([{ pointer: '', key, value: text }])[0];
      if (decoded && findSecrets(decoded.value, key).length > 0) masked = maskWhole(text);
    }
    if (remember && masked === text) {
      if (this.clean.size >= this.capacity) this.clean.delete(this.clean.values().next().value as string);
      this.clean.add(id);
    }
    return masked;
  }
}
