import type { CodatRecord } from '../../../../upstreams/codat/codat-types.js';
import { readLoose } from '../../../../upstreams/lazy-record.js';
import type { MoneyModel, OrderLineItemModel, OrderModel, RecordRefModel } from '../../model.js';
import { arr, decimal, money, obj, str, time, type Json } from '../../normalize.js';
import { CodatRecordView, SOURCE, ref } from './codat-record-view.js';

/**
 * Codat orders and their line items as normalized models, computed field by field when a
 * resolver reads them (see codat-mappers.ts).
 */

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

export const codatOrder = (linkId: string, r: CodatRecord): OrderModel => new CodatOrder(linkId, r);
