import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireBuildLock } from '../../src/temporal/cli.js';

const dirs: string[] = [];
function cacheDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aegis-cli-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function holdLock(dir: string, pid: number): void {
  fs.mkdirSync(path.join(dir, '.build-lock'));
  fs.writeFileSync(path.join(dir, '.build-lock', 'pid'), String(pid));
}

describe('the Temporal CLI build lock', () => {
  it('takes over at once from a build whose process is gone, and removes what it left', async () => {
    const dir = cacheDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    holdLock(dir, dead);
    fs.mkdirSync(path.join(dir, '.build-abc123'));
    const lines: string[] = [];
    const started = Date.now();
    const release = await acquireBuildLock(dir, () => false, (l) => lines.push(l), 60_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(release).toBeTypeOf('function');
    expect(lines.join('\n')).toContain(`(pid ${dead}) did not finish`);
    expect(fs.existsSync(path.join(dir, '.build-abc123'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, '.build-lock', 'pid'), 'utf8')).toBe(String(process.pid));
    release!();
    expect(fs.existsSync(path.join(dir, '.build-lock'))).toBe(false);
  });

  it('waits for a live builder and returns nothing once its build is there', async () => {
    const dir = cacheDir();
    const builder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      holdLock(dir, builder.pid!);
      fs.mkdirSync(path.join(dir, '.build-live'));
      let polls = 0;
      const lines: string[] = [];
      const release = await acquireBuildLock(dir, () => ++polls >= 3, (l) => lines.push(l), 20);
      expect(release).toBeUndefined();
      expect(polls).toBe(3);
      expect(lines.every((l) => l.includes('another process is building'))).toBe(true);
      // The live build's lock and staging dir are untouched.
      expect(fs.readFileSync(path.join(dir, '.build-lock', 'pid'), 'utf8')).toBe(String(builder.pid));
      expect(fs.existsSync(path.join(dir, '.build-live'))).toBe(true);
    } finally {
      builder.kill();
    }
  });

  it('is exclusive: a second taker waits until the first releases', async () => {
    const dir = cacheDir();
    const first = await acquireBuildLock(dir, () => false, () => undefined);
    let released = false;
    const second = acquireBuildLock(dir, () => false, () => undefined, 10).then((r) => {
      expect(released).toBe(true);
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    released = true;
    first!();
    const r = await second;
    expect(r).toBeTypeOf('function');
    r!();
  });
});
