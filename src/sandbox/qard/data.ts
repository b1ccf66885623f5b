import type { components } from '../../generated/upstreams/qard.js';
import {
  HISTORY_END_MS,
  Seeded,
  creationTimes,
  formatUnitsFixed2,
  hashSeed,
  percentOf,
  randomCents,
} from '../commerce-data/seeded.js';
import {
  CATEGORIES,
  PRODUCT_ADJECTIVES,
  PRODUCT_NOUNS,
  VARIANT_OPTIONS,
  emailFor,
  personName,
  places,
  type Place,
} from '../commerce-data/vocab.js';

/**
 * Seeded commerce data of one Qard user's Shopify store, in Qard's snake_case shapes (Qard API v6 docs).
 * Money is `{amount, currency}` with `amount` a decimal string (an unconfirmed shape; see
 * docs/sandbox.md). Records of a user are the same for the same seed and user id.
 */

export type QardRecord = {
  id: string;
  source_created_at: string;
  source_updated_at: string;
} & Record<string, unknown>;

export const QARD_COMMERCE_TYPES = [
  'COMMERCE_LOCATION',
  'COMMERCE_CUSTOMER',
  'COMMERCE_PRODUCT',
  'COMMERCE_ORDER',
] as const satisfies readonly components['schemas']['DataType'][];
export type QardCommerceType = (typeof QARD_COMMERCE_TYPES)[number];

export const QARD_LISTS = {
  'commerce-locations': 'COMMERCE_LOCATION',
  'commerce-customers': 'COMMERCE_CUSTOMER',
  'commerce-products': 'COMMERCE_PRODUCT',
  'commerce-orders': 'COMMERCE_ORDER',
} as const satisfies Record<string, QardCommerceType>;
export type QardList = keyof typeof QARD_LISTS;

export type QardUserData = Record<QardList, QardRecord[]>;

type Money = components['schemas']['Money'];

const iso = (ms: number) => new Date(ms).toISOString();

/** Qard's money strings have cents: round a non-negative amount of 1/10000 units to whole cents. */
const toCents = (units: bigint): bigint => ((units + 50n) / 100n) * 100n;

function updatedAfter(rng: Seeded, createdMs: number): string {
  return iso(Math.min(createdMs + rng.int(0, 60 * 86_400) * 1000, HISTORY_END_MS));
}

function address(
  rng: Seeded,
  place: Place,
  person?: { first: string; last: string },
): Record<string, unknown> {
  return {
    ...(person ? { first_name: person.first, last_name: person.last } : {}),
    line1: `${rng.int(1, 240)} ${rng.pick(place.streets)}`,
    line2: rng.chance(0.3) ? `Apt ${rng.int(1, 40)}` : null,
    city: place.city,
    region: place.region,
    postal_code: place.postalCode(),
    country: place.country2,
  };
}

/** Newest `source_created_at` first, ties by id descending (the order the sandbox serves). */
export function newestFirst(a: QardRecord, b: QardRecord): number {
  if (a.source_created_at !== b.source_created_at)
    return a.source_created_at < b.source_created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function generateQardUserData(
  seed: number,
  userId: string,
  dataConnectionId: string,
): QardUserData {
  const rng = new Seeded(hashSeed(seed, 'qard', userId));
  const cities = places(rng);
  const home = rng.pick(cities);
  const currency = home.country2 === 'GB' ? 'GBP' : home.country2 === 'US' ? 'USD' : 'EUR';
  const money = (units: bigint): Money => ({ amount: formatUnitsFixed2(units), currency });
  const owned = { provider_name: 'shopify', data_connection_id: dataConnectionId };

  const locations: QardRecord[] = creationTimes(rng, rng.int(3, 7)).map((t, i) => {
    const place = i === 0 ? home : rng.pick(cities);
    return {
      id: rng.uuid(),
      name: i === 0 ? `${place.city} HQ` : `${place.city} shop`,
      address: address(rng, place),
      active: rng.chance(0.9),
      source_created_at: iso(t),
      source_updated_at: updatedAfter(rng, t),
      ...owned,
    };
  });

  const customers: QardRecord[] = creationTimes(rng, rng.int(500, 650)).map((t, i) => {
    const person = personName(rng);
    const place = rng.pick(cities);
    return {
      id: rng.uuid(),
      first_name: person.first,
      last_name: person.last,
      email: rng.chance(0.95) ? emailFor(person.first, person.last, i) : null,
      phone: rng.chance(0.6) ? `+${rng.int(1, 49)}${rng.int(100000000, 999999999)}` : null,
      addresses: [address(rng, place, person)],
      tags: rng.chance(0.2) ? [rng.pick(['vip', 'wholesale', 'newsletter'])] : [],
      source_created_at: iso(t),
      source_updated_at: updatedAfter(rng, t),
      ...owned,
    };
  });

  interface VariantRef {
    id: string;
    productId: string;
    name: string;
    sku: string;
    price: bigint;
  }
  const variantRefs: VariantRef[] = [];
  const products: QardRecord[] = creationTimes(rng, rng.int(220, 300)).map((t) => {
    const id = rng.uuid();
    const name = `${rng.pick(PRODUCT_ADJECTIVES)} ${rng.pick(PRODUCT_NOUNS)}`;
    const options = rng.pick(VARIANT_OPTIONS);
    const base = randomCents(rng, 5, 150);
    const variants = options.slice(0, rng.int(1, options.length)).map((option, v) => {
      const variant: VariantRef = {
        id: rng.uuid(),
        productId: id,
        name: option,
        sku: `QS-${rng.hex(6).toUpperCase()}`,
        price: base + BigInt(v) * 15_000n,
      };
      variantRefs.push(variant);
      const stock = locations
        .filter(() => rng.chance(0.5))
        .map((l) => ({ location_id: l.id, quantity: rng.int(0, 80) }));
      return {
        id: variant.id,
        product_id: id,
        barcode: rng.chance(0.6) ? String(rng.int(100000000, 999999999)) : null,
        name: option,
        price: money(variant.price),
        sku: variant.sku,
        fulfillment_service: 'manual',
        requires_shipping: true,
        inventory: { total_quantity: stock.reduce((s, x) => s + x.quantity, 0), locations: stock },
        weight: rng.int(50, 2500),
        source_created_at: iso(t),
      };
    });
    const statusRoll = rng.float();
    return {
      id,
      category: rng.chance(0.85) ? rng.pick(CATEGORIES) : null,
      name,
      description: rng.chance(0.8) ? `<p>${name}, shipped from ${home.city}.</p>` : null,
      images: [{ url: `https://cdn.example.com/products/${id}.jpg` }],
      // ARCHIVED is a value Qard may add: clients must fall back to an unknown value.
      status:
        statusRoll < 0.85
          ? 'PUBLISHED'
          : statusRoll < 0.95
            ? 'UNPUBLISHED'
            : statusRoll < 0.98
              ? 'UNKNOWN'
              : 'ARCHIVED',
      url: `https://shop.example.com/products/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      variants,
      tags: rng.chance(0.3) ? ['new'] : [],
      source_created_at: iso(t),
      source_updated_at: updatedAfter(rng, t),
      ...owned,
    };
  });

  const orders: QardRecord[] = creationTimes(rng, rng.int(2000, 2800)).map((t, i) => {
    const customer = rng.chance(0.9) ? rng.pick(customers) : undefined;
    const place = rng.pick(cities);
    let subtotal = 0n;
    let tax = 0n;
    let discount = 0n;
    const lineItems = Array.from({ length: rng.int(1, 4) }, () => {
      const v = rng.pick(variantRefs);
      const quantity = rng.int(1, 3);
      const gross = v.price * BigInt(quantity);
      const lineDiscount = rng.chance(0.1) ? toCents(percentOf(gross, 1500)) : 0n;
      const lineTax = toCents(percentOf(gross - lineDiscount, 2000));
      subtotal += gross - lineDiscount;
      tax += lineTax;
      discount += lineDiscount;
      return {
        id: rng.uuid(),
        product_id: v.productId,
        variant_id: v.id,
        name: v.name,
        sku: v.sku,
        quantity,
        unit_price: money(v.price),
        total_discount: money(lineDiscount),
        total_tax_amount: money(lineTax),
        total_amount: money(gross - lineDiscount + lineTax),
      };
    });
    const shipping = rng.chance(0.6) ? BigInt(rng.pick([450, 590, 990])) * 100n : 0n;
    const total = subtotal + tax + shipping;
    const roll = rng.float();
    // PARTIALLY_REFUNDED is a value Qard may add later (clients map it to an unknown value).
    const status =
      roll < 0.8
        ? 'PAID'
        : roll < 0.88
          ? 'PENDING'
          : roll < 0.94
            ? 'CANCELLED'
            : roll < 0.99
              ? 'REFUNDED'
              : 'PARTIALLY_REFUNDED';
    const fulfillment =
      status === 'CANCELLED'
        ? 'UNFULFILLED'
        : rng.chance(0.8)
          ? 'FULFILLED'
          : rng.chance(0.5)
            ? 'PARTIAL'
            : null;
    const createdAt = iso(t);
    const shippingAddress = customer
      ? (customer['addresses'] as unknown[])[0]
      : address(rng, place);
    return {
      id: rng.uuid(),
      order_number: `#${1001 + i}`,
      status,
      fulfillment_status: fulfillment,
      fulfillments:
        fulfillment === 'FULFILLED' || fulfillment === 'PARTIAL'
          ? [
              {
                id: rng.uuid(),
                status: 'SUCCESS',
                tracking_number: rng.chance(0.7) ? `TRK${rng.hex(10).toUpperCase()}` : null,
                created_at: iso(Math.min(t + 86_400_000, HISTORY_END_MS)),
              },
            ]
          : [],
      line_items: lineItems,
      billing_address: shippingAddress,
      shipping_address: shipping > 0n ? shippingAddress : null,
      customer_id: customer ? customer.id : null,
      total_shipping: money(shipping),
      total_discount: money(discount),
      total_tax_amount: money(tax),
      total_amount: money(total),
      source_created_at: createdAt,
      source_updated_at: updatedAfter(rng, t),
      transactions:
        status === 'PENDING'
          ? []
          : [
              {
                id: rng.uuid(),
                kind: status === 'REFUNDED' ? 'REFUND' : 'SALE',
                status: 'SUCCESS',
                amount: money(total),
                gateway: rng.pick(['shopify_payments', 'paypal', 'manual']),
                created_at: createdAt,
              },
            ],
      ...owned,
    };
  });

  return {
    'commerce-locations': locations.sort(newestFirst),
    'commerce-customers': customers.sort(newestFirst),
    'commerce-products': products.sort(newestFirst),
    'commerce-orders': orders.sort(newestFirst),
  };
}
