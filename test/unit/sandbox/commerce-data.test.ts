import { describe, expect, it } from 'vitest';
import { generateCodatCompanyData, type CodatRecord } from '../../../src/sandbox/codat/data.js';
import { toExactJson } from '../../../src/sandbox/commerce-data/exact-json.js';
import { generateQardUserData, newestFirst } from '../../../src/sandbox/qard/data.js';

const COMPANY = '3d5d7e15-b10c-4dfb-b36b-656054bcb616';
const codat = generateCodatCompanyData(7, COMPANY, 'Acme', 'Shopify');
const lists = codat.lists;

const idsOf = (records: readonly { id: string }[]) => new Set(records.map((r) => r.id));

describe('Codat sandbox data', () => {
  it('is the same for the same seed and company, different otherwise', () => {
    expect(toExactJson(generateCodatCompanyData(7, COMPANY, 'Acme', 'Shopify'))).toBe(
      toExactJson(codat),
    );
    const other = generateCodatCompanyData(8, COMPANY, 'Acme', 'Shopify');
    expect(other.lists['commerce-orders'][0]?.id).not.toBe(lists['commerce-orders'][0]?.id);
  });

  it('has thousands of orders and realistic volumes elsewhere', () => {
    expect(lists['commerce-orders'].length).toBeGreaterThanOrEqual(2000);
    expect(lists['commerce-orders'].length).toBeLessThanOrEqual(3000);
    expect(lists['commerce-customers'].length).toBeGreaterThanOrEqual(450);
    expect(lists['commerce-products'].length).toBeGreaterThanOrEqual(280);
    expect(lists['commerce-transactions'].length).toBeGreaterThan(lists['commerce-orders'].length);
    expect(lists['commerce-disputes'].length).toBeGreaterThan(10);
  });

  it('gives every record a unique id, createdDate and modifiedDate', () => {
    const all: CodatRecord[] = Object.values(lists).flat();
    expect(idsOf(all).size).toBe(all.length);
    for (const r of all) {
      expect(r.createdDate, r.id).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
      expect(r.modifiedDate, r.id).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
  });

  it('spreads createdDate over two years with ties and some times without a zone', () => {
    const dates = lists['commerce-orders'].map((o) => o.createdDate);
    const years = new Set(dates.map((d) => d.slice(0, 4)));
    expect([...years].sort()).toEqual(['2024', '2025']);
    expect(new Set(dates.map((d) => d.replace(/Z$/, ''))).size).toBeLessThan(dates.length - 50);
    expect(dates.some((d) => !d.endsWith('Z'))).toBe(true);
  });

  it('references real customers, products, variants, locations and payments', () => {
    const customers = idsOf(lists['commerce-customers']);
    const products = new Map(
      lists['commerce-products'].map((p) => [
        p.id,
        new Set((p['variants'] as Array<{ id: string }>).map((v) => v.id)),
      ]),
    );
    const locations = idsOf(lists['commerce-locations']);
    const payments = idsOf(lists['commerce-payments']);
    let guests = 0;
    for (const order of lists['commerce-orders']) {
      const customerRef = order['customerRef'] as { id: string } | undefined;
      if (customerRef) expect(customers.has(customerRef.id)).toBe(true);
      else guests++;
      const locationRef = order['locationRef'] as { id: string } | undefined;
      if (locationRef) expect(locations.has(locationRef.id)).toBe(true);
      for (const line of order['orderLineItems'] as Array<{
        productRef: { id: string };
        productVariantRef: { id: string };
      }>) {
        expect(products.get(line.productRef.id)?.has(line.productVariantRef.id)).toBe(true);
      }
      for (const p of order['payments'] as Array<{ id: string }>)
        expect(payments.has(p.id)).toBe(true);
    }
    expect(guests).toBeGreaterThan(0);
    const sources = new Set([...payments, ...idsOf(lists['commerce-orders'])]);
    for (const t of lists['commerce-transactions']) {
      const ref = t['transactionSourceRef'] as { id: string } | undefined;
      if (ref) expect(sources.has(ref.id)).toBe(true);
    }
  });

  it('includes amounts a float would mangle, transaction types clients do not know yet and missing fields', () => {
    const text = toExactJson(lists['commerce-orders']);
    expect(text).toContain('"totalAmount":9007199254740993.01');
    expect(text).toContain('"totalAmount":0.1,');
    expect(text).toContain('"totalAmount":1234.5678');
    expect(lists['commerce-transactions'].some((t) => t['type'] === 'ReserveRelease')).toBe(true);
    expect(lists['commerce-customers'].some((c) => c['phone'] === undefined)).toBe(true);
  });
});

describe('Qard sandbox data', () => {
  const qard = generateQardUserData(7, 'user-1', 'conn-1');

  it('is the same for the same seed and user', () => {
    expect(JSON.stringify(generateQardUserData(7, 'user-1', 'conn-1'))).toBe(JSON.stringify(qard));
    expect(generateQardUserData(7, 'user-2', 'conn-1')['commerce-orders'][0]?.id).not.toBe(
      qard['commerce-orders'][0]?.id,
    );
  });

  it('serves newest first, with money as decimal strings and real references', () => {
    const orders = qard['commerce-orders'];
    expect(orders.length).toBeGreaterThanOrEqual(2000);
    expect([...orders].sort(newestFirst)).toEqual(orders);
    const customers = idsOf(qard['commerce-customers']);
    const variants = new Set(
      qard['commerce-products'].flatMap((p) =>
        (p['variants'] as Array<{ id: string }>).map((v) => v.id),
      ),
    );
    for (const order of orders) {
      expect((order['total_amount'] as { amount: string }).amount).toMatch(/^\d+\.\d{2}$/);
      if (order['customer_id'] !== null)
        expect(customers.has(String(order['customer_id']))).toBe(true);
      for (const line of order['line_items'] as Array<{ variant_id: string }>)
        expect(variants.has(line.variant_id)).toBe(true);
      expect(order['data_connection_id']).toBe('conn-1');
    }
  });
});
