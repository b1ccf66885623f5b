/**
 * Normalized commerce records: what every source adapter produces and what the GraphQL
 * resolvers of schema/commerce.graphql read. A source may build them as plain objects or as views
 * over the parsed upstream record whose fields are computed when read (Codat, whose records are
 * large and whose lists are read a few fields at a time). Either way they are read-only: nothing
 * copies, spreads or mutates a model after its source returned it.
 */

export type CommerceSourceKind = 'CODAT' | 'QARD' | 'SHOPLINE';

/** Datasets that are Relay lists under `Query.commerce`. */
export type CommerceDataset =
  'customers' | 'orders' | 'products' | 'payments' | 'transactions' | 'disputes' | 'locations';

export const COMMERCE_DATASETS: readonly CommerceDataset[] = [
  'customers',
  'orders',
  'products',
  'payments',
  'transactions',
  'disputes',
  'locations',
];

export interface MoneyModel {
  /** Exact decimal string, never a float. */
  amount: string;
  currencyCode: string;
}

export type AddressKind = 'BILLING' | 'DELIVERY' | 'ORDER' | 'INVENTORY' | 'UNKNOWN';

export interface AddressModel {
  kind: AddressKind;
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  postalCode: string | null;
}

/** A reference from one record to another of the same link (e.g. an order's customer). */
export interface RecordRefModel {
  id: string;
  name: string | null;
}

/** Fields every normalized record carries. */
export interface CommerceRecordBase {
  /** The link (a connected store of a workspace) the record was read through. */
  linkId: string;
  source: CommerceSourceKind;
  /** The record's id at the upstream. */
  sourceId: string;
  /** ISO 8601 with a zone; zone-less upstream times are read as UTC (see `timeZoneAssumed`). */
  createdAt: string | null;
  modifiedAt: string | null;
  /** True when the upstream sent one of this record's times without a zone. */
  timeZoneAssumed: boolean;
  /**
   * Epoch milliseconds the newest-first order sorts by: createdAt, or modifiedAt for datasets
   * without a creation time. Adapters return records in descending `sortTime`.
   */
  sortTime: number;
  /** The upstream record as it came (decimals kept exact). */
  raw: unknown;
}

export interface CustomerModel extends CommerceRecordBase {
  kind: 'Customer';
  name: string | null;
  email: string | null;
  phone: string | null;
  defaultCurrency: string | null;
  note: string | null;
  addresses: AddressModel[];
}

export type OrderStatus = 'PENDING' | 'PAID' | 'CANCELLED' | 'REFUNDED' | 'UNKNOWN';
export type FulfillmentStatus = 'FULFILLED' | 'PARTIAL' | 'UNFULFILLED' | 'UNKNOWN';

export interface OrderLineItemModel {
  linkId: string;
  source: CommerceSourceKind;
  /** The order's id at the source and the line's place in it: the line's global id. */
  orderId: string;
  position: number;
  sourceId: string | null;
  name: string | null;
  quantity: string | null;
  unitPrice: MoneyModel | null;
  totalAmount: MoneyModel | null;
  totalTaxAmount: MoneyModel | null;
  product: RecordRefModel | null;
  variant: RecordRefModel | null;
}

export interface OrderModel extends CommerceRecordBase {
  kind: 'Order';
  orderNumber: string | null;
  /** Null when the upstream has no order status (Codat). */
  status: OrderStatus | null;
  fulfillmentStatus: FulfillmentStatus | null;
  country: string | null;
  currencyCode: string;
  closedAt: string | null;
  totalAmount: MoneyModel | null;
  totalTaxAmount: MoneyModel | null;
  totalDiscount: MoneyModel | null;
  totalRefund: MoneyModel | null;
  totalShipping: MoneyModel | null;
  customer: RecordRefModel | null;
  location: RecordRefModel | null;
  lineItems: OrderLineItemModel[];
  billingAddress: AddressModel | null;
  shippingAddress: AddressModel | null;
}

export type ProductStatus = 'PUBLISHED' | 'UNPUBLISHED' | 'UNKNOWN';

export interface ProductVariantModel {
  linkId: string;
  source: CommerceSourceKind;
  productId: string;
  sourceId: string;
  name: string | null;
  sku: string | null;
  barcode: string | null;
  status: ProductStatus;
  prices: MoneyModel[];
  inventoryQuantity: string | null;
  requiresShipping: boolean | null;
  raw: unknown;
}

export interface ProductModel extends CommerceRecordBase {
  kind: 'Product';
  name: string | null;
  description: string | null;
  category: string | null;
  status: ProductStatus;
  isGiftCard: boolean | null;
  variants: ProductVariantModel[];
}

export type PaymentStatus = 'PENDING' | 'AUTHORIZED' | 'PAID' | 'FAILED' | 'CANCELLED' | 'UNKNOWN';

export interface PaymentModel extends CommerceRecordBase {
  kind: 'Payment';
  amount: MoneyModel | null;
  status: PaymentStatus;
  provider: string | null;
  methodName: string | null;
  dueAt: string | null;
}

export type TransactionType =
  | 'PAYMENT'
  | 'REFUND'
  | 'PAYOUT'
  | 'FAILED_PAYOUT'
  | 'TRANSFER'
  | 'PAYMENT_FEE'
  | 'PAYMENT_FEE_REFUND'
  | 'UNKNOWN';
export type TransactionSourceType = 'FEE' | 'ORDER' | 'PAYMENT' | 'SERVICE_CHARGE' | 'UNKNOWN';

export interface TransactionModel extends CommerceRecordBase {
  kind: 'Transaction';
  amount: MoneyModel | null;
  type: TransactionType;
  subType: string | null;
  sourceRef: { id: string; type: TransactionSourceType } | null;
}

export type DisputeStatus =
  | 'WON'
  | 'LOST'
  | 'ACCEPTED'
  | 'PROCESSING'
  | 'CHARGE_REFUNDED'
  | 'EVIDENCE_REQUIRED'
  | 'INQUIRY_EVIDENCE_REQUIRED'
  | 'INQUIRY_PROCESSING'
  | 'INQUIRY_CLOSED'
  | 'WAITING_THIRD_PARTY'
  | 'PENDING'
  | 'UNKNOWN';

export interface DisputeModel extends CommerceRecordBase {
  kind: 'Dispute';
  amount: MoneyModel | null;
  status: DisputeStatus;
  reason: string | null;
  dueAt: string | null;
}

export interface LocationModel extends CommerceRecordBase {
  kind: 'Location';
  name: string | null;
  address: AddressModel | null;
}

export interface CompanyInfoModel extends CommerceRecordBase {
  kind: 'CompanyInfo';
  name: string | null;
  legalName: string | null;
  registrationNumber: string | null;
  baseCurrency: string | null;
  addresses: AddressModel[];
  phoneNumbers: string[];
  webLinks: string[];
}

/** The record type of each list dataset. */
export interface DatasetRecords {
  customers: CustomerModel;
  orders: OrderModel;
  products: ProductModel;
  payments: PaymentModel;
  transactions: TransactionModel;
  disputes: DisputeModel;
  locations: LocationModel;
}

export type CommerceRecord = DatasetRecords[CommerceDataset];

/** What the API may show of a Qard provider's settings: never the credentials. */
export interface QardProviderConfigurationModel {
  provider: string;
  enabled: boolean;
  autoConnect: boolean;
  credentialsUpdatedAt: Date | null;
}
