import type { Logger } from 'pino';
import type { Config, UpstreamName } from '../config.js';
import { UpstreamHttpClient, type UpstreamHttpClientOptions } from './http-client.js';
import type { UpstreamMetrics } from './upstream-metrics.js';

export interface UpstreamHttpDeps {
  config: Config;
  logger: Logger;
  metrics: UpstreamMetrics;
  onClose(fn: () => Promise<void> | void): void;
}

/**
 * The shared HTTP machinery for one upstream (its base URL and timeout from the config, the
 * process's call metrics and logger), closed with the services. `extra` adds client options, or
 * another base URL on the same upstream (SHOPLINE's OAuth host).
 */
export function createUpstreamHttp(
  deps: UpstreamHttpDeps,
  name: UpstreamName,
  extra: Partial<UpstreamHttpClientOptions> = {},
): UpstreamHttpClient {
  const upstream = deps.config.upstreams[name];
  const baseUrl = extra.baseUrl ?? upstream.baseUrl;
  if (!baseUrl) throw new Error(`${name.toUpperCase()}_BASE_URL is not configured`);
  const client = new UpstreamHttpClient({
    name,
    timeoutMs: upstream.timeoutMs,
    deadlineMs: upstream.deadlineMs,
    metrics: deps.metrics,
    logger: deps.logger,
    ...extra,
    baseUrl,
  });
  deps.onClose(() => client.close());
  return client;
}
