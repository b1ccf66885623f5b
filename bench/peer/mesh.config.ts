import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

/**
 * The peer a user would pick instead of this gateway: a GraphQL Mesh composition of our own
 * OpenAPI document of Codat's commerce endpoints (schema/upstreams/codat.yaml), with `@resolveTo`
 * links from an order to its customer and from a line item to its product, as the Mesh docs
 * show them. Hive Gateway serves the result. The bench composes it per run, because the Codat
 * company and connection ids belong to that run's sandbox (BENCH_PEER_* variables).
 */

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (set by bench/run.ts)`);
  return value;
};

const companyId = env('BENCH_PEER_CODAT_COMPANY');
const connectionId = env('BENCH_PEER_CODAT_CONNECTION');
const ids = `companyId: "${companyId}", connectionId: "${connectionId}"`;

/**
 * The batched peer (BENCH_PEER_BATCHED=1) composes the same two fields without a directive: its
 * resolvers are gateway.batched.config.ts's, which batch through the in-context SDK, as Mesh's
 * "Schema Extensions" page tells a user to when `keysArg` does not fit the source (Codat takes
 * its ids in one `query` string, not a list argument).
 */
const batched = process.env['BENCH_PEER_BATCHED'] === '1';
const batchedTypeDefs = /* GraphQL */ `
  extend type ${env('BENCH_PEER_ORDER_TYPE')} {
    customer: ${env('BENCH_PEER_CUSTOMER_TYPE')}
  }
  extend type ${env('BENCH_PEER_LINE_ITEM_TYPE')} {
    product: ${env('BENCH_PEER_PRODUCT_TYPE')}
  }
`;
const resolveToTypeDefs = /* GraphQL */ `
    extend type ${env('BENCH_PEER_ORDER_TYPE')} {
      customer: ${env('BENCH_PEER_CUSTOMER_TYPE')}
        @resolveTo(
          sourceName: "Codat"
          sourceTypeName: "Query"
          sourceFieldName: "${env('BENCH_PEER_GET_CUSTOMER')}"
          requiredSelectionSet: "{ customerRef { id } }"
          sourceArgs: { ${ids}, customerId: "{root.customerRef.id}" }
        )
    }
    extend type ${env('BENCH_PEER_LINE_ITEM_TYPE')} {
      product: ${env('BENCH_PEER_PRODUCT_TYPE')}
        @resolveTo(
          sourceName: "Codat"
          sourceTypeName: "Query"
          sourceFieldName: "${env('BENCH_PEER_GET_PRODUCT')}"
          requiredSelectionSet: "{ productRef { id } }"
          sourceArgs: { ${ids}, productId: "{root.productRef.id}" }
        )
    }
  `;

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Codat', {
        source: env('BENCH_PEER_CODAT_SPEC'),
        endpoint: env('BENCH_PEER_CODAT_BASE_URL'),
        operationHeaders: { Authorization: env('BENCH_PEER_CODAT_AUTHORIZATION') },
      }),
    },
  ],
  additionalTypeDefs: batched ? batchedTypeDefs : resolveToTypeDefs,
});
