import type { PgListener } from '../db/notifications.js';

export const DECISIONS_CHANNEL = 'aegis_decisions';

/**
 * DecisionWaiters lets long-polls sleep until a check is decided: the checks table's trigger
 * notifies `aegis_decisions` with the check id on every replica, which wakes that check's waiters.
 */
export class DecisionWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly listener: PgListener) {
    listener.on(DECISIONS_CHANNEL, (checkId) => this.wake(checkId));
    // Without notifications, wake everyone: they re-read the database and wait again.
    listener.onDisconnect(() => {
      for (const id of [...this.waiting.keys()]) this.wake(id);
    });
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
