import { expect } from 'vitest';
import { warehouseNote, type ExternalSubgraph } from '../../helpers/external-subgraph.js';
import type { TestGateway } from '../../helpers/gateway.js';

export interface OrderJson {
  id: string;
  sourceId: string;
  customer: { id: string; name: string | null } | null;
  warehouseNote?: string;
}

export const ORDER_FIELDS = 'id sourceId customer { id name }';

/**
 * The reverse direction of a federated query: the external subgraph returns the given orders as
 * key-only stubs, the router asks commerce-graph for the rest through `_entities`, and ten
 * orders with their customers cost at most 3 Codat calls (the batched node loaders), never one
 * call per entity.
 */
export async function expectOrderStubsResolved(
  t: TestGateway,
  external: ExternalSubgraph,
  orders: OrderJson[],
  viaRouter: (
    query: string,
  ) => Promise<{ body: { data?: { flaggedOrders: OrderJson[] } | null; errors?: unknown[] } }>,
): Promise<void> {
  expect(orders).toHaveLength(10);
  external.flag(orders.map((o) => o.id));
  t.sandbox.server.resetStats();
  const routed = await viaRouter(`{ flaggedOrders { ${ORDER_FIELDS} warehouseNote } }`);
  const codatCalls = t.sandbox.server.requestCount('codat');
  expect(routed.body.errors).toBeUndefined();
  expect(routed.body.data!.flaggedOrders).toEqual(
    orders.map((o) => ({ ...o, warehouseNote: warehouseNote(o.id) })),
  );
  expect(codatCalls).toBeGreaterThan(0);
  expect(codatCalls).toBeLessThanOrEqual(3);
}
