import { moduleServices, type GatewayModule } from '../module.js';
import { createDispatchServices } from './dispatch-services.js';
import { parseScopedLocalId } from './ids.js';
import {
  integrationFields,
  integrationMutations,
  integrationQueries,
  pushSubscriptionFields,
} from './integration-resolvers.js';
import { allWorkflowsLoader, triggersLoader } from './loaders.js';
import { serviceTokenMutations, workspaceTokenFields } from './service-token-resolvers.js';
import {
  visibleOnSharedAccount,
  workflowFields,
  workflowMutations,
  workflowQueries,
  workflowTriggerFields,
} from './workflow-resolvers.js';

/**
 * Integrations and workflows of the Dispatch platform (schema/integrations.graphql): integrations
 * configured per workspace, push subscriptions, workflow triggers and workflows.
 */
export function createIntegrationsModule(): GatewayModule {
  return {
    name: 'integrations',
    services: moduleServices('dispatch', createDispatchServices),
    resolvers: {
      Query: { ...integrationQueries, ...workflowQueries },
      Mutation: { ...integrationMutations, ...workflowMutations, ...serviceTokenMutations },
      Integration: integrationFields,
      PushSubscription: pushSubscriptionFields,
      Workspace: workspaceTokenFields,
      Workflow: workflowFields,
      WorkflowTrigger: workflowTriggerFields,
    },
    nodes: {
      Integration: (ctx, guid) => ctx.services.dispatch.records.find(ctx.workspace.id, guid),
      // Looked up with the workspace's Dispatch credentials, so other accounts' ids are null, and on
      // the deployment's shared account so are other workspaces' workflows.
      Workflow: async (ctx, localId) => {
        const scoped = parseScopedLocalId(localId);
        if (!scoped) return null;
        const workflows = await allWorkflowsLoader(ctx).load(scoped.entityType);
        const workflow = workflows.find((w) => w.guid === scoped.guid);
        if (!workflow) return null;
        const auth = await ctx.services.dispatch.auth.authFor(ctx.principal);
        return (await visibleOnSharedAccount(ctx, auth))(workflow) ? workflow : null;
      },
      WorkflowTrigger: async (ctx, localId) => {
        const scoped = parseScopedLocalId(localId);
        if (!scoped) return null;
        const triggers = await triggersLoader(ctx).load(scoped.entityType);
        return triggers.find((t) => t.guid === scoped.guid) ?? null;
      },
    },
  };
}
