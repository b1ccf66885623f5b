import { gql, type ApolloClient } from '@apollo/client';

const DASHBOARD = gql`
  query Dashboard {
    viewer {
      workspace {
        handle
      }
    }
    commerce {
      orders(first: 5) {
        totalCount
        nodes {
          id
        }
      }
    }
  }
`;

interface DashboardData {
  viewer: { workspace: { handle: string } };
  commerce: { orders: { totalCount: number | null; nodes: Array<{ id: string }> } | null };
}

/**
 * With errorPolicy 'all' a screen shows what answered and says what did not: `data` holds every
 * field that resolved, `error` the others with their `extensions.code` (UPSTREAM_UNAVAILABLE,
 * DATA_NOT_READY, …) and path.
 */
export async function loadDashboard(client: ApolloClient) {
  const { data, error } = await client.query<DashboardData>({
    query: DASHBOARD,
    fetchPolicy: 'network-only',
    errorPolicy: 'all',
  });
  const failed =
    error && 'errors' in error
      ? (
          error.errors as ReadonlyArray<{
            path?: ReadonlyArray<string | number>;
            extensions?: { code?: unknown };
          }>
        ).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.code }))
      : [];
  return {
    workspace: data?.viewer.workspace.handle,
    orders: data?.commerce.orders ?? null,
    failed,
  };
}
