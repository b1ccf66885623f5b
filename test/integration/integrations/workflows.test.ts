import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DISPATCH_TOKEN } from '../../../src/sandbox/dispatch/simulator.js';
import type { TestGateway } from '../../helpers/gateway.js';
import {
  CONFIGURE,
  DELETE,
  RESUME,
  WORKFLOWS,
  TRIGGERS,
  type Workflow,
  type UserError,
  startWorkflowGateway,
  workflowCalls,
} from './workflow-fixtures.js';

/**
 * Dispatch workflows through the gateway: triggers, lists, configure, toggle, delete and resume,
 * with Dispatch keeping the state (how the fields call Dispatch: workflow-upstream.test.ts).
 */

let t: TestGateway;
beforeAll(async () => {
  t = await startWorkflowGateway();
});
afterAll(async () => t?.close());
const { dispatchCalls, callsTo, workflows, triggers, toggle } = workflowCalls(() => t);

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
