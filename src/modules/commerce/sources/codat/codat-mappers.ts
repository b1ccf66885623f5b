import type { CodatRecord } from '../../../../upstreams/codat/codat-types.js';
import { readLoose } from '../../../../upstreams/lazy-record.js';
import type {
  AddressModel,
  CompanyInfoModel,
  CustomerModel,
  DisputeModel,
  DisputeStatus,
  LocationModel,
  MoneyModel,
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
  type Json,
  type Stamps,
} from '../../normalize.js';

/**
 * Codat commerce records as normalized models. Each model is a thin view over the parsed
 * upstream record: a field is computed when a resolver reads it, so a list whose query selects
 * two fields of a record does not pay for mapping the other twenty (line items, variants,
 * addresses, times). Values that are read more than once per request (times, line items,
 * variants) are computed once per view.
 */

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

function ref(v: unknown): RecordRefModel | null {
  const o = obj(v);
  const id = o ? str(o['id']) : null;
  return o && id ? { id, name: str(o['name']) } : null;
}

/** Fields every Codat record has: identity, times (parsed once, on first read) and `raw`. */
abstract class CodatRecordView {
  readonly source = SOURCE;
  private times: Stamps | undefined;

  constructor(
    readonly linkId: string,
    readonly raw: CodatRecord,
  ) {}

  get sourceId(): string {
    return str(this.raw.id) ?? '';
  }

  private get stamps(): Stamps {
    const r = this.raw;
    return (this.times ??= stamps(
      r['createdDate'] ?? r['sourceCreatedDate'],
      r['modifiedDate'] ?? r['sourceModifiedDate'],
    ));
  }
  get createdAt(): string | null {
    return this.stamps.createdAt;
  }
  get modifiedAt(): string | null {
    return this.stamps.modifiedAt;
  }
  get timeZoneAssumed(): boolean {
    return this.stamps.timeZoneAssumed;
  }
  get sortTime(): number {
    return this.stamps.sortTime;
  }
}

class CodatCustomer extends CodatRecordView implements CustomerModel {
  readonly kind = 'Customer' as const;
  get name() {
    return str(this.raw['customerName']);
  }
  get email() {
    return str(this.raw['emailAddress']);
  }
  get phone() {
    return str(this.raw['phone']);
  }
  get defaultCurrency() {
    return str(this.raw['defaultCurrency']);
  }
  get note() {
    return str(this.raw['note']);
  }
  get addresses(): AddressModel[] {
    return arr(this.raw['addresses']).flatMap((a) => address(a) ?? []);
  }
}

/** An order's lines parsed exactly, on the first read of an amount of any of them. */
class ExactLines {
  private lines: unknown[] | undefined;
  constructor(private readonly order: CodatRecord) {}
  at(position: number): Json {
    return obj((this.lines ??= arr(this.order['orderLineItems']))[position]) ?? {};
  }
}

/**
 * A line reads its ids and references from `line`, the loosely parsed line (see `readLoose`),
 * and its amounts from the exactly parsed one: a list of orders with their products reads every
 * line's references, and rarely an amount.
 */
class CodatLineItem implements OrderLineItemModel {
  readonly source = SOURCE;
  private refs: { product: RecordRefModel | null; variant: RecordRefModel | null } | undefined;

  constructor(
    readonly linkId: string,
    readonly orderId: string,
    readonly position: number,
    private readonly line: Json,
    private readonly exactLines: ExactLines,
    private readonly currency: string,
  ) {}

  private exact(): Json {
    return this.exactLines.at(this.position);
  }

  /** A string field; a number there is read exactly (a long numeric id must not be rounded). */
  private text(key: string): string | null {
    const loose = this.line[key];
    return str(typeof loose === 'number' ? this.exact()[key] : loose);
  }

  private reference(key: string): RecordRefModel | null {
    const loose = obj(this.line[key]);
    const numeric = loose && (typeof loose['id'] === 'number' || typeof loose['name'] === 'number');
    return ref(numeric ? this.exact()[key] : loose);
  }

  private get references() {
    return (this.refs ??= {
      product: this.reference('productRef'),
      variant: this.reference('productVariantRef'),
    });
  }
  get sourceId() {
    return this.text('id');
  }
  get name() {
    return this.references.product?.name ?? null;
  }
  get quantity() {
    return decimal(this.exact()['quantity']);
  }
  get unitPrice() {
    return money(this.exact()['unitPrice'], this.currency);
  }
  get totalAmount() {
    return money(this.exact()['totalAmount'], this.currency);
  }
  get totalTaxAmount() {
    return money(this.exact()['totalTaxAmount'], this.currency);
  }
  get product() {
    return this.references.product;
  }
  get variant() {
    return this.references.variant;
  }
}

class CodatOrder extends CodatRecordView implements OrderModel {
  readonly kind = 'Order' as const;
  readonly status = null;
  readonly fulfillmentStatus = null;
  readonly billingAddress = null;
  readonly shippingAddress = null;
  private lines: OrderLineItemModel[] | undefined;

  get currencyCode(): string {
    return str(this.raw['currency']) ?? 'XXX';
  }
  get orderNumber() {
    return str(this.raw['orderNumber']);
  }
  get country() {
    return str(this.raw['country']);
  }
  get closedAt() {
    return time(this.raw['closedDate'])?.iso ?? null;
  }
  get totalAmount() {
    return money(this.raw['totalAmount'], this.currencyCode);
  }
  get totalTaxAmount() {
    return money(this.raw['totalTaxAmount'], this.currencyCode);
  }
  get totalDiscount() {
    return money(this.raw['totalDiscount'], this.currencyCode);
  }
  get totalRefund() {
    return money(this.raw['totalRefund'], this.currencyCode);
  }
  get totalShipping(): MoneyModel | null {
    const shipping = arr(this.raw['serviceCharges']).filter((s) => obj(s)?.['type'] === 'Shipping');
    return shipping.length === 1
      ? money(obj(shipping[0])?.['totalAmount'], this.currencyCode)
      : null;
  }
  get customer() {
    return ref(this.raw['customerRef']);
  }
  get location() {
    return ref(this.raw['locationRef']);
  }
  get lineItems(): OrderLineItemModel[] {
    if (this.lines) return this.lines;
    const currency = this.currencyCode;
    const orderId = this.sourceId;
    const lines: OrderLineItemModel[] = [];
    // Both parses have the same structure, so a line's position finds it in either.
    const exact = new ExactLines(this.raw);
    arr(readLoose(this.raw, 'orderLineItems')).forEach((v, position) => {
      const line = obj(v);
      if (line)
        lines.push(new CodatLineItem(this.linkId, orderId, position, line, exact, currency));
    });
    return (this.lines = lines);
  }
}

class CodatVariant implements ProductVariantModel {
  readonly source = SOURCE;

  constructor(
    readonly linkId: string,
    readonly productId: string,
    readonly sourceId: string,
    readonly raw: Json,
  ) {}

  get name() {
    return str(this.raw['name']);
  }
  get sku() {
    return str(this.raw['sku']);
  }
  get barcode() {
    return str(this.raw['barcode']);
  }
  get status() {
    return productStatus(this.raw['status']);
  }
  get prices(): MoneyModel[] {
    return arr(this.raw['prices']).flatMap((p) => {
      const po = obj(p);
      return (po && money(po['unitPrice'], str(po['currency']))) ?? [];
    });
  }
  get inventoryQuantity() {
    return decimal(obj(this.raw['inventory'])?.['totalQuantity']);
  }
  get requiresShipping() {
    return bool(this.raw['shippingRequired']);
  }
}

class CodatProduct extends CodatRecordView implements ProductModel {
  readonly kind = 'Product' as const;
  private variantViews: ProductVariantModel[] | undefined;

  get name() {
    return str(this.raw['name']);
  }
  get description() {
    return str(this.raw['description']);
  }
  get category() {
    return str(this.raw['categorization']);
  }
  get status() {
    return productStatus(this.raw['status']);
  }
  get isGiftCard() {
    return bool(this.raw['isGiftCard']);
  }
  get variants(): ProductVariantModel[] {
    if (this.variantViews) return this.variantViews;
    const productId = this.sourceId;
    const variants: ProductVariantModel[] = [];
    for (const v of arr(this.raw['variants'])) {
      const o = obj(v);
      const id = o ? str(o['id']) : null;
      if (o && id) variants.push(new CodatVariant(this.linkId, productId, id, o));
    }
    return (this.variantViews = variants);
  }
}

class CodatPayment extends CodatRecordView implements PaymentModel {
  readonly kind = 'Payment' as const;
  get amount() {
    return money(this.raw['amount'], str(this.raw['currency']));
  }
  get status() {
    return paymentStatus(this.raw['status']);
  }
  get provider() {
    return str(this.raw['paymentProvider']);
  }
  get methodName() {
    return str(obj(this.raw['paymentMethodRef'])?.['name']);
  }
  get dueAt() {
    return time(this.raw['dueDate'])?.iso ?? null;
  }
}

class CodatTransaction extends CodatRecordView implements TransactionModel {
  readonly kind = 'Transaction' as const;
  get amount() {
    return money(this.raw['totalAmount'], str(this.raw['currency']));
  }
  get type() {
    return transactionType(this.raw['type']);
  }
  get subType() {
    return str(this.raw['subType']);
  }
  get sourceRef(): TransactionModel['sourceRef'] {
    const src = obj(this.raw['transactionSourceRef']);
    const srcId = src ? str(src['id']) : null;
    return src && srcId ? { id: srcId, type: transactionSourceType(src['type']) } : null;
  }
}

class CodatDispute extends CodatRecordView implements DisputeModel {
  readonly kind = 'Dispute' as const;
  get amount() {
    return money(this.raw['totalAmount'], str(this.raw['currency']));
  }
  get status() {
    return disputeStatus(this.raw['status']);
  }
  get reason() {
    return str(this.raw['reason']);
  }
  get dueAt() {
    return time(this.raw['dueDate'])?.iso ?? null;
  }
}

class CodatLocation extends CodatRecordView implements LocationModel {
  readonly kind = 'Location' as const;
  get name() {
    return str(this.raw['name']);
  }
  get address() {
    return address(this.raw['address']);
  }
}

class CodatCompanyInfo extends CodatRecordView implements CompanyInfoModel {
  readonly kind = 'CompanyInfo' as const;
  // Company info has no id at Codat: the link stands for it.
  override get sourceId(): string {
    return str(this.raw.id) ?? this.linkId;
  }
  get name() {
    return str(this.raw['companyName']);
  }
  get legalName() {
    return str(this.raw['companyLegalName']);
  }
  get registrationNumber() {
    return str(this.raw['registrationNumber']);
  }
  get baseCurrency() {
    return str(this.raw['baseCurrency']);
  }
  get addresses(): AddressModel[] {
    return arr(this.raw['addresses']).flatMap((a) => address(a) ?? []);
  }
  get phoneNumbers(): string[] {
    return arr(this.raw['phoneNumbers']).flatMap((p) => str(obj(p)?.['number']) ?? []);
  }
  get webLinks(): string[] {
    return arr(this.raw['webLinks']).flatMap((w) => str(obj(w)?.['url']) ?? []);
  }
}

export const codatCustomer = (linkId: string, r: CodatRecord): CustomerModel =>
  new CodatCustomer(linkId, r);
export const codatOrder = (linkId: string, r: CodatRecord): OrderModel => new CodatOrder(linkId, r);
export const codatProduct = (linkId: string, r: CodatRecord): ProductModel =>
  new CodatProduct(linkId, r);
export const codatPayment = (linkId: string, r: CodatRecord): PaymentModel =>
  new CodatPayment(linkId, r);
export const codatTransaction = (linkId: string, r: CodatRecord): TransactionModel =>
  new CodatTransaction(linkId, r);
export const codatDispute = (linkId: string, r: CodatRecord): DisputeModel =>
  new CodatDispute(linkId, r);
export const codatLocation = (linkId: string, r: CodatRecord): LocationModel =>
  new CodatLocation(linkId, r);
export const codatCompanyInfo = (linkId: string, r: CodatRecord): CompanyInfoModel =>
  new CodatCompanyInfo(linkId, r);
