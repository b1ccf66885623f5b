import { defineConfig } from '@graphql-hive/gateway';

/**
 * Hive Gateway settings for the peer. Batched execution (several delegations to one subgraph
 * merged into one operation) loses the `@resolveTo` arguments of list items in this version:
 * every order's customer fails with `Variable "$_v29_customerId" ... was not provided`. Turning
 * it off is the documented switch a user would reach for; each link is then its own REST call.
 */
export const gatewayConfig = defineConfig({
  __experimental__batchExecution: false,
});
