import {
  Environment,
  Network,
  RecordSource,
  Store,
  fetchQuery,
  graphql,
  type FetchFunction,
  type GraphQLResponse,
} from 'relay-runtime';
import type { relayOrderQuery } from './__generated__/relayOrderQuery.graphql.js';
import type { relayRecentOrdersQuery } from './__generated__/relayRecentOrdersQuery.graphql.js';

/** One Relay environment per app: the key goes in every request's headers. */
export function createRelayEnvironment(url: string, apiKey: string): Environment {
  const fetchFn: FetchFunction = async (request, variables) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query: request.text, variables }),
    });
    const json = (await response.json()) as GraphQLResponse;
    // As with errorPolicy 'all': a partial answer is kept (its failed fields are null, their
    // errors in `errors`); only an answer without data (bad request, unauthenticated) fails.
    if (!('data' in json) || json.data == null) {
      const errors = 'errors' in json ? json.errors : undefined;
      throw new Error(errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`);
    }
    return json;
  };
  return new Environment({
    network: Network.create(fetchFn),
    store: new Store(new RecordSource()),
  });
}

// relay-compiler compiles each graphql`…` into __generated__/<name>.graphql.ts; in an app's build
// babel-plugin-relay (or vite-plugin-relay, SWC's relay plugin) replaces the tag with that file.
export const RecentOrders = graphql`
  query relayRecentOrdersQuery($first: Int!) {
    commerce {
      orders(first: $first) @connection(key: "relayRecentOrders_orders") {
        edges {
          node {
            id
            orderNumber
          }
        }
      }
    }
  }
`;

// Any Node refetched by its global id: Relay merges the answer into the same store record.
export const Order = graphql`
  query relayOrderQuery($id: ID!) {
    node(id: $id) {
      id
      ... on Order {
        orderNumber
        totalAmount {
          amount
          currencyCode
        }
      }
    }
  }
`;

export async function recentOrderIds(environment: Environment, first: number) {
  const data = await fetchQuery<relayRecentOrdersQuery>(environment, RecentOrders, {
    first,
  }).toPromise();
  return data?.commerce.orders?.edges.map((edge) => edge.node.id) ?? [];
}

export async function refetchOrder(environment: Environment, id: string) {
  const data = await fetchQuery<relayOrderQuery>(environment, Order, { id }).toPromise();
  return data?.node ?? null;
}
