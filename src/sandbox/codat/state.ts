import type { components } from '../../generated/upstreams/codat.js';
import { Seeded, hashSeed } from '../commerce-data/seeded.js';
import { CODAT_COMMERCE_DATA_TYPES, type CodatCommerceDataType } from './data.js';

/**
 * The Codat sandbox's mutable state: companies, their data connections and dataset syncs, and the
 * client's default sync settings. Sync progress is computed from the clock whenever it is read,
 * so no timer outlives a test.
 */

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

export type SyncSetting = components['schemas']['SyncSetting'];

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

export interface PullOperation {
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

export type OperationStatus = 'Queued' | 'Fetching' | 'Complete' | 'Cancelled';

/** Queued for the first third of its duration, then Fetching, then Complete. */
export function operationStatus(op: PullOperation, now: number): OperationStatus {
  if (op.cancelled) return 'Cancelled';
  if (now >= operationDoneAt(op)) return 'Complete';
  return now - op.requestedMs < op.durationMs / 3 ? 'Queued' : 'Fetching';
}

export function operationDoneAt(op: PullOperation): number {
  return op.completedMs ?? op.requestedMs + op.durationMs;
}

export function latestOperation(
  company: CodatCompanyState,
  dataType: string,
): PullOperation | undefined {
  return company.operations.filter((o) => o.dataType === dataType).at(-1);
}

export function lastSuccessfulOperation(
  company: CodatCompanyState,
  dataType: string,
  now: number,
): PullOperation | undefined {
  return company.operations
    .filter((o) => o.dataType === dataType && operationStatus(o, now) === 'Complete')
    .at(-1);
}

export function linkedConnection(company: CodatCompanyState): CodatConnectionState | undefined {
  return company.connections.find((c) => c.status === 'Linked');
}

export function isCommerceDataType(value: string): value is CodatCommerceDataType {
  return (CODAT_COMMERCE_DATA_TYPES as readonly string[]).includes(value);
}

/** Told when syncs start and when they are finished early (the webhook sender). */
export interface SyncObserver {
  started(company: CodatCompanyState, op: PullOperation): void;
  completedEarly(company: CodatCompanyState): void;
}

export class CodatState {
  readonly companies = new Map<string, CodatCompanyState>();
  syncDurationMs: number;
  observer: SyncObserver | undefined;
  profileSettings: SyncSetting[] = CODAT_COMMERCE_DATA_TYPES.map((dataType, i) => ({
    dataType,
    fetchOnFirstLink: true,
    syncSchedule: 24,
    syncOrder: i,
    syncFromWindow: 24,
    monthsToSync: 24,
    isLocked: false,
  }));
  /** Company, connection and operation ids, in creation order. */
  private readonly ids: Seeded;

  constructor(seed: number, syncDurationMs: number) {
    this.ids = new Seeded(hashSeed(seed, 'codat-ids'));
    this.syncDurationMs = syncDurationMs;
  }

  companyOrThrow(id: string): CodatCompanyState {
    const company = this.companies.get(id);
    if (!company) throw new Error(`no Codat company ${id}`);
    return company;
  }

  effectiveSettings(company: CodatCompanyState): SyncSetting[] {
    return company.syncSettings ?? this.profileSettings;
  }

  createCompany(
    name: string,
    description: string | undefined,
    baseUrl: string,
    platformType: string | undefined,
  ): CodatCompanyState {
    const id = this.ids.uuid();
    const company: CodatCompanyState = {
      id,
      name,
      description,
      created: new Date().toISOString(),
      connections: [],
      syncSettings: undefined,
      operations: [],
      redirect: `${baseUrl}/link/${id}`,
    };
    this.companies.set(id, company);
    if (platformType !== undefined) this.createConnection(company, baseUrl, platformType);
    return company;
  }

  createConnection(
    company: CodatCompanyState,
    baseUrl: string,
    platformKey: string,
  ): CodatConnectionState {
    const key = platformKey.toLowerCase();
    const id = this.ids.uuid();
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
  }

  /** Starts a sync of one dataset; a still-running sync of the same dataset is cancelled. */
  startOperation(
    company: CodatCompanyState,
    dataType: CodatCommerceDataType,
    connectionId: string,
  ): PullOperation {
    const now = Date.now();
    const previous = latestOperation(company, dataType);
    if (previous && operationStatus(previous, now) !== 'Complete') previous.cancelled = true;
    const op: PullOperation = {
      id: this.ids.uuid(),
      dataType,
      connectionId,
      requestedMs: now,
      durationMs: this.syncDurationMs,
      completedMs: undefined,
      cancelled: false,
    };
    company.operations.push(op);
    this.observer?.started(company, op);
    return op;
  }

  /** Links a connection and starts the syncs its settings fetch on first link. */
  authorize(company: CodatCompanyState, connection: CodatConnectionState): void {
    if (connection.status === 'Linked') return;
    connection.status = 'Linked';
    connection.lastSync = new Date().toISOString();
    for (const setting of this.effectiveSettings(company)) {
      if (setting.fetchOnFirstLink && isCommerceDataType(setting.dataType))
        this.startOperation(company, setting.dataType, connection.id);
    }
  }

  /** Finishes every running sync of the company now. */
  completeSyncs(company: CodatCompanyState): void {
    const now = Date.now();
    for (const op of company.operations) {
      if (operationStatus(op, now) === 'Queued' || operationStatus(op, now) === 'Fetching')
        op.completedMs = now;
    }
    this.observer?.completedEarly(company);
  }
}
