/**
 * PostgreSQL stores no U+0000: text refuses the byte and jsonb the `\u0000` escape. A tool call may
 * well carry one (a null-byte truncation attack is one), and the gateway must still classify it,
 * decide it and record it. storableJson rewrites each `\u0000` escape of a JSON text (as
 * JSON.stringify writes a NUL) as `\ufffd`, the replacement character, leaving an escaped backslash
 * followed by "u0000" (six characters a caller typed) alone. The check writer and the trace buffer
 * write their JSON through it. Digests and the transparency log are computed over the call as
 * received, so they still commit to the NUL. (Identifiers cannot hold a NUL: their schema refuses
 * control characters; the anomaly model keeps only names made storable by anomaly/names.ts.)
 */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

export function storableJson(json: string): string {
  return json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json;
}

/** sqlState is a PostgreSQL error's SQLSTATE code ('' for any other error). */
export const sqlState = (err: unknown): string => (err as { code?: string }).code ?? '';

/**
 * isRowError: PostgreSQL refused the statement for the data it carried (SQLSTATE class 22, data
 * exception, or 23, integrity violation), not for a lost connection: retrying the same rows cannot
 * help, writing them one by one isolates the refused one.
 */
export const isRowError = (err: unknown): boolean => /^2[23]/.test(sqlState(err));
