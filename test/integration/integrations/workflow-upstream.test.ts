import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DISPATCH_TOKEN } from '../../../src/sandbox/dispatch/simulator.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { TOGGLE, type Workflow, startWorkflowGateway, workflowCalls } from './workflow-fixtures.js';

/**
 * How workflow fields call Dispatch: trigger lookups batched per entity type, and Dispatch's 200
 * envelopes that are errors.
 */

let t: TestGateway;
beforeAll(async () => {
  t = await startWorkflowGateway();
});
afterAll(async () => t?.close());
const { dispatchCalls, callsTo, workflows, toggle } = workflowCalls(() => t);

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
