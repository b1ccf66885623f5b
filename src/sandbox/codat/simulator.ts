import { route, type SandboxHandler, type Simulator } from '../framework.js';
import {
  CODAT_COMMERCE_DATA_TYPES,
  CODAT_LIST_DATASETS,
  type CodatCommerceDataType,
  type CodatCompanyData,
} from './data.js';
import { commerceHandlers } from './commerce-routes.js';
import { CodatDatasets } from './datasets.js';
import { linkPageHandlers } from './link-pages.js';
import { platformHandlers } from './platform-routes.js';
import { CodatErrors, type CodatContext, type CodatHandler } from './replies.js';
import {
  CODAT_DEFAULT_SYNC_DURATION_MS,
  CodatState,
  linkedConnection,
  type CodatCompanyState,
} from './state.js';
import { syncSettingsHandlers } from './sync-settings.js';
import { CodatWebhookSender } from './webhook-sender.js';

/**
 * Codat (platform + commerce APIs), following Codat's commerce workflow guide and its public
 * OpenAPI documents (vendored in test/fixtures/codat/): companies and data connections, a link
 * page the business owner authorises (link-pages.ts), dataset syncs that take `syncDurationMs`
 * (Queued → Fetching → Complete, state.ts) and answer 409 until complete, and the commerce
 * datasets with Codat's paging, `query` and `orderBy` (commerce-routes.ts).
 * Every assumption where Codat's docs are silent is listed in docs/sandbox.md.
 */

export const SANDBOX_CODAT_API_KEY = 'codat-sandbox-key-2f6c1b9e';

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
  /** Codat's webhooks: `read.completed` when syncs complete, once an endpoint is set. */
  webhooks: CodatWebhookSender;
}

export function createCodatSimulator(
  seed = 1,
  options: { syncDurationMs?: number } = {},
): CodatSimulator {
  const state = new CodatState(seed, options.syncDurationMs ?? CODAT_DEFAULT_SYNC_DURATION_MS);
  const webhooks = new CodatWebhookSender();
  state.observer = webhooks;
  const ctx: CodatContext = {
    state,
    datasets: new CodatDatasets(seed),
    errors: new CodatErrors(seed),
  };
  const api = apiGuard(ctx);
  const platform = platformHandlers(ctx);
  const settings = syncSettingsHandlers(ctx);
  const commerce = commerceHandlers(ctx);
  const link = linkPageHandlers(state);

  const connectionData = '/companies/:companyId/connections/:connectionId/data';
  const routes = [
    route('POST', '/companies', api(platform.createCompany)),
    route('GET', '/companies', api(platform.listCompanies)),
    route('GET', '/companies/:companyId', api(platform.getCompany)),
    route('GET', '/companies/:companyId/connections', api(platform.listConnections)),
    route('POST', '/companies/:companyId/connections', api(platform.postConnection)),
    route('GET', '/companies/:companyId/connections/:connectionId', api(platform.getConnection)),
    route(
      'PATCH',
      '/companies/:companyId/connections/:connectionId',
      api(platform.patchConnection),
    ),
    route('GET', '/companies/:companyId/dataStatus', api(platform.dataStatus)),
    route('POST', '/companies/:companyId/data/queue/:dataType', api(platform.queueDataType)),
    route('POST', '/companies/:companyId/data/all', api(platform.queueAll)),
    route('GET', '/companies/:companyId/data/history', api(platform.history)),
    route('GET', '/companies/:companyId/syncSettings', api(settings.getCompanySettings)),
    route('PUT', '/companies/:companyId/syncSettings', api(settings.putCompanySettings)),
    route('POST', '/companies/:companyId/syncSettings', api(settings.putCompanySettings)),
    route('GET', '/profile/syncSettings', api(settings.getProfileSettings)),
    route('PUT', '/profile/syncSettings', api(settings.putProfileSettings)),
    route('POST', '/profile/syncSettings', api(settings.putProfileSettings)),
    route('GET', `${connectionData}/commerce-info`, api(commerce.companyInfo)),
    ...CODAT_LIST_DATASETS.flatMap((dataset) => [
      route('GET', `${connectionData}/${dataset}`, api(commerce.listDataset(dataset))),
      route('GET', `${connectionData}/${dataset}/:recordId`, api(commerce.getRecord(dataset))),
    ]),
    route('GET', '/link/:companyId', link.linkPage),
    route('GET', '/link/:companyId/:connectionId', link.linkPage),
    route('POST', '/link/:companyId/:connectionId', link.linkDecision),
  ];

  return {
    name: 'codat',
    routes,
    authorize(companyId, connectionId) {
      const company = state.companyOrThrow(companyId);
      const targets = company.connections.filter((c) =>
        connectionId ? c.id === connectionId : c.status === 'PendingAuth',
      );
      if (targets.length === 0)
        throw new Error(`no pending connection on Codat company ${companyId}`);
      for (const connection of targets) state.authorize(company, connection);
    },
    completeSync(companyId) {
      state.completeSyncs(state.companyOrThrow(companyId));
    },
    startSync(companyId, dataType) {
      const company = state.companyOrThrow(companyId);
      const connection = linkedConnection(company) ?? company.connections[0];
      if (!connection) throw new Error(`Codat company ${companyId} has no data connection`);
      for (const t of dataType ? [dataType] : CODAT_COMMERCE_DATA_TYPES)
        state.startOperation(company, t, connection.id);
    },
    companies: () => [...state.companies.values()],
    setSyncDurationMs(ms) {
      state.syncDurationMs = ms;
    },
    data: (companyId) => ctx.datasets.of(state.companyOrThrow(companyId)),
    webhooks,
  };
}

/**
 * Around every API route (not the link pages): Basic authentication with the sandbox key, and
 * Codat's daily quota headers (1,000 calls plus 1,000 per linked company, reset at midnight UTC).
 */
function apiGuard({ state, errors }: CodatContext): (handler: CodatHandler) => SandboxHandler {
  const expectedAuth = `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`;
  let quotaDay = '';
  let quotaUsed = 0;
  return (handler) => (req) => {
    const today = new Date().toISOString().slice(0, 10);
    if (today !== quotaDay) {
      quotaDay = today;
      quotaUsed = 0;
    }
    quotaUsed++;
    const active = [...state.companies.values()].filter((c) => linkedConnection(c)).length;
    const limit = 1000 + 1000 * active;
    const reset = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString();
    const auth = req.headers['authorization'] ?? '';
    const reply =
      auth.replace(/^basic /i, 'Basic ') === expectedAuth
        ? handler(req)
        : errors.error(401, 'Unauthorized');
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
}
