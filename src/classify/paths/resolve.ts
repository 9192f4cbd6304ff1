/** Lexical resolution of a decoded path: where does it end up, and does it climb above where it started? */

export interface ResolvedPath {
  /** The path starts at a root: `/`, `\`, `C:`, `/C:`, `~` (home) or `\\server` (UNC). */
  absolute: boolean;
  /** `~/…`: the user's home directory. */
  home: boolean;
  /** `\\server\share\…`: a network path (Windows fetches it over SMB and leaks NTLM hashes). */
  unc: boolean;
  /** Some `..` climbed above the starting directory (or above the root). */
  escapes: boolean;
  /** The path contained a NUL: everything after it is dropped by C-based file APIs. */
  nul: boolean;
  /** The resolved path, lower-cased, `/`-separated, with a leading `/` when absolute or `~/` in a home (drive letters dropped). */
  normalized: string;
}

const DRIVE_RE = /^\/?[a-z]:(?=[\\/]|$)/i;
/**
 * A segment of two or more dots climbs: `..`, `...`/`....` (which survive naive `../` stripping, and
 * which old Windows read as `..`), and `.. .` (Windows strips trailing dots and spaces).
 */
const CLIMB_RE = /^\.{2,}[.\s]*$/;

/**
 * resolvePath resolves `.` and `..` in a decoded path without touching the file system. Segments
 * are split on `/` and `\`; `;params` (Tomcat's `..;/`) and trailing spaces and dots (which
 * Windows strips: `.. .`) are ignored when deciding whether a segment climbs.
 */
export function resolvePath(decoded: string): ResolvedPath {
  const nulAt = decoded.indexOf('\u0000');
  // Control characters vanish in some decoders and file APIs: `..%01/` is `../` to them.
  let s = withoutControls(decoded).trim();
  const unc = /^\\\\[^\\/.]/.test(s);
  const home = /^~[\\/]|^~$/.test(s);
  let absolute = home || /^[\\/]/.test(s);
  const drive = DRIVE_RE.exec(s);
  if (drive) {
    absolute = true;
    s = s.slice(drive[0].length);
  } else if (home) s = s.slice(1);

  const out: string[] = [];
  let depth = 0;
  let lowest = 0;
  for (const raw of s.split(/[\\/]+/)) {
    const seg = raw.split(';')[0]!.trim();
    if (seg === '' || seg === '.') continue;
    if (CLIMB_RE.test(seg)) {
      depth--;
      if (depth < lowest) lowest = depth;
      out.pop();
      continue;
    }
    depth++;
    out.push(seg.toLowerCase());
  }
  const body = out.join('/');
  return {
    absolute,
    home,
    unc,
    escapes: lowest < 0,
    nul: nulAt >= 0,
    normalized: home ? `~/${body}` : absolute ? `/${body}` : body,
  };
}

/** withoutControls drops C0 controls and DEL (`..%01/` is `../` to decoders that skip them). */
function withoutControls(s: string): string {
  const isControl = (c: number): boolean => c < 0x20 || c === 0x7f;
  let i = 0;
  while (i < s.length && !isControl(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) if (!isControl(s.charCodeAt(i))) out += s[i];
  return out;
}
