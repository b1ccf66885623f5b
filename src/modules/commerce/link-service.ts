import { ErrorCode, GatewayError } from '../../errors.js';
import type { CodatClient } from '../../upstreams/codat/codat-client.js';
import { UpstreamHttpError } from '../../upstreams/upstream-http-error.js';
import type { QardClient } from '../../upstreams/qard/qard-client.js';
import type { QardDataType } from '../../upstreams/qard/qard-types.js';
import { userError, type UserErrorModel } from '../base/mutations.js';
import type { CommerceSyncSettingModel } from './connection.js';
import type { CommerceLinkRepository } from './link-repository.js';
import type { CommerceSourceRegistry } from './source-registry.js';
import { codatLinkStatus } from './sources/codat/codat-source.js';
import { qardLinkStatus } from './sources/qard/qard-source.js';
import type {
  CommerceLink,
  CommerceLinkStatus,
  DatasetSyncStatus,
  SyncableDataset,
} from './sources/source.js';

/** Codat data type names of our datasets (sync settings). */
export const CODAT_DATA_TYPE: Record<SyncableDataset, string> = {
  customers: 'commerce-customers',
  orders: 'commerce-orders',
  products: 'commerce-products',
  payments: 'commerce-payments',
  transactions: 'commerce-transactions',
  disputes: 'commerce-disputes',
  locations: 'commerce-locations',
  companyInfo: 'commerce-companyInfo',
};

const QARD_DATA_TYPES: QardDataType[] = [
  'COMMERCE_LOCATION',
  'COMMERCE_CUSTOMER',
  'COMMERCE_PRODUCT',
  'COMMERCE_ORDER',
];
export const PLATFORM = /^[a-z0-9][a-z0-9-]{0,63}$/i;

export type Outcome<T> = { ok: T } | { userErrors: UserErrorModel[] };

/**
 * The setup steps of the seeds: linking a store through Codat or Qard, queueing syncs, Codat
 * sync settings. Validation failures and upstream refusals are
 * userErrors; anything unexpected is thrown.
 */
export class CommerceLinkService {
  constructor(
    private readonly repo: CommerceLinkRepository,
    private readonly registry: CommerceSourceRegistry,
    private readonly codat: CodatClient | undefined,
    private readonly qard: QardClient | undefined,
    /** Told of links made and syncs requested, so their end can be announced (sync-watcher.ts). */
    private readonly syncStarted: (
      link: CommerceLink,
      queued: readonly SyncableDataset[] | null,
    ) => void = () => undefined,
  ) {}

  async link(
    workspaceId: string,
    input: { source: 'CODAT' | 'QARD'; platform: string; name: string },
  ): Promise<Outcome<CommerceLink>> {
    const name = input.name.trim();
    const platform = input.platform.trim().toLowerCase();
    const errors: UserErrorModel[] = [];
    if (name.length === 0 || name.length > 100)
      errors.push(userError(['input', 'name'], 'name must be 1-100 characters'));
    if (!PLATFORM.test(platform))
      errors.push(
        userError(['input', 'platform'], 'platform must be a platform key such as "shopify"'),
      );
    const client = input.source === 'CODAT' ? this.codat : this.qard;
    if (!client)
      errors.push(
        userError(['input', 'source'], `${input.source} is not configured on this gateway`),
      );
    if (errors.length > 0) return { userErrors: errors };
    try {
      if (this.codat && input.source === 'CODAT') {
        const company = await this.codat.createCompany({ name, platformType: platform });
        const connection =
          company.dataConnections?.[0] ?? (await this.codat.createConnection(company.id, platform));
        return this.created({
          workspaceId,
          source: 'CODAT',
          platform,
          name,
          status: codatLinkStatus(connection.status),
          externalRefs: { companyId: company.id, connectionId: connection.id },
          authorizationUrl: connection.linkUrl ?? null,
        });
      }
      const qard = this.qard!;
      const user = await qard.createUser(name);
      const connection = await qard.createDataConnection(user.id, {
        provider_name: platform,
        requested_data_types: QARD_DATA_TYPES,
      });
      return this.created({
        workspaceId,
        source: 'QARD',
        platform,
        name,
        status: qardLinkStatus(connection.status),
        externalRefs: { userId: user.id, dataConnectionId: connection.id },
        authorizationUrl: connection.redirect_url ?? null,
      });
    } catch (error) {
      return rejected(error, ['input', 'platform']);
    }
  }

  /** Records a new link; its first syncs start whenever the merchant authorises. */
  private async created(
    link: Omit<CommerceLink, 'id' | 'createdAt'>,
  ): Promise<Outcome<CommerceLink>> {
    const stored = await this.repo.create(link);
    this.syncStarted(stored, null);
    return { ok: stored };
  }

  /** A link of the workspace as stored now (not through a request's link list). */
  find(workspaceId: string, linkId: string): Promise<CommerceLink | undefined> {
    return this.repo.find(workspaceId, linkId);
  }

  /**
   * A pending link's status as the upstream sees it now (the merchant authorises on the
   * upstream's page, which does not call us back); recorded when it changed. Other statuses are
   * returned as recorded.
   */
  async currentStatus(link: CommerceLink): Promise<CommerceLinkStatus> {
    if (link.status !== 'PENDING_AUTHORIZATION') return link.status;
    return this.refreshStatus(link);
  }

  /**
   * The link's status as its source reports it now, whatever was recorded (a linked store may
   * have lost access since); recorded when it changed. Links of sources without a status call
   * (SHOPLINE's come from its own state) are returned as they are.
   */
  async refreshStatus(link: CommerceLink): Promise<CommerceLinkStatus> {
    const { companyId, connectionId, userId, dataConnectionId } = link.externalRefs;
    let status: CommerceLinkStatus = link.status;
    if (link.source === 'CODAT' && this.codat && companyId && connectionId) {
      status = codatLinkStatus((await this.codat.getConnection(companyId, connectionId)).status);
    } else if (link.source === 'QARD' && this.qard && userId && dataConnectionId) {
      status = qardLinkStatus((await this.qard.getDataConnection(userId, dataConnectionId)).status);
    }
    if (status !== link.status) await this.repo.updateStatus(link.workspaceId, link.id, status);
    return status;
  }

  /**
   * Stops the source reading the store (as far as it allows) and removes the link. The upstream
   * is told first: a link whose upstream refused stays, so the call can be retried.
   */
  async unlink(link: CommerceLink): Promise<Outcome<string>> {
    const source = this.registry.get(link.source);
    if (!source)
      return {
        userErrors: [
          userError(['input', 'linkId'], `${link.source} is not configured on this gateway`),
        ],
      };
    try {
      await source.unlink(link);
    } catch (error) {
      return rejected(error, ['input', 'linkId']);
    }
    await this.repo.remove(link);
    return { ok: link.id };
  }

  /** Whether the workspace removed a link of this id before. */
  wasRemoved(workspaceId: string, linkId: string): Promise<boolean> {
    return this.repo.wasRemoved(workspaceId, linkId);
  }

  async sync(
    link: CommerceLink,
    datasets: readonly SyncableDataset[],
  ): Promise<Outcome<DatasetSyncStatus[]>> {
    const source = this.registry.get(link.source);
    if (!source?.requestSync)
      return {
        userErrors: [
          userError(['input', 'linkId'], `${link.source} links cannot be synced on request`),
        ],
      };
    const wanted = datasets.filter((d) =>
      d === 'companyInfo' ? link.source === 'CODAT' : source.datasets.has(d),
    );
    if (wanted.length === 0)
      return {
        userErrors: [
          userError(['input', 'dataTypes'], `${link.source} does not sync these data types`),
        ],
      };
    try {
      const queued = await source.requestSync(link, wanted);
      this.syncStarted(
        link,
        queued.map((s) => s.dataset),
      );
      return { ok: queued };
    } catch (error) {
      return rejected(error, ['input', 'dataTypes']);
    }
  }

  async updateSyncSettings(
    link: CommerceLink,
    settings: readonly (CommerceSyncSettingModel & { dataset: SyncableDataset })[],
  ): Promise<Outcome<CommerceSyncSettingModel[]>> {
    if (link.source !== 'CODAT')
      return {
        userErrors: [userError(['input', 'linkId'], 'Sync settings apply to Codat links only')],
      };
    const invalid = settings.findIndex(
      (s) => s.syncScheduleHours < 0 || (s.monthsToSync !== null && s.monthsToSync < 1),
    );
    if (invalid >= 0) {
      return {
        userErrors: [
          userError(
            ['input', 'settings', String(invalid)],
            'syncScheduleHours must be ≥ 0 and monthsToSync ≥ 1',
          ),
        ],
      };
    }
    const companyId = link.externalRefs['companyId'];
    if (!this.codat || !companyId)
      return {
        userErrors: [userError(['input', 'linkId'], 'CODAT is not configured on this gateway')],
      };
    try {
      await this.codat.setCompanySyncSettings(
        companyId,
        settings.map((s, i) => ({
          dataType: CODAT_DATA_TYPE[s.dataset],
          fetchOnFirstLink: s.fetchOnFirstLink,
          syncSchedule: s.syncScheduleHours,
          syncOrder: i,
          ...(s.monthsToSync !== null ? { monthsToSync: s.monthsToSync } : {}),
          isLocked: false,
        })),
      );
      return { ok: settings.map(({ dataset: _dataset, ...s }) => s) };
    } catch (error) {
      return rejected(error, ['input', 'settings']);
    }
  }
}

/** Upstream refusals the caller can act on become userErrors; the rest is thrown. */
export function rejected(error: unknown, field: string[]): { userErrors: UserErrorModel[] } {
  const e = error instanceof UpstreamHttpError ? error.toGatewayError() : error;
  if (e instanceof GatewayError) {
    if (e.code === ErrorCode.CONFLICT) {
      return {
        userErrors: [
          userError(
            field,
            'A sync of this data is already running; retry when it finishes',
            'CONFLICT',
          ),
        ],
      };
    }
    if (e.code === ErrorCode.BAD_USER_INPUT || e.code === ErrorCode.NOT_FOUND) {
      return {
        userErrors: [
          userError(
            field,
            `${String(e.extensions['upstream'] ?? 'The upstream')} refused the request`,
            'UPSTREAM_REJECTED',
          ),
        ],
      };
    }
  }
  throw e;
}
