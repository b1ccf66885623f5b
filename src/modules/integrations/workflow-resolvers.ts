import { badUserInput } from '../../errors.js';
import type {
  MutationResolvers,
  QueryResolvers,
  WorkflowEntityType,
  WorkflowResolvers,
  WorkflowTriggerResolvers,
} from '../../generated/graphql.js';
import type { DispatchEntityType } from '../../upstreams/dispatch/types.js';
import { userError, type UserErrorModel } from '../base/mutations.js';
import { dispatchMutation } from './dispatch-mutation.js';
import {
  fromDispatchActionType,
  fromDispatchEntityType,
  toDispatchActionType,
  toDispatchEntityType,
} from './enums.js';
import { parseScopedId, triggerId, workflowId, type ScopedLocalId } from './ids.js';
import { toWorkflowModel, triggersLoader } from './loaders.js';
import type { WorkflowModel } from './models.js';
import { checkPageArgs, paginate } from './pagination.js';
import type {
  ConfigureWorkflowResult,
  DeleteWorkflowResult,
  ResumeWorkflowResult,
  ToggleWorkflowResult,
} from './payloads.js';
import { validateConfigureWorkflow } from './validation.js';

/** Query arguments: UNKNOWN is a result value only, refused before any upstream call. */
function entityTypeArgument(value: WorkflowEntityType): DispatchEntityType {
  const entityType = toDispatchEntityType(value);
  if (!entityType) throw badUserInput('entityType must be a known entity type', 'entityType');
  return entityType;
}

export const workflowQueries: Pick<QueryResolvers, 'workflowTriggers' | 'workflows'> = {
  workflowTriggers: async (_root, args, ctx) => {
    const entityType = entityTypeArgument(args.entityType);
    checkPageArgs(args);
    const triggers = await triggersLoader(ctx).load(entityType);
    return paginate(triggers, args, {
      scope: `workflowTriggers:${entityType}`,
      keyOf: (t) => t.guid,
      cursors: ctx.services.cursors,
    });
  },
  workflows: async (_root, args, ctx) => {
    const entityType = entityTypeArgument(args.entityType);
    checkPageArgs(args);
    const managed = args.managed ?? false;
    const auth = await ctx.services.dispatch.auth.authFor(ctx.principal);
    const listed = await ctx.services.dispatch.client().listWorkflows(auth, entityType, managed);
    return paginate(
      listed.map((w) => toWorkflowModel(entityType, w)),
      args,
      {
        scope: `workflows:${entityType}:${managed}`,
        keyOf: (w) => w.guid,
        cursors: ctx.services.cursors,
      },
    );
  },
};

export const workflowFields: WorkflowResolvers = {
  id: (w) => workflowId(w.entityType, w.guid),
  dispatchId: (w) => w.guid,
  entityType: (w) => fromDispatchEntityType(w.entityType),
  action: (w) => fromDispatchActionType(w.action),
  // Loaded in the same tick for every workflow of the list: one triggers call per entity type.
  trigger: async (w, _args, ctx) => {
    if (!w.triggerCode && !w.triggerGuid) return null;
    const triggers = await triggersLoader(ctx).load(w.entityType);
    return (
      triggers.find((t) => (w.triggerCode ? t.code === w.triggerCode : t.guid === w.triggerGuid)) ??
      null
    );
  },
  triggerCode: async (w, _args, ctx) => {
    if (w.triggerCode || !w.triggerGuid) return w.triggerCode;
    const triggers = await triggersLoader(ctx).load(w.entityType);
    return triggers.find((t) => t.guid === w.triggerGuid)?.code ?? null;
  },
};

export const workflowTriggerFields: WorkflowTriggerResolvers = {
  id: (t) => triggerId(t.entityType, t.guid),
  entityType: (t) => fromDispatchEntityType(t.entityType),
};

/** A workflow id argument, checked before any upstream call. */
function workflowArgument(id: string): {
  scoped: ScopedLocalId | undefined;
  validate: () => UserErrorModel[];
} {
  const scoped = parseScopedId(id, 'Workflow');
  return {
    scoped,
    validate: () =>
      scoped ? [] : [userError(['input', 'workflowId'], 'workflowId must be the id of a Workflow')],
  };
}

export const workflowMutations: Pick<
  MutationResolvers,
  'configureWorkflow' | 'toggleWorkflow' | 'deleteWorkflow' | 'resumeWorkflowExecution'
> = {
  configureWorkflow: (_root, { input }, ctx) => {
    const failed = (userErrors: UserErrorModel[]): ConfigureWorkflowResult => ({
      workflow: null,
      userErrors,
    });
    return dispatchMutation({
      ctx,
      operation: 'configureWorkflow',
      input,
      adminOnly: true,
      failed,
      validate: () => validateConfigureWorkflow(input),
      rejectionField: ['input', 'triggerId'],
      run: async (auth) => {
        const entityType = toDispatchEntityType(input.entityType)!;
        const trigger = parseScopedId(input.triggerId, 'WorkflowTrigger')!;
        const actionType = toDispatchActionType(input.action.type)!;
        const { recipient, template, url, status } = input.action;
        const saved = await ctx.services.dispatch.client().configureWorkflow(auth, {
          name: input.name.trim(),
          entityType,
          triggerId: trigger.guid,
          action: {
            type: actionType,
            ...(recipient ? { recipient } : {}),
            ...(template ? { template } : {}),
            ...(url ? { url } : {}),
            ...(status ? { status } : {}),
          },
          ...(input.conditions ? { conditions: input.conditions as Record<string, unknown> } : {}),
        });
        const workflow: WorkflowModel = {
          guid: saved.guid,
          name: saved.name,
          entityType,
          triggerCode: null,
          triggerGuid: trigger.guid,
          action: actionType,
          isActive: saved.isActive,
          isManaged: false,
        };
        return { workflow, userErrors: [] };
      },
    });
  },

  // Kept lean (the benchmark's hot mutation): no lookups beyond the token, one Dispatch call.
  toggleWorkflow: (_root, { input }, ctx) => {
    const { scoped, validate } = workflowArgument(input.workflowId);
    return dispatchMutation({
      ctx,
      operation: 'toggleWorkflow',
      input,
      adminOnly: false,
      failed: (userErrors): ToggleWorkflowResult => ({
        workflowId: null,
        isActive: null,
        userErrors,
      }),
      validate,
      rejectionField: ['input', 'workflowId'],
      run: async (auth) => {
        const toggled = await ctx.services.dispatch.client().toggleWorkflow(auth, scoped!.guid);
        return {
          workflowId: workflowId(scoped!.entityType, toggled.guid),
          isActive: toggled.isActive,
          userErrors: [],
        };
      },
    });
  },

  deleteWorkflow: (_root, { input }, ctx) => {
    const { scoped, validate } = workflowArgument(input.workflowId);
    return dispatchMutation({
      ctx,
      operation: 'deleteWorkflow',
      input,
      adminOnly: true,
      failed: (userErrors): DeleteWorkflowResult => ({ deletedWorkflowId: null, userErrors }),
      validate,
      rejectionField: ['input', 'workflowId'],
      run: async (auth) => {
        await ctx.services.dispatch.client().deleteWorkflow(auth, scoped!.guid);
        return { deletedWorkflowId: workflowId(scoped!.entityType, scoped!.guid), userErrors: [] };
      },
    });
  },

  resumeWorkflowExecution: (_root, { input }, ctx) => {
    const { scoped, validate } = workflowArgument(input.workflowId);
    return dispatchMutation({
      ctx,
      operation: 'resumeWorkflowExecution',
      input,
      adminOnly: false,
      failed: (userErrors): ResumeWorkflowResult => ({
        workflowId: null,
        resumed: false,
        userErrors,
      }),
      validate,
      rejectionField: ['input', 'workflowId'],
      run: async (auth) => {
        await ctx.services.dispatch.client().resumeWorkflow(auth, scoped!.guid);
        return {
          workflowId: workflowId(scoped!.entityType, scoped!.guid),
          resumed: true,
          userErrors: [],
        };
      },
    });
  },
};
