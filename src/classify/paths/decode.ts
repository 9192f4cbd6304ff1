/**
 * Undoing the encodings that traversal payloads hide behind: percent-encoding (once, twice, nested
 * as `%%32%65`), IIS `%uXXXX`, overlong UTF-8 (`%c0%ae`, `%e0%80%af`, `%fc%80%80%80%80%ae`), IIS's
 * lenient hex digits (`%c0%9v`, `%c0%qf`), `0x2e` spelt out, and Unicode look-alikes of `.`, `/`
 * and `\` (fullwidth, division slash, set minus…). Decoding is deliberately more lenient than any
 * one server: a path that *some* decoder turns into `../` is a traversal attempt.
 */

const MAX_ROUNDS = 4;

/** Look-alikes that NFKC leaves alone but some servers (IIS best-fit mapping…) treat as separators or dots. */
const LOOKALIKES: Record<string, string> = {
  '\u2215': '/', // division slash
  '\u2044': '/', // fraction slash
  '\u29f8': '/', // big solidus
  '\u2571': '/', // box-drawing diagonal
  '\uefc8': '/', // IIS private-use mapping
  '\u2216': '\\', // set minus
  '\u29f5': '\\', // reverse solidus operator
  '\u29f9': '\\', // big reverse solidus
  '\uf025': '\\', // IIS private-use mapping
  '\u3002': '.', // ideographic full stop (NFKC keeps it; fullwidth ｡ becomes it)
};
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
};

/** IIS 4/5 turned any letter into a "hex digit" (`v` = 31), so `%c0%9v` decoded to `%c0%af`, a slash. */
const lenientHexValue = (c: number): number => {
  const strict = hexValue(c);
  if (strict >= 0) return strict;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x7a ? lower - 0x61 + 10 : -1;
};

/** utf8LeadLength is how many continuation bytes a lead byte announces (0 for ASCII and strays). */
const utf8LeadLength = (b: number): number => (b >= 0xfc ? 5 : b >= 0xf8 ? 4 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0);

/**
 * percentDecodeOnce replaces every `%XX` run with the characters its bytes spell, reading UTF-8
 * leniently: overlong forms decode to their code point (`%c0%ae` is `.`), a lead byte followed by
 * a non-continuation byte is dropped (`%c0%2e` is `.`), and after a lead byte the next pair may use
 * IIS's lenient hex. Malformed escapes stay as they are.
 */
function percentDecodeOnce(s: string, seen: Evasions): string {
  if (!s.includes('%')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x25) {
      out += s[i];
      i++;
      continue;
    }
    // Collect a run of %XX bytes.
    const bytes: number[] = [];
    let lenient = false;
    let j = i;
    while (j + 2 < s.length && s.charCodeAt(j) === 0x25) {
      let hi = hexValue(s.charCodeAt(j + 1));
      let lo = hexValue(s.charCodeAt(j + 2));
      if (hi < 0 || lo < 0) {
        // IIS's letters-as-digits only matter inside a multi-byte sequence: after a lead byte, or
        // when they spell one (`%bg` is 0xc0).
        hi = lenientHexValue(s.charCodeAt(j + 1));
        lo = lenientHexValue(s.charCodeAt(j + 2));
        const byte = (hi * 16 + lo) & 0xff;
        const afterLead = bytes.length > 0 && utf8LeadLength(bytes[bytes.length - 1]!) > 0;
        if (hi < 0 || lo < 0 || !(afterLead || byte >= 0xc0)) break;
        lenient = true;
      }
      bytes.push((hi * 16 + lo) & 0xff);
      j += 3;
    }
    // Letters read as digits are a trick only inside a sequence (`%bg%qf`); alone (`LIKE '%user%'`) they are text.
    if (lenient && bytes.length > 1) seen.overlong = true;
    if (bytes.length === 0) {
      out += '%';
      i++;
      continue;
    }
    out += utf8DecodeLenient(bytes, seen);
    i = j;
  }
  return out;
}

/** The smallest code point each sequence length may encode; anything below is overlong. */
const MIN_CODE_POINT = [0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000];

function utf8DecodeLenient(bytes: number[], seen: Evasions): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = utf8LeadLength(b);
    if (need === 0) {
      out += b < 0x80 ? String.fromCharCode(b) : '\ufffd';
      i++;
      continue;
    }
    let cp = b & (0x3f >> need);
    let k = 1;
    for (; k <= need && i + k < bytes.length; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (k <= need) {
      // Truncated sequence. IIS still combined a 2-byte lead with the next byte (`%c1%1c` is `\`);
      // otherwise drop the lead byte and keep what follows (`%c0%2e` is `.`).
      // A lone Latin-1 byte (`caf%e9`) is merely not UTF-8; one that yields a dot or a slash is a trick.
      const next = bytes[i + 1];
      const iis = need === 1 && next !== undefined ? ((b & 0x1f) << 6) | (next & 0x3f) : -1;
      if (iis === 0x2e || iis === 0x2f || iis === 0x5c) {
        seen.overlong = true;
        out += String.fromCharCode(iis);
        i += 2;
      } else {
        if (next === 0x2e || next === 0x2f || next === 0x5c) seen.overlong = true;
        i++;
      }
      continue;
    }
    if (cp < MIN_CODE_POINT[need]!) seen.overlong = true;
    out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    i += need + 1;
  }
  return out;
}

const UNICODE_ESCAPE_RE = /%u([0-9a-f]{4})/gi;
/** `%%35%%63` decodes to `%5%c`: a byte split into nibbles, each escaped (dotdotpwn's "double percent"). */
const SPLIT_NIBBLE_RE = /%([0-9a-f])%([0-9a-f])/gi;
/** `..2f..2fetc2fpasswd`: escapes with the `%` stripped by a filter that removes it. */
const BARE_HEX_CLIMB_RE = /^(?:[\\/]?\.\.(?:2f|5c))+/i;
const HEX_LITERAL_RE = /0x(2e|2f|5c)/gi;
const NON_ASCII_RE = /[\u0080-\uffff]/;

function decodeRound(s: string, seen: Evasions): string {
  let t = s;
  if (t.includes('%')) {
    t = t.replace(UNICODE_ESCAPE_RE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    t = percentDecodeOnce(t, seen);
    t = t.replace(SPLIT_NIBBLE_RE, '%$1$2');
  }
  if (BARE_HEX_CLIMB_RE.test(t)) t = t.replace(/2f/gi, '/').replace(/5c/gi, '\\');
  if (t.includes('0x') || t.includes('0X')) t = t.replace(HEX_LITERAL_RE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (NON_ASCII_RE.test(t)) t = t.normalize('NFKC').replace(LOOKALIKE_RE, (c) => LOOKALIKES[c] ?? c);
  return t;
}

/** What decoding had to get past. */
export interface Evasions {
  /** Overlong or malformed UTF-8 (`%c0%ae`): never produced by an honest encoder. */
  overlong: boolean;
}

export interface DecodedPath extends Evasions {
  text: string;
}

/** decodePath repeats decoding until the text stops changing (at most 4 rounds: `%25252e` is three). */
export function decodePath(raw: string): DecodedPath {
  const seen: Evasions = { overlong: false };
  let s = raw;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = decodeRound(s, seen);
    if (next === s) break;
    s = next;
  }
  return { text: s, ...seen };
}
