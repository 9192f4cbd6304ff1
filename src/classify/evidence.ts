const MAX_EVIDENCE = 120;

/** excerpt shortens text around [start, end) to at most ~120 characters, with ellipses. */
export function excerpt(text: string, start = 0, end = text.length): string {
  const flat = (s: string): string => s.replace(/\s+/g, ' ');
  if (text.length <= MAX_EVIDENCE) return flat(text);
  const span = Math.max(0, end - start);
  if (span >= MAX_EVIDENCE) return `${flat(text.slice(start, start + MAX_EVIDENCE - 1))}…`;
  const pad = Math.floor((MAX_EVIDENCE - span) / 2);
  const from = Math.max(0, start - pad);
  const to = Math.min(text.length, from + MAX_EVIDENCE);
  return `${from > 0 ? '…' : ''}${flat(text.slice(from, to))}${to < text.length ? '…' : ''}`;
}

/** maskWhole masks a value whose secret is not there as text (base64, an escape): its first four characters and asterisks. */
export function maskWhole(value: string): string {
  return value.length <= 8 ? '*'.repeat(value.length) : `${value.slice(0, 4)}${'*'.repeat(Math.min(value.length - 4, 64))}`;
}

/**
 * maskSecret keeps enough of a secret to recognise it (its first 4 characters, or fewer for short
 * ones) and replaces the rest: `ghp_****************`. Never returns more than a quarter of it.
 */
export function maskSecret(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, keep)}${'*'.repeat(Math.min(16, Math.max(4, secret.length - keep)))}`;
}
