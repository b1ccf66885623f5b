import type { GraphQLContext } from '../../request-context.js';
import type { DispatchEntityType } from '../../upstreams/dispatch/types.js';
import type { WorkflowModel, WorkflowTriggerModel } from './models.js';

/**
 * Per-request loaders. Workflow.trigger of a hundred workflows asks the triggers loader a hundred
 * times in one tick; DataLoader turns that into one triggers call per entity type.
 */

export function triggersLoader(ctx: GraphQLContext) {
  return ctx.loader<DispatchEntityType, WorkflowTriggerModel[]>(
    'dispatch.triggers',
    async (entityTypes) => {
      const auth = await ctx.services.dispatch.auth.authFor(ctx.principal);
      const client = ctx.services.dispatch.client();
      return Promise.all(
        entityTypes.map((entityType) =>
          client.listTriggers(auth, entityType).then(
            (triggers) =>
              triggers.map((t) => ({
                entityType,
                guid: t.guid,
                name: t.name,
                code: t.code,
                description: t.description ?? null,
              })),
            (error: Error) => error,
          ),
        ),
      );
    },
  );
}

/** Every workflow of an entity type, managed ones included (for ids and node lookups). */
export function allWorkflowsLoader(ctx: GraphQLContext) {
  return ctx.loader<DispatchEntityType, WorkflowModel[]>(
    'dispatch.workflows',
    async (entityTypes) => {
      const auth = await ctx.services.dispatch.auth.authFor(ctx.principal);
      const client = ctx.services.dispatch.client();
      return Promise.all(
        entityTypes.map((entityType) =>
          client.listWorkflows(auth, entityType, true).then(
            (workflows) => workflows.map((w) => toWorkflowModel(entityType, w)),
            (error: Error) => error,
          ),
        ),
      );
    },
  );
}

export function toWorkflowModel(
  entityType: DispatchEntityType,
  w: {
    guid: string;
    name: string;
    trigger?: string | null;
    action?: string | null;
    isActive: boolean;
    isManaged: boolean;
  },
): WorkflowModel {
  return {
    guid: w.guid,
    name: w.name,
    entityType,
    triggerCode: w.trigger ?? null,
    triggerGuid: null,
    action: w.action ?? null,
    isActive: w.isActive,
    isManaged: w.isManaged,
  };
}
