import { Client, cacheExchange, fetchExchange, gql } from '@urql/core';

/** urql: document cache and fetch; the key goes in every request's headers. */
export function createUrqlClient(url: string, apiKey: string): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: () => ({ headers: { 'x-api-key': apiKey } }),
  });
}

export async function workspaceHandle(client: Client): Promise<string | undefined> {
  const result = await client
    .query<{ viewer: { workspace: { handle: string } } }>(
      gql`
        query Handle {
          viewer {
            workspace {
              handle
            }
          }
        }
      `,
      {},
    )
    .toPromise();
  if (result.error) throw result.error;
  return result.data?.viewer.workspace.handle;
}
