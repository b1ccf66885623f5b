import { jsonNumber, type JsonNumber } from '../commerce-data/exact-json.js';
import {
  HISTORY_END_MS,
  Seeded,
  creationTimes,
  formatUnits,
  hashSeed,
  isoSeconds,
  percentOf,
  randomCents,
  UNITS_PER_MAJOR,
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
 * Seeded commerce datasets of one Codat company, shaped like Codat's commerce data model
 * (Codat's published commerce OpenAPI, vendored in test/fixtures/codat/). Amounts are `JsonNumber`s (exact decimal text).
 * The same seed and company id always give the same records.
 */

export type CodatRecord = { id: string; createdDate: string; modifiedDate: string } & Record<
  string,
  unknown
>;

export const CODAT_LIST_DATASETS = [
  'commerce-customers',
  'commerce-disputes',
  'commerce-locations',
  'commerce-orders',
  'commerce-payments',
  'commerce-products',
  'commerce-transactions',
] as const;
export type CodatListDataset = (typeof CODAT_LIST_DATASETS)[number];

/** Data types as Codat names them in dataStatus, sync settings and `data/queue`. */
export const CODAT_COMMERCE_DATA_TYPES = [...CODAT_LIST_DATASETS, 'commerce-companyInfo'] as const;
export type CodatCommerceDataType = (typeof CODAT_COMMERCE_DATA_TYPES)[number];

export interface CodatCompanyData {
  lists: Record<CodatListDataset, CodatRecord[]>;
  /** `commerce-info` (data type `commerce-companyInfo`): one object, no id. */
  info: Record<string, unknown>;
}

const money = (units: bigint): JsonNumber => jsonNumber(formatUnits(units));

/** A few records carry times without a zone, as some platforms report them. */
function stamp(rng: Seeded, ms: number): string {
  const iso = isoSeconds(ms);
  return rng.chance(0.03) ? iso.replace(/Z$/, '') : iso;
}

function modified(
  rng: Seeded,
  createdMs: number,
): { modifiedDate: string; sourceModifiedDate: string } {
  const sourceMs = Math.min(createdMs + rng.int(0, 45 * 86_400) * 1000, HISTORY_END_MS);
  // Codat's modifiedDate is when Codat stored the record: at or after the source's change.
  const modifiedMs = Math.min(sourceMs + rng.int(60, 86_400) * 1000, HISTORY_END_MS + 86_400_000);
  return { modifiedDate: isoSeconds(modifiedMs), sourceModifiedDate: stamp(rng, sourceMs) };
}

function address(rng: Seeded, place: Place, type: string): Record<string, unknown> {
  return {
    type,
    line1: `${rng.int(1, 240)} ${rng.pick(place.streets)}`,
    ...(rng.chance(0.3) ? { line2: `Flat ${rng.int(1, 30)}` } : {}),
    city: place.city,
    region: place.region,
    country: place.country2,
    postalCode: place.postalCode(),
  };
}

interface Ref {
  id: string;
  name: string;
}

interface VariantInfo extends Ref {
  product: Ref;
  priceUnits: bigint;
  vatHundredths: number;
}

export function generateCodatCompanyData(
  seed: number,
  companyId: string,
  companyName: string,
  platformName: string,
): CodatCompanyData {
  const rng = new Seeded(hashSeed(seed, 'codat', companyId));
  const cities = places(rng);
  const home = rng.pick(cities);
  const baseCurrency = home.country2 === 'GB' ? 'GBP' : home.country2 === 'US' ? 'USD' : 'EUR';
  const otherCurrencies = ['GBP', 'USD', 'EUR'].filter((c) => c !== baseCurrency);

  // Locations
  const locationCount = rng.int(4, 9);
  const locationTimes = creationTimes(rng, locationCount);
  const locations: CodatRecord[] = locationTimes.map((t, i) => {
    const place = i === 0 ? home : rng.pick(cities);
    return {
      id: rng.uuid(),
      name:
        i === 0
          ? `${place.city} warehouse`
          : `${place.city} ${rng.pick(['store', 'pop-up', 'outlet'])}`,
      address: address(rng, place, 'Inventory'),
      createdDate: stamp(rng, t),
      ...modified(rng, t),
    };
  });
  const locationRefs: Ref[] = locations.map((l) => ({ id: l.id, name: String(l['name']) }));

  // Customers
  const customerTimes = creationTimes(rng, rng.int(450, 550));
  const customers: CodatRecord[] = customerTimes.map((t, i) => {
    const person = personName(rng);
    const place = rng.pick(cities);
    const addresses = [address(rng, place, 'Billing')];
    if (rng.chance(0.4))
      addresses.push(address(rng, rng.chance(0.7) ? place : rng.pick(cities), 'Delivery'));
    return {
      id: rng.uuid(),
      customerName: person.full,
      emailAddress: emailFor(person.first, person.last, i),
      ...(rng.chance(0.75)
        ? { phone: `+${rng.int(1, 49)} ${rng.int(100, 999)} ${rng.int(100000, 999999)}` }
        : {}),
      defaultCurrency: rng.chance(0.85) ? baseCurrency : rng.pick(otherCurrencies),
      addresses,
      ...(rng.chance(0.1)
        ? { note: rng.pick(['VIP', 'Wholesale account', 'Prefers email contact']) }
        : {}),
      createdDate: stamp(rng, t),
      ...modified(rng, t),
    };
  });
  const customerRefs: Ref[] = customers.map((c) => ({ id: c.id, name: String(c['customerName']) }));

  // Products with variants
  const variants: VariantInfo[] = [];
  const productTimes = creationTimes(rng, rng.int(280, 320));
  const products: CodatRecord[] = productTimes.map((t) => {
    const productId = rng.uuid();
    const name = `${rng.pick(PRODUCT_ADJECTIVES)} ${rng.pick(PRODUCT_NOUNS)}`;
    const isGiftCard = rng.chance(0.02);
    const options = rng.pick(VARIANT_OPTIONS);
    const variantCount = Math.min(options.length, rng.int(1, 4));
    const basePrice = randomCents(rng, 4, 180);
    const vat = rng.pick([0, 500, 2000, 2000, 2000]);
    const product: Ref = { id: productId, name };
    const productVariants = options.slice(0, variantCount).map((option, v) => {
      const priceUnits = basePrice + BigInt(v) * 200n * 100n;
      const variant: VariantInfo = {
        id: rng.uuid(),
        name: `${name} - ${option}`,
        product,
        priceUnits,
        vatHundredths: vat,
      };
      variants.push(variant);
      const stock = locationRefs
        .filter(() => rng.chance(0.5))
        .map((loc) => ({ quantity: jsonNumber(String(rng.int(0, 120))), locationRef: loc }));
      const total = stock.reduce((sum, s) => sum + Number(s.quantity.text), 0);
      const prices = [{ currency: baseCurrency, unitPrice: money(priceUnits) }];
      if (rng.chance(0.2))
        prices.push({
          currency: rng.pick(otherCurrencies),
          unitPrice: money(percentOf(priceUnits, 11_500)),
        });
      return {
        id: variant.id,
        name: variant.name,
        isTaxEnabled: vat > 0,
        sku: `SKU-${rng.hex(6).toUpperCase()}`,
        ...(rng.chance(0.7)
          ? { barcode: String(rng.int(100000000, 999999999)) + String(rng.int(1000, 9999)) }
          : {}),
        unitOfMeasure: options === VARIANT_OPTIONS[2] ? 'g' : 'Unit',
        vatPercentage: jsonNumber(String(vat / 100)),
        prices,
        inventory: { totalQuantity: jsonNumber(String(total)), locations: stock },
        shippingRequired: !isGiftCard,
        // Only the statuses Codat's published OpenAPI lists (its enums are closed).
        status: rng.chance(0.02)
          ? 'Unknown'
          : rng.chance(0.9)
            ? 'Published'
            : rng.pick(['Unpublished', 'Unknown']),
      };
    });
    return {
      id: productId,
      name,
      ...(rng.chance(0.85) ? { description: `${name}, made in small batches.` } : {}),
      ...(rng.chance(0.8) ? { categorization: rng.pick(CATEGORIES) } : {}),
      isGiftCard,
      variants: productVariants,
      createdDate: stamp(rng, t),
      ...modified(rng, t),
    };
  });

  // Orders, their payments, and the transactions money movements create
  const orders: CodatRecord[] = [];
  const payments: CodatRecord[] = [];
  const transactions: CodatRecord[] = [];
  const paymentTransactionIds: Array<{
    id: string;
    amount: bigint;
    currency: string;
    createdMs: number;
  }> = [];
  const orderTimes = creationTimes(rng, rng.int(2000, 3000));
  const special = new Map<number, string>([
    [rng.int(0, 99), '9007199254740993.01'],
    [rng.int(100, 199), '0.1'],
    [rng.int(200, 299), '1234.5678'],
  ]);
  orderTimes.forEach((t, i) => {
    const orderId = rng.uuid();
    const currency = rng.chance(0.9) ? baseCurrency : rng.pick(otherCurrencies);
    const place = rng.pick(cities);
    const lines: Record<string, unknown>[] = [];
    let linesTotal = 0n;
    let taxTotal = 0n;
    let discountTotal = 0n;
    const specialPrice = special.get(i);
    const lineCount = specialPrice ? 1 : rng.int(1, 5);
    for (let l = 0; l < lineCount; l++) {
      const variant = rng.pick(variants);
      const quantity = specialPrice ? 1n : BigInt(rng.int(1, 4));
      const unitPrice = specialPrice ? decimalToUnits(specialPrice) : variant.priceUnits;
      const vat = specialPrice ? 0 : variant.vatHundredths;
      const gross = unitPrice * quantity;
      const discount = !specialPrice && rng.chance(0.15) ? percentOf(gross, 1000) : 0n;
      const tax = percentOf(gross - discount, vat);
      const total = gross - discount + tax;
      linesTotal += total;
      taxTotal += tax;
      discountTotal += discount;
      lines.push({
        id: rng.uuid(),
        quantity: jsonNumber(quantity.toString()),
        taxPercentage: jsonNumber(String(vat / 100)),
        totalAmount: money(total),
        totalTaxAmount: money(tax),
        unitPrice: money(unitPrice),
        taxes:
          vat > 0
            ? [
                {
                  taxComponentRef: { id: `vat-${vat}`, name: `VAT ${vat / 100}%` },
                  rate: jsonNumber(String(vat / 100)),
                },
              ]
            : [],
        productRef: { id: variant.product.id, name: variant.product.name },
        productVariantRef: { id: variant.id, name: variant.name },
        discountAllocations:
          discount > 0n ? [{ name: 'SPRING10', totalAmount: money(discount) }] : [],
      });
    }
    const serviceCharges: Record<string, unknown>[] = [];
    let chargesTotal = 0n;
    if (!specialPrice && rng.chance(0.6)) {
      const shipping = BigInt(rng.pick([395, 495, 695, 1250])) * 100n;
      chargesTotal += shipping;
      serviceCharges.push({
        description: 'Shipping',
        totalAmount: money(shipping),
        taxPercentage: jsonNumber('0'),
        taxAmount: jsonNumber('0'),
        taxes: [],
        quantity: 1,
        type: 'Shipping',
      });
    }
    const refunded = !specialPrice && rng.chance(0.05);
    const refund = refunded ? -percentOf(linesTotal, rng.pick([10_000, 5_000])) : 0n;
    const gratuity =
      !specialPrice && rng.chance(0.05) ? BigInt(rng.int(1, 10)) * UNITS_PER_MAJOR : 0n;
    const totalAmount = linesTotal + chargesTotal + refund;
    const created = stamp(rng, t);
    const mod = modified(rng, t);

    const paymentId = rng.uuid();
    const statusRoll = rng.float();
    const status =
      statusRoll < 0.86
        ? 'Paid'
        : statusRoll < 0.9
          ? 'Pending'
          : statusRoll < 0.93
            ? 'Authorized'
            : statusRoll < 0.96
              ? 'Failed'
              : statusRoll < 0.98
                ? 'Cancelled'
                : 'Unknown';
    const type = rng.pick([
      'Card',
      'Card',
      'OnlineCard',
      'OnlineCard',
      'Paypal',
      'Cash',
      'StoreCredit',
    ]);
    const provider = type === 'Paypal' ? 'PayPal' : type === 'Cash' ? 'POS' : 'Stripe';
    const paymentAmount = linesTotal + chargesTotal + gratuity;
    const payment = {
      id: paymentId,
      amount: money(paymentAmount),
      currency,
      paymentMethodRef: { id: `pm-${type.toLowerCase()}`, name: type },
      status,
      paymentProvider: provider,
      ...(status === 'Pending' || status === 'Authorized'
        ? { dueDate: isoSeconds(t + 7 * 86_400_000) }
        : {}),
      createdDate: created,
      ...mod,
    };
    payments.push(payment);

    const order: CodatRecord = {
      id: orderId,
      orderNumber: String(1001 + i),
      country: place.country3,
      currency,
      ...(status === 'Paid' && rng.chance(0.8)
        ? { closedDate: isoSeconds(Math.min(t + rng.int(1, 20) * 86_400_000, HISTORY_END_MS)) }
        : {}),
      totalAmount: specialPrice ? jsonNumber(specialPrice) : money(totalAmount),
      totalRefund: money(refund),
      totalTaxAmount: money(taxTotal),
      totalDiscount: money(discountTotal),
      totalGratuity: money(gratuity),
      orderLineItems: lines,
      payments: [{ ...payment, type }],
      serviceCharges,
      ...(rng.chance(0.95) ? { locationRef: rng.pick(locationRefs) } : {}),
      // Guest checkouts have no customer.
      ...(rng.chance(0.92) ? { customerRef: rng.pick(customerRefs) } : {}),
      createdDate: created,
      ...mod,
    };
    orders.push(order);

    if (status === 'Paid') {
      const txId = rng.uuid();
      transactions.push({
        id: txId,
        totalAmount: money(paymentAmount),
        currency,
        type: 'Payment',
        subType: 'charge',
        transactionSourceRef: { id: paymentId, type: 'Payment' },
        sourceCreatedDate: created,
        createdDate: created,
        ...mod,
      });
      paymentTransactionIds.push({ id: txId, amount: paymentAmount, currency, createdMs: t });
      if (provider !== 'POS') {
        const fee = percentOf(paymentAmount, 290) + 30n * 100n;
        transactions.push({
          id: rng.uuid(),
          totalAmount: money(-fee),
          currency,
          type: 'PaymentFee',
          subType: `${provider.toLowerCase()}_fee`,
          transactionSourceRef: { id: paymentId, type: 'Fee' },
          sourceCreatedDate: created,
          createdDate: created,
          ...mod,
        });
      }
      if (refunded) {
        const refundMs = Math.min(t + rng.int(1, 30) * 86_400_000, HISTORY_END_MS);
        transactions.push({
          id: rng.uuid(),
          totalAmount: money(refund),
          currency,
          type: 'Refund',
          subType: 'refund',
          transactionSourceRef: { id: orderId, type: 'Order' },
          sourceCreatedDate: isoSeconds(refundMs),
          createdDate: stamp(rng, refundMs),
          ...modified(rng, refundMs),
        });
      }
    }
  });

  // Weekly payouts (no source record), plus a transaction type Codat may add later.
  for (let week = 0; week < 104; week++) {
    const t = Date.UTC(2024, 0, 5) + week * 7 * 86_400_000;
    transactions.push({
      id: rng.uuid(),
      totalAmount: money(-BigInt(rng.int(500, 20_000)) * UNITS_PER_MAJOR),
      currency: baseCurrency,
      type: rng.chance(0.03) ? 'FailedPayout' : 'Payout',
      ...(rng.chance(0.5) ? { subType: 'bank_transfer' } : {}),
      sourceCreatedDate: isoSeconds(t),
      createdDate: isoSeconds(t),
      ...modified(rng, t),
    });
    if (week % 20 === 7) {
      transactions.push({
        id: rng.uuid(),
        totalAmount: money(BigInt(rng.int(1, 50)) * UNITS_PER_MAJOR),
        currency: baseCurrency,
        type: 'ReserveRelease',
        sourceCreatedDate: isoSeconds(t),
        createdDate: isoSeconds(t),
        ...modified(rng, t),
      });
    }
  }

  // Disputes over some payment transactions
  const disputeStatuses = [
    'Won',
    'Lost',
    'Accepted',
    'Processing',
    'ChargeRefunded',
    'EvidenceRequired',
    'InquiryEvidenceRequired',
    'InquiryProcessing',
    'InquiryClosed',
    'WaitingThirdParty',
    'Unknown',
  ];
  const disputes: CodatRecord[] = paymentTransactionIds
    .filter(() => rng.chance(0.025))
    .map((tx) => {
      const t = Math.min(tx.createdMs + rng.int(2, 40) * 86_400_000, HISTORY_END_MS);
      return {
        id: rng.uuid(),
        disputedTransactions: [{ id: tx.id, type: 'Payment' }],
        totalAmount: money(tx.amount),
        currency: tx.currency,
        status: rng.pick(disputeStatuses),
        reason: rng.pick([
          'fraudulent',
          'product_not_received',
          'duplicate',
          'subscription_canceled',
          'general',
        ]),
        ...(rng.chance(0.6) ? { dueDate: isoSeconds(t + 14 * 86_400_000) } : {}),
        createdDate: stamp(rng, t),
        ...modified(rng, t),
      };
    });

  const byCreated = (a: CodatRecord, b: CodatRecord) => a.createdDate.localeCompare(b.createdDate);
  transactions.sort(byCreated);
  disputes.sort(byCreated);

  const info = {
    companyName,
    commercePlatformRef: companyId,
    companyLegalName: `${companyName} Ltd`,
    addresses: [address(rng, home, 'Billing')],
    phoneNumbers: [
      { number: `+44 20 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`, type: 'Primary' },
    ],
    webLinks: [
      {
        type: 'Website',
        url: `https://${companyName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com`,
      },
    ],
    registrationNumber: String(rng.int(10_000_000, 99_999_999)),
    baseCurrency,
    accountBalances: [
      {
        available: money(BigInt(rng.int(1000, 90_000)) * UNITS_PER_MAJOR),
        pending: money(BigInt(rng.int(0, 9000)) * UNITS_PER_MAJOR + 5000n),
        reserved: jsonNumber('0'),
        currency: baseCurrency,
      },
    ],
    sourceUrls: {
      [platformName]: `https://admin.${platformName.toLowerCase().replace(/[^a-z]/g, '')}.example.com/store/${companyId.slice(0, 8)}`,
    },
    createdDate: isoSeconds(Date.UTC(2023, 11, 1)),
  };

  return {
    lists: {
      'commerce-customers': customers,
      'commerce-disputes': disputes,
      'commerce-locations': locations,
      'commerce-orders': orders,
      'commerce-payments': payments,
      'commerce-products': products,
      'commerce-transactions': transactions,
    },
    info,
  };
}

function decimalToUnits(text: string): bigint {
  const [whole = '0', frac = ''] = text.split('.');
  return BigInt(whole) * UNITS_PER_MAJOR + BigInt(frac.padEnd(4, '0').slice(0, 4));
}
