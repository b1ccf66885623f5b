import { deepFreeze, serialisedOnce, toExactJson } from '../commerce-data/exact-json.js';
import { escapeHtml, htmlPage } from '../html-page.js';
import { Seeded, hashSeed } from '../commerce-data/seeded.js';
import {
  route,
  type SandboxHandler,
  type SandboxReply,
  type SandboxRequest,
  type Simulator,
} from '../framework.js';
import {
  QARD_COMMERCE_TYPES,
  QARD_LISTS,
  generateQardUserData,
  type QardCommerceType,
  type QardList,
  type QardUserData,
} from './data.js';

/**
 * Qard (API v6), following Qard's Shopify provider guide and API reference: provider setup (credentials,
 * settings, enable), users, data connections the user authorises on a redirect page, syncs
 * (QUEUED → FETCHING → SUCCESS after `syncDurationMs`, 409 while a sync of the same type runs),
 * and the commerce lists with Qard's `page`/`per_page` envelope. Sync progress is computed from
 * the clock on each request, so no timers outlive a test. Assumptions: docs/sandbox.md.
 */

export const SANDBOX_QARD_API_KEY = 'qard-sandbox-key-8d41a7c3';
export const QARD_DEFAULT_SYNC_DURATION_MS = 1500;
export const QARD_MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;

export type QardConnectionStatus =
  'AUTH_REQUIRED' | 'CONNECTING' | 'CONNECTED' | 'AUTH_ERROR' | 'DISCONNECTED';
export type QardSyncStatus =
  'QUEUED' | 'FETCHING' | 'AUTH_ERROR' | 'FETCH_ERROR' | 'INTERNAL_ERROR' | 'SUCCESS';

interface ProviderState {
  name: string;
  displayName: string;
  enabled: boolean;
  autoConnect: boolean;
  credentialFields: string[];
  credentials: Record<string, string> | undefined;
}

export interface QardDataConnectionState {
  id: string;
  userId: string;
  providerName: string;
  status: QardConnectionStatus;
  requestedDataTypes: string[];
  createdAt: string;
  updatedAt: string;
}

interface SyncState {
  id: string;
  dataTypes: QardCommerceType[];
  requestedMs: number;
  durationMs: number;
  completedMs: number | undefined;
}

export interface QardUserState {
  id: string;
  name: string;
  createdAt: string;
  connections: QardDataConnectionState[];
  syncs: SyncState[];
}

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

type Handler = (req: SandboxRequest) => SandboxReply;

const PROVIDERS: Array<Pick<ProviderState, 'name' | 'displayName' | 'credentialFields'>> = [
  { name: 'shopify', displayName: 'Shopify', credentialFields: ['client_id', 'client_secret'] },
  {
    name: 'woocommerce',
    displayName: 'WooCommerce',
    credentialFields: ['consumer_key', 'consumer_secret'],
  },
];

export function createQardSimulator(
  seed = 1,
  options: { syncDurationMs?: number } = {},
): QardSimulator {
  const ids = new Seeded(hashSeed(seed, 'qard-ids'));
  let syncDurationMs = options.syncDurationMs ?? QARD_DEFAULT_SYNC_DURATION_MS;
  const providers = new Map<string, ProviderState>(
    PROVIDERS.map((p) => [
      p.name,
      { ...p, enabled: false, autoConnect: false, credentials: undefined },
    ]),
  );
  const users = new Map<string, QardUserState>();
  const dataCache = new Map<string, QardUserData>();
  // Qard amounts are strings, so plain JSON is exact; records are serialised once and list
  // pages embed that text through `toExactJson`.
  const recordJson = serialisedOnce((record) => JSON.stringify(record));

  const error = (status: number, code: string, message: string, field?: string): SandboxReply => ({
    status,
    body: { status, code, message, ...(field ? { errors: [{ field, message }] } : {}) },
  });

  const syncStatus = (sync: SyncState, now: number): QardSyncStatus => {
    const doneAt = sync.completedMs ?? sync.requestedMs + sync.durationMs;
    if (now >= doneAt) return 'SUCCESS';
    return now - sync.requestedMs < sync.durationMs / 3 ? 'QUEUED' : 'FETCHING';
  };
  const syncJson = (user: QardUserState, sync: SyncState, now: number) => {
    const status = syncStatus(sync, now);
    return {
      id: sync.id,
      user_id: user.id,
      status,
      data_types: sync.dataTypes,
      created_at: new Date(sync.requestedMs).toISOString(),
      updated_at: new Date(
        status === 'SUCCESS'
          ? (sync.completedMs ?? sync.requestedMs + sync.durationMs)
          : sync.requestedMs,
      ).toISOString(),
      finished_at:
        status === 'SUCCESS'
          ? new Date(sync.completedMs ?? sync.requestedMs + sync.durationMs).toISOString()
          : null,
    };
  };

  const providerJson = (p: ProviderState) => ({
    name: p.name,
    logo_url: `https://assets.example.com/providers/${p.name}.svg`,
    enabled: p.enabled,
    available: true,
    unique: false,
    auth_required: true,
    auto_connect: p.autoConnect,
    settings: { auto_connect: p.autoConnect },
    // Which credentials the provider needs and whether they are set; their values are never sent.
    credentials_config: p.credentialFields.map((name) => ({
      name,
      type: 'string',
      required: true,
      is_set: Boolean(p.credentials?.[name]),
    })),
    data_types: QARD_COMMERCE_TYPES,
  });

  const connectionJson = (c: QardDataConnectionState, baseUrl: string) => ({
    id: c.id,
    user_id: c.userId,
    provider_name: c.providerName,
    status: c.status,
    redirect_url: `${baseUrl}/connect/${c.userId}/${c.id}`,
    requested_data_types: c.requestedDataTypes,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });

  const userJson = (u: QardUserState) => ({ id: u.id, name: u.name, created_at: u.createdAt });

  const paging = (req: SandboxRequest): { page: number; perPage: number } | SandboxReply => {
    const rawPage = req.query.get('page');
    const rawPer = req.query.get('per_page');
    const page = rawPage === null ? 1 : Number(rawPage);
    const perPage = rawPer === null ? DEFAULT_PER_PAGE : Number(rawPer);
    if (!Number.isInteger(page) || page < 1)
      return error(400, 'VALIDATION_ERROR', 'page must be an integer >= 1', 'page');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > QARD_MAX_PER_PAGE) {
      return error(
        400,
        'VALIDATION_ERROR',
        `per_page must be an integer between 1 and ${QARD_MAX_PER_PAGE}`,
        'per_page',
      );
    }
    return { page, perPage };
  };

  const envelope = <T>(items: readonly T[], page: number, perPage: number) => ({
    total: items.length,
    per_page: perPage,
    current_page: page,
    last_page: Math.max(1, Math.ceil(items.length / perPage)),
    result: items.slice((page - 1) * perPage, page * perPage),
  });

  const isReply = (x: object): x is SandboxReply =>
    typeof (x as { status?: unknown }).status === 'number';

  const findProvider = (req: SandboxRequest): ProviderState | SandboxReply =>
    providers.get(req.params['name'] ?? '') ??
    error(404, 'NOT_FOUND', `Provider ${req.params['name'] ?? ''} not found`);
  const findUser = (req: SandboxRequest): QardUserState | SandboxReply =>
    users.get(req.params['userId'] ?? '') ??
    error(404, 'NOT_FOUND', `User ${req.params['userId'] ?? ''} not found`);

  // ---- providers ----

  const putCredentials: Handler = (req) => {
    const provider = findProvider(req);
    if (isReply(provider)) return provider;
    const credentials = (req.body as Record<string, unknown> | undefined)?.['credentials'];
    if (!credentials || typeof credentials !== 'object')
      return error(400, 'VALIDATION_ERROR', 'credentials is required', 'credentials');
    const values = credentials as Record<string, unknown>;
    for (const field of provider.credentialFields) {
      if (typeof values[field] !== 'string' || !values[field]) {
        return error(
          400,
          'VALIDATION_ERROR',
          `credentials.${field} is required`,
          `credentials.${field}`,
        );
      }
    }
    provider.credentials = Object.fromEntries(
      provider.credentialFields.map((f) => [f, String(values[f])]),
    );
    return { status: 200, body: providerJson(provider) };
  };

  const putSettings: Handler = (req) => {
    const provider = findProvider(req);
    if (isReply(provider)) return provider;
    const autoConnect = (req.body as Record<string, unknown> | undefined)?.['auto_connect'];
    if (typeof autoConnect !== 'boolean')
      return error(400, 'VALIDATION_ERROR', 'auto_connect must be a boolean', 'auto_connect');
    provider.autoConnect = autoConnect;
    return { status: 200, body: providerJson(provider) };
  };

  const putProvider: Handler = (req) => {
    const provider = findProvider(req);
    if (isReply(provider)) return provider;
    const enable = (req.body as Record<string, unknown> | undefined)?.['enable'];
    if (typeof enable !== 'boolean')
      return error(400, 'VALIDATION_ERROR', 'enable must be a boolean', 'enable');
    if (enable && !provider.credentials) {
      return error(
        400,
        'PROVIDER_CREDENTIALS_MISSING',
        `Set the ${provider.name} credentials before enabling it`,
        'enable',
      );
    }
    provider.enabled = enable;
    return { status: 200, body: providerJson(provider) };
  };

  const getProvider: Handler = (req) => {
    const provider = findProvider(req);
    return isReply(provider) ? provider : { status: 200, body: providerJson(provider) };
  };

  // ---- users and data connections ----

  const createUser: Handler = (req) => {
    const name = (req.body as Record<string, unknown> | undefined)?.['name'];
    if (typeof name !== 'string' || !name.trim())
      return error(400, 'VALIDATION_ERROR', 'name is required', 'name');
    const user: QardUserState = {
      id: ids.uuid(),
      name: name.trim(),
      createdAt: new Date().toISOString(),
      connections: [],
      syncs: [],
    };
    users.set(user.id, user);
    return { status: 201, body: userJson(user) };
  };

  const getUser: Handler = (req) => {
    const user = findUser(req);
    return isReply(user) ? user : { status: 200, body: userJson(user) };
  };

  const validTypes = (value: unknown): value is QardCommerceType[] =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((t) => (QARD_COMMERCE_TYPES as readonly unknown[]).includes(t));

  const createConnection: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const provider = providers.get(String(body['provider_name'] ?? ''));
    if (!provider)
      return error(
        400,
        'VALIDATION_ERROR',
        `Unknown provider ${String(body['provider_name'])}`,
        'provider_name',
      );
    if (!provider.enabled)
      return error(
        400,
        'PROVIDER_DISABLED',
        `Provider ${provider.name} is not enabled`,
        'provider_name',
      );
    if (!validTypes(body['requested_data_types'])) {
      return error(
        400,
        'VALIDATION_ERROR',
        `requested_data_types must be a non-empty list of ${QARD_COMMERCE_TYPES.join(', ')}`,
        'requested_data_types',
      );
    }
    const now = new Date().toISOString();
    const connection: QardDataConnectionState = {
      id: ids.uuid(),
      userId: user.id,
      providerName: provider.name,
      status: 'AUTH_REQUIRED',
      requestedDataTypes: [...new Set(body['requested_data_types'])],
      createdAt: now,
      updatedAt: now,
    };
    user.connections.push(connection);
    return { status: 201, body: connectionJson(connection, req.baseUrl) };
  };

  const listConnections: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const p = paging(req);
    if (isReply(p)) return p;
    return {
      status: 200,
      body: envelope(
        user.connections.map((c) => connectionJson(c, req.baseUrl)),
        p.page,
        p.perPage,
      ),
    };
  };

  const findConnection = (user: QardUserState, req: SandboxRequest) =>
    user.connections.find((c) => c.id === req.params['connectionId']) ??
    error(404, 'NOT_FOUND', `Data connection ${req.params['connectionId'] ?? ''} not found`);

  const getConnection: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const connection = findConnection(user, req);
    return isReply(connection)
      ? connection
      : { status: 200, body: connectionJson(connection, req.baseUrl) };
  };

  const patchConnection: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const connection = findConnection(user, req);
    if (isReply(connection)) return connection;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body['status'] !== undefined) {
      if (body['status'] !== 'DISCONNECTED')
        return error(400, 'VALIDATION_ERROR', 'status can only be set to DISCONNECTED', 'status');
      connection.status = 'DISCONNECTED';
    }
    if (body['requested_data_types'] !== undefined) {
      if (!validTypes(body['requested_data_types']))
        return error(
          400,
          'VALIDATION_ERROR',
          'invalid requested_data_types',
          'requested_data_types',
        );
      connection.requestedDataTypes = [...new Set(body['requested_data_types'])];
    }
    connection.updatedAt = new Date().toISOString();
    return { status: 200, body: connectionJson(connection, req.baseUrl) };
  };

  // ---- syncs ----

  const connected = (user: QardUserState) => user.connections.find((c) => c.status === 'CONNECTED');

  const postSync: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const dataTypes = (req.body as Record<string, unknown> | undefined)?.['data_types'];
    if (!validTypes(dataTypes)) {
      return error(
        400,
        'VALIDATION_ERROR',
        `data_types must be a non-empty list of ${QARD_COMMERCE_TYPES.join(', ')}`,
        'data_types',
      );
    }
    if (!connected(user))
      return error(
        400,
        'NO_CONNECTED_DATA_CONNECTION',
        'The user has no CONNECTED data connection',
      );
    const now = Date.now();
    const running = user.syncs.find(
      (s) => syncStatus(s, now) !== 'SUCCESS' && s.dataTypes.some((t) => dataTypes.includes(t)),
    );
    if (running)
      return error(
        409,
        'SYNC_ALREADY_RUNNING',
        `A sync of ${running.dataTypes.filter((t) => dataTypes.includes(t)).join(', ')} is already running`,
      );
    const sync: SyncState = {
      id: ids.uuid(),
      dataTypes: [...new Set(dataTypes)],
      requestedMs: now,
      durationMs: syncDurationMs,
      completedMs: undefined,
    };
    user.syncs.push(sync);
    return { status: 201, body: syncJson(user, sync, now) };
  };

  const listSyncs: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const p = paging(req);
    if (isReply(p)) return p;
    const now = Date.now();
    return {
      status: 200,
      body: envelope(
        [...user.syncs].reverse().map((s) => syncJson(user, s, now)),
        p.page,
        p.perPage,
      ),
    };
  };

  const latestSync: Handler = (req) => {
    const user = findUser(req);
    if (isReply(user)) return user;
    const latest = user.syncs.at(-1);
    return latest
      ? { status: 200, body: syncJson(user, latest, Date.now()) }
      : error(404, 'NOT_FOUND', 'The user has no sync yet');
  };

  // ---- commerce ----

  const dataOf = (user: QardUserState): QardUserData => {
    let data = dataCache.get(user.id);
    if (!data) {
      // Frozen: a user's records never change after generation, so their JSON is kept.
      data = deepFreeze(
        generateQardUserData(seed, user.id, (connected(user) ?? user.connections[0])?.id ?? ''),
      );
      dataCache.set(user.id, data);
    }
    return data;
  };

  const synced = (user: QardUserState, type: QardCommerceType) => {
    const now = Date.now();
    return user.syncs.some((s) => s.dataTypes.includes(type) && syncStatus(s, now) === 'SUCCESS');
  };

  const listCommerce =
    (list: QardList): Handler =>
    (req) => {
      const user = findUser(req);
      if (isReply(user)) return user;
      const p = paging(req);
      if (isReply(p)) return p;
      const records = synced(user, QARD_LISTS[list]) ? dataOf(user)[list] : [];
      const page = envelope(records, p.page, p.perPage);
      return { status: 200, json: toExactJson({ ...page, result: page.result.map(recordJson) }) };
    };

  const getCommerce =
    (list: QardList): Handler =>
    (req) => {
      const user = findUser(req);
      if (isReply(user)) return user;
      const id = req.params['recordId'];
      const record = synced(user, QARD_LISTS[list])
        ? dataOf(user)[list].find((r) => r.id === id)
        : undefined;
      return record
        ? { status: 200, json: recordJson(record).text }
        : error(404, 'NOT_FOUND', `Record ${id ?? ''} not found`);
    };

  // ---- redirect page ----

  const target = (req: SandboxRequest) =>
    users
      .get(req.params['userId'] ?? '')
      ?.connections.find((c) => c.id === req.params['connectionId']);

  const connectPage: Handler = (req) => {
    const connection = target(req);
    if (!connection)
      return { status: 404, html: htmlPage('Unknown link', '<p>This link is not valid.</p>') };
    if (connection.status !== 'AUTH_REQUIRED') {
      return {
        status: 200,
        html: htmlPage(
          'Already answered',
          `<p id="result">This data connection is ${connection.status}.</p>`,
        ),
      };
    }
    const provider = providers.get(connection.providerName);
    return {
      status: 200,
      html: htmlPage(
        `Connect ${escapeHtml(provider?.displayName ?? connection.providerName)}`,
        `<p>Qard sandbox: share ${escapeHtml(connection.requestedDataTypes.join(', '))} from your store.</p>
        <form method="post" action="${req.baseUrl}/connect/${connection.userId}/${connection.id}">
          <button type="submit" name="decision" value="authorise" id="authorise">Authorise</button>
          <button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
        </form>`,
      ),
    };
  };

  const connectDecision: Handler = (req) => {
    const connection = target(req);
    if (!connection)
      return { status: 404, html: htmlPage('Unknown link', '<p>This link is not valid.</p>') };
    if (connection.status === 'AUTH_REQUIRED') {
      connection.status =
        new URLSearchParams(req.rawBody).get('decision') === 'authorise'
          ? 'CONNECTED'
          : 'AUTH_ERROR';
      connection.updatedAt = new Date().toISOString();
    }
    return {
      status: 200,
      html: htmlPage(
        'Done',
        `<p id="result">Data connection ${connection.status}. You can close this window.</p>`,
      ),
    };
  };

  const api =
    (handler: Handler): SandboxHandler =>
    (req) =>
      req.headers['x-api-key'] === SANDBOX_QARD_API_KEY
        ? handler(req)
        : error(401, 'UNAUTHORIZED', 'Missing or invalid X-API-KEY');

  const v6 = '/api/v6';
  const routes = [
    route('PUT', `${v6}/providers/:name/credentials`, api(putCredentials)),
    route('PUT', `${v6}/providers/:name/settings`, api(putSettings)),
    route('PUT', `${v6}/providers/:name`, api(putProvider)),
    route('GET', `${v6}/providers/:name`, api(getProvider)),
    route('POST', `${v6}/users`, api(createUser)),
    route('GET', `${v6}/users/:userId`, api(getUser)),
    route('POST', `${v6}/users/:userId/data-connections`, api(createConnection)),
    route('GET', `${v6}/users/:userId/data-connections`, api(listConnections)),
    route('GET', `${v6}/users/:userId/data-connections/:connectionId`, api(getConnection)),
    route('PATCH', `${v6}/users/:userId/data-connections/:connectionId`, api(patchConnection)),
    route('POST', `${v6}/users/:userId/sync`, api(postSync)),
    route('GET', `${v6}/users/:userId/sync`, api(listSyncs)),
    route('GET', `${v6}/users/:userId/sync/latest`, api(latestSync)),
    ...(Object.keys(QARD_LISTS) as QardList[]).flatMap((list) => [
      route('GET', `${v6}/users/:userId/${list}`, api(listCommerce(list))),
      route('GET', `${v6}/users/:userId/${list}/:recordId`, api(getCommerce(list))),
    ]),
    route('GET', '/connect/:userId/:connectionId', connectPage),
    route('POST', '/connect/:userId/:connectionId', connectDecision),
  ];

  const userOrThrow = (id: string) => {
    const user = users.get(id);
    if (!user) throw new Error(`no Qard user ${id}`);
    return user;
  };

  return {
    name: 'qard',
    routes,
    authorize(userId, connectionId) {
      const connection = userOrThrow(userId).connections.find((c) => c.id === connectionId);
      if (!connection) throw new Error(`no Qard data connection ${connectionId}`);
      connection.status = 'CONNECTED';
      connection.updatedAt = new Date().toISOString();
    },
    completeSync(userId) {
      const now = Date.now();
      for (const sync of userOrThrow(userId).syncs) {
        if (syncStatus(sync, now) !== 'SUCCESS') sync.completedMs = now;
      }
    },
    enableProvider(name) {
      const provider = providers.get(name);
      if (!provider) throw new Error(`no Qard provider ${name}`);
      provider.credentials ??= Object.fromEntries(
        provider.credentialFields.map((f) => [f, `sandbox-${f}`]),
      );
      provider.enabled = true;
    },
    users: () => [...users.values()],
    setSyncDurationMs(ms) {
      syncDurationMs = ms;
    },
    data: (userId) => dataOf(userOrThrow(userId)),
  };
}
