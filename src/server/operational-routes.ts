import type { FastifyInstance } from 'fastify';
import type { GatewayModule } from '../modules/module.js';
import { pendingMigrations } from '../store/migrator.js';
import type { GatewayServices } from './services.js';

export interface OperationalRoutesOptions {
  services: GatewayServices;
  modules: GatewayModule[];
  /** Prometheus text of gateway-level metrics kept outside `services.metrics`. */
  extraMetrics: Array<{ toPrometheus(): string }>;
}

/**
 * Routes for operators and orchestrators: liveness (`/healthz`), readiness (`/readyz`, which
 * only reads: store reachable and every migration applied) and Prometheus metrics (`/metrics`).
 */
export function registerOperationalRoutes(
  app: FastifyInstance,
  { services, modules, extraMetrics }: OperationalRoutesOptions,
): void {
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
  app.get('/metrics', async (_request, reply) =>
    reply
      .header('content-type', 'text/plain; version=0.0.4')
      .send(
        services.metrics.toPrometheus() +
          extraMetrics.map((m) => m.toPrometheus()).join('') +
          modules.map((m) => m.metrics?.(services) ?? '').join(''),
      ),
  );
}
