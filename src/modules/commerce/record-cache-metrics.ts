import { Gauge, type Registry } from 'prom-client';
import { observedCounter } from '../../observability/metrics.js';
import type { CommerceRecordCache } from './record-cache.js';

/** The record cache's size and use, read from its own tallies when Prometheus scrapes. */
export function registerRecordCacheMetrics(registry: Registry, cache: CommerceRecordCache): void {
  new Gauge({
    name: 'commerce_cache_bytes',
    help: 'Estimated bytes the commerce record cache keeps alive.',
    registers: [registry],
    collect() {
      this.set(cache.stats().bytes);
    },
  });
  new Gauge({
    name: 'commerce_cache_entries',
    help: 'Upstream answers the commerce record cache holds.',
    registers: [registry],
    collect() {
      this.set(cache.stats().entries);
    },
  });
  observedCounter(
    registry,
    'commerce_cache_lookups_total',
    'Pages, profiles and records asked of the cache, by outcome.',
    ['outcome'],
    () => [
      [{ outcome: 'hit' }, cache.counts.hits],
      [{ outcome: 'miss' }, cache.counts.misses],
    ],
  );
  observedCounter(
    registry,
    'commerce_cache_evictions_total',
    'Answers dropped to stay within COMMERCE_CACHE_MB.',
    [],
    () => [[{}, cache.counts.evictions]],
  );
}
