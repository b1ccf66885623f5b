import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { authorizeCodat, linkSource } from '../integration/commerce/helpers.js';

/**
 * An app on Apollo Client with the cache configuration this package ships
 * (`commerce-graph/client`): interface fragments read back from the cache, two screens' lists
 * of `commerce { … }` live side by side, and `fetchMore` appends pages.
 */

// Apollo Client checks for data loss only in development builds; its flag is read when the
// module loads, so it is set before the first (dynamic) import.
(globalThis as { __DEV__?: boolean }).__DEV__ = true;
const apollo = await import('@apollo/client');
const { loadDevMessages } = await import('@apollo/client/dev');
const { cacheConfig } = await import('../../src/client/index.js');
loadDevMessages();
const { ApolloClient, HttpLink, InMemoryCache, gql } = apollo;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  await linkSource(t, 'CODAT', 'Kit store', 'shopify');
  authorizeCodat(t);
});
afterAll(async () => t?.close());

function client(withKit: boolean) {
  return new ApolloClient({
    link: new HttpLink({ uri: t.graphqlUrl, headers: { 'x-api-key': t.keys.a } }),
    cache: new InMemoryCache(withKit ? cacheConfig() : {}),
  });
}

const RECORD = gql`
  fragment Record on Node {
    id
    ... on CommerceRecord {
      createdAt
      source
    }
  }
`;
const RECORDS = gql`
  query Records {
    commerce {
      orders(first: 3) {
        nodes {
          id
          ...Record
        }
      }
    }
  }
  ${RECORD}
`;

const ORDERS = gql`
  query Orders($first: Int!, $after: String) {
    commerce {
      orders(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
          }
        }
        nodes {
          id
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;
const CUSTOMERS = gql`
  query Customers {
    commerce {
      customers(first: 2) {
        nodes {
          id
          name
        }
      }
    }
  }
`;

interface OrdersData {
  commerce: {
    orders: {
      edges: Array<{ cursor: string; node: { id: string } }>;
      nodes: Array<{ id: string }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
}

describe('the Apollo Client kit', () => {
  it('reads interface fragments (... on Node, ... on CommerceRecord) back from the cache', async () => {
    const c = client(true);
    const fetched = await c.query<{
      commerce: { orders: { nodes: Array<{ id: string; createdAt: string; source: string }> } };
    }>({ query: RECORDS });
    const nodes = fetched.data!.commerce.orders.nodes;
    expect(nodes).toHaveLength(3);
    expect(nodes[0]).toMatchObject({ source: 'CODAT', createdAt: expect.any(String) });
    const cached = c.readQuery<typeof fetched.data>({ query: RECORDS });
    expect(cached?.commerce.orders.nodes).toEqual(nodes);
    const fragment = c.readFragment({
      id: c.cache.identify({ __typename: 'Order', id: nodes[0]!.id }),
      fragment: RECORD,
      fragmentName: 'Record',
    });
    expect(fragment).toMatchObject({ id: nodes[0]!.id, source: 'CODAT' });

    // Without possibleTypes the cache cannot tell an Order is a CommerceRecord: the fragment's
    // fields are neither kept nor read back.
    const bare = client(false);
    await bare.query({ query: RECORDS });
    const lost = bare.readQuery<typeof fetched.data>({ query: RECORDS });
    expect(lost?.commerce.orders.nodes[0]).toEqual({ __typename: 'Order', id: nodes[0]!.id });
  });

  it('keeps two commerce lists in one cache without "Cache data may be lost"', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const warnings = () => warn.mock.calls.map((call) => format(...call)).join('\n');
    try {
      const c = client(true);
      await c.query({ query: ORDERS, variables: { first: 2 } });
      await c.query({ query: CUSTOMERS });
      expect(c.readQuery<OrdersData>({ query: ORDERS, variables: { first: 2 } })).not.toBeNull();
      expect(c.readQuery({ query: CUSTOMERS })).not.toBeNull();
      expect(warnings()).not.toMatch(/Cache data may be lost/);

      // The same two queries on a bare InMemoryCache lose the first list and say so.
      const bare = client(false);
      await bare.query({ query: ORDERS, variables: { first: 2 } });
      await bare.query({ query: CUSTOMERS });
      expect(warnings()).toMatch(/Cache data may be lost when replacing the commerce field/);
    } finally {
      warn.mockRestore();
    }
  });

  it('merges pages fetched with fetchMore into one list (edges and nodes)', async () => {
    const c = client(true);
    const watch = c.watchQuery<OrdersData>({ query: ORDERS, variables: { first: 2 } });
    const seen: OrdersData[] = [];
    const subscription = watch.subscribe(({ data, dataState }) => {
      if (dataState === 'complete') seen.push(data);
    });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const first = { data: seen[0] };
    expect(first.data!.commerce.orders.edges).toHaveLength(2);
    const { endCursor } = first.data!.commerce.orders.pageInfo;
    await watch.fetchMore({ variables: { first: 3, after: endCursor } });
    const merged = c.readQuery<OrdersData>({ query: ORDERS, variables: { first: 2 } })!;
    const ids = merged.commerce.orders.edges.map((e) => e.node.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(merged.commerce.orders.nodes.map((n) => n.id)).toEqual(ids);
    // The merged list is the first five orders, in the server's order.
    const five = await t.graphql<OrdersData>(
      'query { commerce { orders(first: 5) { edges { node { id } } } } }',
    );
    expect(ids).toEqual(five.body.data!.commerce.orders.edges.map((e) => e.node.id));
    expect(merged.commerce.orders.pageInfo.endCursor).not.toBe(endCursor);
    // The watching screen was handed the merged list too.
    await vi.waitFor(() => expect(seen.at(-1)!.commerce.orders.edges).toHaveLength(5));
    subscription.unsubscribe();
  });
});
