import { ErrorCode, GatewayError } from '../../../errors.js';
import { UpstreamHttpError } from '../../../upstreams/upstream-http-error.js';
import {
  SHOPLINE_MAX_PER_PAGE,
  type ShoplineResource,
} from '../../../upstreams/shopline/open-api-client.js';
import { toGlobalId } from '../../base/global-id.js';
import type { CommerceDataset, DatasetRecords } from '../../commerce/model.js';
import type { Json } from '../../commerce/normalize.js';
import type {
  CommerceLink,
  CommerceLinkStatus,
  CommerceSource,
  DatasetSyncStatus,
  PageRequest,
  RecordFilter,
  SourcePage,
} from '../../commerce/sources/source.js';
import { sourceFailure } from '../../commerce/sources/upstream-errors.js';
import {
  tokenUsable,
  type ShoplineMerchantRecord,
  type ShoplineTokenRecord,
} from '../merchant-repository.js';
import type { ShoplineService } from '../shopline-service.js';
import { shoplineCustomer, shoplineOrder, shoplineProduct } from './shopline-mappers.js';
import { nextNumberedPage, numberedPage } from '../../commerce/sources/page-position.js';

type ShoplineDataset = 'customers' | 'orders' | 'products';

const MAPPERS: { [D in ShoplineDataset]: (linkId: string, r: Json) => DatasetRecords[D] } = {
  customers: shoplineCustomer,
  orders: shoplineOrder,
  products: shoplineProduct,
};

/** Link ids of SHOPLINE merchants: the merchant id, prefixed so it never collides with stored links. */
const LINK_PREFIX = 'shopline-';

/** The commerce link id of a SHOPLINE merchant's store. */
export function shoplineLinkId(merchantId: string): string {
  return `${LINK_PREFIX}${merchantId}`;
}

/**
 * SHOPLINE merchants as a commerce source. Links are the workspace's claimed merchants (no
 * `linkCommerceSource`: the install webhooks and the claim make them). Each call uses a usable
 * token of the merchant with the dataset's scope; a 401 marks that token rejected, so it is never
 * used again and the link's status and sync status say so.
 */
export class ShoplineCommerceSource implements CommerceSource {
  readonly kind = 'SHOPLINE' as const;
  readonly datasets: ReadonlySet<CommerceDataset> = new Set<CommerceDataset>([
    'customers',
    'orders',
    'products',
  ]);
  /** The Open API is read live: nothing is kept across requests. */
  readonly syncedCopy = false;

  constructor(private readonly shopline: ShoplineService) {}

  async listLinks(workspaceId: string): Promise<CommerceLink[]> {
    const { merchants, tokens } = await this.shopline.merchants.workspaceMerchants(workspaceId);
    return merchants.map((m) => ({
      id: shoplineLinkId(m.merchantId),
      workspaceId,
      source: 'SHOPLINE',
      platform: 'shopline',
      name: m.merchantId,
      status: linkStatus(
        m,
        tokens.filter((t) => t.merchantId === m.merchantId),
      ),
      externalRefs: { merchantId: m.merchantId },
      authorizationUrl: null,
      createdAt: m.linkedAt ?? m.updatedAt,
    }));
  }

  async listPage<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    request: PageRequest,
  ): Promise<SourcePage<DatasetRecords[D]>> {
    const resource = resourceOf(dataset);
    const position = numberedPage(request, SHOPLINE_MAX_PER_PAGE);
    const page = await this.withToken(link, resource, (token) =>
      this.openApi(link).list(resource, token, {
        page: position.p,
        perPage: position.s,
        ...(request.filter.modifiedAfter
          ? { updatedAfter: request.filter.modifiedAfter.toISOString() }
          : {}),
      }),
    );
    const map = MAPPERS[resource] as unknown as (linkId: string, r: Json) => DatasetRecords[D];
    const keep = recordTest(request.filter);
    const records = page.items.map((r) => map(link.id, r)).filter(keep);
    return {
      records,
      next: nextNumberedPage(position, position.p < page.pagination.total_pages),
      ...(!request.filter.createdAfter && !request.filter.createdBefore
        ? { totalCount: page.pagination.total_count }
        : {}),
    };
  }

  async fetchByIds<D extends CommerceDataset>(
    link: CommerceLink,
    dataset: D,
    ids: readonly string[],
  ): Promise<Map<string, DatasetRecords[D]>> {
    const resource = resourceOf(dataset);
    const map = MAPPERS[resource] as unknown as (linkId: string, r: Json) => DatasetRecords[D];
    const found = new Map<string, DatasetRecords[D]>();
    // The Open API has no batch lookup: one request per id, in parallel.
    await this.withToken(link, resource, (token) =>
      Promise.all(
        ids.map(async (id) => {
          try {
            found.set(id, map(link.id, await this.openApi(link).get(resource, token, id)));
          } catch (error) {
            // 404: no such record; 410: SHOPLINE archived it. Either way it is not there to show.
            if (
              error instanceof UpstreamHttpError &&
              (error.status === 404 || error.status === 410)
            )
              return;
            throw error;
          }
        }),
      ),
    );
    return found;
  }

  /** SHOPLINE's Open API gives no company profile to this app. */
  async companyInfo(): Promise<null> {
    return null;
  }

  /**
   * The app cannot uninstall itself from a store (the merchant does, in SHOPLINE): unlinking
   * releases the merchant from the workspace, so its data is no longer read for it. A new claim
   * code from the app's landing page links it again.
   */
  async unlink(link: CommerceLink): Promise<void> {
    await this.shopline.release(merchantOf(link), link.workspaceId);
  }

  /** SHOPLINE is read live (no sync): each dataset is ready exactly when a usable token has its scope. */
  async syncStatus(link: CommerceLink): Promise<DatasetSyncStatus[]> {
    const merchantId = merchantOf(link);
    const merchant = await this.shopline.merchants.get(merchantId);
    const tokens = await this.shopline.merchants.tokensOf([merchantId]);
    const now = new Date().toISOString();
    return (['customers', 'orders', 'products'] as const).map((dataset) => {
      const problem = merchant ? tokenProblem(merchant, tokens, dataset) : 'NOT_INSTALLED';
      return problem
        ? { dataset, state: 'ERROR', upstreamStatus: problem, dataAsOf: null }
        : { dataset, state: 'COMPLETE', upstreamStatus: 'LIVE', dataAsOf: now };
    });
  }

  private openApi(link: CommerceLink) {
    const client = this.shopline.openApi;
    if (!client) {
      throw new GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'SHOPLINE_API_BASE_URL is not configured',
        {
          upstream: 'shopline',
          extra: { source: link.source, linkId: toGlobalId('CommerceLink', link.id) },
        },
      );
    }
    return client;
  }

  private async withToken<T>(
    link: CommerceLink,
    scope: ShoplineResource,
    call: (token: string) => Promise<T>,
  ): Promise<T> {
    const merchantId = merchantOf(link);
    const usable = await this.shopline.merchants.usableToken(merchantId, scope);
    if (!usable) {
      const merchant = await this.shopline.merchants.get(merchantId);
      const tokens = await this.shopline.merchants.tokensOf([merchantId]);
      const problem = merchant
        ? (tokenProblem(merchant, tokens, scope) ?? 'NO_USABLE_TOKEN')
        : 'NOT_INSTALLED';
      throw tokenError(link, scope, problem);
    }
    try {
      return await call(usable.token);
    } catch (error) {
      if (error instanceof UpstreamHttpError && error.status === 401) {
        await this.shopline.rejectToken(merchantId, usable.tokenId);
        throw tokenError(link, scope, 'TOKEN_REJECTED', error);
      }
      throw sourceFailure(link, error);
    }
  }
}

function resourceOf(dataset: CommerceDataset): ShoplineDataset {
  if (dataset === 'customers' || dataset === 'orders' || dataset === 'products') return dataset;
  throw new Error(`SHOPLINE has no ${dataset} list`);
}

function merchantOf(link: CommerceLink): string {
  const merchantId = link.externalRefs['merchantId'];
  if (!merchantId) throw new Error(`SHOPLINE link ${link.id} lacks its merchant id`);
  return merchantId;
}

/** Why no token can serve `scope`, or undefined when one can. */
function tokenProblem(
  merchant: ShoplineMerchantRecord,
  tokens: ShoplineTokenRecord[],
  scope: string,
): string | undefined {
  if (merchant.installState === 'UNINSTALLED') return 'UNINSTALLED';
  const withScope = tokens.filter((t) => t.scopes.includes(scope));
  if (withScope.some((t) => tokenUsable(t))) return undefined;
  if (withScope.some((t) => t.status === 'ACTIVE' && t.rejectedAt)) return 'TOKEN_REJECTED';
  if (withScope.some((t) => t.status === 'REVOKED')) return 'TOKEN_REVOKED';
  return 'NO_TOKEN_FOR_SCOPE';
}

function linkStatus(
  merchant: ShoplineMerchantRecord,
  tokens: ShoplineTokenRecord[],
): CommerceLinkStatus {
  if (merchant.installState === 'UNINSTALLED') return 'UNLINKED';
  if (tokens.some((t) => tokenUsable(t))) return 'LINKED';
  if (tokens.some((t) => t.status === 'ACTIVE' && t.rejectedAt)) return 'AUTH_ERROR';
  return 'PENDING_AUTHORIZATION';
}

const PROBLEM_TEXT: Record<string, string> = {
  TOKEN_REJECTED:
    'SHOPLINE refused the merchant token (401 Unauthorized); it will not be used again until SHOPLINE issues a new one',
  TOKEN_REVOKED: 'SHOPLINE revoked the merchant token',
  UNINSTALLED: 'the merchant uninstalled the app',
  NOT_INSTALLED: 'no install webhook has arrived for this merchant',
  NO_TOKEN_FOR_SCOPE: 'SHOPLINE has issued no token with this scope',
  NO_USABLE_TOKEN: 'no usable token',
};

function tokenError(
  link: CommerceLink,
  scope: string,
  problem: string,
  cause?: unknown,
): GatewayError {
  return new GatewayError(
    ErrorCode.UPSTREAM_ERROR,
    `SHOPLINE ${scope} unavailable for merchant ${link.name}: ${PROBLEM_TEXT[problem] ?? problem}`,
    {
      upstream: 'shopline',
      extra: {
        source: link.source,
        linkId: toGlobalId('CommerceLink', link.id),
        tokenStatus: problem,
      },
      cause,
    },
  );
}

function recordTest(
  f: RecordFilter,
): (r: { createdAt: string | null; modifiedAt: string | null }) => boolean {
  const after = f.createdAfter?.getTime();
  const before = f.createdBefore?.getTime();
  const modified = f.modifiedAfter?.getTime();
  if (after === undefined && before === undefined && modified === undefined) return () => true;
  return (r) => {
    const c = r.createdAt ? Date.parse(r.createdAt) : undefined;
    const m = r.modifiedAt ? Date.parse(r.modifiedAt) : undefined;
    if (after !== undefined && (c === undefined || c < after)) return false;
    if (before !== undefined && (c === undefined || c > before)) return false;
    if (modified !== undefined && (m === undefined || m < modified)) return false;
    return true;
  };
}
