/**
 * PostgreSQL reports node locations and token offsets in UTF-8 bytes; JavaScript slices strings in
 * UTF-16 code units. byteToCharMapper converts the former to the latter for one text.
 */
export function byteToCharMapper(text: string): (byteOffset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => b;
  const charAt: number[] = [];
  let chars = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let i = 0; i < bytes; i++) charAt.push(chars);
    chars += ch.length;
  }
  charAt.push(chars);
  return (b) => charAt[Math.max(0, Math.min(b, charAt.length - 1))]!;
}
