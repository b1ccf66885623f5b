import { route, type SandboxHandler, type Simulator } from '../framework.js';
import { QARD_LISTS, type QardList, type QardUserData } from './data.js';
import { commerceHandlers } from './commerce-routes.js';
import { connectPageHandlers } from './connect-pages.js';
import { providerHandlers } from './provider-routes.js';
import { QardRecords } from './records.js';
import { qardError, type QardContext, type QardHandler } from './replies.js';
import { QARD_DEFAULT_SYNC_DURATION_MS, QardState, type QardUserState } from './state.js';
import { userHandlers } from './user-routes.js';

/**
 * Qard (API v6), following Qard's Shopify provider guide and API reference: provider setup
 * (credentials, settings, enable; provider-routes.ts), users, data connections the user
 * authorises on a redirect page (connect-pages.ts), syncs (QUEUED → FETCHING → SUCCESS after
 * `syncDurationMs`, 409 while a sync of the same type runs; user-routes.ts), and the commerce
 * lists with Qard's `page`/`per_page` envelope (commerce-routes.ts). Sync progress is computed
 * from the clock on each request, so no timers outlive a test. Assumptions: docs/sandbox.md.
 */

export const SANDBOX_QARD_API_KEY = 'qard-sandbox-key-8d41a7c3';

export interface QardSimulator extends Simulator {
  /** Authorises a data connection as the redirect page's Authorise button does (→ CONNECTED). */
  authorize(userId: string, connectionId: string): void;
  /** Finishes the user's running syncs now. */
  completeSync(userId: string): void;
  /** Configures and enables a provider without the API (test set-up). */
  enableProvider(name: string): void;
  users(): ReadonlyArray<Readonly<QardUserState>>;
  setSyncDurationMs(ms: number): void;
  /** The seeded records served for a user once synced (reference data for tests). */
  data(userId: string): QardUserData;
}

export function createQardSimulator(
  seed = 1,
  options: { syncDurationMs?: number } = {},
): QardSimulator {
  const state = new QardState(seed, options.syncDurationMs ?? QARD_DEFAULT_SYNC_DURATION_MS);
  const ctx: QardContext = { state, records: new QardRecords(seed) };
  const providers = providerHandlers(state);
  const users = userHandlers(state);
  const commerce = commerceHandlers(ctx);
  const connect = connectPageHandlers(state);

  const api =
    (handler: QardHandler): SandboxHandler =>
    (req) =>
      req.headers['x-api-key'] === SANDBOX_QARD_API_KEY
        ? handler(req)
        : qardError(401, 'UNAUTHORIZED', 'Missing or invalid X-API-KEY');

  const v6 = '/api/v6';
  const connection = `${v6}/users/:userId/data-connections/:connectionId`;
  const routes = [
    route('PUT', `${v6}/providers/:name/credentials`, api(providers.putCredentials)),
    route('PUT', `${v6}/providers/:name/settings`, api(providers.putSettings)),
    route('PUT', `${v6}/providers/:name`, api(providers.putProvider)),
    route('GET', `${v6}/providers/:name`, api(providers.getProvider)),
    route('POST', `${v6}/users`, api(users.createUser)),
    route('GET', `${v6}/users/:userId`, api(users.getUser)),
    route('POST', `${v6}/users/:userId/data-connections`, api(users.createConnection)),
    route('GET', `${v6}/users/:userId/data-connections`, api(users.listConnections)),
    route('GET', connection, api(users.getConnection)),
    route('PATCH', connection, api(users.patchConnection)),
    route('POST', `${v6}/users/:userId/sync`, api(users.postSync)),
    route('GET', `${v6}/users/:userId/sync`, api(users.listSyncs)),
    route('GET', `${v6}/users/:userId/sync/latest`, api(users.latestSync)),
    ...(Object.keys(QARD_LISTS) as QardList[]).flatMap((list) => [
      route('GET', `${v6}/users/:userId/${list}`, api(commerce.listCommerce(list))),
      route('GET', `${v6}/users/:userId/${list}/:recordId`, api(commerce.getCommerce(list))),
    ]),
    route('GET', '/connect/:userId/:connectionId', connect.connectPage),
    route('POST', '/connect/:userId/:connectionId', connect.connectDecision),
  ];

  return {
    name: 'qard',
    routes,
    authorize(userId, connectionId) {
      const target = state.userOrThrow(userId).connections.find((c) => c.id === connectionId);
      if (!target) throw new Error(`no Qard data connection ${connectionId}`);
      target.status = 'CONNECTED';
      target.updatedAt = new Date().toISOString();
    },
    completeSync(userId) {
      state.completeSyncs(state.userOrThrow(userId));
    },
    enableProvider(name) {
      state.enableProvider(name);
    },
    users: () => [...state.users.values()],
    setSyncDurationMs(ms) {
      state.syncDurationMs = ms;
    },
    data: (userId) => ctx.records.of(state.userOrThrow(userId)),
  };
}
