import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ConsoleAsset is one static file of the reviewer console, read once at start-up. */
export interface ConsoleAsset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Asset names the console serves: flat, lower-case, one of the known extensions. */
export const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

/**
 * The directories the assets may live in, first match wins: next to this module (src/console/static
 * when run from source, dist/src/console/static after `npm run build` copied them), then the source
 * tree seen from dist (a build that ran tsc without the copy step).
 */
function candidateDirs(): string[] {
  return [new URL('./static/', import.meta.url), new URL('../../../src/console/static/', import.meta.url)].map((u) => fileURLToPath(u));
}

/**
 * loadConsoleAssets reads every servable file of the console's static directory into memory, keyed by
 * file name. Throws naming the directories tried when none holds an index.html.
 */
export function loadConsoleAssets(dirs: string[] = candidateDirs()): Map<string, ConsoleAsset> {
  const dir = dirs.find((d) => fs.existsSync(path.join(d, 'index.html')));
  if (!dir) throw new Error(`the reviewer console's assets are missing: no index.html in ${dirs.join(' or ')} (run npm run build)`);
  const assets = new Map<string, ConsoleAsset>();
  for (const name of fs.readdirSync(dir).sort()) {
    if (!ASSET_NAME.test(name)) continue;
    const body = fs.readFileSync(path.join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, type: TYPES[path.extname(name)]!, etag });
  }
  return assets;
}
