/**
 * Word tokens for the prompt-injection scanner, read once per text with a character loop and kept as
 * 32-bit hashes, so the hot path allocates no strings. A token is a run of ASCII letters and digits
 * (lower-cased, every digit run folded to `0`), optionally followed by an apostrophe and letters
 * ("don't", "it’s" → "it's"). tokenName() spells the same token out for training and for tests.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;
const ZERO = 48;
const APOSTROPHE = 39;

/** hashName returns the token hash of an already normalised token string (see tokenName). */
export function hashName(name: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), FNV_PRIME);
  return h;
}

/** mix combines a hash with a salt (or a second hash) into a new, well-spread 32-bit hash. */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Growable token buffers: hash, start and end offset of each token. */
export class TokenBuffer {
  hash: Int32Array = new Int32Array(1024);
  start: Int32Array = new Int32Array(1024);
  end: Int32Array = new Int32Array(1024);
  count = 0;

  push(h: number, s: number, e: number): void {
    if (this.count === this.hash.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hash = grow(this.hash);
      this.start = grow(this.start);
      this.end = grow(this.end);
    }
    this.hash[this.count] = h;
    this.start[this.count] = s;
    this.end[this.count] = e;
    this.count++;
  }
}

/** Lower-cased ASCII letter or digit code, or -1. */
function wordCode(c: number): number {
  if (c >= 97 && c <= 122) return c;
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 48 && c <= 57) return ZERO;
  return -1;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** tokenize appends the tokens of text[start, end) to `out` (which it resets first). */
export function tokenize(text: string, out: TokenBuffer, start = 0, end = text.length): void {
  out.count = 0;
  let i = start;
  while (i < end) {
    let c = wordCode(text.charCodeAt(i));
    if (c < 0) {
      i++;
      continue;
    }
    const s = i;
    let h = FNV_OFFSET;
    let prevDigit = false;
    while (i < end && (c = wordCode(text.charCodeAt(i))) >= 0) {
      if (c !== ZERO || !prevDigit) h = Math.imul(h ^ c, FNV_PRIME);
      prevDigit = c === ZERO;
      i++;
    }
    const q = i < end ? text.charCodeAt(i) : 0;
    if ((q === APOSTROPHE || q === 0x2019) && i + 1 < end && isLetter(text.charCodeAt(i + 1))) {
      h = Math.imul(h ^ APOSTROPHE, FNV_PRIME);
      i++;
      while (i < end && isLetter(text.charCodeAt(i))) h = Math.imul(h ^ (text.charCodeAt(i++) | 32), FNV_PRIME);
    }
    out.push(h, s, i);
  }
}

/** tokenName spells out the normalised token text[start, end) as tokenize() hashed it. */
export function tokenName(text: string, start: number, end: number): string {
  let name = '';
  let prevDigit = false;
  for (let i = start; i < end; i++) {
    const c = wordCode(text.charCodeAt(i));
    if (c === ZERO && prevDigit) continue;
    prevDigit = c === ZERO;
    name += c < 0 ? "'" : String.fromCharCode(c);
  }
  return name;
}
