import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { gatewayConfig as federationConfig } from './gateway.federation.config.ts';

/**
 * The federated variants' router as a platform team tuning Hive Gateway for speed runs it: the
 * same configuration (credentials forwarded, no shared fetches) with Hive Router's runtime, its
 * Rust query planner and the executor built for it (`@graphql-hive/router-runtime`, what
 * `HIVE_ROUTER_RUNTIME=true` turns on), in place of the default JavaScript stitching runtime.
 */
export const gatewayConfig = { ...federationConfig, unifiedGraphHandler };
