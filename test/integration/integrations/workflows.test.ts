import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DISPATCH_TOKEN } from '../../../src/sandbox/dispatch/simulator.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  // The demo account as workspace A's own: on the deployment's shared account a workspace sees
  // only what it configured (shared-account.test.ts), and these tests read the seeded workflows.
  const own = await t.graphql(
    'mutation($t: String) { setDispatchServiceToken(input: { token: $t }) { userErrors { code } } }',
    { t: SANDBOX_DISPATCH_TOKEN },
  );
  expect(own.body.errors).toBeUndefined();
});
afterAll(async () => t?.close());

interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}
interface Workflow {
  id: string;
  name: string;
  entityType: string;
  action: string;
  isActive: boolean;
  isManaged: boolean;
  triggerCode: string | null;
  trigger: { name: string; code: string; description: string | null } | null;
}

const WORKFLOW_FIELDS =
  'id name entityType action isActive isManaged triggerCode trigger { name code description }';
const WORKFLOWS = `query($entityType: WorkflowEntityType!, $managed: Boolean) {
  workflows(entityType: $entityType, managed: $managed, first: 250) { totalCount nodes { ${WORKFLOW_FIELDS} } }
}`;
const TRIGGERS = `query($entityType: WorkflowEntityType!) {
  workflowTriggers(entityType: $entityType) { totalCount nodes { id entityType name code description } }
}`;
const CONFIGURE = `mutation($input: ConfigureWorkflowInput!) {
  configureWorkflow(input: $input) { workflow { ${WORKFLOW_FIELDS} } userErrors { field message code } }
}`;
const TOGGLE = `mutation($input: ToggleWorkflowInput!) {
  toggleWorkflow(input: $input) { workflowId isActive userErrors { field message code } }
}`;
const DELETE = `mutation($input: DeleteWorkflowInput!) {
  deleteWorkflow(input: $input) { deletedWorkflowId userErrors { field message code } }
}`;
const RESUME = `mutation($input: ResumeWorkflowExecutionInput!) {
  resumeWorkflowExecution(input: $input) { workflowId resumed userErrors { field message code } }
}`;

const dispatchCalls = () => t.sandbox.server.requestCount('dispatch');
const callsTo = (route: string) =>
  t.sandbox.server.requests('dispatch').filter((r) => r.route === route).length;

async function workflows(entityType: string, managed = false): Promise<Workflow[]> {
  const res = await t.graphql<{ workflows: { nodes: Workflow[] } }>(WORKFLOWS, {
    entityType,
    managed,
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.workflows.nodes;
}

async function triggers(entityType: string) {
  const res = await t.graphql<{
    workflowTriggers: { nodes: Array<{ id: string; code: string; name: string }> };
  }>(TRIGGERS, {
    entityType,
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.workflowTriggers.nodes;
}

async function toggle(workflowId: string, idempotencyKey?: string) {
  const res = await t.graphql<{
    toggleWorkflow: {
      workflowId: string | null;
      isActive: boolean | null;
      userErrors: UserError[];
    };
  }>(TOGGLE, { input: { workflowId, idempotencyKey } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.toggleWorkflow;
}

describe('workflow triggers and workflows', () => {
  it('lists the triggers of an entity type', async () => {
    const res = await t.graphql<{ workflowTriggers: { totalCount: number; nodes: unknown[] } }>(
      TRIGGERS,
      { entityType: 'ORDER' },
    );
    expect(res.body.data?.workflowTriggers.totalCount).toBe(3);
    expect(res.body.data?.workflowTriggers.nodes[0]).toMatchObject({
      entityType: 'ORDER',
      name: 'Order Created',
      code: 'order_created',
      description: 'Fires when a new order is created',
    });
    const [second] = (await triggers('ORDER')).slice(1);
    const node = await t.graphql<{ node: { name: string; code: string } | null }>(
      'query($id: ID!) { node(id: $id) { ... on WorkflowTrigger { name code } } }',
      { id: second!.id },
    );
    expect(node.body.data?.node).toEqual({
      name: 'Order Status Changed',
      code: 'order_status_changed',
    });
  });

  it('lists configured workflows, managed ones only when asked, with their trigger', async () => {
    const own = await workflows('SHIPMENT');
    expect(own.map((w) => [w.name, w.isManaged])).toEqual([['Notify on Delivery', false]]);
    expect(own[0]).toMatchObject({
      entityType: 'SHIPMENT',
      action: 'SEND_EMAIL',
      isActive: true,
      triggerCode: 'shipment_delivered',
      trigger: { code: 'shipment_delivered', name: 'Shipment Delivered' },
    });
    const all = await workflows('SHIPMENT', true);
    expect(all.map((w) => [w.name, w.isManaged, w.action])).toEqual([
      ['Notify on Delivery', false, 'SEND_EMAIL'],
      ['Mark failed delivery', true, 'UPDATE_STATUS'],
    ]);
  });

  it('configures, toggles, lists and deletes a workflow with state kept by Dispatch', async () => {
    const [delivered] = (await triggers('SHIPMENT')).filter(
      (tr) => tr.code === 'shipment_delivered',
    );
    const res = await t.graphql<{
      configureWorkflow: { workflow: Workflow | null; userErrors: UserError[] };
    }>(CONFIGURE, {
      input: {
        name: 'Customer Delivery Notification',
        entityType: 'SHIPMENT',
        triggerId: delivered!.id,
        action: { type: 'SEND_EMAIL', recipient: 'customer', template: 'delivery_confirmation' },
        conditions: { status: 'delivered' },
      },
    });
    expect(res.body.errors).toBeUndefined();
    const created = res.body.data!.configureWorkflow;
    expect(created.userErrors).toEqual([]);
    expect(created.workflow).toMatchObject({
      name: 'Customer Delivery Notification',
      entityType: 'SHIPMENT',
      action: 'SEND_EMAIL',
      isActive: true,
      isManaged: false,
      triggerCode: 'shipment_delivered',
      trigger: { code: 'shipment_delivered' },
    });
    const id = created.workflow!.id;
    expect((await workflows('SHIPMENT')).find((w) => w.id === id)?.isActive).toBe(true);

    expect(await toggle(id)).toEqual({ workflowId: id, isActive: false, userErrors: [] });
    expect((await workflows('SHIPMENT')).find((w) => w.id === id)?.isActive).toBe(false);

    const node = await t.graphql<{ node: { name: string; isActive: boolean } | null }>(
      'query($id: ID!) { node(id: $id) { ... on Workflow { name isActive } } }',
      { id },
    );
    expect(node.body.data?.node).toEqual({
      name: 'Customer Delivery Notification',
      isActive: false,
    });

    const deleted = await t.graphql<{
      deleteWorkflow: { deletedWorkflowId: string | null; userErrors: UserError[] };
    }>(DELETE, {
      input: { workflowId: id },
    });
    expect(deleted.body.data?.deleteWorkflow).toEqual({ deletedWorkflowId: id, userErrors: [] });
    expect((await workflows('SHIPMENT')).map((w) => w.id)).not.toContain(id);

    const again = await t.graphql<{
      deleteWorkflow: { deletedWorkflowId: string | null; userErrors: UserError[] };
    }>(DELETE, {
      input: { workflowId: id },
    });
    expect(again.body.data?.deleteWorkflow).toEqual({
      deletedWorkflowId: null,
      userErrors: [
        {
          field: ['input', 'workflowId'],
          message: 'Dispatch: Workflow not found',
          code: 'NOT_FOUND',
        },
      ],
    });
  });

  it('toggles once when the same idempotency key is replayed', async () => {
    const [workflow] = await workflows('ORDER');
    const before = callsTo('/api/workflows/configured/:guid/toggle');
    const first = await toggle(workflow!.id, 'toggle-replay-1');
    const replay = await toggle(workflow!.id, 'toggle-replay-1');
    expect(replay).toEqual(first);
    expect(first.isActive).toBe(!workflow!.isActive);
    expect(callsTo('/api/workflows/configured/:guid/toggle')).toBe(before + 1);
    expect((await workflows('ORDER')).find((w) => w.id === workflow!.id)?.isActive).toBe(
      first.isActive,
    );
    // The same key with another workflow is a client bug, not a replay.
    const [other] = await workflows('PRODUCT');
    const reused = await toggle(other!.id, 'toggle-replay-1');
    expect(reused.userErrors).toMatchObject([{ code: 'IDEMPOTENCY_KEY_REUSED' }]);
  });

  it('maps CONFLICT for managed workflows and NOT_FOUND for unknown ones to userErrors', async () => {
    const managed = (await workflows('ORDER', true)).find((w) => w.isManaged)!;
    expect(await toggle(managed.id)).toMatchObject({
      workflowId: null,
      userErrors: [{ code: 'CONFLICT' }],
    });
    const unknown = managed.id.replace(/[0-9a-f]{12}$/, '000000000000');
    expect(await toggle(unknown)).toMatchObject({
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'workflowId'] }],
    });

    const [created] = (await triggers('ORDER')).filter((tr) => tr.code === 'order_created');
    const res = await t.graphql<{
      configureWorkflow: { workflow: Workflow | null; userErrors: UserError[] };
    }>(CONFIGURE, {
      input: {
        name: 'Order confirmation email',
        entityType: 'ORDER',
        triggerId: created!.id,
        action: { type: 'SEND_EMAIL', recipient: 'customer', template: 'order_confirmation' },
      },
    });
    expect(res.body.data?.configureWorkflow).toMatchObject({
      workflow: null,
      userErrors: [{ code: 'CONFLICT' }],
    });

    const missingTrigger = created!.id.replace(/[0-9]{12}$/, '999999999999');
    const notFound = await t.graphql<{ configureWorkflow: { userErrors: UserError[] } }>(
      CONFIGURE,
      {
        input: {
          name: 'x',
          entityType: 'ORDER',
          triggerId: missingTrigger,
          action: { type: 'SEND_PUSH', recipient: 'customer' },
        },
      },
    );
    expect(notFound.body.data?.configureWorkflow.userErrors).toMatchObject([
      { code: 'NOT_FOUND', field: ['input', 'triggerId'] },
    ]);
  });

  it('resumes a paused execution once; a second resume is a CONFLICT', async () => {
    const paused = (await workflows('PRODUCT')).find((w) => w.name === 'Low stock alert')!;
    const first = await t.graphql<{
      resumeWorkflowExecution: { resumed: boolean; userErrors: UserError[] };
    }>(RESUME, {
      input: { workflowId: paused.id },
    });
    expect(first.body.data?.resumeWorkflowExecution).toEqual({
      workflowId: paused.id,
      resumed: true,
      userErrors: [],
    });
    const second = await t.graphql<{
      resumeWorkflowExecution: { resumed: boolean; userErrors: UserError[] };
    }>(RESUME, {
      input: { workflowId: paused.id },
    });
    expect(second.body.data?.resumeWorkflowExecution).toMatchObject({
      resumed: false,
      userErrors: [{ code: 'CONFLICT' }],
    });
  });

  it('rejects bad input before any Dispatch call', async () => {
    const [orderTrigger] = await triggers('ORDER');
    const before = dispatchCalls();
    const bad = await t.graphql<{ configureWorkflow: { userErrors: UserError[] } }>(CONFIGURE, {
      input: {
        name: '  ',
        entityType: 'SHIPMENT',
        triggerId: orderTrigger!.id,
        action: { type: 'WEBHOOK', url: 'ftp://x' },
      },
    });
    expect(
      bad.body.data?.configureWorkflow.userErrors.map((e) => [e.field?.join('.'), e.code]),
    ).toEqual([
      ['input.name', 'INVALID'],
      ['input.triggerId', 'INVALID'],
      ['input.action.url', 'INVALID'],
    ]);
    const unknownType = await t.graphql(TRIGGERS, { entityType: 'INVOICE' });
    expect(unknownType.body.errors?.[0]?.message).toMatch(/INVOICE/);
    const unknownValue = await t.graphql<{ workflows: unknown }>(WORKFLOWS, {
      entityType: 'UNKNOWN',
    });
    expect(unknownValue.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const tooMany = await t.graphql(
      '{ workflows(entityType: ORDER, first: 10000) { totalCount } }',
    );
    expect(tooMany.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((await toggle('gid://commerce-graph/Integration/x')).userErrors).toMatchObject([
      { code: 'INVALID' },
    ]);
    expect(dispatchCalls()).toBe(before);
  });

  it('pages a workflow list with signed cursors', async () => {
    t.sandbox.dispatch.addWorkflows(SANDBOX_DISPATCH_TOKEN, 'Customer', 5);
    const page = (after?: string) =>
      t.graphql<{
        workflows: {
          nodes: Array<{ id: string }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(
        'query($after: String) { workflows(entityType: CUSTOMER, first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await page(cursor);
      seen.push(...res.body.data!.workflows.nodes.map((n) => n.id));
      if (!res.body.data!.workflows.pageInfo.hasNextPage) break;
      cursor = res.body.data!.workflows.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const tampered = await page(`${cursor!.slice(0, -2)}xx`);
    expect(tampered.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('Workflow.trigger batching', () => {
  it('costs one triggers call per entity type for a list of many workflows', async () => {
    t.sandbox.dispatch.addWorkflows(SANDBOX_DISPATCH_TOKEN, 'Order', 100);
    t.sandbox.dispatch.addWorkflows(SANDBOX_DISPATCH_TOKEN, 'Product', 40);
    t.sandbox.server.resetStats();
    const res = await t.graphql<{
      orders: { nodes: Workflow[] };
      products: { nodes: Workflow[] };
    }>(`{
      orders: workflows(entityType: ORDER, first: 250) { nodes { name trigger { code name } } }
      products: workflows(entityType: PRODUCT, first: 250) { nodes { name trigger { code name } } }
    }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.orders.nodes.length).toBeGreaterThanOrEqual(100);
    expect(res.body.data!.products.nodes.length).toBeGreaterThanOrEqual(40);
    expect(res.body.data!.orders.nodes.every((w) => w.trigger?.code.startsWith('order_'))).toBe(
      true,
    );
    expect(callsTo('/api/workflows/triggers/:entityType')).toBe(2);
    expect(callsTo('/api/workflows/:entityType/configured')).toBe(2);
    expect(dispatchCalls()).toBe(4);
  });
});

describe('Dispatch envelopes that are errors', () => {
  it('treats HTTP 200 with success:false as an error on that field only', async () => {
    t.sandbox.dispatch.misbehave('http-200-failure');
    const res = await t.graphql<{ viewer: { workspace: { handle: string } }; workflows: unknown }>(
      '{ viewer { workspace { handle } } workflows(entityType: ORDER) { totalCount } }',
    );
    expect(res.body.data?.viewer.workspace.handle).toBe('ws-a');
    expect(res.body.data?.workflows).toBeNull();
    expect(res.body.errors).toMatchObject([
      { path: ['workflows'], extensions: { code: 'UPSTREAM_ERROR', upstream: 'dispatch' } },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('Processing failed');
  });

  it('treats HTTP 200 with a documented error code as that error: userError on a mutation, typed error on a query', async () => {
    const [workflow] = await workflows('ORDER');
    t.sandbox.dispatch.misbehave('http-200-not-found');
    expect(await toggle(workflow!.id)).toEqual({
      workflowId: null,
      isActive: null,
      userErrors: [
        {
          field: ['input', 'workflowId'],
          message: 'Dispatch: Record not found',
          code: 'NOT_FOUND',
        },
      ],
    });
    t.sandbox.dispatch.misbehave('http-200-not-found');
    const res = await t.graphql('{ workflowTriggers(entityType: ORDER) { totalCount } }');
    expect(res.body.errors).toMatchObject([
      { path: ['workflowTriggers'], extensions: { code: 'NOT_FOUND', upstream: 'dispatch' } },
    ]);
  });

  it('treats success:true without data as an error, not as an empty list', async () => {
    t.sandbox.dispatch.misbehave('ok-without-data');
    const res = await t.graphql('{ workflowTriggers(entityType: SHIPMENT) { totalCount } }');
    expect(res.body.errors).toMatchObject([
      { path: ['workflowTriggers'], extensions: { code: 'UPSTREAM_ERROR' } },
    ]);
  });

  it('reports a failed toggle as a top-level error without retrying the toggle', async () => {
    const [workflow] = await workflows('ORDER');
    t.sandbox.dispatch.misbehave('http-200-failure');
    const failed = await t.graphql(TOGGLE, { input: { workflowId: workflow!.id } });
    expect(failed.body.errors).toMatchObject([
      { path: ['toggleWorkflow'], extensions: { code: 'UPSTREAM_ERROR' } },
    ]);

    t.sandbox.server.resetStats();
    t.sandbox.server.setKnobs('dispatch', { errorRate: 1 });
    try {
      const res = await t.graphql(TOGGLE, { input: { workflowId: workflow!.id } });
      expect(res.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_ERROR');
      expect(dispatchCalls()).toBe(1);
    } finally {
      t.sandbox.server.setKnobs('dispatch', { errorRate: 0 });
    }
    expect((await workflows('ORDER')).find((w) => w.id === workflow!.id)?.isActive).toBe(
      workflow!.isActive,
    );
  });
});
