import type { ApolloClient } from '@apollo/client';
import { graphql } from './generated/index.js';

// A TypedDocumentNode: Apollo Client infers `data` and `variables` from it.
const RECENT_ORDERS = graphql(`
  query RecentOrders($first: Int!) {
    commerce {
      orders(first: $first) {
        totalCount
        nodes {
          id
          orderNumber
          totalAmount {
            amount
            currencyCode
          }
        }
      }
    }
  }
`);

/** The newest orders, typed by the selection above (no hand-written result interface). */
export async function recentOrders(client: ApolloClient, first: number) {
  const { data } = await client.query({
    query: RECENT_ORDERS,
    variables: { first },
    fetchPolicy: 'network-only',
  });
  return data?.commerce.orders?.nodes ?? [];
}
