import { join } from 'node:path';
import { ROOT } from '../harness/servers.js';
import type { Fixtures } from './types.js';

/**
 * How the peer and the limit are pointed at this run's sandbox data. The peer's field and type
 * names are the ones GraphQL Mesh derives from schema/upstreams/codat.yaml (operationIds as
 * root fields, component schema names as types; answers are unions with the error schemas).
 * Inside the list answer Mesh does not add a `@resolveTo` link's `requiredSelectionSet` to the
 * upstream selection (every customer fails with "customerId was not provided"), so the orders
 * query selects the refs itself, as a user of the peer would learn to.
 */

const MESH = {
  listOrders: 'listCommerceOrders',
  getOrder: 'getCommerceOrder',
  getCustomer: 'getCommerceCustomer',
  getProduct: 'getCommerceProduct',
  listCustomers: 'listCommerceCustomers',
  listProducts: 'listCommerceProducts',
  customersPageType: 'Customers',
  productsPageType: 'Products',
  orderType: 'Order',
  lineItemType: 'OrderLineItem',
  customerType: 'Customer',
  productType: 'Product',
};

const ids = (f: Fixtures) =>
  `companyId: "${f.codat.companyId}", connectionId: "${f.codat.connectionId}"`;

export const PEER = {
  orders50: (f: Fixtures) => /* GraphQL */ `
    query Orders50 {
      ${MESH.listOrders}(${ids(f)}, page: 1, pageSize: 50, orderBy: "-createdDate") {
        ... on Orders {
          results {
            orderNumber
            customerRef {
              id
            }
            customer {
              customerName
            }
            orderLineItems {
              productRef {
                id
              }
              product {
                name
              }
            }
          }
        }
      }
    }
  `,
  orderWithCustomer: (f: Fixtures) => /* GraphQL */ `
    query OrderWithCustomer {
      ${MESH.getOrder}(${ids(f)}, orderId: "${f.order.sourceId}") {
        ... on Order {
          orderNumber
          customer {
            customerName
          }
        }
      }
    }
  `,
};

export function peerEnvironment(f: Fixtures): Record<string, string> {
  return {
    BENCH_PEER_CODAT_SPEC: join(ROOT, 'schema/upstreams/codat.yaml'),
    BENCH_PEER_CODAT_BASE_URL: f.codat.baseUrl,
    BENCH_PEER_CODAT_AUTHORIZATION: f.codat.authorization,
    BENCH_PEER_CODAT_COMPANY: f.codat.companyId,
    BENCH_PEER_CODAT_CONNECTION: f.codat.connectionId,
    BENCH_PEER_ORDER_TYPE: MESH.orderType,
    BENCH_PEER_LINE_ITEM_TYPE: MESH.lineItemType,
    BENCH_PEER_CUSTOMER_TYPE: MESH.customerType,
    BENCH_PEER_PRODUCT_TYPE: MESH.productType,
    BENCH_PEER_GET_CUSTOMER: MESH.getCustomer,
    BENCH_PEER_GET_PRODUCT: MESH.getProduct,
    BENCH_PEER_LIST_CUSTOMERS: MESH.listCustomers,
    BENCH_PEER_LIST_PRODUCTS: MESH.listProducts,
    BENCH_PEER_CUSTOMERS_PAGE_TYPE: MESH.customersPageType,
    BENCH_PEER_PRODUCTS_PAGE_TYPE: MESH.productsPageType,
  };
}

export function limitEnvironment(f: Fixtures): Record<string, string> {
  return {
    LIMIT_CODAT_BASE_URL: f.codat.baseUrl,
    LIMIT_CODAT_AUTHORIZATION: f.codat.authorization,
    LIMIT_CODAT_COMPANY: f.codat.companyId,
    LIMIT_CODAT_CONNECTION: f.codat.connectionId,
    LIMIT_ORDER_ID: f.order.sourceId,
    ...(f.workflow
      ? {
          LIMIT_DISPATCH_BASE_URL: f.workflow.dispatchBaseUrl,
          LIMIT_DISPATCH_TOKEN: f.workflow.dispatchToken,
          LIMIT_WORKFLOW_ID: f.workflow.guid,
          LIMIT_WORKFLOW_GLOBAL_ID: f.workflow.globalId,
        }
      : {}),
  };
}
