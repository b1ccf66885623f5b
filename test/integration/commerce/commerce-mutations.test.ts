import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODAT_DEFAULT_SYNC_DURATION_MS } from '../../../src/sandbox/codat/state.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { linkSource } from './helpers.js';

const LINK = `mutation ($input: LinkCommerceSourceInput!) {
  linkCommerceSource(input: $input) { link { id source platform name status authorizationUrl } userErrors { field message code } }
}`;

interface LinkPayload {
  linkCommerceSource: {
    link: {
      id: string;
      source: string;
      platform: string;
      name: string;
      status: string;
      authorizationUrl: string;
    } | null;
    userErrors: Array<{ field: string[]; code: string }>;
  };
}

describe('commerce mutations', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t?.close());

  it('rejects invalid input with userErrors naming the field and no upstream call', async () => {
    const before = t.sandbox.server.requestCount('codat');
    const res = await t.graphql<LinkPayload>(LINK, {
      input: { source: 'CODAT', platform: 'no such platform!', name: '  ' },
    });
    expect(res.body.data!.linkCommerceSource.link).toBeNull();
    expect(res.body.data!.linkCommerceSource.userErrors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'platform'],
    ]);
    expect(t.sandbox.server.requestCount('codat')).toBe(before);
  });

  it('reports a platform Codat does not know as UPSTREAM_REJECTED', async () => {
    const res = await t.graphql<LinkPayload>(LINK, {
      input: { source: 'CODAT', platform: 'nosuchplatform', name: 'Shop' },
    });
    expect(res.body.data!.linkCommerceSource.userErrors).toEqual([
      { field: ['input', 'platform'], message: expect.any(String), code: 'UPSTREAM_REJECTED' },
    ]);
  });

  it('creates a Codat company and connection once per idempotency key and returns its linkUrl', async () => {
    const companies = t.sandbox.codat.companies().length;
    const input = {
      source: 'CODAT',
      platform: 'woocommerce',
      name: 'Idempotent Shop',
      idempotencyKey: 'link-1',
    };
    const first = await t.graphql<LinkPayload>(LINK, { input });
    const again = await t.graphql<LinkPayload>(LINK, { input });
    const link = first.body.data!.linkCommerceSource.link!;
    expect(again.body.data!.linkCommerceSource.link!.id).toBe(link.id);
    expect(t.sandbox.codat.companies().length).toBe(companies + 1);
    const company = t.sandbox.codat.companies().at(-1)!;
    expect(link).toMatchObject({
      source: 'CODAT',
      platform: 'woocommerce',
      status: 'PENDING_AUTHORIZATION',
    });
    expect(link.authorizationUrl).toBe(company.connections[0]!.linkUrl);
  });

  it('shows the link LINKED once the merchant authorised it at Codat', async () => {
    const company = t.sandbox.codat.companies().at(-1)!;
    t.sandbox.codat.authorize(company.id);
    const res = await t.graphql<{ commerce: { sources: Array<{ name: string; status: string }> } }>(
      `{ commerce { sources { name status } } }`,
    );
    expect(res.body.data!.commerce.sources.find((s) => s.name === 'Idempotent Shop')!.status).toBe(
      'LINKED',
    );
  });

  it('updates Codat sync settings of the link company', async () => {
    const link = await linkSource(t, 'CODAT', 'Settings Shop', 'shopify');
    const res = await t.graphql<{
      updateCommerceSyncSettings: {
        link: { id: string };
        settings: unknown[];
        userErrors: unknown[];
      };
    }>(
      `mutation ($input: UpdateCommerceSyncSettingsInput!) {
        updateCommerceSyncSettings(input: $input) { link { id } settings { dataType fetchOnFirstLink syncScheduleHours monthsToSync } userErrors { field code } }
      }`,
      {
        input: {
          linkId: link.id,
          settings: [
            { dataType: 'ORDERS', fetchOnFirstLink: true, syncScheduleHours: 6, monthsToSync: 12 },
          ],
        },
      },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.updateCommerceSyncSettings).toEqual({
      link: { id: link.id },
      settings: [
        { dataType: 'ORDERS', fetchOnFirstLink: true, syncScheduleHours: 6, monthsToSync: 12 },
      ],
      userErrors: [],
    });
    const company = t.sandbox.codat.companies().at(-1)!;
    expect(company.syncSettings?.find((s) => s.dataType === 'commerce-orders')).toMatchObject({
      syncSchedule: 6,
      monthsToSync: 12,
    });
  });

  it('queues a Codat dataset sync; the dataset answers DATA_NOT_READY until it completes', async () => {
    const link = await linkSource(t, 'CODAT', 'Sync Shop', 'shopify');
    const company = t.sandbox.codat.companies().at(-1)!;
    t.sandbox.codat.authorize(company.id);
    t.sandbox.codat.completeSync(company.id);
    // The queued sync runs until the test completes it, however long the first query takes.
    t.sandbox.codat.setSyncDurationMs(600_000);
    const res = await t.graphql<{
      syncCommerceData: {
        link: { id: string; syncStatus: Array<{ dataType: string; state: string }> };
        queued: Array<{ dataType: string; state: string }>;
        userErrors: unknown[];
      };
    }>(
      `mutation ($input: SyncCommerceDataInput!) { syncCommerceData(input: $input) {
        link { id syncStatus { dataType state } } queued { dataType state } userErrors { field code } } }`,
      { input: { linkId: link.id, dataTypes: ['LOCATIONS'] } },
    );
    expect(res.body.data!.syncCommerceData.userErrors).toEqual([]);
    expect(res.body.data!.syncCommerceData.queued.map((q) => q.dataType)).toEqual(['LOCATIONS']);
    // The link it changed comes back, its sync status showing the queued sync.
    const synced = res.body.data!.syncCommerceData.link;
    expect(synced.id).toBe(link.id);
    expect(synced.syncStatus.find((s) => s.dataType === 'LOCATIONS')?.state).toMatch(
      /^(QUEUED|FETCHING|PROCESSING)$/,
    );
    const during = await t.graphql(
      `query ($ids: [ID!]) { commerce { locations(filter: { linkIds: $ids }) { nodes { id } } } }`,
      { ids: [link.id] },
    );
    expect(during.body.errors?.[0]?.extensions?.['code']).toBe('DATA_NOT_READY');
    t.sandbox.codat.completeSync(company.id);
    t.sandbox.codat.setSyncDurationMs(CODAT_DEFAULT_SYNC_DURATION_MS);
    const after = await t.graphql<{ commerce: { locations: { nodes: unknown[] } } }>(
      `query ($ids: [ID!]) { commerce { locations(filter: { linkIds: $ids }) { nodes { id } } } }`,
      { ids: [link.id] },
    );
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.commerce.locations.nodes.length).toBeGreaterThan(0);
  });

  it('answers NOT_FOUND for a link of another workspace', async () => {
    const link = await linkSource(t, 'CODAT', 'Private Shop', 'shopify');
    const res = await t.graphql<{ syncCommerceData: { userErrors: Array<{ code: string }> } }>(
      `mutation ($input: SyncCommerceDataInput!) { syncCommerceData(input: $input) { userErrors { field code } } }`,
      { input: { linkId: link.id } },
      { apiKey: t.keys.b },
    );
    expect(res.body.data!.syncCommerceData.userErrors).toEqual([
      { field: ['input', 'linkId'], code: 'NOT_FOUND' },
    ]);
    const sources = await t.graphql<{ commerce: { sources: unknown[] } }>(
      `{ commerce { sources { id } } }`,
      {},
      { apiKey: t.keys.b },
    );
    expect(sources.body.data!.commerce.sources).toEqual([]);
  });
});
