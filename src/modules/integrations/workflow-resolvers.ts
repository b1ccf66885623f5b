import { badUserInput, ErrorCode, GatewayError } from '../../errors.js';
import type {
  MutationResolvers,
  QueryResolvers,
  WorkflowEntityType,
  WorkflowResolvers,
  WorkflowTriggerResolvers,
} from '../../generated/graphql.js';
import type { GraphQLContext } from '../../request-context.js';
import type { DispatchAuth } from '../../upstreams/dispatch/client.js';
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
import { allWorkflowsLoader, toWorkflowModel, triggersLoader } from './loaders.js';
import type { WorkflowModel, WorkflowRef, WorkflowValue } from './models.js';
import { checkPageArgs } from '../base/relay-page.js';
import { paginate } from './pagination.js';
import type {
  ConfigureWorkflowResult,
  DeleteWorkflowResult,
  ResumeWorkflowResult,
  ToggleWorkflowResult,
} from './payloads.js';
import { takenOnSharedAccount } from './integration-resolvers.js';
import { createClaimed, workflowUpsertKey } from './shared-account.js';
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
    const visible = await visibleOnSharedAccount(ctx, auth);
    return paginate(
      listed.filter(visible).map((w) => toWorkflowModel(entityType, w)),
      args,
      {
        scope: `workflows:${entityType}:${managed}`,
        keyOf: (w) => w.guid,
        cursors: ctx.services.cursors,
      },
    );
  },
};

/**
 * The whole workflow behind a mutation's reference, from the entity type's list (one Dispatch
 * call per entity type and request, shared with node lookups).
 */
async function whole(w: WorkflowValue, ctx: GraphQLContext): Promise<WorkflowModel> {
  if (!('ref' in w)) return w;
  const listed = await allWorkflowsLoader(ctx).load(w.entityType);
  const found = listed.find((l) => l.guid === w.guid);
  if (!found) throw new GatewayError(ErrorCode.NOT_FOUND, 'The workflow is no longer in Dispatch');
  return found;
}

export const workflowFields: WorkflowResolvers = {
  id: (w) => workflowId(w.entityType, w.guid),
  dispatchId: (w) => w.guid,
  entityType: (w) => fromDispatchEntityType(w.entityType),
  name: async (w, _args, ctx) => (await whole(w, ctx)).name,
  action: async (w, _args, ctx) => fromDispatchActionType((await whole(w, ctx)).action),
  isActive: async (w, _args, ctx) =>
    'ref' in w && w.isActive !== null ? w.isActive : (await whole(w, ctx)).isActive,
  isManaged: async (w, _args, ctx) => (await whole(w, ctx)).isManaged,
  // Loaded in the same tick for every workflow of the list: one triggers call per entity type.
  trigger: async (value, _args, ctx) => {
    const w = await whole(value, ctx);
    if (!w.triggerCode && !w.triggerGuid) return null;
    const triggers = await triggersLoader(ctx).load(w.entityType);
    return (
      triggers.find((t) => (w.triggerCode ? t.code === w.triggerCode : t.guid === w.triggerGuid)) ??
      null
    );
  },
  triggerCode: async (value, _args, ctx) => {
    const w = await whole(value, ctx);
    if (w.triggerCode || !w.triggerGuid) return w.triggerCode;
    const triggers = await triggersLoader(ctx).load(w.entityType);
    return triggers.find((t) => t.guid === w.triggerGuid)?.code ?? null;
  },
};

export const workflowTriggerFields: WorkflowTriggerResolvers = {
  id: (t) => triggerId(t.entityType, t.guid),
  entityType: (t) => fromDispatchEntityType(t.entityType),
};

/**
 * On the deployment's shared Dispatch account a workspace sees the workflows it configured and the
 * account's managed presets (which nobody can change); on an account of its own, every workflow.
 */
export async function visibleOnSharedAccount(
  ctx: GraphQLContext,
  auth: DispatchAuth,
): Promise<(w: { guid: string; isManaged: boolean }) => boolean> {
  const { shared } = ctx.services.dispatch;
  const account = shared.accountOf(auth);
  if (!account) return () => true;
  const owned = await shared.owned(account, ctx.workspace.id, 'workflow');
  return (w) => w.isManaged || owned.has(w.guid);
}

/** Whether the workspace may change the workflow: always on an account of its own. */
async function ownsOnSharedAccount(ctx: GraphQLContext, auth: DispatchAuth, guid: string) {
  const { shared } = ctx.services.dispatch;
  const account = shared.accountOf(auth);
  return !account || shared.owns(account, ctx.workspace.id, 'workflow', guid);
}

const notOwned = <P>(failed: (userErrors: UserErrorModel[]) => P): P =>
  failed([
    userError(
      ['input', 'workflowId'],
      "No workflow with this id was configured by this workspace (the deployment's Dispatch account is shared: a workspace sees and changes only its own workflows)",
      'NOT_FOUND',
    ),
  ]);

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
        const name = input.name.trim();
        const created = await createClaimed({
          records: ctx.services.dispatch.shared,
          auth,
          workspaceId: ctx.workspace.id,
          kind: 'workflow',
          upstreamKey: workflowUpsertKey(entityType, name),
          create: () =>
            ctx.services.dispatch.client().configureWorkflow(auth, {
              name,
              entityType,
              triggerId: trigger.guid,
              action: {
                type: actionType,
                ...(recipient ? { recipient } : {}),
                ...(template ? { template } : {}),
                ...(url ? { url } : {}),
                ...(status ? { status } : {}),
              },
              ...(input.conditions
                ? { conditions: input.conditions as Record<string, unknown> }
                : {}),
            }),
        });
        if (created.taken) return failed([takenOnSharedAccount(['input', 'name'])]);
        const saved = created.value;
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

  // Kept lean (the benchmark's hot mutation): no lookups beyond the token (and, on the shared
  // account, the workspace's claim), one Dispatch call; the payload's workflow is a reference.
  toggleWorkflow: (_root, { input }, ctx) => {
    const { scoped, validate } = workflowArgument(input.workflowId);
    const failed = (userErrors: UserErrorModel[]): ToggleWorkflowResult => ({
      workflow: null,
      workflowId: null,
      isActive: null,
      userErrors,
    });
    return dispatchMutation({
      ctx,
      operation: 'toggleWorkflow',
      input,
      adminOnly: false,
      failed,
      validate,
      rejectionField: ['input', 'workflowId'],
      run: async (auth) => {
        if (!(await ownsOnSharedAccount(ctx, auth, scoped!.guid))) return notOwned(failed);
        const toggled = await ctx.services.dispatch.client().toggleWorkflow(auth, scoped!.guid);
        const workflow: WorkflowRef = {
          ref: true,
          guid: toggled.guid,
          entityType: scoped!.entityType,
          isActive: toggled.isActive,
        };
        return {
          workflow,
          workflowId: workflowId(scoped!.entityType, toggled.guid),
          isActive: toggled.isActive,
          userErrors: [],
        };
      },
    });
  },

  deleteWorkflow: (_root, { input }, ctx) => {
    const { scoped, validate } = workflowArgument(input.workflowId);
    const failed = (userErrors: UserErrorModel[]): DeleteWorkflowResult => ({
      deletedWorkflowId: null,
      userErrors,
    });
    return dispatchMutation({
      ctx,
      operation: 'deleteWorkflow',
      input,
      adminOnly: true,
      failed,
      validate,
      rejectionField: ['input', 'workflowId'],
      run: async (auth) => {
        if (!(await ownsOnSharedAccount(ctx, auth, scoped!.guid))) return notOwned(failed);
        await ctx.services.dispatch.client().deleteWorkflow(auth, scoped!.guid);
        await ctx.services.dispatch.shared.forget(auth, ctx.workspace.id, 'workflow', scoped!.guid);
        return { deletedWorkflowId: workflowId(scoped!.entityType, scoped!.guid), userErrors: [] };
      },
    });
  },

  resumeWorkflowExecution: (_root, { input }, ctx) => {
    const { scoped, validate } = workflowArgument(input.workflowId);
    const failed = (userErrors: UserErrorModel[]): ResumeWorkflowResult => ({
      workflow: null,
      workflowId: null,
      resumed: false,
      userErrors,
    });
    return dispatchMutation({
      ctx,
      operation: 'resumeWorkflowExecution',
      input,
      adminOnly: false,
      failed,
      validate,
      rejectionField: ['input', 'workflowId'],
      run: async (auth) => {
        if (!(await ownsOnSharedAccount(ctx, auth, scoped!.guid))) return notOwned(failed);
        await ctx.services.dispatch.client().resumeWorkflow(auth, scoped!.guid);
        const { entityType, guid } = scoped!;
        return {
          workflow: { ref: true, guid, entityType, isActive: null } satisfies WorkflowRef,
          workflowId: workflowId(scoped!.entityType, scoped!.guid),
          resumed: true,
          userErrors: [],
        };
      },
    });
  },
};
