import { expect } from 'vitest';
import { SANDBOX_DISPATCH_TOKEN } from '../../../src/sandbox/dispatch/simulator.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

/** The workflow operations and calls the workflow tests share. */

/** A gateway whose workspace A reads the sandbox Dispatch's seeded workflows. */
export async function startWorkflowGateway(): Promise<TestGateway> {
  const t = await startTestGateway();
  // The demo account as workspace A's own: on the deployment's shared account a workspace sees
  // only what it configured (shared-account.test.ts), and these tests read the seeded workflows.
  const own = await t.graphql(
    'mutation($t: String) { setDispatchServiceToken(input: { token: $t }) { userErrors { code } } }',
    { t: SANDBOX_DISPATCH_TOKEN },
  );
  expect(own.body.errors).toBeUndefined();
  return t;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}
export interface Workflow {
  id: string;
  name: string;
  entityType: string;
  action: string;
  isActive: boolean;
  isManaged: boolean;
  triggerCode: string | null;
  trigger: { name: string; code: string; description: string | null } | null;
}

export const WORKFLOW_FIELDS =
  'id name entityType action isActive isManaged triggerCode trigger { name code description }';
export const WORKFLOWS = `query($entityType: WorkflowEntityType!, $managed: Boolean) {
  workflows(entityType: $entityType, managed: $managed, first: 250) { totalCount nodes { ${WORKFLOW_FIELDS} } }
}`;
export const TRIGGERS = `query($entityType: WorkflowEntityType!) {
  workflowTriggers(entityType: $entityType) { totalCount nodes { id entityType name code description } }
}`;
export const CONFIGURE = `mutation($input: ConfigureWorkflowInput!) {
  configureWorkflow(input: $input) { workflow { ${WORKFLOW_FIELDS} } userErrors { field message code } }
}`;
export const TOGGLE = `mutation($input: ToggleWorkflowInput!) {
  toggleWorkflow(input: $input) { workflowId isActive userErrors { field message code } }
}`;
export const DELETE = `mutation($input: DeleteWorkflowInput!) {
  deleteWorkflow(input: $input) { deletedWorkflowId userErrors { field message code } }
}`;
export const RESUME = `mutation($input: ResumeWorkflowExecutionInput!) {
  resumeWorkflowExecution(input: $input) { workflowId resumed userErrors { field message code } }
}`;

/** The workflow calls of the tests, made on the gateway `gateway()` returns once started. */
export function workflowCalls(gateway: () => TestGateway) {
  const dispatchCalls = () => gateway().sandbox.server.requestCount('dispatch');
  const callsTo = (route: string) =>
    gateway()
      .sandbox.server.requests('dispatch')
      .filter((r) => r.route === route).length;

  async function workflows(entityType: string, managed = false): Promise<Workflow[]> {
    const res = await gateway().graphql<{ workflows: { nodes: Workflow[] } }>(WORKFLOWS, {
      entityType,
      managed,
    });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.workflows.nodes;
  }

  async function triggers(entityType: string) {
    const res = await gateway().graphql<{
      workflowTriggers: { nodes: Array<{ id: string; code: string; name: string }> };
    }>(TRIGGERS, {
      entityType,
    });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.workflowTriggers.nodes;
  }

  async function toggle(workflowId: string, idempotencyKey?: string) {
    const res = await gateway().graphql<{
      toggleWorkflow: {
        workflowId: string | null;
        isActive: boolean | null;
        userErrors: UserError[];
      };
    }>(TOGGLE, { input: { workflowId, idempotencyKey } });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.toggleWorkflow;
  }
  return { dispatchCalls, callsTo, workflows, triggers, toggle };
}
