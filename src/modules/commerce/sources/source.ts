import type {
  CommerceDataset,
  CommerceSourceKind,
  CompanyInfoModel,
  DatasetRecords,
} from '../model.js';

/**
 * A commerce source: one upstream (Codat, Qard, SHOPLINE, …) that serves normalized commerce
 * datasets for the links a workspace has made with it. The commerce module merges every source's
 * lists newest first and batches lookups by id; a new source only implements this interface and
 * its module gives the adapter to the `commerceSources` extension point (../extension-points.ts).
 *
 * Contract every adapter keeps:
 * - `listPage` returns records in descending `sortTime` (newest first), deterministically: the
 *   same position always yields the same records in the same order, so a cursor that stored a
 *   position and an offset inside that page resumes exactly.
 * - Positions are the adapter's own paging state (page number and page size, a token, …) as
 *   small JSON; the module stores them inside signed cursors and hands them back unchanged.
 * - Failures are `GatewayError`s: `DATA_NOT_READY` (with `syncStatus` in `extra`) when the
 *   dataset is not synced yet, `UPSTREAM_UNAVAILABLE`/`UPSTREAM_TIMEOUT`/… otherwise. The module
 *   reports them on that source's part of the list while other sources' records still return.
 * - Everything is scoped to the link passed in; an adapter never reads another link's data.
 */
export interface CommerceSource {
  readonly kind: CommerceSourceKind;
  /** Datasets this source can list; the others are skipped for its links (not an error). */
  readonly datasets: ReadonlySet<CommerceDataset>;
  /**
   * The source serves a copy of the store made by its last sync (Codat, Qard): a dataset's
   * records change only when one of its syncs completes, so they may be kept across requests
   * until then (record-cache.ts). False for a source read live.
   */
  readonly syncedCopy: boolean;

  /** One page of a dataset, newest first, in the adapter's own paging. */
  listPage<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    request: PageRequest,
  ): Promise<SourcePage<DatasetRecords[D]>>;

  /**
   * Records by upstream id, in one batched upstream call where the upstream allows it (DataLoader
   * calls this once per tick with every id asked for). Missing ids are absent from the map.
   */
  fetchByIds<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    ids: readonly string[],
  ): Promise<Map<string, DatasetRecords[D]>>;

  /** The connected business's profile, or null when the source has none. */
  companyInfo(link: CommerceLink): Promise<CompanyInfoModel | null>;

  /** Sync state of each dataset of the link, as the upstream reports it. */
  syncStatus(link: CommerceLink): Promise<DatasetSyncStatus[]>;

  /** Asks the upstream to refresh these datasets now; absent when the source cannot be asked. */
  requestSync?(
    link: CommerceLink,
    datasets: readonly SyncableDataset[],
  ): Promise<DatasetSyncStatus[]>;

  /**
   * Stops the source reading the store for this link, as far as the source allows; succeeds when
   * the upstream no longer knows the link. The commerce module then removes the link.
   */
  unlink(link: CommerceLink): Promise<void>;

  /**
   * The workspace's links of this source, for sources whose links are not made through
   * `linkCommerceSource` (e.g. SHOPLINE stores installed by webhook). Absent: the links recorded
   * by the commerce module (table `commerce_links`) are used.
   */
  listLinks?(workspaceId: string): Promise<CommerceLink[]>;
}

/** Adapter-defined paging state (JSON); null means "from the newest record". */
export type SourcePosition =
  string | number | { readonly [key: string]: string | number | boolean | null } | null;

export interface RecordFilter {
  /** Inclusive bounds on the record's creation time. */
  createdAfter?: Date;
  createdBefore?: Date;
  /** Records modified at or after this instant. */
  modifiedAfter?: Date;
}

export interface PageRequest {
  position: SourcePosition;
  /**
   * How many records the caller expects to need; adapters size their first page from it (within
   * the upstream's limits) and keep that size in the positions they return.
   */
  sizeHint: number;
  filter: RecordFilter;
}

export interface SourcePage<T> {
  /** Newest first. May be empty. */
  records: T[];
  /** Position of the following page, or null when this page is the last. */
  next: SourcePosition;
  /** Records matching the filter at this link, when the upstream says. */
  totalCount?: number;
}

/** A workspace's connection to one store or account at a source. */
export interface CommerceLink {
  id: string;
  workspaceId: string;
  source: CommerceSourceKind;
  /** Commerce platform behind the source, e.g. `shopify`, `woocommerce`. */
  platform: string;
  name: string;
  status: CommerceLinkStatus;
  /** The upstream's ids for this link (Codat company + connection, Qard user + data connection, …). */
  externalRefs: Readonly<Record<string, string>>;
  /** Where the merchant authorises the link, while it is pending. */
  authorizationUrl: string | null;
  createdAt: Date;
}

export type CommerceLinkStatus =
  'PENDING_AUTHORIZATION' | 'LINKED' | 'UNLINKED' | 'AUTH_ERROR' | 'UNKNOWN';

export type SyncState =
  'QUEUED' | 'FETCHING' | 'PROCESSING' | 'COMPLETE' | 'ERROR' | 'NOT_SYNCED' | 'UNKNOWN';

/** Every dataset a source syncs: the lists and the company profile. */
export type SyncableDataset = CommerceDataset | 'companyInfo';

export interface DatasetSyncStatus {
  dataset: SyncableDataset;
  state: SyncState;
  /** The upstream's own status value, as sent. */
  upstreamStatus: string | null;
  /** When the data last finished syncing: the records are as of this time. */
  dataAsOf: string | null;
}
