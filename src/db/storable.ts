/**
 * PostgreSQL stores no U+0000: text refuses the byte and jsonb the `\u0000` escape. A tool call may
 * well carry one (a null-byte truncation attack is one), and the gateway must still classify it,
 * decide it and record it. storableJson rewrites each `\u0000` escape of a JSON text (as
 * JSON.stringify writes a NUL) as `\ufffd`, the replacement character — what stored traces hold in
 * its place too (traces/masking.ts) — leaving an escaped backslash followed by "u0000" (six
 * characters a caller typed) alone. Digests and the transparency log are computed over the call as
 * received, so they still commit to the NUL.
 */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

export function storableJson(json: string): string {
  return json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json;
}
