import type { CodatRecord } from '../../../../upstreams/codat/codat-types.js';
import type {
  DisputeStatus,
  PaymentStatus,
  ProductStatus,
  RecordRefModel,
  TransactionSourceType,
  TransactionType,
} from '../../model.js';
import { enumMapper, obj, stamps, str, type Stamps } from '../../normalize.js';

/** What every Codat record view shares: identity and times, references, Codat's enum values. */

export const SOURCE = 'CODAT' as const;

export const paymentStatus = enumMapper<PaymentStatus>(
  {
    Pending: 'PENDING',
    Authorized: 'AUTHORIZED',
    Paid: 'PAID',
    Failed: 'FAILED',
    Cancelled: 'CANCELLED',
  },
  'UNKNOWN',
);
export const transactionType = enumMapper<TransactionType>(
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
export const transactionSourceType = enumMapper<TransactionSourceType>(
  { Fee: 'FEE', Order: 'ORDER', Payment: 'PAYMENT', ServiceCharge: 'SERVICE_CHARGE' },
  'UNKNOWN',
);
export const disputeStatus = enumMapper<DisputeStatus>(
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
export const productStatus = enumMapper<ProductStatus>(
  { Published: 'PUBLISHED', Unpublished: 'UNPUBLISHED' },
  'UNKNOWN',
);

export function ref(v: unknown): RecordRefModel | null {
  const o = obj(v);
  const id = o ? str(o['id']) : null;
  return o && id ? { id, name: str(o['name']) } : null;
}

export /** Fields every Codat record has: identity, times (parsed once, on first read) and `raw`. */
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
