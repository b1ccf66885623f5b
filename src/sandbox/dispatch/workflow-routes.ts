import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { AccountState, DispatchAccounts } from './accounts.js';
import {
  DISPATCH_ACTION_TYPES,
  SANDBOX_TRIGGERS,
  parseEntityType,
  type DispatchEntityType,
  type WorkflowState,
} from './catalogue.js';
import { configurationError, conflict, isRecord, nonEmpty, notFound, ok } from './replies.js';

/**
 * Workflow triggers and configured workflows. `configure` upserts a workflow by (entity type,
 * name); managed workflows cannot be changed, toggled or deleted (409). `resume-workflow` takes
 * a workflow guid and needs a paused execution.
 */
export function workflowHandlers(accounts: DispatchAccounts) {
  const entityOr404 = (value: string | undefined): DispatchEntityType | SandboxReply =>
    parseEntityType(value) ?? notFound(`Unknown entity type ${String(value)}`);

  const listTriggers = (req: SandboxRequest): SandboxReply => {
    const entityType = entityOr404(req.params['entityType']);
    if (typeof entityType !== 'string') return entityType;
    return ok(SANDBOX_TRIGGERS[entityType]);
  };

  const listWorkflows = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const entityType = entityOr404(req.params['entityType']);
    if (typeof entityType !== 'string') return entityType;
    const includeManaged = req.query.get('managed') === 'true';
    return ok(
      [...state.workflows.values()]
        .filter((w) => w.entityType === entityType && (includeManaged || !w.isManaged))
        .map((w) => ({ ...w })),
    );
  };

  const configureWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const body = req.body;
    if (!isRecord(body) || !nonEmpty(body['name'])) return configurationError('name is required');
    const entityType = parseEntityType(
      typeof body['entityType'] === 'string' ? body['entityType'] : undefined,
    );
    if (!entityType) return configurationError('Unknown entityType');
    const trigger = SANDBOX_TRIGGERS[entityType].find((t) => t.guid === body['triggerId']);
    if (!trigger) return notFound('Trigger not found');
    const action = body['action'];
    const actionType = isRecord(action) ? action['type'] : undefined;
    if (!(DISPATCH_ACTION_TYPES as readonly unknown[]).includes(actionType))
      return configurationError('Unknown action type');
    const name = (body['name'] as string).trim();
    const existing = [...state.workflows.values()].find(
      (w) => w.entityType === entityType && w.name === name,
    );
    if (existing?.isManaged) return conflict('Workflow is managed and cannot be changed');
    const workflow: WorkflowState = existing ?? {
      guid: accounts.uuid(),
      name,
      entityType,
      trigger: trigger.code,
      action: actionType as string,
      isActive: true,
      isManaged: false,
    };
    workflow.trigger = trigger.code;
    workflow.action = actionType as string;
    state.workflows.set(workflow.guid, workflow);
    return ok({ guid: workflow.guid, name: workflow.name, isActive: workflow.isActive });
  };

  const mutableWorkflow = (
    state: AccountState,
    guid: string | undefined,
  ): WorkflowState | SandboxReply => {
    const workflow = state.workflows.get(guid ?? '');
    if (!workflow) return notFound('Workflow not found');
    if (workflow.isManaged) return conflict('Managed workflows cannot be changed');
    return workflow;
  };

  const toggleWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const workflow = mutableWorkflow(state, req.params['guid']);
    if (!('guid' in workflow)) return workflow;
    workflow.isActive = !workflow.isActive;
    return ok({ guid: workflow.guid, isActive: workflow.isActive });
  };

  const deleteWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const workflow = mutableWorkflow(state, req.params['guid']);
    if (!('guid' in workflow)) return workflow;
    state.workflows.delete(workflow.guid);
    state.paused.delete(workflow.guid);
    return ok();
  };

  const resumeWorkflow = (req: SandboxRequest, state: AccountState): SandboxReply => {
    const guid = req.query.get('workflowId');
    if (!nonEmpty(guid)) return configurationError('workflowId is required');
    if (!state.workflows.has(guid)) return notFound('Workflow not found');
    if (!state.paused.delete(guid)) return conflict('Workflow has no paused execution');
    return ok();
  };

  return {
    listTriggers,
    listWorkflows,
    configureWorkflow,
    toggleWorkflow,
    deleteWorkflow,
    resumeWorkflow,
  };
}
