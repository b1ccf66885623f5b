import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { RetryLink } from '@apollo/client/link/retry';
import { cacheConfig } from 'commerce-graph/client';

/** One client per app (web or React Native alike): normalized cache and retries. */
export function createCommerceClient(uri: string, apiKey: string): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([
      // Network failures are retried; a mutation's idempotencyKey makes its retry safe.
      new RetryLink({ delay: { initial: 300, max: 5_000 }, attempts: { max: 5 } }),
      new HttpLink({ uri, headers: { 'x-api-key': apiKey } }),
    ]),
    cache: new InMemoryCache(cacheConfig()),
  });
}
