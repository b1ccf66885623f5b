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
  CODAT_COMMERCE_DATA_TYPES,
  CODAT_LIST_DATASETS,
  generateCodatCompanyData,
  type CodatCommerceDataType,
  type CodatCompanyData,
  type CodatListDataset,
  type CodatRecord,
} from './data.js';
import {
  QueryError,
  matches,
  parseQuery,
  idsOnly,
  queryFields,
  sortRecords,
  type QueryNode,
} from './query.js';

/**
 * Codat (platform + commerce APIs), following Codat's commerce workflow guide and its public
 * OpenAPI documents (vendored in test/fixtures/codat/): companies and data connections, a link page the business owner
 * authorises, dataset syncs that take `syncDurationMs` (Queued → Fetching → Complete) and answer
 * 409 until complete, and the commerce datasets with Codat's paging, `query` and `orderBy`.
 * Sync progress is computed from the clock on each request, so no timers outlive a test.
 * Every assumption where Codat's docs are silent is listed in docs/sandbox.md.
 */

export const SANDBOX_CODAT_API_KEY = 'codat-sandbox-key-2f6c1b9e';

/** Platform keys the sandbox accepts (`platformType` / `platformKey`), with their display names. */
export const CODAT_PLATFORMS: Readonly<Record<string, string>> = {
  woocommerce: 'WooCommerce',
  shopify: 'Shopify',
  square: 'Square',
  stripe: 'Stripe',
  paypal: 'PayPal',
  zettle: 'Zettle',
  ebay: 'eBay',
  'amazon-seller-central': 'Amazon Seller Central',
};

export const CODAT_DEFAULT_SYNC_DURATION_MS = 1500;
export const CODAT_MAX_PAGE_SIZE = 5000;
const DEFAULT_PAGE_SIZE = 100;
/** Codat's documented company-name pattern. */
const COMPANY_NAME = /^[A-Za-z0-9\s\-',&@.,?!]+$/;

export type CodatConnectionStatus = 'PendingAuth' | 'Linked' | 'Unlinked' | 'Deauthorized';

export interface CodatConnectionState {
  id: string;
  platformKey: string;
  platformName: string;
  integrationId: string;
  sourceId: string;
  status: CodatConnectionStatus;
  linkUrl: string;
  created: string;
  lastSync: string | undefined;
}

interface PullOperation {
  id: string;
  dataType: CodatCommerceDataType;
  connectionId: string;
  requestedMs: number;
  durationMs: number;
  /** Set by `completeSync` to finish the sync early. */
  completedMs: number | undefined;
  /** Set when a newer sync of the same dataset starts before this one completes. */
  cancelled: boolean;
}

export interface SyncSetting {
  dataType: string;
  fetchOnFirstLink: boolean;
  syncSchedule: number;
  syncOrder: number;
  syncFromUtc?: string;
  syncFromWindow?: number;
  monthsToSync?: number;
  isLocked?: boolean;
}

export interface CodatCompanyState {
  id: string;
  name: string;
  description: string | undefined;
  created: string;
  connections: CodatConnectionState[];
  /** Company-level sync settings, when they override the profile's. */
  syncSettings: SyncSetting[] | undefined;
  operations: PullOperation[];
  redirect: string;
}

export interface CodatSimulator extends Simulator {
  /** Links the company's pending connections (or one) as the link page's Authorise button does. */
  authorize(companyId: string, connectionId?: string): void;
  /** Finishes every running dataset sync of the company now. */
  completeSync(companyId: string): void;
  /** Starts a new sync of one commerce dataset (or all): it answers 409 until complete. */
  startSync(companyId: string, dataType?: CodatCommerceDataType): void;
  companies(): ReadonlyArray<Readonly<CodatCompanyState>>;
  /** How long a dataset sync takes from now on. */
  setSyncDurationMs(ms: number): void;
  /** The seeded records the commerce endpoints serve for a company (reference data for tests). */
  data(companyId: string): CodatCompanyData;
}

type Handler = (req: SandboxRequest) => SandboxReply;

/** A dataset in one `orderBy` order, with where each (lower-cased) id sits in it. */
interface SortedView {
  records: readonly CodatRecord[];
  positions: Map<string, number[]>;
}

type OperationStatus = 'Queued' | 'Fetching' | 'Complete' | 'Cancelled';

export function createCodatSimulator(
  seed = 1,
  options: { syncDurationMs?: number } = {},
): CodatSimulator {
  const ids = new Seeded(hashSeed(seed, 'codat-ids'));
  // Correlation ids come from their own stream so that errors never shift the generated ids.
  const correlation = new Seeded(hashSeed(seed, 'codat-correlation'));
  let syncDurationMs = options.syncDurationMs ?? CODAT_DEFAULT_SYNC_DURATION_MS;
  const companies = new Map<string, CodatCompanyState>();
  const dataCache = new Map<string, CodatCompanyData>();
  const sortedCache = new Map<string, SortedView>();
  const byIdCache = new Map<string, Map<string, CodatRecord>>();
  const recordJson = serialisedOnce(toExactJson);
  const fieldCache = new Map<string, Set<string>>();
  let profileSettings: SyncSetting[] = CODAT_COMMERCE_DATA_TYPES.map((dataType, i) => ({
    dataType,
    fetchOnFirstLink: true,
    syncSchedule: 24,
    syncOrder: i,
    syncFromWindow: 24,
    monthsToSync: 24,
    isLocked: false,
  }));
  let quotaDay = '';
  let quotaUsed = 0;
  const expectedAuth = `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`;

  const error = (
    statusCode: number,
    message: string,
    service = 'PublicApi',
    validationErrors?: Array<{ itemId: string; message: string }>,
  ): SandboxReply => ({
    status: statusCode,
    body: {
      statusCode,
      service,
      error: message,
      correlationId: correlation.hex(32),
      // Codat's published ErrorMessage has `validation` as an object: present only with results.
      ...(validationErrors
        ? {
            validation: {
              errors: validationErrors.map((e) => ({ ...e, validatorName: 'Sandbox' })),
              warnings: [],
            },
          }
        : {}),
      canBeRetried: statusCode === 409 || statusCode >= 500 ? 'True' : 'Unknown',
      detailedErrorCode: 0,
    },
  });
  const badRequest = (message: string, itemId?: string) =>
    error(400, message, 'PublicApi', itemId ? [{ itemId, message }] : undefined);

  // ---- state helpers ----

  const operationStatus = (op: PullOperation, now: number): OperationStatus => {
    if (op.cancelled) return 'Cancelled';
    const doneAt = op.completedMs ?? op.requestedMs + op.durationMs;
    if (now >= doneAt) return 'Complete';
    return now - op.requestedMs < op.durationMs / 3 ? 'Queued' : 'Fetching';
  };
  const doneAt = (op: PullOperation) => op.completedMs ?? op.requestedMs + op.durationMs;
  const latestOf = (company: CodatCompanyState, dataType: string) =>
    company.operations.filter((o) => o.dataType === dataType).at(-1);
  const lastSuccessOf = (company: CodatCompanyState, dataType: string, now: number) =>
    company.operations
      .filter((o) => o.dataType === dataType && operationStatus(o, now) === 'Complete')
      .at(-1);

  const effectiveSettings = (company: CodatCompanyState) => company.syncSettings ?? profileSettings;

  const startOperation = (
    company: CodatCompanyState,
    dataType: CodatCommerceDataType,
    connectionId: string,
  ): PullOperation => {
    const now = Date.now();
    const previous = latestOf(company, dataType);
    if (previous && operationStatus(previous, now) !== 'Complete') previous.cancelled = true;
    const op: PullOperation = {
      id: ids.uuid(),
      dataType,
      connectionId,
      requestedMs: now,
      durationMs: syncDurationMs,
      completedMs: undefined,
      cancelled: false,
    };
    company.operations.push(op);
    return op;
  };

  const linkedConnection = (company: CodatCompanyState) =>
    company.connections.find((c) => c.status === 'Linked');

  const authorize = (company: CodatCompanyState, connection: CodatConnectionState) => {
    if (connection.status === 'Linked') return;
    connection.status = 'Linked';
    connection.lastSync = new Date().toISOString();
    for (const setting of effectiveSettings(company)) {
      if (setting.fetchOnFirstLink && isCommerceDataType(setting.dataType))
        startOperation(company, setting.dataType, connection.id);
    }
  };

  const dataOf = (company: CodatCompanyState): CodatCompanyData => {
    let data = dataCache.get(company.id);
    if (!data) {
      const platform = company.connections[0]?.platformName ?? 'Shopify';
      // Frozen: a company's records never change after generation, so their JSON, sorted views
      // and id indexes below are computed once and stay valid.
      data = deepFreeze(generateCodatCompanyData(seed, company.id, company.name, platform));
      dataCache.set(company.id, data);
    }
    return data;
  };

  const fieldsOf = (company: CodatCompanyState, dataset: CodatListDataset): Set<string> => {
    const key = `${company.id}/${dataset}`;
    let fields = fieldCache.get(key);
    if (!fields) {
      fields = new Set(dataOf(company).lists[dataset].flatMap((r) => Object.keys(r)));
      fieldCache.set(key, fields);
    }
    return fields;
  };

  const sorted = (
    company: CodatCompanyState,
    dataset: CodatListDataset,
    orderBy: string,
  ): SortedView => {
    const key = `${company.id}/${dataset}/${orderBy}`;
    let view = sortedCache.get(key);
    if (!view) {
      const descending = orderBy.startsWith('-');
      const records = sortRecords(
        dataOf(company).lists[dataset],
        descending ? orderBy.slice(1) : orderBy,
        descending,
      );
      const positions = new Map<string, number[]>();
      records.forEach((r, i) => {
        const id = String(r.id).toLowerCase();
        const at = positions.get(id);
        if (at) at.push(i);
        else positions.set(id, [i]);
      });
      view = { records, positions };
      sortedCache.set(key, view);
    }
    return view;
  };

  /** The records of an `id=a||id=b…` batch, in the view's order. */
  const withIds = (view: SortedView, ids: ReadonlySet<string>): CodatRecord[] => {
    const found: number[] = [];
    for (const id of ids) found.push(...(view.positions.get(id) ?? []));
    return found.sort((a, b) => a - b).map((i) => view.records[i]!);
  };

  const recordById = (
    company: CodatCompanyState,
    dataset: CodatListDataset,
    id: string,
  ): CodatRecord | undefined => {
    const key = `${company.id}/${dataset}`;
    let byId = byIdCache.get(key);
    if (!byId) {
      byId = new Map();
      // The first record with an id wins, as a scan from the start would find it.
      for (const r of dataOf(company).lists[dataset]) if (!byId.has(r.id)) byId.set(r.id, r);
      byIdCache.set(key, byId);
    }
    return byId.get(id);
  };

  // ---- serialisers ----

  const connectionJson = (c: CodatConnectionState) => ({
    id: c.id,
    integrationId: c.integrationId,
    integrationKey: c.platformKey,
    sourceId: c.sourceId,
    platformName: c.platformName,
    linkUrl: c.linkUrl,
    status: c.status,
    ...(c.lastSync ? { lastSync: c.lastSync } : {}),
    created: c.created,
    sourceType: 'Commerce',
    dataConnectionErrors: [],
  });

  const companyJson = (company: CodatCompanyState) => {
    const lastSync = company.connections
      .map((c) => c.lastSync)
      .filter(Boolean)
      .sort()
      .at(-1);
    const first = company.connections[0];
    return {
      id: company.id,
      name: company.name,
      ...(company.description !== undefined ? { description: company.description } : {}),
      // `platform` and `status` are the legacy fields the seed's example still shows.
      platform: first?.platformName ?? '',
      redirect: company.redirect,
      status: first?.status ?? 'PendingAuth',
      ...(lastSync ? { lastSync } : {}),
      created: company.created,
      createdByUserName: 'Sandbox user',
      products: ['commerce'],
      tags: {},
      dataConnections: company.connections.map(connectionJson),
    };
  };

  const operationJson = (company: CodatCompanyState, op: PullOperation, now: number) => {
    const status = operationStatus(op, now);
    return {
      id: op.id,
      companyId: company.id,
      connectionId: op.connectionId,
      dataType: op.dataType,
      status,
      statusDescription: null,
      errorMessage: null,
      requested: new Date(op.requestedMs).toISOString(),
      ...(status === 'Complete' ? { completed: new Date(doneAt(op)).toISOString() } : {}),
      progress: status === 'Complete' ? 100 : status === 'Fetching' ? 50 : 0,
      isCompleted: status === 'Complete',
      isErrored: false,
    };
  };

  const dataStatusJson = (company: CodatCompanyState) => {
    const now = Date.now();
    const entries = CODAT_COMMERCE_DATA_TYPES.map((dataType) => {
      const latest = latestOf(company, dataType);
      const success = lastSuccessOf(company, dataType, now);
      return [
        dataType,
        {
          dataType,
          currentStatus: latest ? operationStatus(latest, now) : 'Initial',
          ...(success
            ? {
                lastSuccessfulSync: new Date(doneAt(success)).toISOString(),
                latestSuccessfulSyncId: success.id,
              }
            : {}),
          ...(latest ? { latestSyncId: latest.id } : {}),
        },
      ] as const;
    });
    return Object.fromEntries(entries);
  };

  const envelope = <T>(
    basePath: string,
    items: readonly T[],
    page: number,
    pageSize: number,
    extra: URLSearchParams,
  ) => {
    const href = (p: number) => {
      const q = new URLSearchParams({ page: String(p), pageSize: String(pageSize) });
      for (const [k, v] of extra) q.set(k, v);
      return { href: `${basePath}?${q.toString()}` };
    };
    const start = (page - 1) * pageSize;
    return {
      results: items.slice(start, start + pageSize),
      pageNumber: page,
      pageSize,
      totalResults: items.length,
      _links: {
        self: { href: basePath },
        current: href(page),
        ...(start + pageSize < items.length ? { next: href(page + 1) } : {}),
        ...(page > 1 ? { previous: href(page - 1) } : {}),
      },
    };
  };

  /** `page` and `pageSize` as Codat validates them. */
  const paging = (req: SandboxRequest): { page: number; pageSize: number } | SandboxReply => {
    const rawPage = req.query.get('page');
    const rawSize = req.query.get('pageSize');
    const page = rawPage === null ? 1 : Number(rawPage);
    const pageSize = rawSize === null ? DEFAULT_PAGE_SIZE : Number(rawSize);
    if (!Number.isInteger(page) || page < 1)
      return badRequest('Page number must be an integer greater than or equal to 1.', 'page');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CODAT_MAX_PAGE_SIZE) {
      return badRequest(
        `Page size must be an integer between 1 and ${CODAT_MAX_PAGE_SIZE}.`,
        'pageSize',
      );
    }
    return { page, pageSize };
  };

  // ---- lookups ----

  const findCompany = (req: SandboxRequest): CodatCompanyState | SandboxReply => {
    const id = req.params['companyId'] ?? '';
    return companies.get(id) ?? error(404, `No company was found with ID ${id}`, 'ClientsApi');
  };
  const findConnection = (
    company: CodatCompanyState,
    req: SandboxRequest,
  ): CodatConnectionState | SandboxReply => {
    const id = req.params['connectionId'] ?? '';
    return (
      company.connections.find((c) => c.id === id) ?? error(404, `Data connection ${id} not found`)
    );
  };
  const isReply = (x: object): x is SandboxReply =>
    typeof (x as { status?: unknown }).status === 'number';

  const createConnection = (
    company: CodatCompanyState,
    baseUrl: string,
    platformKey: string,
  ): CodatConnectionState => {
    const key = platformKey.toLowerCase();
    const id = ids.uuid();
    const connection: CodatConnectionState = {
      id,
      platformKey: key,
      platformName: CODAT_PLATFORMS[key] ?? key,
      integrationId: new Seeded(hashSeed(0, 'integration', key)).uuid(),
      sourceId: new Seeded(hashSeed(0, 'source', key)).uuid(),
      status: 'PendingAuth',
      linkUrl: `${baseUrl}/link/${company.id}/${id}`,
      created: new Date().toISOString(),
      lastSync: undefined,
    };
    company.connections.push(connection);
    return connection;
  };

  // ---- platform handlers ----

  const createCompany: Handler = (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = body['name'];
    if (typeof name !== 'string' || !name.trim())
      return badRequest('Company name is required.', 'name');
    if (!COMPANY_NAME.test(name))
      return badRequest('Company name contains characters that are not allowed.', 'name');
    const description = body['description'];
    if (description !== undefined && typeof description !== 'string')
      return badRequest('Description must be a string.', 'description');
    const platformType = body['platformType'];
    if (
      platformType !== undefined &&
      (typeof platformType !== 'string' || !CODAT_PLATFORMS[platformType.toLowerCase()])
    ) {
      return badRequest(`Integration with key ${String(platformType)} not found.`, 'platformType');
    }
    const id = ids.uuid();
    const company: CodatCompanyState = {
      id,
      name: name.trim(),
      description,
      created: new Date().toISOString(),
      connections: [],
      syncSettings: undefined,
      operations: [],
      redirect: `${req.baseUrl}/link/${id}`,
    };
    companies.set(id, company);
    if (typeof platformType === 'string') createConnection(company, req.baseUrl, platformType);
    return { status: 200, body: companyJson(company) };
  };

  const listCompanies: Handler = (req) => {
    const p = paging(req);
    if (isReply(p)) return p;
    return {
      status: 200,
      body: envelope(
        '/companies',
        [...companies.values()].map(companyJson),
        p.page,
        p.pageSize,
        new URLSearchParams(),
      ),
    };
  };

  const getCompany: Handler = (req) => {
    const company = findCompany(req);
    return isReply(company) ? company : { status: 200, body: companyJson(company) };
  };

  const listConnections: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const p = paging(req);
    if (isReply(p)) return p;
    return {
      status: 200,
      body: envelope(
        `/companies/${company.id}/connections`,
        company.connections.map(connectionJson),
        p.page,
        p.pageSize,
        new URLSearchParams(),
      ),
    };
  };

  const postConnection: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const platformKey = (req.body as Record<string, unknown> | undefined)?.['platformKey'];
    if (typeof platformKey !== 'string' || !CODAT_PLATFORMS[platformKey.toLowerCase()]) {
      return badRequest(`Integration with key ${String(platformKey)} not found.`, 'platformKey');
    }
    return {
      status: 200,
      body: connectionJson(createConnection(company, req.baseUrl, platformKey)),
    };
  };

  const getConnection: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const connection = findConnection(company, req);
    return isReply(connection) ? connection : { status: 200, body: connectionJson(connection) };
  };

  const patchConnection: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const connection = findConnection(company, req);
    if (isReply(connection)) return connection;
    const status = (req.body as Record<string, unknown> | undefined)?.['status'];
    if (status !== 'Unlinked') return badRequest('Only status "Unlinked" can be set.', 'status');
    connection.status = 'Unlinked';
    return { status: 200, body: connectionJson(connection) };
  };

  const dataStatus: Handler = (req) => {
    const company = findCompany(req);
    return isReply(company) ? company : { status: 200, body: dataStatusJson(company) };
  };

  const queue = (
    req: SandboxRequest,
    dataTypes: readonly CodatCommerceDataType[],
  ): SandboxReply | { company: CodatCompanyState; ops: PullOperation[] } => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const wanted = req.query.get('connectionId');
    if (wanted !== null && !company.connections.some((c) => c.id === wanted)) {
      return error(404, `Data connection ${wanted} not found`);
    }
    const connection = wanted
      ? company.connections.find((c) => c.id === wanted && c.status === 'Linked')
      : linkedConnection(company);
    if (!connection) {
      return badRequest(`Company ${company.id} has no linked data connection.`, 'connectionId');
    }
    return { company, ops: dataTypes.map((t) => startOperation(company, t, connection.id)) };
  };

  const queueDataType: Handler = (req) => {
    const dataType = req.params['dataType'] ?? '';
    if (!isCommerceDataType(dataType))
      return badRequest(`Data type ${dataType} is not supported by this sandbox.`, 'dataType');
    const result = queue(req, [dataType]);
    if (isReply(result)) return result;
    const [op] = result.ops;
    return { status: 200, body: op ? operationJson(result.company, op, Date.now()) : {} };
  };

  const queueAll: Handler = (req) => {
    const result = queue(req, CODAT_COMMERCE_DATA_TYPES);
    if (isReply(result)) return result;
    const now = Date.now();
    return { status: 200, body: result.ops.map((op) => operationJson(result.company, op, now)) };
  };

  const history: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const p = paging(req);
    if (isReply(p)) return p;
    const now = Date.now();
    const ops = [...company.operations].reverse().map((op) => operationJson(company, op, now));
    return {
      status: 200,
      body: envelope(
        `/companies/${company.id}/data/history`,
        ops,
        p.page,
        p.pageSize,
        new URLSearchParams(),
      ),
    };
  };

  /**
   * A settings update replaces the list wholesale (Codat "overrides" the settings); optional
   * numbers left out keep their current value, so `{dataType, fetchOnFirstLink}` is enough.
   */
  const parseSettings = (body: unknown, current: SyncSetting[]): SyncSetting[] | SandboxReply => {
    const settings = (body as Record<string, unknown> | undefined)?.['settings'];
    if (!Array.isArray(settings))
      return badRequest('settings must be an array of sync settings.', 'settings');
    const byType = new Map(current.map((s) => [s.dataType, s]));
    const result = new Map<string, SyncSetting>();
    for (const [i, raw] of settings.entries()) {
      const s = raw as Record<string, unknown>;
      if (typeof s?.['dataType'] !== 'string' || !s['dataType'])
        return badRequest('dataType is required.', `settings[${i}].dataType`);
      if (typeof s['fetchOnFirstLink'] !== 'boolean')
        return badRequest('fetchOnFirstLink must be a boolean.', `settings[${i}].fetchOnFirstLink`);
      for (const key of ['syncSchedule', 'syncOrder', 'syncFromWindow', 'monthsToSync'] as const) {
        if (s[key] !== undefined && !Number.isInteger(s[key]))
          return badRequest(`${key} must be an integer.`, `settings[${i}].${key}`);
      }
      const previous = byType.get(s['dataType']);
      result.set(s['dataType'], {
        ...previous,
        ...(s as Partial<SyncSetting>),
        dataType: s['dataType'],
        fetchOnFirstLink: s['fetchOnFirstLink'],
        syncSchedule: (s['syncSchedule'] as number | undefined) ?? previous?.syncSchedule ?? 24,
        syncOrder: (s['syncOrder'] as number | undefined) ?? previous?.syncOrder ?? i,
      });
    }
    return [...result.values()];
  };

  const getCompanySettings: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    return {
      status: 200,
      body: {
        companyId: company.id,
        settings: effectiveSettings(company),
        overridesDefaults: company.syncSettings !== undefined,
      },
    };
  };

  const putCompanySettings: Handler = (req) => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const settings = parseSettings(req.body, effectiveSettings(company));
    if (isReply(settings)) return settings;
    company.syncSettings = settings;
    return { status: 200, body: { companyId: company.id, settings, overridesDefaults: true } };
  };

  const getProfileSettings: Handler = () => ({
    status: 200,
    body: { clientId: 'sandbox-client', settings: profileSettings, overridesDefaults: true },
  });

  const putProfileSettings: Handler = (req) => {
    const settings = parseSettings(req.body, profileSettings);
    if (isReply(settings)) return settings;
    profileSettings = settings;
    return { status: 200, body: { clientId: 'sandbox-client', settings, overridesDefaults: true } };
  };

  // ---- commerce handlers ----

  const notReady = (
    company: CodatCompanyState,
    dataType: CodatCommerceDataType,
  ): SandboxReply | undefined => {
    const now = Date.now();
    const latest = latestOf(company, dataType);
    if (!latest) return error(409, 'The data set has not been requested.');
    if (operationStatus(latest, now) !== 'Complete')
      return error(
        409,
        `The data set is being synced (status ${operationStatus(latest, now)}); try again once the sync is complete.`,
      );
    return undefined;
  };

  const commerceScope = (
    req: SandboxRequest,
  ): { company: CodatCompanyState; connection: CodatConnectionState } | SandboxReply => {
    const company = findCompany(req);
    if (isReply(company)) return company;
    const connection = findConnection(company, req);
    if (isReply(connection)) return connection;
    return { company, connection };
  };

  const listDataset =
    (dataset: CodatListDataset): Handler =>
    (req) => {
      const scope = commerceScope(req);
      if (isReply(scope)) return scope;
      const { company, connection } = scope;
      const p = paging(req);
      if (isReply(p)) return p;
      const fields = fieldsOf(company, dataset);
      const extra = new URLSearchParams();
      let filter: QueryNode | undefined;
      const query = req.query.get('query');
      if (query !== null) {
        try {
          filter = parseQuery(query);
        } catch (e) {
          return error(
            400,
            e instanceof QueryError ? e.message : 'Error parsing query - Malformed query.',
            'PullApi',
          );
        }
        const unknown = queryFields(filter).find((f) => !fields.has(f.split('.')[0] ?? ''));
        if (unknown)
          return error(
            400,
            `Error parsing query - Could not resolve property ${unknown} on Dataset`,
            'PullApi',
          );
        extra.set('query', query);
      }
      const orderBy = req.query.get('orderBy') ?? 'createdDate';
      if (!fields.has(orderBy.replace(/^-/, '')))
        return error(
          400,
          `Error parsing query - Could not resolve property ${orderBy.replace(/^-/, '')} on Dataset`,
          'PullApi',
        );
      if (req.query.has('orderBy')) extra.set('orderBy', orderBy);
      const blocked = notReady(company, dataset);
      if (blocked) return blocked;
      const view = sorted(company, dataset, orderBy);
      const ids = filter && idsOnly(filter);
      const items = ids
        ? withIds(view, ids)
        : filter
          ? view.records.filter((r) => matches(r, filter))
          : view.records;
      const basePath = `/companies/${company.id}/connections/${connection.id}/data/${dataset}`;
      const page = envelope(basePath, items, p.page, p.pageSize, extra);
      return {
        status: 200,
        json: toExactJson({ ...page, results: page.results.map(recordJson) }),
      };
    };

  const getRecord =
    (dataset: CodatListDataset): Handler =>
    (req) => {
      const scope = commerceScope(req);
      if (isReply(scope)) return scope;
      const blocked = notReady(scope.company, dataset);
      if (blocked) return blocked;
      const id = req.params['recordId'] ?? '';
      const record = recordById(scope.company, dataset, id);
      if (!record) return error(404, `No ${dataset} record was found with ID ${id}`);
      return { status: 200, json: recordJson(record).text };
    };

  const companyInfo: Handler = (req) => {
    const scope = commerceScope(req);
    if (isReply(scope)) return scope;
    const blocked = notReady(scope.company, 'commerce-companyInfo');
    if (blocked) return blocked;
    return { status: 200, json: recordJson(dataOf(scope.company).info).text };
  };

  // ---- link page ----

  const linkTarget = (
    req: SandboxRequest,
  ): { company: CodatCompanyState; connection: CodatConnectionState } | undefined => {
    const company = companies.get(req.params['companyId'] ?? '');
    if (!company) return undefined;
    const wanted = req.params['connectionId'];
    const connection = wanted
      ? company.connections.find((c) => c.id === wanted)
      : (company.connections.find((c) => c.status === 'PendingAuth') ?? company.connections[0]);
    return connection ? { company, connection } : undefined;
  };

  const linkPage: Handler = (req) => {
    const target = linkTarget(req);
    if (!target)
      return { status: 404, html: htmlPage('Unknown link', '<p>This link is not valid.</p>') };
    const { company, connection } = target;
    if (connection.status !== 'PendingAuth') {
      return {
        status: 200,
        html: htmlPage(
          'Already linked',
          `<p id="result">This connection is ${escapeHtml(connection.status)}.</p>`,
        ),
      };
    }
    const action = `${req.baseUrl}/link/${company.id}/${connection.id}`;
    return {
      status: 200,
      html: htmlPage(
        `Connect ${escapeHtml(connection.platformName)}`,
        `<p>Codat sandbox: share the commerce data of your ${escapeHtml(connection.platformName)} store with
        <strong>${escapeHtml(company.name)}</strong>'s app.</p>
        <form method="post" action="${action}">
          <button type="submit" name="decision" value="authorise" id="authorise">Authorise</button>
          <button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
        </form>`,
      ),
    };
  };

  const linkDecision: Handler = (req) => {
    const target = linkTarget(req);
    if (!target)
      return { status: 404, html: htmlPage('Unknown link', '<p>This link is not valid.</p>') };
    if (new URLSearchParams(req.rawBody).get('decision') !== 'authorise') {
      return {
        status: 200,
        html: htmlPage(
          'Cancelled',
          '<p id="result">You did not share your data. You can close this window.</p>',
        ),
      };
    }
    authorize(target.company, target.connection);
    return {
      status: 200,
      html: htmlPage(
        'Linked',
        '<p id="result">Linked. Your data is syncing; you can close this window.</p>',
      ),
    };
  };

  // ---- auth and rate-limit headers around every API route ----

  const api =
    (handler: Handler): SandboxHandler =>
    (req) => {
      const today = new Date().toISOString().slice(0, 10);
      if (today !== quotaDay) {
        quotaDay = today;
        quotaUsed = 0;
      }
      quotaUsed++;
      const active = [...companies.values()].filter((c) => linkedConnection(c)).length;
      const limit = 1000 + 1000 * active;
      const reset = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString();
      const auth = req.headers['authorization'] ?? '';
      const reply =
        auth.replace(/^basic /i, 'Basic ') === expectedAuth
          ? handler(req)
          : error(401, 'Unauthorized');
      return {
        ...reply,
        headers: {
          ...reply.headers,
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': String(Math.max(0, limit - quotaUsed)),
          'x-rate-limit-reset': reset,
        },
      };
    };

  const connectionData = '/companies/:companyId/connections/:connectionId/data';
  const routes = [
    route('POST', '/companies', api(createCompany)),
    route('GET', '/companies', api(listCompanies)),
    route('GET', '/companies/:companyId', api(getCompany)),
    route('GET', '/companies/:companyId/connections', api(listConnections)),
    route('POST', '/companies/:companyId/connections', api(postConnection)),
    route('GET', '/companies/:companyId/connections/:connectionId', api(getConnection)),
    route('PATCH', '/companies/:companyId/connections/:connectionId', api(patchConnection)),
    route('GET', '/companies/:companyId/dataStatus', api(dataStatus)),
    route('POST', '/companies/:companyId/data/queue/:dataType', api(queueDataType)),
    route('POST', '/companies/:companyId/data/all', api(queueAll)),
    route('GET', '/companies/:companyId/data/history', api(history)),
    route('GET', '/companies/:companyId/syncSettings', api(getCompanySettings)),
    route('PUT', '/companies/:companyId/syncSettings', api(putCompanySettings)),
    route('POST', '/companies/:companyId/syncSettings', api(putCompanySettings)),
    route('GET', '/profile/syncSettings', api(getProfileSettings)),
    route('PUT', '/profile/syncSettings', api(putProfileSettings)),
    route('POST', '/profile/syncSettings', api(putProfileSettings)),
    route('GET', `${connectionData}/commerce-info`, api(companyInfo)),
    ...CODAT_LIST_DATASETS.flatMap((dataset) => [
      route('GET', `${connectionData}/${dataset}`, api(listDataset(dataset))),
      route('GET', `${connectionData}/${dataset}/:recordId`, api(getRecord(dataset))),
    ]),
    route('GET', '/link/:companyId', linkPage),
    route('GET', '/link/:companyId/:connectionId', linkPage),
    route('POST', '/link/:companyId/:connectionId', linkDecision),
  ];

  const companyOrThrow = (id: string) => {
    const company = companies.get(id);
    if (!company) throw new Error(`no Codat company ${id}`);
    return company;
  };

  return {
    name: 'codat',
    routes,
    authorize(companyId, connectionId) {
      const company = companyOrThrow(companyId);
      const targets = company.connections.filter((c) =>
        connectionId ? c.id === connectionId : c.status === 'PendingAuth',
      );
      if (targets.length === 0)
        throw new Error(`no pending connection on Codat company ${companyId}`);
      for (const connection of targets) authorize(company, connection);
    },
    completeSync(companyId) {
      const company = companyOrThrow(companyId);
      const now = Date.now();
      for (const op of company.operations) {
        if (operationStatus(op, now) === 'Queued' || operationStatus(op, now) === 'Fetching')
          op.completedMs = now;
      }
    },
    startSync(companyId, dataType) {
      const company = companyOrThrow(companyId);
      const connection = linkedConnection(company) ?? company.connections[0];
      if (!connection) throw new Error(`Codat company ${companyId} has no data connection`);
      for (const t of dataType ? [dataType] : CODAT_COMMERCE_DATA_TYPES)
        startOperation(company, t, connection.id);
    },
    companies: () => [...companies.values()],
    setSyncDurationMs(ms) {
      syncDurationMs = ms;
    },
    data: (companyId) => dataOf(companyOrThrow(companyId)),
  };
}

function isCommerceDataType(value: string): value is CodatCommerceDataType {
  return (CODAT_COMMERCE_DATA_TYPES as readonly string[]).includes(value);
}
