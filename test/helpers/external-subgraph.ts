import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, print } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';

/**
 * Another team's subgraph, as a platform team would write it: it extends our `Order` entity by
 * its key with a field of its own, and has a root field that returns Order stubs (only the key)
 * for the router to complete from commerce-graph.
 */
export const EXTERNAL_SUBGRAPH_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  "An order of commerce-graph, extended by the warehouse service."
  type Order @key(fields: "id") {
    id: ID!
    "The warehouse's note for the order."
    warehouseNote: String!
  }

  type Query {
    "Orders the warehouse flagged: stubs carrying only the key."
    flaggedOrders: [Order!]!
  }
`;

/** The note the external subgraph gives an order: derived from the id, so a test can check it. */
export function warehouseNote(orderId: string): string {
  return `checked ${orderId.slice(-12)}`;
}

export interface ExternalSubgraph {
  url: string;
  /** Every `_entities` call the subgraph answered: how many representations each asked for. */
  entityCalls: number[];
  /** The order ids `Query.flaggedOrders` returns as stubs. */
  flag(orderIds: string[]): void;
  close(): Promise<void>;
}

/** The warehouse subgraph served over HTTP on port 0 (graphql-yoga + Apollo's subgraph library). */
export async function startExternalSubgraph(): Promise<ExternalSubgraph> {
  const entityCalls: number[] = [];
  let flagged: string[] = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(EXTERNAL_SUBGRAPH_SDL),
    resolvers: {
      Query: { flaggedOrders: () => flagged.map((id) => ({ id })) },
      Order: {
        __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
        warehouseNote: (order: { id: string }) => warehouseNote(order.id),
      },
    },
  });
  const countEntityCalls: Plugin = {
    onExecute({ args }) {
      if (!print(args.document).includes('_entities')) return;
      const representations = args.variableValues?.['representations'];
      entityCalls.push(Array.isArray(representations) ? representations.length : 0);
    },
  };
  const yoga = createYoga({ schema, logging: false, plugins: [countEntityCalls] });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    entityCalls,
    flag(orderIds) {
      flagged = orderIds;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
