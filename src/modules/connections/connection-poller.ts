import type { Logger } from 'pino';
import type { ConnectionModel } from './connection-model.js';

export interface PollingOptions {
  /** First delay between checks; it doubles after every check, up to 16 times this (or the fresh cap). */
  intervalMs: number;
  /** How long after the connection started to keep checking. */
  timeoutMs: number;
  /**
   * While a connection is younger than this, checks are at most `freshMaxIntervalMs` apart: its
   * owner is most likely approving it right now, and should see it established within seconds.
   */
  freshMs: number;
  freshMaxIntervalMs: number;
}

type Refresh = (workspaceId: string, connectionId: string) => Promise<ConnectionModel | undefined>;

const MAX_BACKOFF_FACTOR = 16;

/**
 * Watches connections waiting for their owner's approval, so a client that only subscribes sees
 * ESTABLISHED without calling refreshConnection. Checks back off exponentially (a person takes
 * seconds to minutes) and stop at the deadline; after that `refreshConnection` still works.
 * Watching lives in this process: `stop()` at shutdown lets a running check finish before the
 * store closes, and start-up resumes watching connections still inside their window.
 */
export class ConnectionPoller {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly refresh: Refresh,
    private readonly options: PollingOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts watching; `startedAt` sets the deadline (defaults to now). Idempotent per connection. */
  watch(workspaceId: string, connectionId: string, startedAt = Date.now()): void {
    if (this.stopped || this.timers.has(connectionId)) return;
    this.schedule(
      workspaceId,
      connectionId,
      startedAt + this.options.timeoutMs,
      this.options.intervalMs,
    );
  }

  /** Connections currently watched (for health output and tests). */
  get watching(): number {
    return this.timers.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private schedule(
    workspaceId: string,
    connectionId: string,
    deadline: number,
    delayMs: number,
  ): void {
    if (this.stopped) return;
    if (Date.now() + delayMs > deadline) {
      this.timers.delete(connectionId);
      this.logger.info(
        { connectionId },
        'stopped watching a connection still pending authorisation',
      );
      return;
    }
    const timer = setTimeout(() => {
      const check = this.check(workspaceId, connectionId).then((pending) => {
        this.running.delete(check);
        if (!pending) {
          this.timers.delete(connectionId);
          return;
        }
        const startedAt = deadline - this.options.timeoutMs;
        const fresh = Date.now() - startedAt < this.options.freshMs;
        const cap = fresh
          ? Math.min(this.options.freshMaxIntervalMs, this.options.intervalMs * MAX_BACKOFF_FACTOR)
          : this.options.intervalMs * MAX_BACKOFF_FACTOR;
        const next = Math.min(delayMs * 2, cap);
        this.schedule(workspaceId, connectionId, deadline, next);
      });
      this.running.add(check);
    }, delayMs);
    // A pending check must not keep a process alive that is otherwise done.
    timer.unref();
    this.timers.set(connectionId, timer);
  }

  /** One check; true while the connection is still pending (or the check failed and may recover). */
  private async check(workspaceId: string, connectionId: string): Promise<boolean> {
    try {
      const connection = await this.refresh(workspaceId, connectionId);
      return connection?.status === 'PENDING_AUTH';
    } catch (error) {
      // API Panda down or slow: keep watching with backoff. Only the code is logged, never a body.
      this.logger.warn(
        { connectionId, code: (error as { code?: unknown }).code ?? (error as Error).name },
        'checking a pending connection failed; will retry',
      );
      return !this.stopped;
    }
  }
}
