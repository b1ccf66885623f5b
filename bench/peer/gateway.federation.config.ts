import { defineConfig } from '@graphql-hive/gateway';

/**
 * The router of the federated variants, configured as docs/federation.md tells a platform team:
 * the caller's credentials forwarded to every subgraph. One change from Hive Gateway's defaults:
 * its HTTP executor shares one subgraph fetch among identical queries in flight at once
 * (`deduplicateInflightRequests`), and every client of the bench sends the same query with the
 * same key, so by default 10 connections cost the subgraphs about one query's work (0.3 upstream
 * requests per s2 query instead of 3). Distinct callers' queries are not identical: turned off,
 * each query reaches its subgraph, and the figures are a query's cost through the router.
 */
const AUTH = ['x-api-key', 'authorization'];

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) =>
      Object.fromEntries(AUTH.map((h) => [h, request.headers.get(h)])),
  },
  transportEntries: {
    '*': { options: { deduplicateInflightRequests: false } },
  },
});
