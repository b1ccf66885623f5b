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
