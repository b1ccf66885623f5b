import { Histogram, Registry } from 'prom-client';
import { observedCounter } from '../observability/metrics.js';

/**
 * Per-upstream call counters and timings. Tests read them to assert how many upstream calls a
 * query made (deterministic, unlike timings); /metrics exposes them to Prometheus.
 */
export interface UpstreamCallStats {
  /** HTTP attempts sent, retries included. */
  requests: number;
  /** Calls (one per `request()`, however many attempts it took). */
  calls: number;
  retries: number;
  failures: number;
  /** Calls refused without touching the network because the circuit was open. */
  shortCircuited: number;
  totalMs: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
}

const emptyStats = (): UpstreamCallStats => ({
  requests: 0,
  calls: 0,
  retries: 0,
  failures: 0,
  shortCircuited: 0,
  totalMs: 0,
  byOperation: {},
  byStatus: {},
});

/** Upper bounds of the upstream call duration histogram, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class UpstreamMetrics {
  private readonly stats = new Map<string, UpstreamCallStats>();
  private readonly duration: Histogram<'upstream' | 'status'>;
  /** The histogram's series by upstream and status, so an attempt does not hash its labels. */
  private readonly series = new Map<string, Histogram.Internal<'upstream' | 'status'>>();

  /** Registers the Prometheus metrics in `registry` (the app's; its own one when not given). */
  constructor(registry: Registry = new Registry()) {
    this.duration = new Histogram({
      name: 'upstream_request_duration_seconds',
      help: 'Duration of HTTP attempts sent to an upstream, by upstream and HTTP status ("error" when no answer came).',
      labelNames: ['upstream', 'status'] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    const each = <T>(fn: (name: string, s: UpstreamCallStats) => T[]): T[] =>
      [...this.stats].flatMap(([name, s]) => fn(name, s));
    observedCounter(
      registry,
      'upstream_requests_total',
      'HTTP attempts sent to an upstream, retries included, by HTTP status.',
      ['upstream', 'status'],
      () =>
        each((upstream, s) =>
          Object.entries(s.byStatus).map(([status, n]) => [{ upstream, status }, n] as const),
        ),
    );
    observedCounter(
      registry,
      'upstream_calls_total',
      'Calls to an upstream (however many attempts each took), by outcome.',
      ['upstream', 'outcome'],
      () =>
        each((upstream, s) => [
          [{ upstream, outcome: 'ok' }, s.calls - s.failures - s.shortCircuited] as const,
          [{ upstream, outcome: 'failed' }, s.failures] as const,
          [{ upstream, outcome: 'short-circuited' }, s.shortCircuited] as const,
        ]),
    );
    observedCounter(
      registry,
      'upstream_retries_total',
      'Attempts repeated after a retryable failure.',
      ['upstream'],
      () => each((upstream, s) => [[{ upstream }, s.retries] as const]),
    );
    observedCounter(
      registry,
      'upstream_calls_failed_total',
      'Upstream calls that failed after retries.',
      ['upstream'],
      () => each((upstream, s) => [[{ upstream }, s.failures] as const]),
    );
  }

  private of(upstream: string): UpstreamCallStats {
    let s = this.stats.get(upstream);
    if (!s) {
      s = emptyStats();
      this.stats.set(upstream, s);
    }
    return s;
  }

  recordAttempt(upstream: string, operation: string, status: number | 'error', ms: number): void {
    const s = this.of(upstream);
    s.requests += 1;
    s.totalMs += ms;
    s.byOperation[operation] = (s.byOperation[operation] ?? 0) + 1;
    s.byStatus[String(status)] = (s.byStatus[String(status)] ?? 0) + 1;
    const key = `${upstream} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      series = this.duration.labels({ upstream, status: String(status) });
      this.series.set(key, series);
    }
    series.observe(ms / 1000);
  }

  recordCall(
    upstream: string,
    outcome: 'ok' | 'failed' | 'short-circuited',
    retries: number,
  ): void {
    const s = this.of(upstream);
    s.calls += 1;
    s.retries += retries;
    if (outcome === 'failed') s.failures += 1;
    if (outcome === 'short-circuited') s.shortCircuited += 1;
  }

  snapshot(upstream: string): UpstreamCallStats {
    return structuredClone(this.of(upstream));
  }

  all(): Record<string, UpstreamCallStats> {
    return Object.fromEntries([...this.stats].map(([k, v]) => [k, structuredClone(v)]));
  }

  /** Zeroes the tallies tests count calls with (the duration histogram keeps its history). */
  reset(): void {
    this.stats.clear();
  }
}
