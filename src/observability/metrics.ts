import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics, through prom-client. Each app instance registers its own
 * metrics (operations, upstream calls, admission, caches) in a registry of its own, because tests
 * run several apps in one process and each must count only its own requests. What describes the
 * process (heap, GC, event loop, RSS, CPU) exists once per process whatever runs in it, so it is
 * in one process-wide registry that every app's /metrics shows as well.
 */
export function createMetricsRegistry(): Registry {
  // The process's collectors start with the first app, not the first scrape: CPU time and the
  // event-loop delay are measured from when their collector is made.
  processMetrics();
  return new Registry();
}

let processRegistry: Registry | undefined;

/** prom-client's default metrics, plus the event loop's busy and idle time. Made once. */
function processMetrics(): Registry {
  if (processRegistry) return processRegistry;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Event-loop utilization as two counters rather than a gauge "since the last scrape", so two
  // scrapers (or a restarted Prometheus) each read it right: rate(active) / (rate(active) +
  // rate(idle)) is the share of time the loop was busy.
  observedCounter(
    registry,
    'nodejs_eventloop_time_seconds_total',
    'Time the event loop spent running callbacks (state="active") or waiting (state="idle").',
    ['state'],
    () => {
      const { active, idle } = performance.eventLoopUtilization();
      return [
        [{ state: 'active' }, active / 1000],
        [{ state: 'idle' }, idle / 1000],
      ];
    },
  );
  processRegistry = registry;
  return registry;
}

/** The Prometheus text of /metrics: the process's metrics, then the app's. */
export async function renderMetrics(app: Registry): Promise<string> {
  return (await processMetrics().metrics()) + '\n' + (await app.metrics());
}

/** The content type of `renderMetrics`' text. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A counter whose value is read from the code that counts (a cache's or a queue's own tallies)
 * when Prometheus scrapes, so the hot path keeps its plain increments.
 */
export function observedCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: () => ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
): Counter<L> {
  return new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}
