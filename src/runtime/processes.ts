import fs from 'node:fs';

/** isProcessAlive reports whether a process with this pid exists (zombies included). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** processCommandLine returns the command line of a live process, or '' where /proc is unavailable. */
export function processCommandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export interface StopOptions {
  signal: NodeJS.Signals;
  timeoutMs: number;
  /** Sent when the process outlives timeoutMs; SIGKILL follows 5 s later if even that fails. */
  escalate?: NodeJS.Signals;
}

/** stopProcess signals a process and resolves once it is gone, escalating when it does not exit. */
export async function stopProcess(pid: number, opts: StopOptions): Promise<void> {
  const send = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const waitGone = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!isProcessAlive(pid)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return !isProcessAlive(pid);
  };
  if (!isProcessAlive(pid)) return;
  send(opts.signal);
  if (await waitGone(opts.timeoutMs)) return;
  if (opts.escalate) {
    send(opts.escalate);
    if (await waitGone(5_000)) return;
  }
  send('SIGKILL');
  await waitGone(5_000);
}

/** tailFile returns the last lines of a log file (for error messages about a child that died). */
export function tailFile(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
