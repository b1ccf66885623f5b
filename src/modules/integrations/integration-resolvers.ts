import { createHash } from 'node:crypto';
import type {
  IntegrationResolvers,
  PushSubscriptionResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../../generated/graphql.js';
import type { IntegrationModel } from './models.js';
import { toGlobalId } from '../base/global-id.js';
import { userError, type UserErrorModel } from '../base/mutations.js';
import { dispatchMutation } from './dispatch-mutation.js';
import type {
  IntegrationPayload,
  RemoveIntegrationResult,
  SavePushSubscriptionResult,
} from './payloads.js';
import { fromDispatchIntegrationStatus } from './enums.js';
import { integrationId, parseIntegrationId } from './ids.js';
import { paginate } from './pagination.js';
import { createClaimed } from './shared-account.js';
import { validateConfigureIntegration, validatePushSubscription } from './validation.js';

export const integrationQueries: Pick<QueryResolvers, 'integrations'> = {
  integrations: async (_root, args, ctx) => {
    const all = await ctx.services.dispatch.records.list(ctx.workspace.id);
    const items = args.status
      ? all.filter((i) => fromDispatchIntegrationStatus(i.status) === args.status)
      : all;
    return paginate(items, args, {
      scope: `integrations:${args.status ?? '*'}`,
      keyOf: (i) => i.guid,
      cursors: ctx.services.cursors,
    });
  },
};

export const pushSubscriptionFields: PushSubscriptionResolvers = {
  // The endpoint is the subscription's identity in Dispatch (saving it again updates its keys).
  id: (p) =>
    toGlobalId('PushSubscription', createHash('sha256').update(p.endpoint).digest('base64url')),
};

export const integrationFields: IntegrationResolvers = {
  id: (i) => integrationId(i.guid),
  dispatchId: (i) => i.guid,
  provider: (i) => i.providerName,
  providerType: () => 'ECOMMERCE',
  status: (i) => fromDispatchIntegrationStatus(i.status),
};

/** Another workspace created this on the deployment's shared Dispatch account. */
export const takenOnSharedAccount = (field: string[]) =>
  userError(
    field,
    "Another workspace already configured this on the deployment's shared Dispatch account; set a service token of this workspace's own (setDispatchServiceToken) to configure it apart",
    'CONFLICT',
  );

const notRecorded = (field: string[]) =>
  userError(field, 'No integration with this id was configured in this workspace', 'NOT_FOUND');

export const integrationMutations: Pick<
  MutationResolvers,
  'configureIntegration' | 'disableIntegration' | 'removeIntegration' | 'savePushSubscription'
> = {
  configureIntegration: (_root, { input }, ctx) => {
    const failed = (userErrors: UserErrorModel[]): IntegrationPayload => ({
      integration: null,
      userErrors,
    });
    const { credentials } = input;
    return dispatchMutation({
      ctx,
      operation: 'configureIntegration',
      input,
      adminOnly: true,
      failed,
      validate: () => validateConfigureIntegration(input),
      rejectionField: ['input', 'providerId'],
      secrets: [credentials.apiKey, credentials.apiSecret],
      run: async (auth) => {
        const settings = {
          autoImportOrders: input.settings?.autoImportOrders ?? true,
          syncProducts: input.settings?.syncProducts ?? true,
          pushTracking: input.settings?.pushTracking ?? true,
        };
        const created = await createClaimed({
          records: ctx.services.dispatch.shared,
          auth,
          workspaceId: ctx.workspace.id,
          kind: 'integration',
          upstreamKey: input.providerId,
          create: () =>
            ctx.services.dispatch.client().configureIntegration(auth, {
              providerId: input.providerId,
              providerType: 'ecommerce',
              credentials: {
                apiKey: credentials.apiKey,
                apiSecret: credentials.apiSecret,
                storeUrl: credentials.storeUrl,
              },
              settings,
            }),
        });
        if (created.taken) return failed([takenOnSharedAccount(['input', 'providerId'])]);
        const configured = created.value;
        const integration: IntegrationModel = await ctx.services.dispatch.records.recordConfigured(
          ctx.workspace.id,
          {
            guid: configured.guid,
            providerId: input.providerId,
            providerName: configured.provider,
            status: configured.status,
            settings,
            connectedAt: configured.connectedAt,
          },
        );
        return { integration, userErrors: [] };
      },
    });
  },

  disableIntegration: (_root, { input }, ctx) => {
    const failed = (userErrors: UserErrorModel[]): IntegrationPayload => ({
      integration: null,
      userErrors,
    });
    const field = ['input', 'integrationId'];
    const guid = parseIntegrationId(input.integrationId);
    return dispatchMutation({
      ctx,
      operation: 'disableIntegration',
      input,
      adminOnly: true,
      failed,
      validate: () =>
        guid ? [] : [userError(field, 'integrationId must be the id of an Integration')],
      rejectionField: field,
      run: async (auth) => {
        const { records } = ctx.services.dispatch;
        // Only integrations this workspace configured: another workspace's id never reaches Dispatch.
        if (!(await records.find(ctx.workspace.id, guid!))) return failed([notRecorded(field)]);
        const status = await ctx.services.dispatch.client().disableIntegration(auth, guid!);
        const integration = await records.recordStatus(ctx.workspace.id, guid!, status.status);
        return { integration, userErrors: [] };
      },
    });
  },

  removeIntegration: (_root, { input }, ctx) => {
    const failed = (userErrors: UserErrorModel[]): RemoveIntegrationResult => ({
      removedIntegrationId: null,
      userErrors,
    });
    const field = ['input', 'integrationId'];
    const guid = parseIntegrationId(input.integrationId);
    return dispatchMutation({
      ctx,
      operation: 'removeIntegration',
      input,
      adminOnly: true,
      failed,
      validate: () =>
        guid ? [] : [userError(field, 'integrationId must be the id of an Integration')],
      rejectionField: field,
      run: async (auth) => {
        const { records } = ctx.services.dispatch;
        if (!(await records.find(ctx.workspace.id, guid!))) return failed([notRecorded(field)]);
        await ctx.services.dispatch.client().removeIntegration(auth, guid!);
        await records.remove(ctx.workspace.id, guid!);
        await ctx.services.dispatch.shared.forget(auth, ctx.workspace.id, 'integration', guid!);
        return { removedIntegrationId: integrationId(guid!), userErrors: [] };
      },
    });
  },

  savePushSubscription: (_root, { input }, ctx) =>
    dispatchMutation({
      ctx,
      operation: 'savePushSubscription',
      input,
      adminOnly: false,
      failed: (userErrors): SavePushSubscriptionResult => ({
        pushSubscription: null,
        endpoint: null,
        userErrors,
      }),
      validate: () => validatePushSubscription(input),
      rejectionField: ['input', 'endpoint'],
      secrets: [input.keys.auth],
      run: async (auth) => {
        await ctx.services.dispatch.client().savePushSubscription(auth, {
          endpoint: input.endpoint,
          keys: { p256dh: input.keys.p256dh, auth: input.keys.auth },
        });
        return {
          pushSubscription: { endpoint: input.endpoint },
          endpoint: input.endpoint,
          userErrors: [],
        };
      },
    }),
};
