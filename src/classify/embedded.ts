/** JSON text held in a string of a tool call, read as a document of its own (see classify()). */

/** An embedded document nested deeper than this is not read (the walk over it is recursive). */
const MAX_EMBEDDED_NESTING = 64;

/** embeddedJson returns the object or array a string holds as JSON text (nested at most 64 deep), else undefined. */
export function embeddedJson(text: string): Record<string, unknown> | unknown[] | undefined {
  const t = text.trim();
  const open = t[0];
  if (!((open === '{' && t.endsWith('}')) || (open === '[' && t.endsWith(']'))) || t.length < 7 || !nestedWithin(t, MAX_EMBEDDED_NESTING)) return undefined;
  try {
    const doc: unknown = JSON.parse(t);
    return doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown> | unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

/** nestedWithin says whether the brackets of JSON text (outside its strings) nest at most `max` deep. */
function nestedWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}
