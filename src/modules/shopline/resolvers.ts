import type {
  Resolvers,
  ShoplineInstallState,
  ShoplineTokenStatus,
} from '../../generated/graphql.js';
import { requireRole, type GraphQLContext } from '../../request-context.js';
import { toGlobalId } from '../base/global-id.js';
import { idempotentMutation, userError } from '../base/mutations.js';
import type { EntityReference } from '../module.js';
import { shoplineLinkId } from './commerce/shopline-source.js';
import { tokenUsable } from './merchant-repository.js';
import { pageMerchants } from './merchant-pagination.js';
import type {
  ShoplineMerchantModel,
  ShoplineMerchantUpdateModel,
  ShoplineTokenModel,
} from './model.js';
import { merchantUpdatedTopic, type ShoplineMerchantUpdatedEvent } from './shopline-service.js';

/** Open API scopes the gateway reads (see the commerce source adapter). */
const READ_SCOPES = ['customers', 'orders', 'products'];

const INSTALL_STATES: readonly string[] = ['INSTALLED', 'UNINSTALLED', 'PENDING'];

function tokensLoader(ctx: GraphQLContext) {
  return ctx.loader<string, ShoplineTokenModel[]>('shopline.tokensByMerchant', async (ids) => {
    const rows = await ctx.services.shopline.merchants.tokensOf(ids);
    return ids.map((id) => rows.filter((r) => r.merchantId === id));
  });
}

function tokenStatus(t: ShoplineTokenModel): ShoplineTokenStatus {
  if (t.status === 'REVOKED' || t.status === 'MERCHANT_UNINSTALLED') return t.status;
  if (t.rejectedAt) return 'REJECTED';
  if (t.expiresAt && t.expiresAt <= new Date()) return 'EXPIRED';
  return t.status === 'ACTIVE' ? 'ACTIVE' : 'UNKNOWN';
}

async function* merchantUpdates(ctx: GraphQLContext): AsyncGenerator<ShoplineMerchantUpdateModel> {
  const events = ctx.services.eventBus.subscribe<ShoplineMerchantUpdatedEvent>(
    merchantUpdatedTopic(ctx.workspace.id),
  );
  try {
    for await (const event of events) {
      const merchant = await ctx.services.shopline.merchants.get(event.merchantId);
      // Re-checked: the merchant may have been claimed by another workspace since.
      // A release is told to the workspace the merchant left, unless another has it already.
      const released = event.reason === 'UNLINKED' && merchant?.workspaceId === null;
      if (!merchant || (merchant.workspaceId !== ctx.workspace.id && !released)) continue;
      yield { reason: event.reason, merchant };
    }
  } finally {
    await events.return?.();
  }
}

/**
 * The module's resolvers. `reference` resolves `ShoplineMerchant.commerceLink`, the merchant's
 * store in the commerce lists, which the commerce module owns: in-process when this gateway
 * serves commerce, else as a reference the router completes from the commerce subgraph.
 */
export const shoplineResolvers = (reference: EntityReference): Resolvers => ({
  Query: {
    shoplineMerchants: (_root, args, ctx) => pageMerchants(ctx, args),
  },
  Mutation: {
    claimShoplineMerchant: async (_root, { input }, ctx) => {
      requireRole(ctx, 'admin');
      type Payload = {
        merchant: ShoplineMerchantModel | null;
        userErrors: ReturnType<typeof userError>[];
      };
      const failed = (userErrors: Payload['userErrors']): Payload => ({
        merchant: null,
        userErrors,
      });
      const code = input.code.trim();
      if (!/^SL-[0-9A-F-]{20,40}$/i.test(code)) {
        return failed([
          userError(
            ['input', 'code'],
            'Enter the claim code exactly as the SHOPLINE landing page shows it (SL-…)',
          ),
        ]);
      }
      return idempotentMutation<Payload>({
        ctx,
        operation: 'claimShoplineMerchant',
        idempotencyKey: input.idempotencyKey,
        input: { code },
        failed,
        run: async () => {
          const outcome = await ctx.services.shopline.claim(code, ctx.workspace.id);
          switch (outcome.kind) {
            case 'claimed':
              return {
                merchant: (await ctx.services.shopline.merchants.get(outcome.merchantId)) ?? null,
                userErrors: [],
              };
            case 'unknown':
              return failed([
                userError(['input', 'code'], 'This claim code does not exist', 'NOT_FOUND'),
              ]);
            case 'expired':
              return failed([
                userError(
                  ['input', 'code'],
                  'This claim code has expired; open the app from the SHOPLINE admin for a new one',
                  'CLAIM_CODE_EXPIRED',
                ),
              ]);
            case 'used':
              return failed([
                userError(
                  ['input', 'code'],
                  'This claim code was already used',
                  'CLAIM_CODE_ALREADY_USED',
                ),
              ]);
          }
        },
      });
    },
  },
  Subscription: {
    shoplineMerchantUpdated: {
      subscribe: (_root, _args, ctx) => merchantUpdates(ctx),
      resolve: (update: ShoplineMerchantUpdateModel) => update,
    },
  },
  ShoplineMerchant: {
    id: (m) => toGlobalId('ShoplineMerchant', m.merchantId),
    installState: (m) =>
      (INSTALL_STATES.includes(m.installState)
        ? m.installState
        : 'UNKNOWN') as ShoplineInstallState,
    tokens: (m, _args, ctx) => tokensLoader(ctx).load(m.merchantId),
    usableScopes: async (m, _args, ctx) => {
      if (m.installState === 'UNINSTALLED') return [];
      const tokens = (await tokensLoader(ctx).load(m.merchantId)).filter((t) => tokenUsable(t));
      return READ_SCOPES.filter((scope) => tokens.some((t) => t.scopes.includes(scope)));
    },
    // A CommerceLink model in-process, or a `{ id }` reference: the commerce module's own
    // resolvers (or the commerce subgraph) read its fields, never this module.
    commerceLink: (m, _args, ctx) =>
      reference(ctx, 'CommerceLink', shoplineLinkId(m.merchantId)) as never,
  },
  ShoplineToken: {
    status: (t) => tokenStatus(t),
  },
});
