import type { PgListener } from '../db/notifications.js';

export const DECISIONS_CHANNEL = 'aegis_decisions';

/**
 * DecisionWaiters lets long-polls sleep until a check is decided: the checks table's trigger
 * notifies `aegis_decisions` with the check id on every replica, which wakes that check's waiters.
 */
export class DecisionWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private stopped = false;

  constructor(private readonly listener: PgListener) {
    listener.on(DECISIONS_CHANNEL, (checkId) => this.wake(checkId));
    // Without notifications, wake everyone: they re-read the database and wait again.
    listener.onDisconnect(() => {
      for (const id of [...this.waiting.keys()]) this.wake(id);
    });
  }

  /** closed is true once the gateway is shutting down: long-polls answer with what they have. */
  get closed(): boolean {
    return this.stopped;
  }

  /** close wakes every waiter and makes later waits return at once, so shutdown need not outwait long-polls. */
  close(): void {
    this.stopped = true;
    for (const id of [...this.waiting.keys()]) this.wake(id);
  }

  /** live is false while notifications cannot arrive (callers then poll). */
  get live(): boolean {
    return this.listener.connected;
  }

  /**
   * wait resolves true when the check is (probably) decided, false after timeoutMs. Register before
   * reading the database, then re-read, so no decision slips between the read and the wait.
   */
  wait(checkId: string, timeoutMs: number): { done: Promise<boolean>; cancel: () => void } {
    if (this.stopped) return { done: Promise.resolve(false), cancel: () => undefined };
    let resolveFn!: (woken: boolean) => void;
    const done = new Promise<boolean>((r) => (resolveFn = r));
    const set = this.waiting.get(checkId) ?? new Set();
    this.waiting.set(checkId, set);
    const cleanup = (): void => {
      clearTimeout(timer);
      set.delete(onWake);
      if (set.size === 0 && this.waiting.get(checkId) === set) this.waiting.delete(checkId);
    };
    const onWake = (): void => {
      cleanup();
      resolveFn(true);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolveFn(false);
    }, timeoutMs);
    set.add(onWake);
    return {
      done,
      cancel: () => {
        cleanup();
        resolveFn(false);
      },
    };
  }

  private wake(checkId: string): void {
    const set = this.waiting.get(checkId);
    if (!set) return;
    for (const fn of [...set]) fn();
  }
}
