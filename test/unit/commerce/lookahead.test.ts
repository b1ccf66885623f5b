import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectedRelations } from '../../../src/modules/commerce/lookahead.js';

const schema = buildSchema(`
  type Query { orders: OrderConnection }
  type OrderConnection { nodes: [Order!]! edges: [OrderEdge!]! totalCount: Int }
  type OrderEdge { cursor: String! node: Order! }
  type Ref { name: String }
  type Line { name: String product: Ref variant: Ref }
  type Order { orderNumber: String customer: Ref location: Ref lineItems: [Line!]! }
`);

/** The relation paths the look-ahead finds for `orders` in `query`. */
async function relationsOf(query: string, variables: Record<string, unknown> = {}) {
  let seen: string[] = [];
  const result = await graphql({
    schema,
    source: query,
    variableValues: variables,
    rootValue: {
      orders: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        seen = selectedRelations('orders', info).map((r) => r.path.join('.'));
        return { nodes: [], edges: [] };
      },
    },
  });
  expect(result.errors).toBeUndefined();
  return seen;
}

describe('commerce look-ahead', () => {
  it('finds relations under nodes and under edges.node', async () => {
    expect(await relationsOf('{ orders { nodes { customer { name } } } }')).toEqual(['customer']);
    expect(
      await relationsOf('{ orders { edges { node { lineItems { product { name } } } } } }'),
    ).toEqual(['lineItems.product']);
  });

  it('sees through inline fragments and fragment spreads, aliases included', async () => {
    const query = `
      fragment L on Line { v: variant { name } }
      fragment O on Order { lineItems { ...L } }
      { orders { nodes { ... on Order { where: location { name } ...O } } } }`;
    expect(await relationsOf(query)).toEqual(['location', 'lineItems.variant']);
  });

  it('leaves out what @skip and @include remove, and what is not selected', async () => {
    const query = `query ($no: Boolean!, $yes: Boolean!) { orders {
      nodes { customer @skip(if: $yes) { name } location @include(if: $no) { name }
              lineItems @include(if: $yes) { name product @skip(if: $no) { name } } }
      totalCount } }`;
    expect(await relationsOf(query, { no: false, yes: true })).toEqual(['lineItems.product']);
    expect(await relationsOf('{ orders { nodes { orderNumber lineItems { name } } } }')).toEqual(
      [],
    );
  });
});
