import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  mulberry32,
  route,
  type SandboxReply,
  type SandboxRequest,
  type Simulator,
} from '../framework.js';

/**
 * SHOPLINE (developer-center line): the Open API (`/v1/orders|products|customers`, `/v1/token/info`)
 * with Bearer tokens and `{items, pagination}` pages, and the OAuth authorization server
 * (`/oauth/authorize`, `/oauth/token`, `/oauth/token/info`) the landing route's "Link Account"
 * round trip goes through. Data is generated per merchant from the seed.
 *
 * Sandbox assumptions (the public docs are silent): tokens are issued by the sandbox itself
 * (webhook deliveries and OAuth) and are self-describing (merchant and scopes, signed with a fixed
 * sandbox key), so a token issued by `npm run sandbox -- shopline:install` in one process works
 * against the sandbox inside `npm start` in another; an unknown or revoked token answers 401, a token without the
 * resource's scope 403; `per_page` above 50 is capped at 50; every 13th order is archived (410 on
 * `GET /v1/orders/{id}`, absent from lists); `/oauth/authorize` with `merchant_id` logs that
 * merchant in at once (the sandbox has no SHOPLINE login), without it shows a small form.
 */

export const SANDBOX_SHOPLINE_APP_SECRET = 'sandbox-shopline-app-secret-0123456789abcdef';
export const SANDBOX_SHOPLINE_CLIENT_ID = 'sandbox-shopline-client';
export const SANDBOX_SHOPLINE_CLIENT_SECRET = 'sandbox-shopline-client-secret';

const MAX_PER_PAGE = 50;
const DEFAULT_PER_PAGE = 24;
const CURRENCIES = ['USD', 'TWD', 'HKD', 'SGD', 'MYR'] as const;
const SYMBOLS: Record<string, string> = { USD: '$', TWD: 'NT$', HKD: 'HK$', SGD: 'S$', MYR: 'RM' };

interface TokenGrant {
  merchantId: string;
  scopes: Set<string>;
  revoked: boolean;
}

interface MerchantData {
  orders: Array<Record<string, unknown> & { id: string; archived: boolean }>;
  products: Array<Record<string, unknown> & { id: string }>;
  customers: Array<Record<string, unknown> & { id: string }>;
}

export interface ShoplineSimulator extends Simulator {
  /** Issues a token the Open API accepts for `merchantId` with `scopes`. */
  issueToken(merchantId: string, scopes: string[]): string;
  /** Makes the Open API refuse a token with 401 from now on. */
  revokeToken(token: string): void;
  /** The generated records of a merchant, as the Open API serves them. */
  data(merchantId: string): MerchantData;
}

export function createShoplineSimulator(seed: number): ShoplineSimulator {
  const revoked = new Set<string>();
  const codes = new Map<string, { merchantId: string; redirectUri: string; scopes: string[] }>();
  const datasets = new Map<string, MerchantData>();

  const issueToken = (merchantId: string, scopes: string[]) => {
    const body = Buffer.from(
      JSON.stringify({ m: merchantId, s: scopes, n: randomBytes(9).toString('base64url') }),
    ).toString('base64url');
    return `slt_sandbox_${body}.${signToken(body)}`;
  };

  const grantOf = (token: string): TokenGrant | undefined => {
    const match = /^slt_sandbox_([\w-]+)\.([\w-]+)$/.exec(token);
    if (!match) return undefined;
    const [, body = '', signature = ''] = match;
    const expected = Buffer.from(signToken(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      m: string;
      s: string[];
    };
    return { merchantId: claims.m, scopes: new Set(claims.s), revoked: revoked.has(token) };
  };

  const data = (merchantId: string): MerchantData => {
    let d = datasets.get(merchantId);
    if (!d) {
      d = generate(seed, merchantId);
      datasets.set(merchantId, d);
    }
    return d;
  };

  const authorize = (req: SandboxRequest, scope?: string): TokenGrant | SandboxReply => {
    const header = req.headers['authorization'] ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    const grant = token ? grantOf(token) : undefined;
    if (!grant || grant.revoked) {
      return {
        status: 401,
        body: {
          error: 'invalid_token',
          error_description: 'The access token is invalid or revoked',
        },
      };
    }
    if (scope && !grant.scopes.has(scope)) {
      return {
        status: 403,
        body: {
          error: 'insufficient_scope',
          error_description: `The token lacks the ${scope} scope`,
        },
      };
    }
    return grant;
  };

  const list =
    (resource: 'orders' | 'products' | 'customers') =>
    (req: SandboxRequest): SandboxReply => {
      const grant = authorize(req, resource);
      if ('status' in grant) return grant;
      const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
      const perPage = Math.min(
        MAX_PER_PAGE,
        Math.max(1, Number(req.query.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE),
      );
      let items: Array<Record<string, unknown>> = data(grant.merchantId)[resource];
      if (resource === 'orders')
        items = (items as MerchantData['orders']).filter((o) => !o.archived);
      const updatedAfter = req.query.get('updated_after');
      if (updatedAfter) items = items.filter((i) => String(i['updated_at']) > updatedAfter);
      if (req.query.get('sort_by') === 'asc') items = [...items].reverse();
      const slice = items.slice((page - 1) * perPage, page * perPage).map(publicRecord);
      return {
        status: 200,
        body: {
          items: slice,
          pagination: {
            current_page: page,
            per_page: perPage,
            total_count: items.length,
            total_pages: Math.ceil(items.length / perPage),
          },
        },
      };
    };

  const tokenInfo = (req: SandboxRequest): SandboxReply => {
    const grant = authorize(req);
    if ('status' in grant) return grant;
    return {
      status: 200,
      body: {
        resource_owner_id: grant.merchantId,
        scope: [...grant.scopes],
        expires_in: null,
        application: { uid: SANDBOX_SHOPLINE_CLIENT_ID },
      },
    };
  };

  const routes = [
    route('GET', '/v1/orders', list('orders')),
    route('GET', '/v1/products', list('products')),
    route('GET', '/v1/customers', list('customers')),
    route('GET', '/v1/orders/:id', (req) => {
      const grant = authorize(req, 'orders');
      if ('status' in grant) return grant;
      const order = data(grant.merchantId).orders.find((o) => o.id === req.params['id']);
      if (!order) return { status: 404, body: { error: 'Not found', code: 'order_not_found' } };
      if (order.archived)
        return { status: 410, body: { error: 'Order is archived', code: 'order_archived' } };
      return { status: 200, body: publicRecord(order) };
    }),
    ...(['products', 'customers'] as const).map((resource) =>
      route('GET', `/v1/${resource}/:id`, (req) => {
        const grant = authorize(req, resource);
        if ('status' in grant) return grant;
        const record = data(grant.merchantId)[resource].find((r) => r.id === req.params['id']);
        return record
          ? { status: 200, body: record }
          : { status: 404, body: { error: 'Not found' } };
      }),
    ),
    route('GET', '/v1/token/info', tokenInfo),
    route('GET', '/oauth/token/info', tokenInfo),
    route('GET', '/oauth/authorize', (req) => {
      const clientId = req.query.get('client_id');
      const redirectUri = req.query.get('redirect_uri');
      if (
        clientId !== SANDBOX_SHOPLINE_CLIENT_ID ||
        !redirectUri ||
        req.query.get('response_type') !== 'code'
      ) {
        return {
          status: 400,
          html: '<h1>Invalid authorization request</h1><p>Unknown client_id, or redirect_uri/response_type missing.</p>',
        };
      }
      const merchantId = req.query.get('merchant_id');
      if (!merchantId) return { status: 200, html: loginForm(req.query) };
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        merchantId,
        redirectUri,
        scopes: (req.query.get('scope') ?? '').split(' ').filter(Boolean),
      });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      const state = req.query.get('state');
      if (state) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString() } };
    }),
    route('POST', '/oauth/token', (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (
        body['client_id'] !== SANDBOX_SHOPLINE_CLIENT_ID ||
        body['client_secret'] !== SANDBOX_SHOPLINE_CLIENT_SECRET
      ) {
        return { status: 401, body: { error: 'invalid_client' } };
      }
      const grant = typeof body['code'] === 'string' ? codes.get(body['code']) : undefined;
      if (
        !grant ||
        grant.redirectUri !== body['redirect_uri'] ||
        body['grant_type'] !== 'authorization_code'
      ) {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      codes.delete(body['code'] as string);
      const token = issueToken(grant.merchantId, grant.scopes);
      return {
        status: 200,
        body: {
          access_token: token,
          token_type: 'Bearer',
          expires_in: 7200,
          scope: grant.scopes.join(' '),
          created_at: Math.floor(Date.now() / 1000),
        },
      };
    }),
  ];

  return {
    name: 'shopline',
    routes,
    issueToken,
    revokeToken(token) {
      revoked.add(token);
    },
    data,
  };
}

const TOKEN_KEY = 'commerce-graph/sandbox/shopline-token/v1';
const signToken = (body: string) =>
  createHmac('sha256', TOKEN_KEY).update(body).digest('base64url');

/** The archived flag is the simulator's bookkeeping, not part of SHOPLINE's record. */
function publicRecord(record: Record<string, unknown>): Record<string, unknown> {
  const { archived: _archived, ...rest } = record;
  return rest;
}

function loginForm(query: URLSearchParams): string {
  const hidden = [...query.entries()]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return `<!doctype html><html><head><title>SHOPLINE sandbox login</title></head><body>
<h1>SHOPLINE sandbox</h1><p>Log in as the admin of a merchant to authorise the app.</p>
<form method="get" action="authorize">${hidden}<label>Merchant id <input name="merchant_id" required></label>
<button type="submit">Log in and authorise</button></form></body></html>`;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function money(cents: number, currency: string) {
  const dollars = cents / 100;
  return {
    cents,
    currency_symbol: SYMBOLS[currency] ?? '',
    currency_iso: currency,
    label: `${SYMBOLS[currency] ?? ''}${dollars.toFixed(2)}`,
    dollars,
  };
}

function hexId(random: () => number): string {
  let s = '';
  for (let i = 0; i < 24; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

function generate(seed: number, merchantId: string): MerchantData {
  const mix = createHash('sha256').update(merchantId).digest().readUInt32BE(0);
  const random = mulberry32((seed ^ mix) >>> 0);
  const currency = CURRENCIES[mix % CURRENCIES.length] ?? 'USD';
  const base = Date.UTC(2024, 0, 1);
  const at = (i: number, total: number) =>
    new Date(base + Math.floor((i / total) * 300 * 86_400_000)).toISOString();

  const products = Array.from({ length: 30 }, (_, i) => {
    const cents = 500 + Math.floor(random() * 20_000);
    const sale = random() < 0.3 ? Math.floor(cents * 0.8) : null;
    const sku = `SKU-${String(i + 1).padStart(4, '0')}`;
    return {
      id: hexId(random),
      status: random() < 0.9 ? 'active' : 'draft',
      title_translations: { en: `Product ${i + 1}`, 'zh-hant': `商品 ${i + 1}` },
      price: money(cents, currency),
      price_sale: sale === null ? null : money(sale, currency),
      sku,
      variations: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, v) => ({
        id: hexId(random),
        price: money(cents + v * 100, currency),
        price_sale: null,
        sku: `${sku}-${v + 1}`,
        fields_translations: { en: [['S', 'M', 'L'][v] ?? 'One size'] },
      })),
      created_at: at(i, 30),
      updated_at: at(i + 1, 30),
    };
  });

  const customers = Array.from({ length: 25 }, (_, i) => ({
    id: hexId(random),
    name: `Customer ${i + 1}`,
    email: `customer${i + 1}@example.com`,
    phones: [`+8869${String(10_000_000 + i).slice(-8)}`],
    mobile_phone: null,
    order_count: 0,
    orders_total_sum: money(0, currency),
    is_member: random() < 0.5,
    delivery_addresses: [],
    created_at: at(i, 25),
    updated_at: at(i, 25),
  }));

  const statuses = ['pending', 'confirmed', 'completed', 'cancelled'];
  const orders = Array.from({ length: 60 }, (_, i) => {
    const customer = customers[Math.floor(random() * customers.length)]!;
    // SHOPLINE's documented order item: its own id, the product (`item_id`) and variation
    // (`item_variation_key`; `item_variation_id` is still sent, to be deprecated) it was made of,
    // the checkout price (`item_price`) and the product's prices as ordered (`object_data`).
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, line) => {
      const product = products[Math.floor(random() * products.length)]!;
      const quantity = 1 + Math.floor(random() * 3);
      const variation = product.variations[(i + line) % product.variations.length]!;
      const unit = variation.price.cents;
      return {
        // Derived rather than drawn, so the rest of the seeded data stays as it was.
        id: createHash('sha256').update(`${merchantId}:${i}:${line}`).digest('hex').slice(0, 24),
        item_type: 'Product',
        item_id: product.id,
        item_variation_id: variation.id,
        item_variation_key: variation.id,
        sku: variation.sku,
        quantity,
        item_price: money(unit, currency),
        price: money(unit, currency),
        total: money(unit * quantity, currency),
        title_translations: product.title_translations,
        fields_translations: variation.fields_translations,
        object_data: { price: variation.price, price_sale: variation.price_sale },
      };
    });
    const subtotal = lines.reduce((s, l) => s + l.total.cents, 0);
    const discount = random() < 0.2 ? Math.floor(subtotal * 0.1) : 0;
    customer.order_count += 1;
    customer.orders_total_sum = money(
      customer.orders_total_sum.cents + subtotal - discount,
      currency,
    );
    return {
      id: hexId(random),
      order_number: String(20240000 + i + 1),
      status: statuses[Math.floor(random() * statuses.length)]!,
      subtotal: money(subtotal, currency),
      total: money(subtotal - discount, currency),
      order_discount: money(discount, currency),
      subtotal_items: lines,
      order_payment: { status: random() < 0.8 ? 'completed' : 'pending' },
      order_delivery: { delivery_status: random() < 0.6 ? 'arrived' : 'pending' },
      customer_id: customer.id,
      customer_name: customer.name,
      channel: { created_by: 'shop' },
      created_at: at(i, 60),
      updated_at: at(i, 60),
      archived: (i + 1) % 13 === 0,
    };
  });
  // Newest first, as SHOPLINE lists by default.
  orders.reverse();
  products.reverse();
  customers.reverse();
  return { orders, products, customers };
}
