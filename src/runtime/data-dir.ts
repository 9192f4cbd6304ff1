import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive, processCommandLine } from './processes.js';

export interface DataDirLock {
  release(): void;
}

/**
 * lockDataDir makes this process the only gateway using the data dir (a pid file, since two gateways
 * would fight over the embedded PostgreSQL and Temporal children). A stale file from a killed
 * process is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const file = path.join(dataDir, 'aegis.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return {
        release() {
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isProcessAlive(pid) && processCommandLine(pid).includes('node')) {
        throw new Error(`another gateway (pid ${pid}) is using the data dir ${dataDir}; stop it first or set AEGIS_DATA_DIR`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock the data dir ${dataDir}`);
}
