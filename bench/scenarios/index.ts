import {
  checkGraphql,
  graphqlPost,
  type Fixtures,
  type Origins,
  type Scenario,
  type ScenarioRequest,
  type VariantId,
} from './types.js';
import { PEER } from './wiring.js';

/**
 * The scenarios of the issue, each as the same question put to every variant. The GraphQL text
 * a frontend would send to this gateway, the equivalent query against the peer's Mesh schema,
 * the limit handler's route, and the raw upstream call the scenario starts with.
 */

export const ORDERS_50 = /* GraphQL */ `
  query Orders50 {
    commerce {
      orders(first: 50) {
        nodes {
          orderNumber
          customer {
            name
          }
          lineItems {
            product {
              name
            }
          }
        }
      }
    }
  }
`;

const ORDER_WITH_CUSTOMER = /* GraphQL */ `
  query OrderWithCustomer($id: ID!) {
    node(id: $id) {
      ... on Order {
        orderNumber
        customer {
          name
        }
      }
    }
  }
`;

const TOGGLE_WORKFLOW = /* GraphQL */ `
  mutation ToggleWorkflow($workflowId: ID!) {
    toggleWorkflow(input: { workflowId: $workflowId }) {
      workflow {
        id
        isActive
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/**
 * Root fields of two domains in one operation: the commerce subgraph's orders with their
 * customers, and the SHOPLINE subgraph's merchants with their commerce link (an entity the
 * commerce subgraph resolves). Asked in the workspace that claimed a SHOPLINE merchant: behind
 * a router of domain subgraphs, two root fetches in parallel, then an entity fetch of the
 * merchant's link from the commerce subgraph.
 */
const ACROSS_DOMAINS = /* GraphQL */ `
  query AcrossDomains {
    commerce {
      orders(first: 10) {
        nodes {
          orderNumber
          customer {
            name
          }
        }
      }
    }
    shoplineMerchants(first: 5) {
      totalCount
      nodes {
        merchantId
        commerceLink {
          name
        }
      }
    }
  }
`;

const gatewayHeaders = (f: Fixtures, apiKey = f.apiKey) => ({ 'x-api-key': apiKey });
const codatGet = (f: Fixtures, path: string): ScenarioRequest => ({
  url: `${f.codat.baseUrl}/companies/${f.codat.companyId}/connections/${f.codat.connectionId}/data${path}`,
  method: 'GET',
  headers: { authorization: f.codat.authorization, accept: 'application/json' },
});
const limitPost = (o: Origins, route: string): ScenarioRequest => ({
  url: `${o.limit}/${route}`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
});

const gatewayOnly = (variant: VariantId) => variant === 'gateway' || variant === 'naive';
const federated = (variant: VariantId) => variant.startsWith('fed-');
const perDomain = (variant: VariantId) =>
  variant === 'fed-domains' || variant === 'fed-domains-rust' || variant === 'fed-local';
const NOT_FEDERATED_SCENARIO = {
  notApplicable: 'the federated variants are measured on s1, s2 and s6',
};
/** Why a federated variant cannot run in this run, if it cannot. */
function federationNotPossible(variant: VariantId, f: Fixtures) {
  return (variant === 'fed-domains' || variant === 'fed-domains-rust') && !f.sharedStore
    ? {
        notApplicable:
          'the domain subgraphs share one store: set BENCH_DATABASE_URL (PGlite is one process)',
      }
    : undefined;
}
const isPeer = (variant: VariantId) => variant === 'peer' || variant === 'peer-batched';
const NOT_CACHED_SCENARIO = {
  notApplicable: 'the cached variant is measured on s5, the repeated query it serves from memory',
};

export const SCENARIOS: Scenario[] = [
  {
    id: 's1',
    title: 'one order with its customer',
    stableBody: true,
    request(variant, o, f) {
      if (variant === 'cached') return NOT_CACHED_SCENARIO;
      if (perDomain(variant))
        return { notApplicable: 'node(id:) is served by the whole gateway, not by a domain' };
      if (gatewayOnly(variant) || federated(variant))
        return graphqlPost(
          `${o.gateway}/graphql`,
          ORDER_WITH_CUSTOMER,
          { id: f.order.globalId },
          gatewayHeaders(f),
        );
      if (isPeer(variant)) return graphqlPost(`${o.peer}/graphql`, PEER.orderWithCustomer(f), {});
      if (variant === 'limit') return limitPost(o, 's1');
      return codatGet(f, `/commerce-orders/${f.order.sourceId}`);
    },
    check: (variant, status, body) =>
      variant === 'upstream' ? httpOk(status, body) : checkGraphql(status, body),
  },
  {
    id: 's2',
    title: 'orders(first: 50) with customer and line-item products',
    stableBody: true,
    request(variant, o, f) {
      if (variant === 'cached') return NOT_CACHED_SCENARIO;
      if (federated(variant)) {
        const impossible = federationNotPossible(variant, f);
        if (impossible) return impossible;
      }
      if (gatewayOnly(variant) || federated(variant))
        return graphqlPost(`${o.gateway}/graphql`, ORDERS_50, {}, gatewayHeaders(f));
      if (isPeer(variant)) return graphqlPost(`${o.peer}/graphql`, PEER.orders50(f), {});
      if (variant === 'limit') return limitPost(o, 's2');
      return codatGet(f, `/commerce-orders?page=1&pageSize=50&orderBy=-createdDate`);
    },
    check(variant, status, body) {
      if (variant === 'upstream') return httpOk(status, body);
      if (variant === 'peer') return checkPeerOrders(status, body);
      if (variant === 'peer-batched') return checkPeerOrders(status, body, true);
      return checkOrders(status, body);
    },
  },
  {
    id: 's3',
    title: 'orders(first: 50) across a Codat and a Qard link, merged',
    stableBody: true,
    request(variant, o, f) {
      if (variant === 'cached') return NOT_CACHED_SCENARIO;
      if (federated(variant)) return NOT_FEDERATED_SCENARIO;
      if (!f.merged) return { notApplicable: 'no Qard link could be made' };
      if (gatewayOnly(variant))
        return graphqlPost(
          `${o.gateway}/graphql`,
          ORDERS_50,
          {},
          gatewayHeaders(f, f.merged.apiKey),
        );
      if (isPeer(variant))
        return { notApplicable: 'the peer composes only the Codat OpenAPI document' };
      if (variant === 'limit')
        return { notApplicable: 'the limit handler covers single-source scenarios' };
      return { url: f.merged.qardOrdersUrl, method: 'GET', headers: f.merged.qardHeaders };
    },
    check: (variant, status, body) =>
      variant === 'upstream' ? httpOk(status, body) : checkOrders(status, body),
  },
  {
    id: 's4',
    title: 'a mutation: toggleWorkflow',
    // Each call flips the workflow, so consecutive answers differ by design.
    stableBody: false,
    request(variant, o, f) {
      if (variant === 'cached') return NOT_CACHED_SCENARIO;
      if (federated(variant)) return NOT_FEDERATED_SCENARIO;
      if (!f.workflow) return { notApplicable: 'no workflow to toggle' };
      if (gatewayOnly(variant))
        return graphqlPost(
          `${o.gateway}/graphql`,
          TOGGLE_WORKFLOW,
          { workflowId: f.workflow.globalId },
          gatewayHeaders(f),
        );
      if (isPeer(variant))
        return { notApplicable: 'the peer composes only the Codat OpenAPI document' };
      if (variant === 'limit') return limitPost(o, 's4');
      return {
        url: `${f.workflow.dispatchBaseUrl}/api/workflows/configured/${f.workflow.guid}/toggle`,
        method: 'GET',
        headers: {
          authorization: `Bearer ${f.workflow.dispatchToken}`,
          accept: 'application/json',
        },
      };
    },
    check: (variant, status, body) =>
      variant === 'upstream' ? httpOk(status, body) : checkGraphql(status, body),
  },
  {
    id: 's5',
    title: 'a repeat of s2 served from the cross-request record cache',
    stableBody: true,
    request(variant, o, f) {
      if (variant === 'cached')
        return graphqlPost(`${o.gateway}/graphql`, ORDERS_50, {}, gatewayHeaders(f));
      if (federated(variant)) return NOT_FEDERATED_SCENARIO;
      if (variant === 'gateway' || variant === 'naive')
        return {
          notApplicable: 'runs without the record cache (COMMERCE_CACHE_MB=0, the default)',
        };
      return { notApplicable: 'keeps nothing across requests (no cache configured)' };
    },
    check: (_variant, status, body) => checkOrders(status, body),
  },
  {
    id: 's6',
    title: 'one query across the commerce and SHOPLINE domains',
    stableBody: true,
    request(variant, o, f) {
      if (variant !== 'gateway' && !federated(variant))
        return {
          notApplicable: 'measured on the gateway and the federated variants (domains crossed)',
        };
      if (!f.shopline) return { notApplicable: 'no SHOPLINE merchant could be claimed' };
      return (
        federationNotPossible(variant, f) ??
        graphqlPost(
          `${o.gateway}/graphql`,
          ACROSS_DOMAINS,
          {},
          gatewayHeaders(f, f.shopline.apiKey),
        )
      );
    },
    check: (_variant, status, body) => {
      const problem = checkGraphql(status, body);
      if (problem) return problem;
      const count = (body.match(/"orderNumber"/g) ?? []).length;
      if (count !== 10) return `expected 10 orders, got ${count}`;
      // The claimed merchant's link, resolved across the domains (not null).
      return /"commerceLink":\{"name":"/.test(body)
        ? undefined
        : `expected a merchant with its commerceLink: ${body.slice(-300)}`;
    },
  },
];

/**
 * The peer's `@resolveTo` link has no null guard: a guest order (no `customerRef`) answers its
 * `customer` with an error ("Variable "$customerId" ... was not provided") and HTTP 400, next to
 * the data. That answer is still the same data (null customer), so it is measured, and those
 * answers show in its non-2xx count. The batched peer's in-context SDK call resolves a missing
 * key to null, so its answer must be a plain 200 without errors (`strict`).
 */
function checkPeerOrders(status: number, body: string, strict = false): string | undefined {
  if (strict) return checkGraphql(status, body) ?? checkOrderCount(body);
  if (status !== 200 && status !== 400) return `HTTP ${status}: ${body.slice(0, 300)}`;
  let parsed: { errors?: Array<{ message: string }> };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `not JSON: ${body.slice(0, 300)}`;
  }
  const other = (parsed.errors ?? []).filter(
    (e) => !/"\$customerId" of required type/.test(e.message),
  );
  if (other.length > 0) return `errors: ${JSON.stringify(other).slice(0, 400)}`;
  return checkOrderCount(body);
}

function httpOk(status: number, body: string): string | undefined {
  return status === 200 ? undefined : `HTTP ${status}: ${body.slice(0, 300)}`;
}

/** An orders answer must also hold 50 orders, or the comparison is not like for like. */
function checkOrders(status: number, body: string): string | undefined {
  return checkGraphql(status, body) ?? checkOrderCount(body);
}

function checkOrderCount(body: string): string | undefined {
  const count = (body.match(/"orderNumber"/g) ?? []).length;
  return count === 50 ? undefined : `expected 50 orders, got ${count}`;
}
