import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../log.js';

const execFileAsync = promisify(execFile);

/** The newest Temporal CLI tag `go install` accepts (later tags carry a replace directive). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface EnsureCliOptions {
  /** AEGIS_TEMPORAL_CLI: use this binary, never build. */
  cliPath: string | undefined;
  /** Cache directory outside the repo (~/.cache/aegis/bin). */
  cacheDir: string;
  log: Logger;
  /** Where progress lines go (the terminal); defaults to stderr. */
  progress?: (line: string) => void;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * ensureTemporalCli returns the path of a Temporal CLI binary: $AEGIS_TEMPORAL_CLI, else the cached
 * build, else it builds one into the cache with `go install` (minutes, once per machine). Concurrent
 * callers (a test run and `npm start`) share one build through a lock directory.
 */
export async function ensureTemporalCli(opts: EnsureCliOptions): Promise<string> {
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (opts.cliPath) {
    if (!isExecutable(opts.cliPath)) throw new Error(`AEGIS_TEMPORAL_CLI=${opts.cliPath} is not an executable file`);
    return opts.cliPath;
  }
  const binary = path.join(opts.cacheDir, 'temporal');
  if (isExecutable(binary)) return binary;

  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const release = await acquireBuildLock(opts.cacheDir, () => isExecutable(binary), progress);
  if (release === undefined) return binary;
  try {
    if (isExecutable(binary)) return binary;
    await buildCli(opts.cacheDir, binary, progress);
    return binary;
  } finally {
    release();
  }
}

function readOwner(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // not written yet (the owner is between mkdir and write), or a lock from before pids
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * acquireBuildLock takes the cache's build lock (a directory holding the builder's pid) and returns
 * its release, or undefined once `done()` says another process finished the build while we waited.
 * A lock whose builder is gone (killed by Ctrl-C or a timeout half-way through `go install`) is taken
 * over at once, with the staging directories such a build leaves; one without a pid only after 30
 * minutes.
 */
export async function acquireBuildLock(cacheDir: string, done: () => boolean, progress: (line: string) => void, pollMs = 5_000): Promise<(() => void) | undefined> {
  const lock = path.join(cacheDir, '.build-lock');
  const pidFile = path.join(lock, 'pid');
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(pidFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      const owner = readOwner(pidFile);
      const gone = owner !== undefined && !alive(owner);
      // Read again just before removing: another waiter may have taken over the lock meanwhile.
      if ((gone || (owner === undefined && age > 30 * 60_000)) && readOwner(pidFile) === owner) {
        progress(`aegis: an earlier Temporal CLI build${owner !== undefined ? ` (pid ${owner})` : ''} did not finish; starting over`);
        for (const entry of fs.readdirSync(cacheDir)) if (entry.startsWith('.build-') && entry !== '.build-lock') fs.rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      progress(`aegis: another process is building the Temporal CLI into ${cacheDir}; waiting…`);
      await new Promise((r) => setTimeout(r, pollMs));
      if (done()) return undefined;
    }
  }
  return () => fs.rmSync(lock, { recursive: true, force: true });
}

async function buildCli(cacheDir: string, binary: string, progress: (line: string) => void): Promise<void> {
  let goVersion: string;
  try {
    goVersion = (await execFileAsync('go', ['version'])).stdout.trim();
  } catch {
    throw new Error(
      `the Temporal CLI is not built yet and Go is not installed: install Go >= 1.25 (https://go.dev/dl/) so the gateway can run ` +
        `\`go install ${TEMPORAL_CLI_MODULE}\`, or set AEGIS_TEMPORAL_CLI to a temporal binary, or TEMPORAL_ADDRESS to a running server`,
    );
  }
  const staging = fs.mkdtempSync(path.join(cacheDir, '.build-'));
  const started = Date.now();
  progress(`aegis: building the Temporal CLI (${TEMPORAL_CLI_MODULE}) with ${goVersion} into ${cacheDir}`);
  progress('aegis: this happens once per machine and takes a few minutes…');
  const ticker = setInterval(() => progress(`aegis: still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)…`), 20_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', TEMPORAL_CLI_MODULE], {
        env: { ...process.env, GOBIN: staging },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString()).slice(-20_000);
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`\`go install ${TEMPORAL_CLI_MODULE}\` failed (exit ${code}):\n${err.trim().split('\n').slice(-20).join('\n')}`))));
    });
    fs.renameSync(path.join(staging, 'temporal'), binary);
    progress(`aegis: Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
  } finally {
    clearInterval(ticker);
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
