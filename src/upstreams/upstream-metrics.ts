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

export class UpstreamMetrics {
  private readonly stats = new Map<string, UpstreamCallStats>();

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

  reset(): void {
    this.stats.clear();
  }

  /** Prometheus text exposition of the counters. */
  toPrometheus(): string {
    const lines = [
      '# HELP upstream_requests_total HTTP attempts sent to an upstream.',
      '# TYPE upstream_requests_total counter',
    ];
    for (const [name, s] of this.stats) {
      for (const [status, n] of Object.entries(s.byStatus)) {
        lines.push(`upstream_requests_total{upstream="${name}",status="${status}"} ${n}`);
      }
    }
    lines.push('# HELP upstream_request_seconds_total Time spent in upstream attempts.');
    lines.push('# TYPE upstream_request_seconds_total counter');
    for (const [name, s] of this.stats) {
      lines.push(
        `upstream_request_seconds_total{upstream="${name}"} ${(s.totalMs / 1000).toFixed(6)}`,
      );
    }
    lines.push('# HELP upstream_calls_failed_total Upstream calls that failed after retries.');
    lines.push('# TYPE upstream_calls_failed_total counter');
    for (const [name, s] of this.stats) {
      lines.push(`upstream_calls_failed_total{upstream="${name}"} ${s.failures}`);
    }
    return lines.join('\n') + '\n';
  }
}
