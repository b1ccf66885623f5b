import type { CodatRecord } from '../../../../upstreams/codat/codat-types.js';
import type {
  AddressModel,
  CompanyInfoModel,
  CustomerModel,
  DisputeModel,
  LocationModel,
  MoneyModel,
  PaymentModel,
  ProductModel,
  ProductVariantModel,
  TransactionModel,
} from '../../model.js';
import { address, arr, bool, decimal, money, obj, str, time, type Json } from '../../normalize.js';
import {
  CodatRecordView,
  SOURCE,
  disputeStatus,
  paymentStatus,
  productStatus,
  transactionSourceType,
  transactionType,
} from './codat-record-view.js';

/**
 * Codat commerce records as normalized models. Each model is a thin view over the parsed
 * upstream record: a field is computed when a resolver reads it, so a list whose query selects
 * two fields of a record does not pay for mapping the other twenty (line items, variants,
 * addresses, times). Values that are read more than once per request (times, line items,
 * variants) are computed once per view. Orders and their line items are in codat-order.ts.
 */

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
