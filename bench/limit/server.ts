import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

/**
 * The limit: the least a server can do to answer each benchmark scenario. It makes the same
 * minimal upstream calls the gateway makes (one orders page, one batched customers call and one
 * batched products call for scenario 2), maps only the selected fields, and writes the same JSON
 * the gateway writes, with a keep-alive undici pool and no GraphQL, auth, validation or logging.
 * Scenarios are addressed by path (`POST /s1`); the request body is read and ignored.
 */

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const codatBase = new URL(env('LIMIT_CODAT_BASE_URL'));
const codatAuth = env('LIMIT_CODAT_AUTHORIZATION');
const companyPath = `${codatBase.pathname}/companies/${env('LIMIT_CODAT_COMPANY')}/connections/${env('LIMIT_CODAT_CONNECTION')}/data`;
const orderId = env('LIMIT_ORDER_ID');
const ordersPageSize = Number(process.env['LIMIT_ORDERS_PAGE_SIZE'] ?? '50');
const dispatchBase = process.env['LIMIT_DISPATCH_BASE_URL']
  ? new URL(env('LIMIT_DISPATCH_BASE_URL'))
  : undefined;
const dispatchToken = process.env['LIMIT_DISPATCH_TOKEN'];
const workflowId = process.env['LIMIT_WORKFLOW_ID'];
const workflowGlobalId = process.env['LIMIT_WORKFLOW_GLOBAL_ID'];

const pool = new Pool(codatBase.origin, { connections: 128, pipelining: 1 });

interface Ref {
  id: string;
  name?: string;
}
interface CodatOrder {
  id: string;
  orderNumber?: string;
  customerRef?: Ref;
  orderLineItems?: Array<{ productRef?: Ref }>;
}
interface Named {
  id: string;
  customerName?: string;
  name?: string;
}

async function getJson<T>(path: string, authorization: string): Promise<T> {
  const res = await pool.request({
    method: 'GET',
    path,
    headers: { authorization, accept: 'application/json' },
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`upstream answered ${res.statusCode}`);
  }
  return (await res.body.json()) as T;
}

const codat = <T>(path: string) => getJson<T>(`${companyPath}${path}`, codatAuth);

/** Codat's `query` filter for a set of ids: one call for all of them, the least there can be. */
const idQuery = (ids: string[]) => encodeURIComponent(ids.map((id) => `id=${id}`).join('||'));

async function byIds(dataset: string, ids: string[]): Promise<Map<string, Named>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const page = await codat<{ results: Named[] }>(
    `/${dataset}?page=1&pageSize=${unique.length}&query=${idQuery(unique)}`,
  );
  return new Map(page.results.map((r) => [r.id, r]));
}

async function ordersWithCustomersAndProducts(): Promise<unknown> {
  const page = await codat<{ results: CodatOrder[] }>(
    `/commerce-orders?page=1&pageSize=${ordersPageSize}&orderBy=-createdDate`,
  );
  const orders = page.results.slice(0, 50);
  const [customers, products] = await Promise.all([
    byIds(
      'commerce-customers',
      orders.flatMap((o) => (o.customerRef ? [o.customerRef.id] : [])),
    ),
    byIds(
      'commerce-products',
      orders.flatMap((o) =>
        (o.orderLineItems ?? []).flatMap((l) => (l.productRef ? [l.productRef.id] : [])),
      ),
    ),
  ]);
  return {
    data: {
      commerce: {
        orders: {
          nodes: orders.map((o) => ({
            orderNumber: o.orderNumber ?? null,
            customer: o.customerRef
              ? { name: customers.get(o.customerRef.id)?.customerName ?? null }
              : null,
            lineItems: (o.orderLineItems ?? []).map((l) => ({
              product: l.productRef ? { name: products.get(l.productRef.id)?.name ?? null } : null,
            })),
          })),
        },
      },
    },
  };
}

async function orderWithCustomer(): Promise<unknown> {
  const order = await codat<CodatOrder>(`/commerce-orders/${orderId}`);
  const customer = order.customerRef
    ? await codat<Named>(`/commerce-customers/${order.customerRef.id}`)
    : undefined;
  return {
    data: {
      node: {
        orderNumber: order.orderNumber ?? null,
        customer: customer ? { name: customer.customerName ?? null } : null,
      },
    },
  };
}

async function toggleWorkflow(): Promise<unknown> {
  if (!dispatchBase || !dispatchToken || !workflowId)
    throw new Error('scenario 4 is not configured');
  const res = await pool.request({
    method: 'GET',
    path: `${dispatchBase.pathname}/api/workflows/configured/${workflowId}/toggle`,
    headers: { authorization: `Bearer ${dispatchToken}`, accept: 'application/json' },
  });
  const body = (await res.body.json()) as { data?: { isActive?: boolean } };
  return {
    data: {
      toggleWorkflow: {
        workflow: { id: workflowGlobalId ?? workflowId, isActive: body.data?.isActive ?? null },
        userErrors: [],
      },
    },
  };
}

const handlers: Record<string, () => Promise<unknown>> = {
  '/s1': orderWithCustomer,
  '/s2': ordersWithCustomersAndProducts,
  '/s4': toggleWorkflow,
};

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const path = req.url ?? '/';
  if (path === '/healthz') return reply(res, 200, '{"status":"ok"}');
  const handler = handlers[path];
  req.resume();
  req.on('end', () => {
    if (!handler) return reply(res, 404, '{"error":"no such scenario"}');
    handler().then(
      (result) => reply(res, 200, JSON.stringify(result)),
      (error: unknown) =>
        reply(res, 502, JSON.stringify({ errors: [{ message: (error as Error).message }] })),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env['PORT'] ?? 4100), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void pool.close().then(() => process.exit(0))));
