import { describe, expect, it } from 'vitest';
import {
  codatDispute,
  codatPayment,
  codatProduct,
} from '../../../src/modules/commerce/sources/codat/codat-mappers.js';
import { codatOrder } from '../../../src/modules/commerce/sources/codat/codat-order.js';
import { CodatSource } from '../../../src/modules/commerce/sources/codat/codat-source.js';
import type { OrderLineItemModel } from '../../../src/modules/commerce/model.js';
import type { CommerceLink } from '../../../src/modules/commerce/sources/source.js';
import type { CodatClient, CodatListQuery } from '../../../src/upstreams/codat/codat-client.js';
import type { CodatRecord } from '../../../src/upstreams/codat/codat-types.js';
import { parseExactJson } from '../../../src/upstreams/exact-json.js';
import { parseRecordPage } from '../../../src/upstreams/lazy-record-page.js';

const link: CommerceLink = {
  id: 'link-1',
  workspaceId: 'ws',
  source: 'CODAT',
  platform: 'shopify',
  name: 'Shop',
  status: 'LINKED',
  externalRefs: { companyId: 'c', connectionId: 'k' },
  authorizationUrl: null,
  createdAt: new Date(),
};

describe('Codat normalization', () => {
  it('keeps amounts exact from the wire to the model', () => {
    const body = parseExactJson(
      '{"id":"o1","currency":"EUR","totalAmount":9007199254740993.01,"totalTaxAmount":0.1,"totalDiscount":12}',
    ) as CodatRecord;
    const order = codatOrder('link-1', body);
    expect(order.totalAmount).toEqual({ amount: '9007199254740993.01', currencyCode: 'EUR' });
    expect(order.totalTaxAmount?.amount).toBe('0.1');
    expect(order.totalDiscount?.amount).toBe('12');
  });

  it('reads line items of a lazily read page with exact amounts and unrounded ids', () => {
    const page = parseRecordPage(
      '{"results":[{"id":"o1","currency":"GBP","orderLineItems":[' +
        '{"id":"l1","quantity":2,"unitPrice":12.10,"totalAmount":9007199254740993.01,' +
        '"productRef":{"id":"p1","name":"Tote"},"productVariantRef":{"id":12345678901234567891}},' +
        '{"id":98765432109876543210,"quantity":0.5,"totalTaxAmount":3.50,"productRef":{"id":"p2"}}]}]}',
      'results',
    ) as { results: CodatRecord[] };
    const fields = (l: OrderLineItemModel | undefined) => ({
      sourceId: l?.sourceId,
      position: l?.position,
      name: l?.name,
      quantity: l?.quantity,
      unitPrice: l?.unitPrice,
      totalAmount: l?.totalAmount,
      totalTaxAmount: l?.totalTaxAmount,
      product: l?.product,
      variant: l?.variant,
    });
    const [first, second] = codatOrder('link-1', page.results[0]!).lineItems.map(fields);
    expect(first).toEqual({
      position: 0,
      totalTaxAmount: null,
      sourceId: 'l1',
      name: 'Tote',
      quantity: '2',
      unitPrice: { amount: '12.10', currencyCode: 'GBP' },
      totalAmount: { amount: '9007199254740993.01', currencyCode: 'GBP' },
      product: { id: 'p1', name: 'Tote' },
      variant: { id: '12345678901234567891', name: null },
    });
    expect(second).toEqual({
      name: null,
      unitPrice: null,
      totalAmount: null,
      variant: null,
      sourceId: '98765432109876543210',
      position: 1,
      quantity: '0.5',
      totalTaxAmount: { amount: '3.50', currencyCode: 'GBP' },
      product: { id: 'p2', name: null },
    });
  });

  it('reads a time without a zone as UTC and flags it', () => {
    const order = codatOrder('link-1', {
      id: 'o1',
      createdDate: '2024-01-02T03:04:05',
      modifiedDate: '2024-01-03T00:00:00Z',
    });
    expect(order.createdAt).toBe('2024-01-02T03:04:05.000Z');
    expect(order.timeZoneAssumed).toBe(true);
    expect(order.sortTime).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    const zoned = codatOrder('link-1', { id: 'o2', createdDate: '2024-01-02T03:04:05+02:00' });
    expect(zoned.createdAt).toBe('2024-01-02T01:04:05.000Z');
    expect(zoned.timeZoneAssumed).toBe(false);
  });

  it('maps unknown enum values to UNKNOWN instead of failing', () => {
    expect(codatPayment('l', { id: 'p', status: 'Refunding' }).status).toBe('UNKNOWN');
    expect(codatPayment('l', { id: 'p', status: 'Paid' }).status).toBe('PAID');
    expect(codatDispute('l', { id: 'd', status: 'ArbitrationPending' }).status).toBe('UNKNOWN');
    expect(codatDispute('l', { id: 'd', status: 'InquiryEvidenceRequired' }).status).toBe(
      'INQUIRY_EVIDENCE_REQUIRED',
    );
    expect(codatProduct('l', { id: 'x', status: 'Archived' }).status).toBe('UNKNOWN');
  });

  it('tolerates missing optional fields', () => {
    const order = codatOrder('l', { id: 'o' });
    expect(order).toMatchObject({
      currencyCode: 'XXX',
      totalAmount: null,
      customer: null,
      lineItems: [],
      createdAt: null,
      sortTime: 0,
    });
    expect(codatProduct('l', { id: 'x', variants: [{ name: 'no id' }, null] }).variants).toEqual(
      [],
    );
  });
});

describe('Codat source paging', () => {
  function stubClient(total: number, seen: CodatListQuery[]): CodatClient {
    return {
      async listCommerce(
        _company: string,
        _connection: string,
        _dataset: string,
        q: CodatListQuery,
      ) {
        seen.push(q);
        const from = (q.page - 1) * q.pageSize;
        const count = Math.max(0, Math.min(q.pageSize, total - from));
        const text = `{"results":[${Array.from({ length: count }, (_, i) => `{"id":"o${from + i}","currency":"GBP","totalAmount":${from + i}.10,"createdDate":"2024-01-01T00:00:00Z"}`).join(',')}],"pageNumber":${q.page},"pageSize":${q.pageSize},"totalResults":${total}}`;
        return parseExactJson(text);
      },
    } as unknown as CodatClient;
  }

  it('reads 5000-row pages (Codat maximum) exactly and caps larger requests', async () => {
    const seen: CodatListQuery[] = [];
    const source = new CodatSource(stubClient(7500, seen));
    const first = await source.listPage(link, 'orders', {
      position: null,
      sizeHint: 20_000,
      filter: {},
    });
    expect(seen[0]).toMatchObject({ page: 1, pageSize: 5000, orderBy: '-createdDate' });
    expect(first.records).toHaveLength(5000);
    expect(first.records[4999]!.totalAmount?.amount).toBe('4999.10');
    expect(first.totalCount).toBe(7500);
    const second = await source.listPage(link, 'orders', {
      position: first.next,
      sizeHint: 1,
      filter: {},
    });
    expect(seen[1]).toMatchObject({ page: 2, pageSize: 5000 });
    expect(second.records).toHaveLength(2500);
    expect(second.next).toBeNull();
  });

  it('turns date filters into Codat query syntax', async () => {
    const seen: CodatListQuery[] = [];
    const source = new CodatSource(stubClient(0, seen));
    await source.listPage(link, 'orders', {
      position: null,
      sizeHint: 5,
      filter: {
        createdAfter: new Date('2024-01-01T00:00:00Z'),
        modifiedAfter: new Date('2024-02-01T00:00:00Z'),
      },
    });
    expect(seen[0]!.query).toBe(
      'createdDate>=2024-01-01T00:00:00.000Z&&modifiedDate>=2024-02-01T00:00:00.000Z',
    );
  });

  it('looks ids up in as few query batches as keep each URL under 8 KB', async () => {
    const seen: CodatListQuery[] = [];
    const source = new CodatSource(stubClient(0, seen));
    const ids = Array.from(
      { length: 400 },
      (_, i) => `3fa85f64-5717-4562-b3fc-${String(i).padStart(12, '0')}`,
    );
    await source.fetchByIds(link, 'customers', ids);
    expect(seen.length).toBe(3);
    for (const q of seen) {
      expect(encodeURIComponent(q.query!).length).toBeLessThanOrEqual(7_600);
      expect(q.pageSize).toBe(q.query!.split('||').length);
    }
    expect(seen.flatMap((q) => q.query!.split('||'))).toEqual(ids.map((id) => `id=${id}`));
    expect(seen[0]!.query!.split('||').length).toBeGreaterThan(150);
  });
});
