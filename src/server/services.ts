import type { Logger } from 'pino';
import type { Config, UpstreamName } from '../config.js';
import { CursorCodec } from '../modules/base/cursor-codec.js';
import {
  createDispatchServices,
  type DispatchServices,
} from '../modules/integrations/dispatch-services.js';
import { ConnectionRepository } from '../modules/connections/connection-repository.js';
import { ConnectionService } from '../modules/connections/connection-service.js';
import { ShoplineService } from '../modules/shopline/shopline-service.js';
import { ShoplineCommerceSource } from '../modules/shopline/commerce/shopline-source.js';
import { MemoryCache, RedisCache, type Cache } from '../store/cache.js';
import { openStore, type Store } from '../store/database.js';
import { MemoryEventBus, RedisEventBus, type EventBus } from '../store/event-bus.js';
import { migrate } from '../store/migrator.js';
import { IdempotencyStore } from '../store/repositories/idempotency.js';
import { WorkspaceRepository } from '../store/repositories/workspaces.js';
import { SecretBox } from '../store/secret-box.js';
import { ApiPandaClient } from '../upstreams/apipanda/apipanda-client.js';
import { UpstreamHttpClient } from '../upstreams/http-client.js';
import {
  createCommerceServices,
  type CommerceServices,
} from '../modules/commerce/commerce-services.js';
import { UpstreamMetrics } from '../upstreams/upstream-metrics.js';
import { Authenticator } from './authentication.js';

/**
 * Everything built once per process and shared by all requests. Domain services are added here
 * as fields; resolvers reach them through `ctx.services`.
 */
export interface AppServices {
  config: Config;
  logger: Logger;
  store: Store;
  secretBox: SecretBox;
  eventBus: EventBus;
  cache: Cache;
  metrics: UpstreamMetrics;
  workspaces: WorkspaceRepository;
  idempotency: IdempotencyStore;
  authenticator: Authenticator;
  /** Signs and checks pagination cursors (see modules/base/cursor-codec.ts). */
  cursors: CursorCodec;
  /** Dispatch client, bearer-token choice and integration records (modules/integrations). */
  dispatch: DispatchServices;
  /** API Panda connections (modules/connections). */
  connections: ConnectionService;
  /** SHOPLINE webhook inbox, merchants, claim flow and Open API (modules/shopline). */
  shopline: ShoplineService;
  /** Commerce sources (Codat, Qard, …), links and merged reads (modules/commerce). */
  commerce: CommerceServices;
  /** Registers work to do at shutdown (closing pools, stopping pollers), run in reverse order. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Keep PGlite in memory instead of under DATA_DIR (tests). */
  inMemoryStore?: boolean;
}

export async function createServices(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<AppServices> {
  const closers: Array<() => Promise<void> | void> = [];
  const onClose = (fn: () => Promise<void> | void) => void closers.push(fn);

  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemoryStore ? undefined : `${config.dataDir}/pglite`,
  });
  onClose(() => store.close());
  const applied = await migrate(store);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  if (!config.secretsKey) throw new Error('SECRETS_KEY must be resolved before services start');
  const secretBox = new SecretBox(config.secretsKey, config.previousSecretsKeys);

  const eventBus: EventBus = config.redisUrl
    ? await RedisEventBus.connect(config.redisUrl)
    : new MemoryEventBus();
  onClose(() => eventBus.close());
  const cache: Cache = config.redisUrl
    ? await RedisCache.connect(config.redisUrl)
    : new MemoryCache();
  onClose(() => cache.close());

  const workspaces = new WorkspaceRepository(store.db);
  const idempotency = new IdempotencyStore(store.db, {
    eventBus,
    waitMs: config.idempotencyWaitMs,
  });
  onClose(() => idempotency.close());
  const metrics = new UpstreamMetrics();
  const connections = new ConnectionService({
    repository: new ConnectionRepository(store.db),
    client: config.upstreams.apipanda.baseUrl
      ? new ApiPandaClient(createUpstreamHttp({ config, logger, metrics, onClose }, 'apipanda'))
      : undefined,
    secretBox,
    eventBus,
    logger,
    publicToken: config.apipanda.publicToken,
    polling: config.connectionPolling,
  });
  // Registered after the store and event bus, so watchers stop before those close.
  onClose(() => connections.stop());

  const services: AppServices = {
    config,
    logger,
    store,
    secretBox,
    eventBus,
    cache,
    metrics,
    workspaces,
    idempotency,
    authenticator: new Authenticator(workspaces, config.jwt),
    cursors: new CursorCodec(config.secretsKey),
    dispatch: createDispatchServices({ config, logger, metrics, onClose, store, secretBox }),
    connections,
    shopline: new ShoplineService({
      config,
      logger,
      metrics,
      db: store.db,
      secretBox,
      eventBus,
      cache,
      onClose,
    }),
    commerce: createCommerceServices({
      config,
      logger,
      metrics,
      onClose,
      store,
      secretBox,
      cache,
      eventBus,
    }),
    onClose,
    async close() {
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch (error) {
          logger.warn({ err: error }, 'error while closing a service');
        }
      }
    },
  };
  // SHOPLINE merchants join the unified commerce lists as a source of their own.
  services.commerce.registry.register(new ShoplineCommerceSource(services.shopline));
  return services;
}

/** The shared HTTP machinery for one upstream, closed with the services. */
export function createUpstreamHttp(
  services: Pick<AppServices, 'config' | 'logger' | 'metrics' | 'onClose'>,
  name: UpstreamName,
  extra: Partial<ConstructorParameters<typeof UpstreamHttpClient>[0]> = {},
): UpstreamHttpClient {
  const upstream = services.config.upstreams[name];
  if (!upstream.baseUrl) throw new Error(`${name.toUpperCase()}_BASE_URL is not configured`);
  const client = new UpstreamHttpClient({
    name,
    baseUrl: upstream.baseUrl,
    timeoutMs: upstream.timeoutMs,
    metrics: services.metrics,
    logger: services.logger,
    ...extra,
  });
  services.onClose(() => client.close());
  return client;
}
