/**
 * The tabs GraphiQL opens with: one example operation per domain, each with variables that run
 * as they are against the sandbox's demo workspace (no ids to fill in). A test runs every one.
 */
export interface GraphiqlExample {
  query: string;
  variables?: Record<string, unknown>;
}

export const GRAPHIQL_EXAMPLES: readonly GraphiqlExample[] = [
  {
    query: `# Welcome to commerce-graph. Each tab is an example for one domain; open the docs
# (top left) to explore the schema.

query Viewer {
  viewer {
    workspace { id handle name }
    principal { kind roles }
  }
}
`,
  },
  {
    query: `# Orders of every linked store (Codat, Qard, SHOPLINE) in one list, newest first.
query Orders($first: Int!, $after: String) {
  commerce {
    sources { id source platform status }
    orders(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          source
          orderNumber
          createdAt
          totalAmount { amount currencyCode }
          customer { name }
          lineItems { quantity product { name } }
        }
      }
      pageInfo { hasNextPage endCursor }
      sourceStatuses { state reason link { source } }
    }
  }
}
`,
    variables: { first: 10, after: null },
  },
  {
    query: `# Link another store through Codat's sandbox; open authorizationUrl to approve it.
mutation LinkStore($input: LinkCommerceSourceInput!) {
  linkCommerceSource(input: $input) {
    link { id source status authorizationUrl }
    userErrors { field message code }
  }
}
`,
    variables: { input: { source: 'CODAT', platform: 'woocommerce', name: 'Second store' } },
  },
  {
    query: `# Marketplace and print-on-demand accounts connected through API Panda.
query Connections($first: Int!) {
  integrationCatalog { category integrationTypes }
  connections(first: $first) {
    totalCount
    nodes { id name integrationType status establishedAt }
  }
}
`,
    variables: { first: 20 },
  },
  {
    query: `# Dispatch: the triggers a workflow can start on, and the workflows configured.
query Workflows($entityType: WorkflowEntityType!) {
  workflowTriggers(entityType: $entityType, first: 10) {
    nodes { id name code }
  }
  workflows(entityType: $entityType, first: 10) {
    nodes { id name isActive action trigger { code } }
  }
  integrations(first: 10) {
    nodes { id provider status }
  }
}
`,
    variables: { entityType: 'SHIPMENT' },
  },
  {
    query: `# SHOPLINE merchants claimed by this workspace, with their install state and token scopes.
query ShoplineMerchants($first: Int!) {
  shoplineMerchants(first: $first) {
    totalCount
    nodes { merchantId installState usableScopes tokens { scopes status } }
  }
}
`,
    variables: { first: 10 },
  },
  {
    query: `# Pushed over graphql-ws: start a connection in another tab to see it arrive.
subscription ConnectionUpdates {
  connectionUpdated { id name status }
}
`,
  },
];
