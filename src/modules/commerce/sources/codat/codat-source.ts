import { CODAT_MAX_PAGE_SIZE, type CodatClient } from '../../../../upstreams/codat/codat-client.js';
import type {
  CodatCommerceList,
  CodatDataStatus,
  CodatRecord,
} from '../../../../upstreams/codat/codat-types.js';
import { UpstreamHttpError } from '../../../../upstreams/upstream-http-error.js';
import type { CommerceDataset, DatasetRecords } from '../../model.js';
import type {
  CommerceLink,
  CommerceLinkStatus,
  CommerceSource,
  DatasetSyncStatus,
  PageRequest,
  RecordFilter,
  SourcePage,
  SyncState,
  SyncableDataset,
} from '../source.js';
import { time } from '../../normalize.js';
import { dataNotReady, sourceFailure } from '../upstream-errors.js';
import {
  codatCompanyInfo,
  codatCustomer,
  codatDispute,
  codatLocation,
  codatPayment,
  codatProduct,
  codatTransaction,
} from './codat-mappers.js';
import { codatOrder } from './codat-order.js';
import { nextNumberedPage, numberedPage } from '../page-position.js';

const LISTS: {
  [D in CommerceDataset]: {
    path: CodatCommerceList;
    map: (linkId: string, r: CodatRecord) => DatasetRecords[D];
  };
} = {
  customers: { path: 'commerce-customers', map: codatCustomer },
  orders: { path: 'commerce-orders', map: codatOrder },
  products: { path: 'commerce-products', map: codatProduct },
  payments: { path: 'commerce-payments', map: codatPayment },
  transactions: { path: 'commerce-transactions', map: codatTransaction },
  disputes: { path: 'commerce-disputes', map: codatDispute },
  locations: { path: 'commerce-locations', map: codatLocation },
};

/** Codat names data types after their paths; company info is `commerce-companyInfo`. */
const DATA_TYPE_OF: Record<CommerceDataset | 'companyInfo', string> = {
  ...(Object.fromEntries(Object.entries(LISTS).map(([d, l]) => [d, l.path])) as Record<
    CommerceDataset,
    string
  >),
  companyInfo: 'commerce-companyInfo',
};
const DATASET_OF = new Map(
  Object.entries(DATA_TYPE_OF).map(([d, t]) => [t, d as CommerceDataset | 'companyInfo']),
);

/**
 * Batched id lookups go through Codat's `query` (`id=a||id=b…`). A batch holds as many ids as fit
 * in this many characters of encoded query, so the whole URL stays under the common 8 KB limit of
 * HTTP front ends: about 160 UUIDs, enough for the distinct products of 50 orders in one call.
 */
const MAX_ENCODED_QUERY = 7_600;

/** Splits ids into `id=…||id=…` queries that each fit in MAX_ENCODED_QUERY once URL-encoded. */
export function idQueries(ids: readonly string[]): Array<{ query: string; count: number }> {
  const batches: Array<{ query: string; count: number }> = [];
  let parts: string[] = [];
  let length = 0;
  for (const id of ids) {
    const part = `id=${quoteValue(id)}`;
    const encoded = encodeURIComponent(part).length;
    if (parts.length > 0 && length + 6 + encoded > MAX_ENCODED_QUERY) {
      batches.push({ query: parts.join('||'), count: parts.length });
      parts = [];
      length = 0;
    }
    // `||` between parts is %7C%7C.
    length += (parts.length > 0 ? 6 : 0) + encoded;
    parts.push(part);
  }
  if (parts.length > 0) batches.push({ query: parts.join('||'), count: parts.length });
  return batches;
}

const SYNC_STATE: Record<string, SyncState> = {
  Initial: 'QUEUED',
  Queued: 'QUEUED',
  Fetching: 'FETCHING',
  MapQueued: 'PROCESSING',
  Mapping: 'PROCESSING',
  ProcessingQueued: 'PROCESSING',
  Processing: 'PROCESSING',
  ValidationQueued: 'PROCESSING',
  Validating: 'PROCESSING',
  Complete: 'COMPLETE',
  FetchError: 'ERROR',
  MapError: 'ERROR',
  InternalError: 'ERROR',
  ProcessingError: 'ERROR',
  ValidationError: 'ERROR',
  AuthError: 'ERROR',
  Cancelled: 'ERROR',
  NotSupported: 'ERROR',
  RateLimitError: 'ERROR',
  PermissionsError: 'ERROR',
  PrerequisiteNotMet: 'ERROR',
};

/** Codat commerce data of a company's data connection, paged `page`/`pageSize`, newest first. */
export class CodatSource implements CommerceSource {
  readonly kind = 'CODAT' as const;
  readonly datasets: ReadonlySet<CommerceDataset> = new Set(
    Object.keys(LISTS) as CommerceDataset[],
  );
  readonly syncedCopy = true;

  constructor(private readonly codat: CodatClient) {}

  async listPage<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    request: PageRequest,
  ): Promise<SourcePage<DatasetRecords[D]>> {
    const { companyId, connectionId } = refs(link);
    const position = numberedPage(request, CODAT_MAX_PAGE_SIZE);
    const list = LISTS[dataset];
    const page = await this.guard(link, dataset, () =>
      this.codat.listCommerce(companyId, connectionId, list.path, {
        page: position.p,
        pageSize: position.s,
        orderBy: '-createdDate',
        query: filterQuery(request.filter),
      }),
    );
    const map = list.map as (linkId: string, r: CodatRecord) => DatasetRecords[D];
    const records = page.results.map((r) => map(link.id, r));
    const total = typeof page.totalResults === 'number' ? page.totalResults : undefined;
    const more =
      total !== undefined ? position.p * position.s < total : page._links?.next !== undefined;
    return {
      records,
      next: nextNumberedPage(position, more),
      ...(total !== undefined ? { totalCount: total } : {}),
    };
  }

  async fetchByIds<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    ids: readonly string[],
  ): Promise<Map<string, DatasetRecords[D]>> {
    const { companyId, connectionId } = refs(link);
    const list = LISTS[dataset];
    const map = list.map as (linkId: string, r: CodatRecord) => DatasetRecords[D];
    const pages = await Promise.all(
      idQueries(ids).map((batch) =>
        this.guard(link, dataset, () =>
          this.codat.listCommerce(companyId, connectionId, list.path, {
            page: 1,
            pageSize: batch.count,
            query: batch.query,
          }),
        ),
      ),
    );
    const found = new Map<string, DatasetRecords[D]>();
    for (const page of pages)
      for (const r of page.results) found.set(String(r.id), map(link.id, r));
    return found;
  }

  async companyInfo(link: CommerceLink) {
    const { companyId, connectionId } = refs(link);
    const info = await this.guard(link, 'companyInfo', () =>
      this.codat.companyInfo(companyId, connectionId),
    );
    return codatCompanyInfo(link.id, info);
  }

  async syncStatus(link: CommerceLink): Promise<DatasetSyncStatus[]> {
    const { companyId } = refs(link);
    try {
      const status = await this.codat.dataStatus(companyId);
      return Object.values(status).flatMap((s) => toSyncStatus(s) ?? []);
    } catch (error) {
      throw sourceFailure(link, error);
    }
  }

  async requestSync(
    link: CommerceLink,
    datasets: readonly SyncableDataset[],
  ): Promise<DatasetSyncStatus[]> {
    const { companyId, connectionId } = refs(link);
    try {
      const operations = await Promise.all(
        datasets.map((d) => this.codat.queueDataType(companyId, DATA_TYPE_OF[d], connectionId)),
      );
      return operations.map((op, i) => ({
        dataset: datasets[i]!,
        state: SYNC_STATE[op.status ?? ''] ?? (op.status ? 'UNKNOWN' : 'QUEUED'),
        upstreamStatus: op.status ?? null,
        dataAsOf: null,
      }));
    } catch (error) {
      throw sourceFailure(link, error);
    }
  }

  async unlink(link: CommerceLink): Promise<void> {
    const { companyId, connectionId } = refs(link);
    try {
      await this.codat.unlinkConnection(companyId, connectionId);
    } catch (error) {
      // The company or connection is gone already: nothing is read any more.
      if (error instanceof UpstreamHttpError && error.status === 404) return;
      throw sourceFailure(link, error);
    }
  }

  /** Codat answers 409 while a dataset is not synced: DATA_NOT_READY with its sync status. */
  private async guard<T>(
    link: CommerceLink,
    dataset: CommerceDataset | 'companyInfo',
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof UpstreamHttpError && error.status === 409) {
        const statuses = await this.syncStatus(link).catch(() => []);
        throw dataNotReady(
          link,
          dataset,
          statuses.find((s) => s.dataset === dataset),
          error,
        );
      }
      throw sourceFailure(link, error);
    }
  }
}

function refs(link: CommerceLink): { companyId: string; connectionId: string } {
  const companyId = link.externalRefs['companyId'];
  const connectionId = link.externalRefs['connectionId'];
  if (!companyId || !connectionId)
    throw new Error(`Codat link ${link.id} lacks its company or connection id`);
  return { companyId, connectionId };
}

function toSyncStatus(s: CodatDataStatus): DatasetSyncStatus | undefined {
  return codatSyncStatus(s.dataType, s.currentStatus, s.lastSuccessfulSync ?? undefined);
}

/**
 * A Codat data type's status as one of our datasets' (from `dataStatus` or a `read.completed`
 * webhook); undefined for data types that are not our datasets.
 */
export function codatSyncStatus(
  dataType: string,
  status: string | undefined,
  lastSuccessfulSync: string | undefined,
): DatasetSyncStatus | undefined {
  const dataset = DATASET_OF.get(dataType);
  if (!dataset) return undefined;
  return {
    dataset,
    state: SYNC_STATE[status ?? ''] ?? 'UNKNOWN',
    upstreamStatus: status ?? null,
    dataAsOf: time(lastSuccessfulSync)?.iso ?? null,
  };
}

/** Codat's filter language; values with operators or spaces are quoted. */
function quoteValue(value: string): string {
  return /^[\w.:-]+$/.test(value) ? value : `"${value.replace(/"/g, '\\"')}"`;
}

function filterQuery(filter: RecordFilter): string | undefined {
  const parts: string[] = [];
  if (filter.createdAfter) parts.push(`createdDate>=${filter.createdAfter.toISOString()}`);
  if (filter.createdBefore) parts.push(`createdDate<=${filter.createdBefore.toISOString()}`);
  if (filter.modifiedAfter) parts.push(`modifiedDate>=${filter.modifiedAfter.toISOString()}`);
  return parts.length > 0 ? parts.join('&&') : undefined;
}

/** Codat's connection status → ours. */
export function codatLinkStatus(status: string | undefined): CommerceLinkStatus {
  switch (status) {
    case 'PendingAuth':
      return 'PENDING_AUTHORIZATION';
    case 'Linked':
      return 'LINKED';
    case 'Unlinked':
      return 'UNLINKED';
    case 'Deauthorized':
      return 'AUTH_ERROR';
    default:
      return 'UNKNOWN';
  }
}
