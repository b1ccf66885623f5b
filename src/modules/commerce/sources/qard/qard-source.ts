import { GatewayError } from '../../../../errors.js';
import { UpstreamHttpError } from '../../../../upstreams/upstream-http-error.js';
import { QARD_MAX_PER_PAGE, type QardClient } from '../../../../upstreams/qard/qard-client.js';
import type {
  QardCommerceList,
  QardDataType,
  QardRecord,
  QardSync,
} from '../../../../upstreams/qard/qard-types.js';
import type { CommerceDataset, DatasetRecords } from '../../model.js';
import { time } from '../../normalize.js';
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
import { dataNotReady, sourceFailure } from '../upstream-errors.js';
import { qardCustomer, qardLocation, qardOrder, qardProduct } from './qard-mappers.js';
import { nextNumberedPage, numberedPage } from '../page-position.js';

type QardDataset = 'customers' | 'orders' | 'products' | 'locations';

const LISTS: {
  [D in QardDataset]: {
    path: QardCommerceList;
    type: QardDataType;
    map: (linkId: string, r: QardRecord) => DatasetRecords[D];
  };
} = {
  customers: { path: 'commerce-customers', type: 'COMMERCE_CUSTOMER', map: qardCustomer },
  orders: { path: 'commerce-orders', type: 'COMMERCE_ORDER', map: qardOrder },
  products: { path: 'commerce-products', type: 'COMMERCE_PRODUCT', map: qardProduct },
  locations: { path: 'commerce-locations', type: 'COMMERCE_LOCATION', map: qardLocation },
};
const DATASET_OF_TYPE = new Map(
  Object.entries(LISTS).map(([d, l]) => [l.type as string, d as QardDataset]),
);

const SYNC_STATE: Record<string, SyncState> = {
  QUEUED: 'QUEUED',
  FETCHING: 'FETCHING',
  SUCCESS: 'COMPLETE',
  AUTH_ERROR: 'ERROR',
  FETCH_ERROR: 'ERROR',
  INTERNAL_ERROR: 'ERROR',
};

/**
 * Qard commerce data of a user, paged `page`/`per_page` (≤ 100), served newest first by Qard.
 * Qard has no date filters on these lists, so the filter applies to each page as read (pages
 * stay deterministic, so positions still resume exactly).
 */
export class QardSource implements CommerceSource {
  readonly kind = 'QARD' as const;
  readonly datasets: ReadonlySet<CommerceDataset> = new Set(
    Object.keys(LISTS) as CommerceDataset[],
  );
  readonly syncedCopy = true;

  constructor(private readonly qard: QardClient) {}

  async listPage<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    request: PageRequest,
  ): Promise<SourcePage<DatasetRecords[D]>> {
    const list = listOf(dataset);
    const position = numberedPage(request, QARD_MAX_PER_PAGE);
    let page;
    try {
      page = await this.qard.listCommerce(userOf(link), list.path, {
        page: position.p,
        perPage: position.s,
      });
    } catch (error) {
      throw sourceFailure(link, error);
    }
    // Qard answers an empty list before the first sync of a type finishes: not "no records".
    if (position.p === 1 && page.total === 0) {
      const status = (await this.syncStatus(link)).find((s) => s.dataset === dataset);
      if (!status || status.dataAsOf === null) throw dataNotReady(link, dataset, status);
    }
    const map = list.map as unknown as (linkId: string, r: QardRecord) => DatasetRecords[D];
    const keep = recordTest(request.filter);
    const records: DatasetRecords[D][] = [];
    for (const r of page.result) {
      const record = map(link.id, r);
      if (keep(record)) records.push(record);
    }
    return {
      records,
      next: nextNumberedPage(position, position.p < page.last_page),
      ...(isEmptyFilter(request.filter) ? { totalCount: page.total } : {}),
    };
  }

  /**
   * Qard has no batch lookup. Reading the list's first page (100 records) tells how many pages
   * the list has; the ids still missing are then read either as the remaining pages or one
   * `GET …/{id}` each, whichever takes fewer requests, all in parallel.
   */
  async fetchByIds<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    ids: readonly string[],
  ): Promise<Map<string, DatasetRecords[D]>> {
    const list = listOf(dataset);
    const map = list.map as unknown as (linkId: string, r: QardRecord) => DatasetRecords[D];
    const userId = userOf(link);
    const wanted = new Set(ids);
    const found = new Map<string, DatasetRecords[D]>();
    const take = (records: readonly QardRecord[]) => {
      for (const r of records) {
        const id = String(r.id);
        if (wanted.has(id)) found.set(id, map(link.id, r));
      }
    };
    const page = (n: number) =>
      this.qard.listCommerce(userId, list.path, { page: n, perPage: QARD_MAX_PER_PAGE });
    try {
      const first = await (ids.length === 1 ? undefined : page(1));
      if (first) take(first.result);
      const missing = ids.filter((id) => !found.has(id));
      const pagesLeft = first ? first.last_page - 1 : Infinity;
      if (missing.length === 0) return found;
      if (pagesLeft <= missing.length) {
        const rest = await Promise.all(Array.from({ length: pagesLeft }, (_, i) => page(i + 2)));
        for (const p of rest) take(p.result);
        return found;
      }
      await Promise.all(
        missing.map(async (id) => {
          try {
            found.set(id, map(link.id, await this.qard.getCommerce(userId, list.path, id)));
          } catch (error) {
            if (!(error instanceof UpstreamHttpError && error.status === 404)) throw error;
          }
        }),
      );
      return found;
    } catch (error) {
      throw sourceFailure(link, error);
    }
  }

  /** Qard has no company profile. */
  async companyInfo(): Promise<null> {
    return null;
  }

  async unlink(link: CommerceLink): Promise<void> {
    const connectionId = link.externalRefs['dataConnectionId'];
    if (!connectionId) throw new Error(`Qard link ${link.id} lacks its data connection id`);
    try {
      await this.qard.disconnectDataConnection(userOf(link), connectionId);
    } catch (error) {
      // The user or connection is gone already: nothing is read any more.
      if (error instanceof UpstreamHttpError && error.status === 404) return;
      throw sourceFailure(link, error);
    }
  }

  async syncStatus(link: CommerceLink): Promise<DatasetSyncStatus[]> {
    let syncs: QardSync[];
    try {
      syncs = (await this.qard.syncHistory(userOf(link))).result ?? [];
    } catch (error) {
      throw sourceFailure(link, error);
    }
    return (Object.keys(LISTS) as QardDataset[]).map((dataset) => statusOf(dataset, syncs));
  }

  async requestSync(
    link: CommerceLink,
    datasets: readonly SyncableDataset[],
  ): Promise<DatasetSyncStatus[]> {
    const types = datasets.flatMap((d) => (d in LISTS ? [LISTS[d as QardDataset].type] : []));
    try {
      const sync = await this.qard.sync(userOf(link), types);
      const state = SYNC_STATE[sync.status ?? ''] ?? 'UNKNOWN';
      return types.map((t) => ({
        dataset: DATASET_OF_TYPE.get(t)!,
        state,
        upstreamStatus: sync.status ?? null,
        dataAsOf: null,
      }));
    } catch (error) {
      if (error instanceof UpstreamHttpError || error instanceof GatewayError) throw error;
      throw sourceFailure(link, error);
    }
  }
}

function listOf(dataset: CommerceDataset) {
  const list = LISTS[dataset as QardDataset];
  if (!list) throw new Error(`Qard has no ${dataset} list`);
  return list;
}

function userOf(link: CommerceLink): string {
  const userId = link.externalRefs['userId'];
  if (!userId) throw new Error(`Qard link ${link.id} lacks its user id`);
  return userId;
}

/** Latest sync of a type and the last one that succeeded (Qard lists syncs newest first). */
function statusOf(dataset: QardDataset, syncs: readonly QardSync[]): DatasetSyncStatus {
  const type = LISTS[dataset].type;
  const ofType = syncs.filter((s) =>
    (s.data_types ?? (s.data_type ? [s.data_type] : [])).includes(type),
  );
  const latest = ofType[0];
  const success = ofType.find((s) => s.status === 'SUCCESS');
  const finished = success ? (success.finished_at ?? success.ended_at ?? success.updated_at) : null;
  return {
    dataset,
    state: latest ? (SYNC_STATE[latest.status ?? ''] ?? 'UNKNOWN') : 'NOT_SYNCED',
    upstreamStatus: latest?.status ?? null,
    dataAsOf: time(finished)?.iso ?? null,
  };
}

function isEmptyFilter(f: RecordFilter): boolean {
  return !f.createdAfter && !f.createdBefore && !f.modifiedAfter;
}

function recordTest(
  f: RecordFilter,
): (r: { createdAt: string | null; modifiedAt: string | null }) => boolean {
  if (isEmptyFilter(f)) return () => true;
  const after = f.createdAfter?.getTime();
  const before = f.createdBefore?.getTime();
  const modified = f.modifiedAfter?.getTime();
  return (r) => {
    const c = r.createdAt ? Date.parse(r.createdAt) : undefined;
    const m = r.modifiedAt ? Date.parse(r.modifiedAt) : undefined;
    if (after !== undefined && (c === undefined || c < after)) return false;
    if (before !== undefined && (c === undefined || c > before)) return false;
    if (modified !== undefined && (m === undefined || m < modified)) return false;
    return true;
  };
}

/** Qard's data connection status → ours. */
export function qardLinkStatus(status: string | undefined): CommerceLinkStatus {
  switch (status) {
    case 'AUTH_REQUIRED':
    case 'CONNECTING':
      return 'PENDING_AUTHORIZATION';
    case 'CONNECTED':
      return 'LINKED';
    case 'DISCONNECTED':
      return 'UNLINKED';
    case 'AUTH_ERROR':
      return 'AUTH_ERROR';
    default:
      return 'UNKNOWN';
  }
}
