import type { FastifyInstance } from 'fastify';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../observability/metrics.js';
import { pendingMigrations } from '../store/migrator.js';
import type { GatewayServices } from './services.js';

/**
 * Routes for operators and orchestrators: liveness (`/healthz`), readiness (`/readyz`, which
 * only reads: store reachable and every migration applied) and Prometheus metrics (`/metrics`).
 */
export function registerOperationalRoutes(app: FastifyInstance, services: GatewayServices): void {
  app.get('/healthz', async () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await services.store.ping();
      const pending = await pendingMigrations(services.store);
      if (pending.length > 0) {
        return reply
          .code(503)
          .send({ status: 'not-ready', store: services.store.kind, pendingMigrations: pending });
      }
      return { status: 'ready', store: services.store.kind, migrations: 'applied' };
    } catch {
      return reply
        .code(503)
        .send({ status: 'not-ready', store: services.store.kind, error: 'store unreachable' });
    }
  });
  // The process's metrics and this app's (observability/metrics.ts), prom-client's text format.
  app.get('/metrics', async (_request, reply) =>
    reply
      .header('content-type', METRICS_CONTENT_TYPE)
      .send(await renderMetrics(services.metricsRegistry)),
  );
}
