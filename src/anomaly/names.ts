/** Characters PostgreSQL's jsonb refuses (NUL, lone surrogates) and other controls, in stored names. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSTORABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/**
 * storable makes a name safe to keep in the model: at most `max` characters (the model must stay
 * bounded whatever is sent) and no control characters or lone surrogates (the JSON snapshot goes to a
 * jsonb column, which rejects \u0000 and broken UTF-16). Those become U+FFFD.
 */
export function storable(name: string, max: number): string {
  const clipped = name.length > max ? name.slice(0, max) : name;
  return UNSTORABLE.test(clipped) ? clipped.replace(UNSTORABLE_ALL, '\ufffd') : clipped;
}
