import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import type { CursorCodec } from './modules/base/cursor-codec.js';
import type { Cache } from './store/cache.js';
import type { Store } from './store/database.js';
import type { EventBus } from './store/event-bus.js';
import type { IdempotencyStore } from './store/repositories/idempotency.js';
import type { WorkspaceRepository } from './store/repositories/workspaces.js';
import type { SecretBox } from './store/secret-box.js';
import type { UpstreamMetrics } from './upstreams/upstream-metrics.js';

/** Registers work to do at shutdown (closing pools, stopping pollers), run in reverse order. */
export type OnClose = (fn: () => Promise<void> | void) => void;

/** What the gateway builds once per process for every module, whichever modules it serves. */
export interface SharedServices {
  config: Config;
  logger: Logger;
  store: Store;
  secretBox: SecretBox;
  eventBus: EventBus;
  cache: Cache;
  /** Upstream call counters and timings (tests count calls with them; /metrics shows them). */
  metrics: UpstreamMetrics;
  /** This app's Prometheus registry: every metric of /metrics but the process's own. */
  metricsRegistry: Registry;
  workspaces: WorkspaceRepository;
  idempotency: IdempotencyStore;
  /** Signs and checks pagination cursors (see modules/base/cursor-codec.ts). */
  cursors: CursorCodec;
  onClose: OnClose;
}

/**
 * Each domain module's own services, under the key its module declares. Empty here: every module
 * adds its entry beside its services factory, e.g.
 *
 *   declare module '../../app-services.js' {
 *     interface ModuleServices { commerce: CommerceServices }
 *   }
 *
 * so `ctx.services.commerce` is typed without this file (or the request context) importing any
 * module, which would make every module depend on every other. A gateway serving some modules
 * only (one subgraph) builds only theirs; a module reads only its own entry, and reaches other
 * modules through the extension points they declare (modules/module.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface ModuleServices {}

/** What resolvers reach as `ctx.services`. */
export interface AppServices extends SharedServices, ModuleServices {}
