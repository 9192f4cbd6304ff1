import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

export interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** load drives one endpoint with autocannon and returns requests/s and latency percentiles (ms). */
export async function load(opts: { url: string; connections: number; seconds: number; headers?: Record<string, string>; bodies: string[] }): Promise<RunResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    requests: opts.bodies.map((body) => ({ method: 'POST', body })),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** spawnNode starts a Node script and resolves with the child once `ready` says the output means up. */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, ready: (output: string) => boolean, timeoutMs = 120_000): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // If the benchmark itself dies, its gateway (and the servers that gateway spawned) go with it.
    const orphanGuard = (): void => {
      if (child.exitCode === null) child.kill('SIGTERM');
    };
    process.once('exit', orphanGuard);
    child.once('exit', () => process.removeListener('exit', orphanGuard));
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    // BENCH_CHILD_LOG=<file> keeps the whole output of the child for a look afterwards.
    const keep = process.env.BENCH_CHILD_LOG ? fs.openSync(process.env.BENCH_CHILD_LOG, 'w') : undefined;
    const onData = (c: Buffer): void => {
      if (keep !== undefined) fs.writeSync(keep, c);
      out += c.toString();
      if (out.length > 1_000_000) out = out.slice(-100_000);
      if (ready(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out.slice(-2000)}`));
      // After it was up (the promise is settled), an exit nobody asked for is shown, not swallowed.
      if (!stopping.has(child)) process.stderr.write(`\n${script} exited unexpectedly (${code ?? signal}):\n${out.slice(-3000)}\n`);
    });
  });
}

const stopping = new WeakSet<ChildProcess>();

export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  stopping.add(child);
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
