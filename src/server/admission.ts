import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * How many GraphQL operations run at once. Past the point where the event loop is busy all the
 * time, admitting more operations adds no throughput: they only interleave, each one holding its
 * upstream pages, its loaders and its answer in memory for longer, and every answer comes later.
 * So the limit follows the loop: while the loop was busy nearly the whole of the last interval,
 * the limit steps down from what was in flight; while the loop had idle time and operations
 * were waiting, it rises to what that idle time says would keep the loop busy. Operations over
 * the limit wait in arrival order, up to a bounded queue and a bounded wait, and are refused
 * (503, `OVERLOADED`) past either bound.
 *
 * A fixed limit would not do: a gateway whose upstreams answer in 200 ms needs many operations
 * in flight to keep one core busy, one whose upstreams answer in 1 ms needs a few.
 */

export interface AdmissionOptions {
  /**
   * The limit never goes below this, however busy the loop (a floor against starvation); it is
   * also where the limit starts, so a burst on a fresh process does not all run at once.
   */
  minConcurrency: number;
  /** Nor above this. */
  maxConcurrency: number;
  /** Operations that may wait for a slot; the next one is refused at once. */
  queueLimit: number;
  /** How long an operation may wait for a slot before it is refused. */
  queueTimeoutMs: number;
}

export type AdmissionOutcome = 'admitted' | AdmissionRefusal;
/** Why an operation did not run: no room to wait, waited too long, or its client went away. */
export type AdmissionRefusal = 'queue-full' | 'queue-timeout' | 'client-closed';

/** What the limit is steered by; the process's event loop in production, a script in tests. */
export interface LoadSignal {
  /** Share of the time since the previous call that the event loop was busy, 0 to 1. */
  utilization(): number;
  now(): number;
}

/** Above this share of busy time the loop is saturated: more operations would only wait inside. */
const SATURATED = 0.95;
/**
 * A saturated loop hides how many operations would keep it busy, so the limit steps down from
 * what was in flight, slowly: each step that goes too far costs one interval of idle time, and
 * the next interval's reading puts the limit back (below).
 */
const SHRINK = 0.95;
/** Room above the estimate of what keeps the loop busy, so an estimate a little low still does. */
const HEADROOM = 1.1;
/** Readings below this are treated as this, so a nearly idle loop does not divide by zero. */
const LEAST_BUSY = 0.05;
/** How often the limit is reconsidered and expired waiters are refused. */
export const ADMISSION_INTERVAL_MS = 100;

interface Waiter {
  readonly since: number;
  readonly settle: (outcome: AdmissionOutcome) => void;
}

/** Something whose `close` event means its client is gone (a `ServerResponse`). */
export interface Closable {
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export class OperationAdmission {
  private limitNow: number;
  private running = 0;
  /** The most operations in flight at once since the last adjustment. */
  private runningPeak = 0;
  /** Operations in flight × milliseconds since the last adjustment, for their mean. */
  private runningArea = 0;
  private lastChange: number;
  private intervalStart: number;
  /** Whether an operation had to wait since the last adjustment. */
  private waited = false;
  /** Insertion-ordered, so the first value is the longest waiter; a leaver is deleted in O(1). */
  private readonly queue = new Set<Waiter>();
  private readonly refusedCounts: Record<AdmissionRefusal, number> = {
    'queue-full': 0,
    'queue-timeout': 0,
    'client-closed': 0,
  };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly signal: LoadSignal = eventLoopSignal(),
  ) {
    this.limitNow = options.minConcurrency;
    this.lastChange = this.intervalStart = signal.now();
  }

  get limit(): number {
    return this.limitNow;
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.queue.size;
  }

  refused(reason: AdmissionRefusal): number {
    return this.refusedCounts[reason];
  }

  /** Starts following the event loop; the timer does not keep the process alive. */
  start(): void {
    this.timer ??= setInterval(() => this.adjust(), ADMISSION_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes a slot if one is free now: the common case, with no promise made. */
  tryEnter(): boolean {
    if (this.running >= this.limitNow || this.queue.size > 0) return false;
    this.take();
    return true;
  }

  /**
   * Waits for a slot in arrival order. The operation holds the slot once this resolves to
   * `admitted`, and must `leave()` when its answer is written.
   */
  wait(client: Closable): Promise<AdmissionOutcome> {
    this.waited = true;
    if (this.queue.size >= this.options.queueLimit)
      return Promise.resolve(this.refuse('queue-full'));
    return new Promise<AdmissionOutcome>((resolve) => {
      const onClose = () => {
        if (this.queue.delete(waiter)) resolve(this.refuse('client-closed'));
      };
      const waiter: Waiter = {
        since: this.signal.now(),
        settle: (outcome) => {
          client.off('close', onClose);
          resolve(outcome);
        },
      };
      client.once('close', onClose);
      this.queue.add(waiter);
    });
  }

  /** Gives the slot back and hands it to the longest waiter, if the limit allows. */
  leave(): void {
    this.accrue();
    this.running -= 1;
    this.admitWaiters();
  }

  /**
   * One step of the control loop: refuses waiters past their time, then moves the limit by the
   * loop's busy share over the interval (the rules at SATURATED, SHRINK and HEADROOM). Public so tests can step it with a scripted signal.
   */
  adjust(): void {
    const now = this.signal.now();
    for (const waiter of this.queue) {
      if (now - waiter.since < this.options.queueTimeoutMs) break;
      this.queue.delete(waiter);
      waiter.settle(this.refuse('queue-timeout'));
    }
    this.accrue();
    const elapsed = now - this.intervalStart;
    const meanRunning = elapsed > 0 ? this.runningArea / elapsed : this.running;
    const busy = this.signal.utilization();
    const { minConcurrency, maxConcurrency } = this.options;
    if (busy >= SATURATED) {
      // From what was in flight, not from the limit: a limit of 256 with 20 running says nothing.
      const basis = Math.min(this.limitNow, Math.max(this.runningPeak, 1));
      this.limitNow = Math.max(minConcurrency, Math.floor(basis * SHRINK));
    } else if (this.waited) {
      // The loop had room while operations waited. Its busy share grows with the operations in
      // flight until it saturates, so the mean in flight over that share is about how many
      // keep it busy: a loop 40% busy with 8 running needs some 20.
      const needed = Math.ceil((meanRunning / Math.max(busy, LEAST_BUSY)) * HEADROOM);
      this.limitNow = Math.min(maxConcurrency, Math.max(this.limitNow + 1, needed));
    }
    this.runningPeak = this.running;
    this.runningArea = 0;
    this.intervalStart = now;
    this.waited = this.queue.size > 0;
    this.admitWaiters();
  }

  private admitWaiters(): void {
    while (this.running < this.limitNow && this.queue.size > 0) {
      const waiter = this.queue.values().next().value as Waiter;
      this.queue.delete(waiter);
      this.take();
      waiter.settle('admitted');
    }
  }

  private take(): void {
    this.accrue();
    this.running += 1;
    if (this.running > this.runningPeak) this.runningPeak = this.running;
  }

  private accrue(): void {
    const now = this.signal.now();
    this.runningArea += this.running * (now - this.lastChange);
    this.lastChange = now;
  }

  private refuse(reason: AdmissionRefusal): AdmissionRefusal {
    this.refusedCounts[reason] += 1;
    return reason;
  }
}

/** The process's event loop: busy share from `performance.eventLoopUtilization` deltas. */
function eventLoopSignal(): LoadSignal {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    utilization() {
      const current = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(current, last);
      last = current;
      return delta.utilization;
    },
    now: () => performance.now(),
  };
}
