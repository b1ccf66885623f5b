import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { cacheKey, type Cache } from '../../store/cache.js';
import type { EventBus } from '../../store/event-bus.js';
import { CodatClient, codatCorrelationId } from '../../upstreams/codat/codat-client.js';
import { QardClient } from '../../upstreams/qard/qard-client.js';
import type { ModuleDependencies } from '../module.js';
import { CodatWebhooks } from './codat-webhooks.js';
import { CommerceReader } from './commerce-reader.js';
import { CommerceLinkRepository } from './link-repository.js';
import { CommerceLinkService } from './link-service.js';
import { QardProviderSettings } from './qard-provider-settings.js';
import { CommerceRecordCache } from './record-cache.js';
import { CommerceSourceRegistry } from './source-registry.js';
import { CachedCommerceSource } from './sources/cached-source.js';
import { CodatSource } from './sources/codat/codat-source.js';
import { QardSource } from './sources/qard/qard-source.js';
import type { CommerceLink, CommerceSource } from './sources/source.js';
import { CommerceSyncEvents, LINK_DATA_CHANGED_TOPIC } from './sync-events.js';
import { SyncVersions } from './sync-versions.js';
import { SyncWatcher, type PollLease } from './sync-watcher.js';

declare module '../../app-services.js' {
  interface ModuleServices {
    commerce: CommerceServices;
  }
}

/** The commerce module's services (`ctx.services.commerce`). */
export interface CommerceServices {
  /** Adapters by source kind; other modules give theirs through `commerceSources`. */
  registry: CommerceSourceRegistry;
  reader: CommerceReader;
  links: CommerceLinkService;
  /** Qard provider settings of the deployment (set by the operator, read by workspaces). */
  qardProviders: QardProviderSettings;
  /** Records kept across requests; undefined when COMMERCE_CACHE_MB is 0. */
  recordCache: CommerceRecordCache | undefined;
  /** Ended syncs, announced to `Subscription.commerceLinkSynced` on every replica. */
  syncEvents: CommerceSyncEvents;
  /** Codat's webhook receiver; undefined when CODAT_WEBHOOK_SECRET is unset. */
  codatWebhooks: CodatWebhooks | undefined;
  /**
   * Keeps a link's sync status read while a subscriber waits for it, when its syncs are not
   * announced by webhook; call the result when the subscriber leaves.
   */
  watchSyncs(link: CommerceLink): () => void;
  /** Links whose sync status this replica polls now (0 once every sync it watched has ended). */
  readonly syncsWatched: number;
}

/**
 * Builds the Codat and Qard clients (only for upstreams with a base URL and an API key) and the
 * commerce reader and link service over them.
 */
export function createCommerceServices(deps: ModuleDependencies): CommerceServices {
  const { config } = deps;
  const recordCache =
    config.commerceCache.maxBytes > 0
      ? new CommerceRecordCache(config.commerceCache.maxBytes)
      : undefined;
  const registry = new CommerceSourceRegistry(
    recordCache && keepRecords(deps, recordCache, config.commerceCache.syncCheckMs),
  );
  const codatKey = config.codat.apiKey;
  const codat =
    config.upstreams.codat.baseUrl && codatKey
      ? new CodatClient(
          deps.upstreamHttp('codat', {
            defaultHeaders: { authorization: `Basic ${Buffer.from(codatKey).toString('base64')}` },
            correlationIdOf: codatCorrelationId,
          }),
        )
      : undefined;
  const qardKey = config.qard.apiKey;
  const qard =
    config.upstreams.qard.baseUrl && qardKey
      ? new QardClient(deps.upstreamHttp('qard', { defaultHeaders: { 'x-api-key': qardKey } }))
      : undefined;
  if (codat) registry.register(new CodatSource(codat));
  if (qard) registry.register(new QardSource(qard));
  const repository = new CommerceLinkRepository(deps.store.db, deps.cache);
  const polling = config.commerceSyncPolling;
  const syncEvents = new CommerceSyncEvents(
    deps.eventBus,
    deps.cache,
    // Two announcers of one sync see its end at most a poll apart.
    Math.max(60, (2 * polling.maxIntervalMs) / 1000),
  );
  const announce = (event: Parameters<CommerceSyncEvents['announce']>[0]) =>
    syncEvents.announce(event);
  const codatWebhooks = config.codat.webhookSecret
    ? new CodatWebhooks(config.codat.webhookSecret, repository, deps.cache, announce)
    : undefined;
  const watcher = new SyncWatcher(
    async (link) => (await registry.get(link.source)?.syncStatus(link)) ?? [],
    announce,
    polling,
    deps.logger,
    pollLease(deps.cache, polling.maxIntervalMs),
  );
  // Registered after the store and event bus, so watching stops before those close.
  deps.onClose(() => watcher.stop());
  // Syncs of sources read live (SHOPLINE) do not exist; Codat's come by webhook when it is set.
  const polled = (link: CommerceLink) =>
    registry.get(link.source)?.syncedCopy === true && !(link.source === 'CODAT' && codatWebhooks);
  const links = new CommerceLinkService(repository, registry, codat, qard, (link, queued) => {
    if (polled(link)) watcher.started(link, queued);
  });
  return {
    registry,
    reader: new CommerceReader(
      repository,
      registry,
      deps.cursors,
      (link) => links.refreshStatus(link),
      config.commerceBackwardScanMax,
    ),
    links,
    qardProviders: new QardProviderSettings(deps.store.db, qard),
    recordCache,
    syncEvents,
    codatWebhooks,
    watchSyncs: (link) => (polled(link) ? watcher.hold(link) : () => undefined),
    get syncsWatched() {
      return watcher.watching;
    },
  };
}

/**
 * One replica at a time reads a watched link's status: the lease is a shared cache key (Redis
 * with REDIS_URL) naming this replica, renewed at each read, which come at most
 * `maxIntervalMs` apart; it outlives a few of them, so a slow read does not lose it, and
 * expires soon enough after its holder died for another replica to go on.
 */
function pollLease(cache: Cache, maxIntervalMs: number): PollLease {
  const owner = randomUUID();
  const ttlMs = Math.max(3 * maxIntervalMs, 10_000);
  const key = (link: CommerceLink) => cacheKey(link.workspaceId, 'commerce-sync-poll', link.id);
  return {
    take: (link) => cache.lease(key(link), owner, ttlMs),
    release: (link) => cache.releaseLease(key(link), owner),
  };
}

/**
 * Wraps synced sources in the record cache. A sync requested or completed on any replica is
 * announced on the event bus (Redis with REDIS_URL), and every replica then drops that link's
 * records and reads its status again before serving it from the cache.
 */
function keepRecords(
  deps: { logger: Logger; eventBus: EventBus; onClose(fn: () => Promise<void> | void): void },
  recordCache: CommerceRecordCache,
  syncCheckMs: number,
): (source: CommerceSource) => CommerceSource {
  const versions = new SyncVersions(syncCheckMs);
  const forget = (link: { workspaceId: string; id: string }) => {
    versions.forget(link.workspaceId, link.id);
    recordCache.forgetLink(link.workspaceId, link.id);
  };
  const announcements = deps.eventBus.subscribe<{ workspaceId: string; id: string }>(
    LINK_DATA_CHANGED_TOPIC,
  );
  void (async () => {
    for await (const link of announcements) forget(link);
  })().catch((error: unknown) =>
    deps.logger.error({ err: error }, 'commerce cache stopped hearing of requested syncs'),
  );
  deps.onClose(async () => {
    await announcements.return?.();
  });
  const announce = (link: CommerceLink) => {
    forget(link);
    deps.eventBus
      .publish(LINK_DATA_CHANGED_TOPIC, { workspaceId: link.workspaceId, id: link.id })
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'could not announce a requested sync to other replicas'),
      );
  };
  return (source) => new CachedCommerceSource(source, recordCache, versions, announce);
}
