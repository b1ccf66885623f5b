import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { getOperationAST, GraphQLError, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { compiledExecutionGateway } from '../../../src/server/compiled-executor.js';

let resolved = 0;
const schema = makeExecutableSchema({
  typeDefs: `
    type Query { items(first: Int!): [Item!]! failing: String node: Node }
    interface Node { id: ID! }
    type Item implements Node { id: ID! name: String }
  `,
  resolvers: {
    Query: {
      items: (_: unknown, { first }: { first: number }, ctx: { prefix: string }) => {
        resolved += 1;
        return Array.from({ length: first }, (_v, i) => ({
          id: `${ctx.prefix}${i}`,
          name: `item ${i}`,
        }));
      },
      failing: () => {
        throw new Error('boom');
      },
      node: () => ({ id: 'n1', name: 'node' }),
    },
    Node: { __resolveType: () => 'Item' },
  },
});

async function run(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const { executor } = await compiledExecutionGateway(schema).load({ apollo: {} });
  const document = parse(query);
  const operation = getOperationAST(document, operationName) ?? undefined;
  const requestContext = {
    document,
    operation,
    operationName: operation?.name?.value ?? null,
    context: { prefix: 'p' },
    request: { query, variables, operationName },
  } as unknown as GatewayGraphQLRequestContext;
  return executor!(requestContext);
}

describe('compiled execution', () => {
  it('answers as graphql-js does: arguments, context, fragments, abstract types', async () => {
    const result = await run(
      'query Q($n: Int!) { items(first: $n) { ...F } node { ... on Item { id name } } } fragment F on Item { id }',
      { n: 2 },
    );
    expect(result).toEqual({
      data: { items: [{ id: 'p0' }, { id: 'p1' }], node: { id: 'n1', name: 'node' } },
    });
  });

  it('keeps the resolver error as originalError, with its path, next to the other data', async () => {
    const result = await run('{ failing items(first: 1) { id } }');
    expect(result.data).toEqual({ failing: null, items: [{ id: 'p0' }] });
    const [error] = result.errors ?? [];
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error?.path).toEqual(['failing']);
    expect(error?.originalError?.message).toBe('boom');
  });

  it("writes graphql-js's own errors for bad variables and unknown operations", async () => {
    resolved = 0;
    const bad = await run('query Q($n: Int!) { items(first: $n) { id } }', { n: 'x' });
    expect(bad.data).toBeUndefined();
    expect(bad.errors?.[0]?.message).toMatch(/^Variable "\$n" got invalid value "x"/);
    const missing = await run('query Q($n: Int!) { items(first: $n) { id } }', {});
    expect(missing.errors?.[0]?.message).toBe(
      'Variable "$n" of required type "Int!" was not provided.',
    );
    // Neither the compiled nor the interpreted attempt ran a resolver.
    expect(resolved).toBe(0);
    const good = await run('query Q($n: Int!) { items(first: $n) { id } }', { n: 1 });
    expect(good).toEqual({ data: { items: [{ id: 'p0' }] } });
    expect(resolved).toBe(1);
    const unknown = await run('query A { items(first: 1) { id } }', {}, 'B');
    expect(unknown.errors?.[0]?.message).toBe('Unknown operation named "B".');
  });
});
