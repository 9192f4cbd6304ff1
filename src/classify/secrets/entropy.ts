const ASCII_COUNTS = new Int32Array(128);

/** shannonEntropy is the Shannon entropy of `text` in bits per character (0 for ''). */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  let ascii = true;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) ascii = false;
  if (!ascii) return entropyOfCounts([...countChars(text).values()], text.length);
  // Secrets are ASCII: count into a reused table instead of a Map.
  const counts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    ASCII_COUNTS[c] = (ASCII_COUNTS[c] ?? 0) + 1;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const n = ASCII_COUNTS[c] ?? 0;
    if (n > 0) {
      counts.push(n);
      ASCII_COUNTS[c] = 0;
    }
  }
  return entropyOfCounts(counts, text.length);
}

function countChars(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

function entropyOfCounts(counts: number[], length: number): number {
  let bits = 0;
  for (const n of counts) {
    const p = n / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A string's character classes: lower-case, upper-case, digits and anything else. */
export interface CharClasses {
  lower: number;
  upper: number;
  digit: number;
  other: number;
}

/** charClasses counts the lower-case letters, upper-case letters, digits and other characters of `text`. */
export function charClasses(text: string): CharClasses {
  const c: CharClasses = { lower: 0, upper: 0, digit: 0, other: 0 };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) c.lower++;
    else if (code >= 65 && code <= 90) c.upper++;
    else if (code >= 48 && code <= 57) c.digit++;
    else c.other++;
  }
  return c;
}
