import { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import type { AppServices, SharedServices } from '../app-services.js';
import type { Config } from '../config.js';
import { CursorCodec } from '../modules/base/cursor-codec.js';
import type { GatewayModule, ModuleDependencies } from '../modules/module.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { MemoryCache, RedisCache, type Cache } from '../store/cache.js';
import { openStore } from '../store/database.js';
import { MemoryEventBus, RedisEventBus, type EventBus } from '../store/event-bus.js';
import { migrate } from '../store/migrator.js';
import { IdempotencyStore } from '../store/repositories/idempotency.js';
import { WorkspaceRepository } from '../store/repositories/workspaces.js';
import { SecretBox } from '../store/secret-box.js';
import { createUpstreamHttp } from '../upstreams/upstream-http.js';
import { UpstreamMetrics } from '../upstreams/upstream-metrics.js';
import { Authenticator } from './authentication.js';

/**
 * Everything built once per process and shared by all requests: the shared services, each
 * served module's own (under its key), and what only the server uses.
 */
export interface GatewayServices extends AppServices {
  authenticator: Authenticator;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Keep PGlite in memory instead of under DATA_DIR (tests). */
  inMemoryStore?: boolean;
}

/**
 * Builds the shared services, then each module's services from them, then hands every value a
 * module gives an extension point to the module that declares the point.
 */
export async function createServices(
  config: Config,
  logger: Logger,
  modules: readonly GatewayModule[],
  options: ServiceOptions = {},
): Promise<GatewayServices> {
  const closers: Array<() => Promise<void> | void> = [];
  const onClose = (fn: () => Promise<void> | void) => void closers.push(fn);
  const close = async () => {
    for (const fn of closers.reverse()) {
      try {
        await fn();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing a service');
      }
    }
  };

  try {
    const shared = await createSharedServices(config, logger, onClose, options);
    const deps: ModuleDependencies = {
      ...shared,
      upstreamHttp: (name, extra) => createUpstreamHttp(shared, name, extra),
    };
    // Built in the modules' order, after the shared services, so what a module registers with
    // onClose (pollers, watchers) stops before the store and event bus close.
    const built: Record<string, unknown> = {};
    for (const module of modules) {
      if (module.services) built[module.services.key] = await module.services.create(deps);
    }
    // `moduleServices` typed each factory's result by its key, so the entries are ModuleServices.
    const services = {
      ...shared,
      ...built,
      authenticator: new Authenticator(shared.workspaces, config.jwt),
      close,
    } as GatewayServices;
    deliverExtensions(modules, services, logger);
    return services;
  } catch (error) {
    await close();
    throw error;
  }
}

async function createSharedServices(
  config: Config,
  logger: Logger,
  onClose: SharedServices['onClose'],
  options: ServiceOptions,
): Promise<SharedServices> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemoryStore ? undefined : `${config.dataDir}/pglite`,
  });
  onClose(() => store.close());
  const applied = await migrate(store);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  if (!config.secretsKey) throw new Error('SECRETS_KEY must be resolved before services start');
  const eventBus: EventBus = config.redisUrl
    ? await RedisEventBus.connect(config.redisUrl)
    : new MemoryEventBus();
  onClose(() => eventBus.close());
  const cache: Cache = config.redisUrl
    ? await RedisCache.connect(config.redisUrl)
    : new MemoryCache();
  onClose(() => cache.close());

  const idempotency = new IdempotencyStore(store.db, {
    eventBus,
    waitMs: config.idempotencyWaitMs,
  });
  onClose(() => idempotency.close());

  const metricsRegistry = createMetricsRegistry();
  new Gauge({
    name: 'graphql_subscriptions_listening',
    help: 'GraphQL subscriptions this replica delivers events to (with Redis, once subscribed there).',
    registers: [metricsRegistry],
    collect() {
      this.set(eventBus.listening);
    },
  });
  return {
    config,
    logger,
    store,
    secretBox: new SecretBox(config.secretsKey, config.previousSecretsKeys),
    eventBus,
    cache,
    metrics: new UpstreamMetrics(metricsRegistry),
    metricsRegistry,
    workspaces: new WorkspaceRepository(store.db),
    idempotency,
    cursors: new CursorCodec(config.secretsKey),
    onClose,
  };
}

/** Each value given to an extension point goes to the served module that declares the point. */
function deliverExtensions(
  modules: readonly GatewayModule[],
  services: AppServices,
  logger: Logger,
): void {
  const handlers = new Map(
    modules.flatMap((m) => m.extensionPoints ?? []).map((h) => [h.point, h] as const),
  );
  for (const module of modules) {
    for (const { point, value } of module.extensions?.(services) ?? []) {
      const handler = handlers.get(point);
      if (handler) handler.accept(services, value);
      else logger.debug({ module: module.name, point: point.name }, 'extension point not served');
    }
  }
}
