import type {
  CustomerModel,
  FulfillmentStatus,
  MoneyModel,
  OrderLineItemModel,
  OrderModel,
  OrderStatus,
  ProductModel,
  ProductStatus,
  ProductVariantModel,
} from '../../commerce/model.js';
import { address, arr, enumMapper, obj, stamps, str, type Json } from '../../commerce/normalize.js';

/** SHOPLINE Open API records → the normalized commerce models. */

const SOURCE = 'SHOPLINE' as const;

/**
 * SHOPLINE money `{cents, currency_iso, …}` → an exact decimal string, by integer arithmetic on
 * the digits (never `cents / 100` in floating point). `cents` arrives as a safe integer or, when
 * larger, as its exact text.
 */
export function centsToDecimal(cents: unknown): string | null {
  let text: string;
  if (typeof cents === 'number') {
    if (!Number.isSafeInteger(cents)) return null;
    text = String(cents);
  } else if (typeof cents === 'string' && /^-?\d+$/.test(cents)) {
    text = cents;
  } else {
    return null;
  }
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).replace(/^0+/, '').padStart(3, '0');
  const amount = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return negative && amount !== '0.00' ? `-${amount}` : amount;
}

export function shoplineMoney(v: unknown): MoneyModel | null {
  const m = obj(v);
  if (!m) return null;
  const amount = centsToDecimal(m['cents']);
  return amount === null
    ? null
    : { amount, currencyCode: str(m['currency_iso'])?.toUpperCase() ?? 'XXX' };
}

/** A translated title: English when present, else the first language SHOPLINE sent. */
function translated(v: unknown): string | null {
  const t = obj(v);
  if (!t) return null;
  return (
    str(t['en']) ??
    Object.values(t)
      .map(str)
      .find((s) => s !== null) ??
    null
  );
}

const orderStatus = enumMapper<OrderStatus>(
  { pending: 'PENDING', confirmed: 'PENDING', cancelled: 'CANCELLED', refunded: 'REFUNDED' },
  'UNKNOWN',
);
const PAID_PAYMENT = new Set(['completed', 'paid']);
const fulfillment = enumMapper<FulfillmentStatus>(
  {
    arrived: 'FULFILLED',
    collected: 'FULFILLED',
    shipped: 'FULFILLED',
    shipping: 'PARTIAL',
    pending: 'UNFULFILLED',
    no_delivery: 'UNFULFILLED',
  },
  'UNKNOWN',
);
const productStatus = enumMapper<ProductStatus>(
  { active: 'PUBLISHED', draft: 'UNPUBLISHED', hidden: 'UNPUBLISHED' },
  'UNKNOWN',
);

function base(linkId: string, r: Json) {
  return {
    linkId,
    source: SOURCE,
    sourceId: str(r['id']) ?? '',
    ...stamps(r['created_at'], r['updated_at']),
    raw: r,
  };
}

/**
 * SHOPLINE's order status says where the order is in its flow; a `completed` order or one whose
 * payment completed is PAID, a confirmed one still waits for payment.
 */
function statusOf(r: Json): OrderStatus {
  const status = str(r['status']);
  if (status === 'cancelled') return 'CANCELLED';
  const payment = str(obj(r['order_payment'])?.['status']);
  if (status === 'completed' || (payment !== null && PAID_PAYMENT.has(payment))) return 'PAID';
  if (payment === 'refunded') return 'REFUNDED';
  return orderStatus(status);
}

export function shoplineOrder(linkId: string, r: Json): OrderModel {
  const b = base(linkId, r);
  const total = shoplineMoney(r['total']);
  const lineItems: OrderLineItemModel[] = arr(r['subtotal_items']).map((raw, position) => {
    const item = obj(raw) ?? {};
    // `item_id` names a product only for product items (gifts and add-ons have ids of their own;
    // custom products have none). `item_variation_key` replaces `item_variation_id`.
    const type = str(item['item_type']);
    const productId = type === null || type === 'Product' ? str(item['item_id']) : null;
    const variantId = str(item['item_variation_key']) ?? str(item['item_variation_id']);
    const quantity =
      typeof item['quantity'] === 'number' ? String(item['quantity']) : str(item['quantity']);
    return {
      linkId,
      source: SOURCE,
      orderId: b.sourceId,
      position,
      sourceId: str(item['id']) ?? str(item['item_id']),
      name: translated(item['title_translations']) ?? str(item['sku']),
      quantity,
      unitPrice: unitPriceOf(item),
      totalAmount: shoplineMoney(item['total']),
      totalTaxAmount: null,
      product: productId ? { id: productId, name: translated(item['title_translations']) } : null,
      variant: productId && variantId ? { id: variantId, name: variantName(item) } : null,
    };
  });
  const customerId = str(r['customer_id']);
  return {
    ...b,
    kind: 'Order',
    orderNumber: str(r['order_number']),
    status: statusOf(r),
    fulfillmentStatus: fulfillment(str(obj(r['order_delivery'])?.['delivery_status'])),
    country: null,
    currencyCode: total?.currencyCode ?? 'XXX',
    closedAt: null,
    totalAmount: total,
    totalTaxAmount: null,
    totalDiscount: shoplineMoney(r['order_discount']),
    totalRefund: null,
    totalShipping: null,
    customer: customerId ? { id: customerId, name: str(r['customer_name']) } : null,
    location: null,
    lineItems,
    billingAddress: null,
    shippingAddress: address(obj(r['delivery_address']), 'DELIVERY'),
  };
}

export function shoplineProduct(linkId: string, r: Json): ProductModel {
  const b = base(linkId, r);
  const status = productStatus(str(r['status']));
  const variants: ProductVariantModel[] = arr(r['variations']).map((raw) => {
    const v = obj(raw) ?? {};
    const fields = obj(v['fields_translations']);
    const names = fields
      ? (arr(fields['en'] ?? Object.values(fields)[0])
          .map(str)
          .filter(Boolean) as string[])
      : [];
    const price = shoplineMoney(v['price_sale']) ?? shoplineMoney(v['price']);
    return {
      linkId,
      source: SOURCE,
      productId: b.sourceId,
      sourceId: str(v['id']) ?? '',
      name: names.length > 0 ? names.join(' / ') : null,
      sku: str(v['sku']),
      barcode: str(v['gtin']),
      status,
      prices: price ? [price] : [],
      inventoryQuantity: typeof v['quantity'] === 'number' ? String(v['quantity']) : null,
      requiresShipping: null,
      raw: v,
    };
  });
  return {
    ...b,
    kind: 'Product',
    name: translated(r['title_translations']),
    description: null,
    category: null,
    status,
    isGiftCard: null,
    variants,
  };
}

export function shoplineCustomer(linkId: string, r: Json): CustomerModel {
  const phones = arr(r['phones'])
    .map(str)
    .filter((p): p is string => p !== null);
  return {
    ...base(linkId, r),
    kind: 'Customer',
    name: str(r['name']),
    email: str(r['email']),
    phone: str(r['mobile_phone']) ?? phones[0] ?? null,
    defaultCurrency: str(obj(r['orders_total_sum'])?.['currency_iso']),
    note: null,
    addresses: arr(r['delivery_addresses'])
      .map((a) => address(a, 'DELIVERY'))
      .filter((a) => a !== null),
  };
}

/** What the line was sold at: the checkout price, else the sale or list price as ordered. */
function unitPriceOf(item: Record<string, unknown>) {
  const ordered = obj(item['object_data']) ?? {};
  return (
    shoplineMoney(item['item_price']) ??
    shoplineMoney(item['price_sale']) ??
    shoplineMoney(ordered['price_sale']) ??
    shoplineMoney(item['price']) ??
    shoplineMoney(ordered['price'])
  );
}

/** The variation's option values (`["Red", "M"]` → `Red / M`). */
function variantName(item: Record<string, unknown>): string | null {
  const fields = obj(item['fields_translations']);
  const values = fields ? (fields['en'] ?? Object.values(fields)[0]) : undefined;
  return Array.isArray(values) && values.length > 0 ? values.map(String).join(' / ') : null;
}
