import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { GraphQLContext } from '../../request-context.js';
import { forbidden } from '../../errors.js';
import type {
  CommerceDataType,
  CommerceRecordResolvers,
  CommerceSourceKind as SourceKindEnum,
  ErrorCode as ErrorCodeEnum,
  Resolvers,
} from '../../generated/graphql.js';
import { tryParseGlobalId, toGlobalId } from '../base/global-id.js';
import { idempotentMutation, userError } from '../base/mutations.js';
import type { CommerceServices } from './commerce-services.js';
import type { CommerceConnectionModel } from './connection.js';
import { prefetchRelations } from './lookahead.js';
import { lookupRecord } from './record-loaders.js';
import type {
  CommerceDataset,
  CommerceRecord,
  CompanyInfoModel,
  OrderLineItemModel,
  ProductModel,
  ProductVariantModel,
} from './model.js';
import type { CommerceLink, SyncableDataset } from './sources/source.js';

/** GraphQL type name of each list dataset's records. */
export const TYPE_OF: Record<CommerceDataset, string> = {
  customers: 'Customer',
  orders: 'Order',
  products: 'Product',
  payments: 'Payment',
  transactions: 'Transaction',
  disputes: 'Dispute',
  locations: 'Location',
};

const DATA_TYPE_OF: Record<SyncableDataset, CommerceDataType> = {
  customers: 'CUSTOMERS',
  orders: 'ORDERS',
  products: 'PRODUCTS',
  payments: 'PAYMENTS',
  transactions: 'TRANSACTIONS',
  disputes: 'DISPUTES',
  locations: 'LOCATIONS',
  companyInfo: 'COMPANY_INFO',
};
const DATASET_OF = new Map(Object.entries(DATA_TYPE_OF).map(([d, t]) => [t, d as SyncableDataset]));

/** Local ids join their parts with ':'; each part is URL-encoded so ids with ':' stay unambiguous. */
export const joinLocalId = (...parts: Array<string | number>): string =>
  parts.map((p) => encodeURIComponent(String(p))).join(':');
/** The parts of a local id; none when it is malformed (ids come from clients). */
export function splitLocalId(localId: string): string[] {
  try {
    return localId.split(':').map(decodeURIComponent);
  } catch {
    return [];
  }
}

const recordId = (r: CommerceRecord | CompanyInfoModel) =>
  toGlobalId(r.kind, joinLocalId(r.linkId, r.sourceId));

function services(ctx: GraphQLContext) {
  return ctx.services.commerce;
}

function linkOf(ctx: GraphQLContext, linkId: string): Promise<CommerceLink> {
  return services(ctx)
    .reader.link(ctx, linkId)
    .then((link) => {
      // Records are only ever read through a link of the caller's workspace.
      if (!link) throw new Error(`commerce link ${linkId} vanished during the request`);
      return link;
    });
}

const recordFields = {
  id: recordId,
  link: (r: { linkId: string }, _args: unknown, ctx: GraphQLContext) => linkOf(ctx, r.linkId),
};

/**
 * Field resolvers shared by every `<Type>Connection`. The connection models are generic over the
 * record type, which the generated per-type resolver signatures cannot express; the record types
 * themselves are checked where the pages are built (CommerceReader.list).
 */
function connection<K extends keyof Resolvers>(): NonNullable<Resolvers[K]> {
  const resolvers = {
    nodes: (c: CommerceConnectionModel) => c.edges.map((e) => e.node),
    pageInfo: (c: CommerceConnectionModel) => ({
      hasNextPage: c.hasNextPage,
      hasPreviousPage: c.hasPreviousPage,
      startCursor: c.edges[0]?.cursor ?? null,
      endCursor: c.edges.at(-1)?.cursor ?? null,
    }),
    // The failed links themselves; their errors were reported at the list's path (see `list`).
    sourceErrors: (c: CommerceConnectionModel) => c.failures.map((f) => f.link),
    sourceStatuses: (c: CommerceConnectionModel) => c.sources,
  };
  return resolvers as unknown as NonNullable<Resolvers[K]>;
}

function linkInput(ctx: GraphQLContext, id: string): Promise<CommerceLink | undefined> {
  const parsed = tryParseGlobalId(id);
  if (!parsed || parsed.type !== 'CommerceLink') return Promise.resolve(undefined);
  return services(ctx).reader.link(ctx, parsed.localId);
}

const notFound = () => [
  userError(['input', 'linkId'], 'No such commerce link in this workspace', 'NOT_FOUND'),
];

/**
 * One merged list. A link that could not serve its part is reported as an error at the list's
 * own path while the list still returns the other links' records (partial results), so a client
 * sees the failure whatever it selected.
 */
async function list<D extends CommerceDataset>(
  ctx: GraphQLContext,
  dataset: D,
  args: Parameters<CommerceServices['reader']['list']>[2],
  info: GraphQLResolveInfo,
) {
  const page = await services(ctx).reader.list(ctx, dataset, args);
  const path = responsePathAsArray(info.path);
  for (const failure of page.failures) ctx.reportPartialError(failure.error, path);
  await prefetchRelations(
    ctx,
    dataset,
    page.edges.map((e) => e.node),
    info,
  );
  return page;
}

const commerceRecord: CommerceRecordResolvers = {
  __resolveType: (r) => (r as unknown as { kind: 'Customer' }).kind,
};

export const commerceResolvers: Resolvers = {
  Query: {
    commerce: () => ({}),
  },
  CommerceQuery: {
    sources: (_q, { filter }, ctx) => services(ctx).reader.selectLinks(ctx, filter),
    customers: (_q, args, ctx, info) => list(ctx, 'customers', args, info),
    orders: (_q, args, ctx, info) => list(ctx, 'orders', args, info),
    products: (_q, args, ctx, info) => list(ctx, 'products', args, info),
    payments: (_q, args, ctx, info) => list(ctx, 'payments', args, info),
    transactions: (_q, args, ctx, info) => list(ctx, 'transactions', args, info),
    disputes: (_q, args, ctx, info) => list(ctx, 'disputes', args, info),
    locations: (_q, args, ctx, info) => list(ctx, 'locations', args, info),
    companyInfo: async (_q, { filter }, ctx) =>
      // A failed entry is returned as its error, so it is reported at that entry's path.
      (await services(ctx).reader.companyProfiles(ctx, filter)).map(
        (p) => p.companyInfo ?? p.error,
      ) as never,
    companyProfiles: async (_q, { filter }, ctx, info) => {
      const profiles = await services(ctx).reader.companyProfiles(ctx, filter);
      const path = responsePathAsArray(info.path);
      profiles.forEach((p, i) => {
        if (p.error) ctx.reportPartialError(p.error, [...path, i]);
      });
      return profiles;
    },
  },
  CustomerConnection: connection<'CustomerConnection'>(),
  OrderConnection: connection<'OrderConnection'>(),
  ProductConnection: connection<'ProductConnection'>(),
  PaymentConnection: connection<'PaymentConnection'>(),
  TransactionConnection: connection<'TransactionConnection'>(),
  DisputeConnection: connection<'DisputeConnection'>(),
  LocationConnection: connection<'LocationConnection'>(),
  CommerceLink: {
    id: (l) => toGlobalId('CommerceLink', l.id),
    source: (l) => l.source as SourceKindEnum,
    status: (l, _args, ctx) =>
      services(ctx)
        .links.currentStatus(l)
        .catch((error: unknown) => {
          // The recorded status is still an answer; the refresh failing is only logged.
          ctx.log.warn(
            { code: (error as { code?: unknown }).code, source: l.source },
            'commerce link status refresh failed',
          );
          return l.status;
        }),
    syncStatus: (l, _args, ctx) => {
      const source = services(ctx).registry.get(l.source);
      return source ? source.syncStatus(l) : null;
    },
  },
  CommerceSourceStatus: {
    errorCode: (s) => (s.error?.code as ErrorCodeEnum | undefined) ?? null,
  },
  CommerceCompanyProfile: {
    errorCode: (p) => (p.error?.code as ErrorCodeEnum | undefined) ?? null,
  },
  CommerceDatasetSyncStatus: {
    dataType: (s) => DATA_TYPE_OF[s.dataset],
  },
  CommerceRecord: commerceRecord,
  TransactionSourceRecord: {
    __resolveType: (r) => (r as { kind: 'Order' | 'Payment' }).kind,
  },
  Customer: recordFields,
  Order: {
    ...recordFields,
    customer: (o, _args, ctx) =>
      o.customer ? lookupRecord(ctx, 'customers', o.linkId, o.customer.id) : null,
    location: (o, _args, ctx) =>
      o.location ? lookupRecord(ctx, 'locations', o.linkId, o.location.id) : null,
  },
  OrderLineItem: {
    id: (l: OrderLineItemModel) =>
      toGlobalId('OrderLineItem', joinLocalId(l.linkId, l.orderId, l.position)),
    product: (l, _args, ctx) =>
      l.product ? lookupRecord(ctx, 'products', l.linkId, l.product.id) : null,
    variant: (l, _args, ctx) => {
      if (!l.product || !l.variant) return null;
      const variantId = l.variant.id;
      const variantOf = (product: ProductModel | null) =>
        product?.variants.find((v) => v.sourceId === variantId) ?? null;
      const product = lookupRecord(ctx, 'products', l.linkId, l.product.id);
      return product instanceof Promise ? product.then(variantOf) : variantOf(product);
    },
  },
  Product: recordFields,
  ProductVariant: {
    id: (v: ProductVariantModel) =>
      toGlobalId('ProductVariant', joinLocalId(v.linkId, v.productId, v.sourceId)),
    product: (v, _args, ctx) => lookupRecord(ctx, 'products', v.linkId, v.productId),
  },
  Payment: recordFields,
  Transaction: {
    ...recordFields,
    sourceType: (t) => t.sourceRef?.type ?? null,
    sourceRecordId: (t) => t.sourceRef?.id ?? null,
    sourceRecord: (t, _args, ctx) => {
      if (t.sourceRef?.type === 'ORDER')
        return lookupRecord(ctx, 'orders', t.linkId, t.sourceRef.id);
      if (t.sourceRef?.type === 'PAYMENT')
        return lookupRecord(ctx, 'payments', t.linkId, t.sourceRef.id);
      return null;
    },
  },
  Dispute: recordFields,
  Location: recordFields,
  CompanyInfo: recordFields,
  QardProviderConfiguration: {
    credentialsSet: (p) => p.credentialsUpdatedAt !== null,
  },
  Mutation: {
    linkCommerceSource: (_root, { input }, ctx) =>
      idempotentMutation({
        ctx,
        operation: 'linkCommerceSource',
        idempotencyKey: input.idempotencyKey,
        input,
        failed: (userErrors) => ({ link: null, userErrors }),
        run: async () => {
          const outcome = await services(ctx).links.link(ctx.workspace.id, input);
          return 'ok' in outcome
            ? { link: outcome.ok, userErrors: [] }
            : { link: null, userErrors: outcome.userErrors };
        },
      }),
    unlinkCommerceSource: (_root, { input }, ctx) =>
      idempotentMutation({
        ctx,
        operation: 'unlinkCommerceSource',
        idempotencyKey: input.idempotencyKey,
        input,
        failed: (userErrors) => ({ deletedLinkId: null, userErrors }),
        run: async () => {
          const link = await linkInput(ctx, input.linkId);
          const parsed = tryParseGlobalId(input.linkId);
          if (!link) {
            // Removed already: the same answer as the first time.
            const removed =
              parsed?.type === 'CommerceLink' &&
              (await services(ctx).links.wasRemoved(ctx.workspace.id, parsed.localId));
            return removed
              ? { deletedLinkId: input.linkId, userErrors: [] }
              : { deletedLinkId: null, userErrors: notFound() };
          }
          const outcome = await services(ctx).links.unlink(link);
          return 'ok' in outcome
            ? { deletedLinkId: toGlobalId('CommerceLink', outcome.ok), userErrors: [] }
            : { deletedLinkId: null, userErrors: outcome.userErrors };
        },
      }),
    syncCommerceData: (_root, { input }, ctx) =>
      idempotentMutation({
        ctx,
        operation: 'syncCommerceData',
        idempotencyKey: input.idempotencyKey,
        input,
        failed: (userErrors) => ({ link: null, queued: [], userErrors }),
        run: async () => {
          const link = await linkInput(ctx, input.linkId);
          if (!link) return { link: null, queued: [], userErrors: notFound() };
          const datasets = input.dataTypes
            ? input.dataTypes.map((t) => DATASET_OF.get(t)!)
            : (Object.keys(DATA_TYPE_OF) as SyncableDataset[]);
          const outcome = await services(ctx).links.sync(link, datasets);
          return 'ok' in outcome
            ? { link, queued: outcome.ok, userErrors: [] }
            : { link, queued: [], userErrors: outcome.userErrors };
        },
      }),
    updateCommerceSyncSettings: (_root, { input }, ctx) =>
      idempotentMutation({
        ctx,
        operation: 'updateCommerceSyncSettings',
        idempotencyKey: input.idempotencyKey,
        input,
        failed: (userErrors) => ({ link: null, settings: [], userErrors }),
        run: async () => {
          const link = await linkInput(ctx, input.linkId);
          if (!link) return { link: null, settings: [], userErrors: notFound() };
          const outcome = await services(ctx).links.updateSyncSettings(
            link,
            input.settings.map((s) => ({
              dataset: DATASET_OF.get(s.dataType)!,
              dataType: s.dataType,
              fetchOnFirstLink: s.fetchOnFirstLink,
              syncScheduleHours: s.syncScheduleHours,
              monthsToSync: s.monthsToSync ?? null,
            })),
          );
          return 'ok' in outcome
            ? { link, settings: outcome.ok, userErrors: [] }
            : { link, settings: [], userErrors: outcome.userErrors };
        },
      }),
    // Qard provider settings are the deployment's (one Qard account for every workspace): no
    // workspace key may change them, whatever its role. Refused before any upstream call.
    configureQardProvider: () => {
      throw forbidden(
        'Qard provider settings apply to every workspace of this deployment; the operator sets them with `npm run cli -- qard-provider configure`',
      );
    },
  },
};
