import type { CodatRecord } from '../../../../upstreams/codat/codat-types.js';
import type {
  CompanyInfoModel,
  CustomerModel,
  DisputeModel,
  DisputeStatus,
  LocationModel,
  OrderLineItemModel,
  OrderModel,
  PaymentModel,
  PaymentStatus,
  ProductModel,
  ProductStatus,
  ProductVariantModel,
  RecordRefModel,
  TransactionModel,
  TransactionSourceType,
  TransactionType,
} from '../../model.js';
import {
  address,
  arr,
  bool,
  decimal,
  enumMapper,
  money,
  obj,
  stamps,
  str,
  time,
} from '../../normalize.js';

/** Codat commerce records → normalized models. One pass per record, no awaits. */

const SOURCE = 'CODAT' as const;

const paymentStatus = enumMapper<PaymentStatus>(
  {
    Pending: 'PENDING',
    Authorized: 'AUTHORIZED',
    Paid: 'PAID',
    Failed: 'FAILED',
    Cancelled: 'CANCELLED',
  },
  'UNKNOWN',
);
const transactionType = enumMapper<TransactionType>(
  {
    Payment: 'PAYMENT',
    Refund: 'REFUND',
    Payout: 'PAYOUT',
    FailedPayout: 'FAILED_PAYOUT',
    Transfer: 'TRANSFER',
    PaymentFee: 'PAYMENT_FEE',
    PaymentFeeRefund: 'PAYMENT_FEE_REFUND',
  },
  'UNKNOWN',
);
const transactionSourceType = enumMapper<TransactionSourceType>(
  { Fee: 'FEE', Order: 'ORDER', Payment: 'PAYMENT', ServiceCharge: 'SERVICE_CHARGE' },
  'UNKNOWN',
);
const disputeStatus = enumMapper<DisputeStatus>(
  {
    Won: 'WON',
    Lost: 'LOST',
    Accepted: 'ACCEPTED',
    Processing: 'PROCESSING',
    ChargeRefunded: 'CHARGE_REFUNDED',
    EvidenceRequired: 'EVIDENCE_REQUIRED',
    InquiryEvidenceRequired: 'INQUIRY_EVIDENCE_REQUIRED',
    InquiryProcessing: 'INQUIRY_PROCESSING',
    InquiryClosed: 'INQUIRY_CLOSED',
    WaitingThirdParty: 'WAITING_THIRD_PARTY',
  },
  'UNKNOWN',
);
const productStatus = enumMapper<ProductStatus>(
  { Published: 'PUBLISHED', Unpublished: 'UNPUBLISHED' },
  'UNKNOWN',
);

function base(linkId: string, r: CodatRecord) {
  return {
    linkId,
    source: SOURCE,
    sourceId: str(r.id) ?? '',
    ...stamps(
      r['createdDate'] ?? r['sourceCreatedDate'],
      r['modifiedDate'] ?? r['sourceModifiedDate'],
    ),
    raw: r,
  };
}

function ref(v: unknown): RecordRefModel | null {
  const o = obj(v);
  const id = o ? str(o['id']) : null;
  return o && id ? { id, name: str(o['name']) } : null;
}

export function codatCustomer(linkId: string, r: CodatRecord): CustomerModel {
  return {
    kind: 'Customer',
    ...base(linkId, r),
    name: str(r['customerName']),
    email: str(r['emailAddress']),
    phone: str(r['phone']),
    defaultCurrency: str(r['defaultCurrency']),
    note: str(r['note']),
    addresses: arr(r['addresses']).flatMap((a) => address(a) ?? []),
  };
}

export function codatOrder(linkId: string, r: CodatRecord): OrderModel {
  const currency = str(r['currency']) ?? 'XXX';
  const orderId = str(r.id) ?? '';
  const lineItems: OrderLineItemModel[] = arr(r['orderLineItems']).flatMap((v, position) => {
    const l = obj(v);
    if (!l) return [];
    const product = ref(l['productRef']);
    return {
      linkId,
      source: SOURCE,
      orderId,
      position,
      sourceId: str(l['id']),
      name: product?.name ?? null,
      quantity: decimal(l['quantity']),
      unitPrice: money(l['unitPrice'], currency),
      totalAmount: money(l['totalAmount'], currency),
      totalTaxAmount: money(l['totalTaxAmount'], currency),
      product,
      variant: ref(l['productVariantRef']),
    };
  });
  const shipping = arr(r['serviceCharges']).filter((s) => obj(s)?.['type'] === 'Shipping');
  return {
    kind: 'Order',
    ...base(linkId, r),
    orderNumber: str(r['orderNumber']),
    status: null,
    fulfillmentStatus: null,
    country: str(r['country']),
    currencyCode: currency,
    closedAt: time(r['closedDate'])?.iso ?? null,
    totalAmount: money(r['totalAmount'], currency),
    totalTaxAmount: money(r['totalTaxAmount'], currency),
    totalDiscount: money(r['totalDiscount'], currency),
    totalRefund: money(r['totalRefund'], currency),
    totalShipping:
      shipping.length === 1 ? money(obj(shipping[0])?.['totalAmount'], currency) : null,
    customer: ref(r['customerRef']),
    location: ref(r['locationRef']),
    lineItems,
    billingAddress: null,
    shippingAddress: null,
  };
}

export function codatProduct(linkId: string, r: CodatRecord): ProductModel {
  const sourceId = str(r.id) ?? '';
  const variants: ProductVariantModel[] = arr(r['variants']).flatMap((v) => {
    const o = obj(v);
    const id = o ? str(o['id']) : null;
    if (!o || !id) return [];
    return {
      linkId,
      source: SOURCE,
      productId: sourceId,
      sourceId: id,
      name: str(o['name']),
      sku: str(o['sku']),
      barcode: str(o['barcode']),
      status: productStatus(o['status']),
      prices: arr(o['prices']).flatMap((p) => {
        const po = obj(p);
        return (po && money(po['unitPrice'], str(po['currency']))) ?? [];
      }),
      inventoryQuantity: decimal(obj(o['inventory'])?.['totalQuantity']),
      requiresShipping: bool(o['shippingRequired']),
      raw: o,
    };
  });
  return {
    kind: 'Product',
    ...base(linkId, r),
    name: str(r['name']),
    description: str(r['description']),
    category: str(r['categorization']),
    status: productStatus(r['status']),
    isGiftCard: bool(r['isGiftCard']),
    variants,
  };
}

export function codatPayment(linkId: string, r: CodatRecord): PaymentModel {
  return {
    kind: 'Payment',
    ...base(linkId, r),
    amount: money(r['amount'], str(r['currency'])),
    status: paymentStatus(r['status']),
    provider: str(r['paymentProvider']),
    methodName: str(obj(r['paymentMethodRef'])?.['name']),
    dueAt: time(r['dueDate'])?.iso ?? null,
  };
}

export function codatTransaction(linkId: string, r: CodatRecord): TransactionModel {
  const src = obj(r['transactionSourceRef']);
  const srcId = src ? str(src['id']) : null;
  return {
    kind: 'Transaction',
    ...base(linkId, r),
    amount: money(r['totalAmount'], str(r['currency'])),
    type: transactionType(r['type']),
    subType: str(r['subType']),
    sourceRef: src && srcId ? { id: srcId, type: transactionSourceType(src['type']) } : null,
  };
}

export function codatDispute(linkId: string, r: CodatRecord): DisputeModel {
  return {
    kind: 'Dispute',
    ...base(linkId, r),
    amount: money(r['totalAmount'], str(r['currency'])),
    status: disputeStatus(r['status']),
    reason: str(r['reason']),
    dueAt: time(r['dueDate'])?.iso ?? null,
  };
}

export function codatLocation(linkId: string, r: CodatRecord): LocationModel {
  return {
    kind: 'Location',
    ...base(linkId, r),
    name: str(r['name']),
    address: address(r['address']),
  };
}

export function codatCompanyInfo(linkId: string, r: CodatRecord): CompanyInfoModel {
  return {
    kind: 'CompanyInfo',
    ...base(linkId, r),
    sourceId: str(r.id) ?? linkId,
    name: str(r['companyName']),
    legalName: str(r['companyLegalName']),
    registrationNumber: str(r['registrationNumber']),
    baseCurrency: str(r['baseCurrency']),
    addresses: arr(r['addresses']).flatMap((a) => address(a) ?? []),
    phoneNumbers: arr(r['phoneNumbers']).flatMap((p) => str(obj(p)?.['number']) ?? []),
    webLinks: arr(r['webLinks']).flatMap((w) => str(obj(w)?.['url']) ?? []),
  };
}
