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

/** base64Fields returns the decoded text of the base64 arguments among `fields`, at the pointers of their encoded strings. */
export function base64Fields(fields: readonly StringField[]): StringField[] {
  const out: StringField[] = [];
  for (const f of fields) {
    const m = ENCODED_KEY.exec(f.key);
    if (!m) continue;
    const value = f.value.trim();
    if (value.length < 8 || value.length > MAX_ENCODED || !BASE64.test(value)) continue;
    const text = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64').toString('utf8');
    if (text.length === 0 || CONTROL.test(text)) continue;
    out.push({ pointer: f.pointer, key: (m[1] ?? m[2] ?? f.key).toLowerCase(), value: text });
  }
  return out;
}
