import { expect } from 'vitest';
import type { TestGateway } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';
import { authorizeCodat, linkSource } from '../commerce/helpers.js';

/**
 * Two workspaces sending the same query at once through Hive Gateway. Its HTTP executor shares
 * one subgraph fetch among identical queries in flight (`deduplicateInflightRequests`, on by
 * default); were the credentials not part of what makes two fetches identical, the second
 * workspace would be answered with the first one's data.
 */
export const SAME_QUERY = `{ commerce { sources { id name } orders(first: 3, filter: { sources: [CODAT] }) { nodes { id } } } }`;

type Answer = {
  status: number;
  body: {
    data?: {
      commerce: {
        sources: Array<{ id: string; name: string }>;
        orders: { nodes: Array<{ id: string }> };
      };
    } | null;
    errors?: unknown[];
  };
};

export type Workspace = 'a' | 'b';
export type Send = (apiKey: string) => Promise<Answer>;

/** Codat answers this late, so the first workspace's subgraph fetch is still in flight. */
const CODAT_LATENCY_MS = 400;

/** A Codat store linked (and synced) in each workspace, under names of its own. */
export async function linkStoreInEach(t: TestGateway): Promise<Record<Workspace, string>> {
  const names = { a: 'Acme Goods', b: 'Beta Wares' } as const;
  for (const ws of ['a', 'b'] as const) {
    await linkSource(t, 'CODAT', names[ws], 'woocommerce', t.keys[ws]);
    authorizeCodat(t);
  }
  return names;
}

/** An order's global id names its link: `Order/<link id>:<order id>`. */
function orderLink(id: string): string {
  return decodeURIComponent(id.split('/').at(-1)!).split(':')[0]!;
}

/**
 * Sends `SAME_QUERY` from one workspace and, once its subgraph waits on Codat (its fetch is in
 * flight), from the other, `rounds` times, alternating which goes first. Each answer must be
 * its own workspace's store and orders. Returns in how many rounds the second query's subgraph
 * also reached Codat before the first answer came back: both fetches in flight together.
 */
export async function expectOwnAnswersWhenConcurrent(
  t: TestGateway,
  send: Send,
  names: Record<Workspace, string>,
  rounds: number,
): Promise<number> {
  const codat = () => t.sandbox.server.requestCount('codat');
  let overlapping = 0;
  t.sandbox.server.setKnobs('codat', { latencyMs: CODAT_LATENCY_MS });
  try {
    for (let round = 0; round < rounds; round++) {
      const order: Workspace[] = round % 2 ? ['b', 'a'] : ['a', 'b'];
      const before = codat();
      let firstDone = false;
      let secondDone = false;
      const first = send(t.keys[order[0]!]).finally(() => (firstDone = true));
      await until(() => codat() > before, 'the first query waiting on Codat');
      const second = send(t.keys[order[1]!]).finally(() => (secondDone = true));
      // Its own fetch calls Codat too; a fetch shared with the first never would.
      await until(() => codat() > before + 1 || secondDone, 'the second query reaching Codat');
      if (codat() > before + 1 && !firstDone) overlapping++;
      const answers = await Promise.all([first, second]);
      for (const [i, ws] of order.entries()) {
        const { status, body } = answers[i]!;
        expect(status, `workspace ${ws}, round ${round}`).toBe(200);
        expect(body.errors, `workspace ${ws}, round ${round}`).toBeUndefined();
        const { sources, orders } = body.data!.commerce;
        expect(
          sources.map((s) => s.name),
          `workspace ${ws} answered with its own store, round ${round}`,
        ).toEqual([names[ws]]);
        expect(orders.nodes.length).toBeGreaterThan(0);
        const linkId = decodeURIComponent(sources[0]!.id.split('/').at(-1)!);
        for (const o of orders.nodes) expect(orderLink(o.id)).toBe(linkId);
      }
    }
  } finally {
    t.sandbox.server.setKnobs('codat', { latencyMs: 0 });
  }
  return overlapping;
}
