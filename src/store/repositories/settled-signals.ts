import type { EventBus } from '../event-bus.js';

const TOPIC = 'idempotency.settled';

/**
 * Wakes the retries waiting on an idempotency key when the first call with it settles. The first
 * call's replica announces the key on the event bus (Redis with REDIS_URL, so a retry that reached
 * another replica wakes too); a waiter also looks again on a timer that backs off, so it makes
 * progress if an announcement is lost or replicas share PostgreSQL without Redis.
 */
export class SettledSignals {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly announcements: AsyncIterableIterator<{ id: string }> | undefined;

  constructor(private readonly bus: EventBus | undefined) {
    this.announcements = bus?.subscribe<{ id: string }>(TOPIC);
    if (this.announcements) void this.listen(this.announcements);
  }

  /** Resolves when `id` is announced, or after `ms` at the latest. */
  next(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }

  /** The first call with `id` settled (completed, failed or not kept): every waiter looks again. */
  announce(id: string): void {
    this.wake(id);
    // Best effort: a waiter elsewhere that misses it looks again on its timer.
    this.bus?.publish(TOPIC, { id }).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.announcements?.return?.();
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }

  private wake(id: string): void {
    for (const wake of [...(this.waiters.get(id) ?? [])]) wake();
  }

  private async listen(announcements: AsyncIterableIterator<{ id: string }>): Promise<void> {
    try {
      for await (const { id } of announcements) this.wake(id);
    } catch {
      // The bus closed or failed: waiters still look again on their timers.
    }
  }
}
