import type { StringField } from './types.js';

/**
 * Arguments a tool decodes before use, named for it: `command_b64`, `script_base64`, `b64_payload`,
 * `encoded_command`. Their values are read decoded, under the name without the affix (`command`),
 * so a shell command sent as base64 is still read as one.
 */
const ENCODED_KEY = /^(?:b64|base64|encoded)[_-](.+)$|^(.+?)[_-](?:b64|base64|encoded)$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** Decoded text must be text: no control characters but blanks. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;
const MAX_ENCODED = 1_048_576;

/** Keys that say how a sibling's content is encoded (`{ content: "…", encoding: "base64" }`). */
const ENCODING_KEY = /^(?:encoding|content_?encoding|transfer_?encoding)$/;
const CONTENT_KEY = /^(?:content|contents|data|body|text|sql|query|command|script|file_?text)$/;

/** base64Fields returns the decoded text of the base64 arguments among `fields`, at the pointers of their encoded strings. */
export function base64Fields(fields: readonly StringField[]): StringField[] {
  const out: StringField[] = [];
  // Objects whose `encoding` member says base64: their content members are base64 too.
  const parentOf = (pointer: string): string => pointer.slice(0, pointer.lastIndexOf('/'));
  let base64Holders: Set<string> | undefined;
  for (const f of fields) if (ENCODING_KEY.test(f.key) && /^base-?64(?:url)?$/i.test(f.value.trim())) (base64Holders ??= new Set()).add(parentOf(f.pointer));
  for (const f of fields) {
    const m = ENCODED_KEY.exec(f.key) ?? (base64Holders && CONTENT_KEY.test(f.key) && base64Holders.has(parentOf(f.pointer)) ? [f.key, f.key] : null);
    if (!m) continue;
    const value = f.value.trim();
    if (value.length < 8 || value.length > MAX_ENCODED || !BASE64.test(value)) continue;
    const text = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64').toString('utf8');
    if (text.length === 0 || CONTROL.test(text)) continue;
    out.push({ pointer: f.pointer, key: (m[1] ?? m[2] ?? f.key).toLowerCase(), value: text });
  }
  return out;
}

const MIN_BASE64_RUN = 28;
const MIN_HEX_RUN = 40;
const MAX_RUNS = 64;
const MAX_DECODED = 262_144;

/**
 * encodedTexts returns the text that runs of base64 or hex inside the strings of a call decode to —
 * a token sent as `Z2hwXzFh…` is still that token — at the pointers of the strings that hold them.
 * Only runs that decode to printable text count: images, hashes and ciphertext decode to bytes.
 * Runs of base64 of at least 28 characters (21 bytes) and of hex of at least 40 (20 bytes) are read.
 */
export function encodedTexts(fields: readonly StringField[]): StringField[] {
  const out: StringField[] = [];
  let budget = MAX_DECODED;
  for (const f of fields) {
    const value = f.value;
    if (value.length < MIN_BASE64_RUN) continue;
    const decoded: string[] = [];
    let runs = 0;
    // One pass over the characters: a run is a stretch of base64 characters (hex is a subset), then up to two `=`.
    let start = 0;
    let hex = true;
    for (let i = 0; i <= value.length && runs < MAX_RUNS && budget > 0; i++) {
      const c = i < value.length ? value.charCodeAt(i) : 0;
      if (isBase64Char(c)) {
        // Hex may follow a `0x`.
        if (hex && !isHexChar(c) && !(i === start + 1 && (c === 0x78 || c === 0x58) && value.charCodeAt(start) === 0x30)) hex = false;
        continue;
      }
      let end = i;
      if (i - start >= MIN_BASE64_RUN) {
        while (end < value.length && end < i + 2 && value.charCodeAt(end) === 0x3d) end++;
        runs++;
        const text = (hex ? hexText(value, start, i) : undefined) ?? base64Text(value.slice(start, end));
        if (text !== undefined && text.length >= 16 && !CONTROL.test(text)) {
          decoded.push(text);
          budget -= text.length;
        }
      }
      // The next run starts after this character, or after the padding.
      if (end > i) {
        start = end;
        i = end - 1;
      } else start = i + 1;
      hex = true;
    }
    if (decoded.length > 0) out.push({ pointer: f.pointer, key: f.key, name: f.name, value: decoded.join('\n') });
  }
  return out;
}

const isBase64Char = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2f || c === 0x5f || c === 0x2d;
const isHexChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * base64Text decodes a run that could encode ASCII text. Each 4-character group starts with a
 * byte's top six bits, below 32 for every byte under 0x80: one of `A`–`Z`, `a`–`f`. A random token
 * passes one time in 2^(length/4), so almost none is decoded at all.
 */
function base64Text(run: string): string | undefined {
  for (let i = 0; i < run.length - 3; i += 4) {
    const c = run.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x66))) return undefined;
  }
  return Buffer.from(run, /[-_]/.test(run) ? 'base64url' : 'base64').toString('utf8');
}

/** hexText decodes a run of hex pairs (after a `0x`) whose every byte is printable ASCII (first digit 2–7). */
function hexText(value: string, from: number, to: number): string | undefined {
  if (value.charCodeAt(from) === 0x30 && (value[from + 1] === 'x' || value[from + 1] === 'X')) from += 2;
  if (to - from < MIN_HEX_RUN || (to - from) % 2 !== 0) return undefined;
  for (let i = from; i < to; i += 2) {
    const c = value.charCodeAt(i);
    if (c < 0x32 || c > 0x37) return undefined;
  }
  return Buffer.from(value.slice(from, to), 'hex').toString('utf8');
}
