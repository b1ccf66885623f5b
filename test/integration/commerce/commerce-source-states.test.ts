import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { installAndClaim } from '../shopline/helpers.js';
import { authorizeCodat, authorizeQard, linkSource, syncLink } from './helpers.js';

interface SourceStatus {
  link: { id: string; source: string };
  state: string;
  reason: string | null;
  errorCode: string | null;
}

const STATUSES = `query ($dataset: Boolean!) {
  commerce {
    orders(first: 5) @include(if: $dataset) {
      totalCount
      nodes { id source }
      sourceErrors { id }
      sourceStatuses { link { id source } state reason errorCode }
    }
    payments(first: 5) {
      sourceStatuses { link { id source } state reason errorCode }
    }
  }
}`;

const UNLINK = `mutation ($input: UnlinkCommerceSourceInput!) {
  unlinkCommerceSource(input: $input) { deletedLinkId userErrors { field message code } }
}`;

const MERCHANT = 'm-states';

describe('commerce lists say what each link gave', () => {
  let t: TestGateway;
  let codat: string;
  let pendingQard: string;

  beforeAll(async () => {
    t = await startTestGateway();
    t.sandbox.qard.enableProvider('shopify');
    codat = (await linkSource(t, 'CODAT', 'States Codat')).id;
    authorizeCodat(t);
  });
  afterAll(() => t?.close());

  it('shows a link the merchant never authorised as a source status, not as an error', async () => {
    pendingQard = (await linkSource(t, 'QARD', 'States Qard (never authorised)')).id;
    const res = await t.graphql<{
      commerce: {
        orders: {
          totalCount: number;
          nodes: unknown[];
          sourceErrors: unknown[];
          sourceStatuses: SourceStatus[];
        };
        payments: { sourceStatuses: SourceStatus[] };
      };
    }>(STATUSES, { dataset: true });
    expect(res.body.errors).toBeUndefined();
    const orders = res.body.data!.commerce.orders;
    expect(orders.nodes).toHaveLength(5);
    expect(orders.sourceErrors).toEqual([]);
    expect(orders.totalCount).toBe(
      t.sandbox.codat.data(t.sandbox.codat.companies().at(-1)!.id).lists['commerce-orders'].length,
    );
    expect(orders.sourceStatuses).toEqual([
      {
        link: { id: pendingQard, source: 'QARD' },
        state: 'PENDING_AUTHORIZATION',
        reason: 'The merchant has not authorised link "States Qard (never authorised)" yet',
        errorCode: null,
      },
      { link: { id: codat, source: 'CODAT' }, state: 'INCLUDED', reason: null, errorCode: null },
    ]);
    // Qard has no payments: that is what the source offers, not a failure.
    expect(
      res.body.data!.commerce.payments.sourceStatuses.map((s) => [
        s.link.source,
        s.state,
        s.reason,
      ]),
    ).toEqual([
      ['QARD', 'NOT_OFFERED', 'QARD offers no payments'],
      ['CODAT', 'INCLUDED', null],
    ]);
  });

  it('answers an empty list, without errors, when no link is authorised yet', async () => {
    const res = await t.graphql<{
      commerce: { orders: { nodes: unknown[]; sourceStatuses: SourceStatus[] } };
    }>(
      `query ($f: CommerceRecordFilter) { commerce { orders(first: 5, filter: $f) { nodes { id } sourceStatuses { state } } } }`,
      { f: { linkIds: [pendingQard] } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.commerce.orders).toEqual({
      nodes: [],
      sourceStatuses: [{ state: 'PENDING_AUTHORIZATION' }],
    });
  });

  it('keeps DATA_NOT_READY for an authorised link still syncing: it should have answered', async () => {
    const qard = await linkSource(t, 'QARD', 'States Qard (syncing)');
    const { userId } = authorizeQard(t);
    const res = await t.graphql<{ commerce: { orders: { sourceStatuses: SourceStatus[] } } }>(
      STATUSES,
      { dataset: true },
    );
    const status = res.body.data!.commerce.orders.sourceStatuses.find(
      (s) => s.link.id === qard.id,
    )!;
    expect(status).toMatchObject({ state: 'FAILED', errorCode: 'DATA_NOT_READY' });
    expect(res.body.errors?.map((e) => [e.extensions?.['code'], e.extensions?.['linkId']])).toEqual(
      [['DATA_NOT_READY', qard.id]],
    );
    await syncLink(t, qard.id);
    t.sandbox.qard.completeSync(userId);
  });

  it('says per link why there is no company profile', async () => {
    const res = await t.graphql<{
      commerce: {
        companyProfiles: Array<SourceStatus & { companyInfo: { name: string } | null }>;
        companyInfo: unknown[];
      };
    }>(
      `{ commerce { companyProfiles { link { id source } state reason errorCode companyInfo { id name } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const profiles = res.body.data!.commerce.companyProfiles;
    expect(profiles.map((p) => [p.link.source, p.state, p.reason, p.companyInfo !== null])).toEqual(
      [
        ['QARD', 'NOT_OFFERED', 'QARD offers no company profile', false],
        ['QARD', 'NOT_OFFERED', 'QARD offers no company profile', false],
        ['CODAT', 'INCLUDED', null, true],
      ],
    );
    expect(profiles[2]!.companyInfo!.name).toBeTruthy();
  });

  it('reports a profile the source failed to give as FAILED with an error at its entry', async () => {
    t.sandbox.server.setKnobs('codat', { dropRate: 1 });
    try {
      const res = await t.graphql<{ commerce: { companyProfiles: SourceStatus[] } }>(
        `{ commerce { companyProfiles { link { source } state errorCode companyInfo { id } } } }`,
      );
      const codatProfile = res.body.data!.commerce.companyProfiles[2]!;
      expect(codatProfile).toMatchObject({ state: 'FAILED', errorCode: 'UPSTREAM_UNAVAILABLE' });
      expect(res.body.errors?.map((e) => e.path)).toEqual([['commerce', 'companyProfiles', 2]]);
    } finally {
      t.sandbox.server.setKnobs('codat', { dropRate: 0 });
    }
  });
});

describe('three sources in one workspace', () => {
  let t: TestGateway;
  let links: { codat: string; qard: string; shopline: string };

  beforeAll(async () => {
    t = await startTestGateway({ env: { COMMERCE_BACKWARD_SCAN_MAX: '1000' } });
    t.sandbox.qard.enableProvider('shopify');
    const codat = (await linkSource(t, 'CODAT', 'Three Codat')).id;
    authorizeCodat(t);
    const qard = (await linkSource(t, 'QARD', 'Three Qard')).id;
    const { userId } = authorizeQard(t);
    await syncLink(t, qard);
    t.sandbox.qard.completeSync(userId);
    await installAndClaim(t, MERCHANT);
    const sources = await t.graphql<{
      commerce: { sources: Array<{ id: string; source: string }> };
    }>('{ commerce { sources { id source } } }');
    const idOf = (s: string) => sources.body.data!.commerce.sources.find((l) => l.source === s)!.id;
    links = { codat, qard, shopline: idOf('SHOPLINE') };
  });
  afterAll(() => t?.close());

  it('resolves the product of every order line item on all three sources', async () => {
    for (const source of ['CODAT', 'QARD', 'SHOPLINE']) {
      const res = await t.graphql<{
        commerce: {
          orders: {
            nodes: Array<{
              lineItems: Array<{
                product: { id: string; source: string } | null;
                variant: { id: string } | null;
              }>;
            }>;
          };
        };
      }>(
        `query ($f: CommerceRecordFilter) { commerce { orders(first: 50, filter: $f) {
          nodes { lineItems { product { id source } variant { id } } }
        } } }`,
        { f: { sources: [source] } },
      );
      expect(res.body.errors).toBeUndefined();
      const lines = res.body.data!.commerce.orders.nodes.flatMap((o) => o.lineItems);
      expect(lines.length, source).toBeGreaterThan(0);
      const unresolved = lines.filter((l) => l.product === null).length;
      expect(`${source}: ${unresolved} of ${lines.length} without product`).toBe(
        `${source}: 0 of ${lines.length} without product`,
      );
      for (const l of lines) expect(l.product!.source).toBe(source);
      if (source === 'SHOPLINE') expect(lines.every((l) => l.variant !== null)).toBe(true);
    }
  });

  it('pages backwards with last/before through exactly the records paging forwards gives', async () => {
    const ORDERS = `query ($first: Int, $after: String, $last: Int, $before: String, $f: CommerceRecordFilter) {
      commerce { orders(first: $first, after: $after, last: $last, before: $before, filter: $f) {
        edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        totalCount
      } }
    }`;
    type Page = {
      edges: Array<{ cursor: string; node: { id: string } }>;
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string;
        endCursor: string;
      };
      totalCount: number;
    };
    // The newest few hundred orders of all three sources.
    const f = { createdAfter: '2025-11-01T00:00:00Z' };
    const read = async (vars: Record<string, unknown>) => {
      const res = await t.graphql<{ commerce: { orders: Page } }>(ORDERS, { f, ...vars });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.commerce.orders;
    };
    const forward: string[] = [];
    const cursors: string[] = [];
    for (let after: string | null = null; ;) {
      const page: Page = await read({ first: 97, after });
      forward.push(...page.edges.map((e) => e.node.id));
      cursors.push(...page.edges.map((e) => e.cursor));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(forward.length).toBeGreaterThan(150);

    // From the end, backwards, in pages of 41: every record once, in list order.
    const backward: string[] = [];
    let last = await read({ last: 41 });
    expect(last.pageInfo.hasNextPage).toBe(false);
    for (;;) {
      backward.unshift(...last.edges.map((e) => e.node.id));
      if (!last.pageInfo.hasPreviousPage) break;
      last = await read({ last: 41, before: last.pageInfo.startCursor });
      expect(last.pageInfo.hasNextPage).toBe(true);
    }
    expect(backward).toEqual(forward);

    // A window between two cursors, and paging on from a backward page's cursors.
    const between = await read({ last: 5, before: cursors[30], after: cursors[10] });
    expect(between.edges.map((e) => e.node.id)).toEqual(forward.slice(25, 30));
    expect(between.pageInfo.hasPreviousPage).toBe(true);
    const again = await read({ first: 3, after: between.pageInfo.endCursor });
    expect(again.edges.map((e) => e.node.id)).toEqual(forward.slice(30, 33));
    const window = await read({ first: 50, after: cursors[10], before: cursors[14] });
    expect(window.edges.map((e) => e.node.id)).toEqual(forward.slice(11, 14));

    const both = await t.graphql(ORDERS, { first: 2, last: 2 });
    expect(both.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    // The whole list (4,700 orders) is further back than COMMERCE_BACKWARD_SCAN_MAX allows here.
    const tooFar = await t.graphql(ORDERS, { last: 5, f: {} });
    expect(tooFar.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(tooFar.body.errors?.[0]?.message).toMatch(/at most 1000 records/);
  });

  it('removes each kind of link, telling the source as far as it allows, and answers the same id again', async () => {
    const ids = [links.codat, links.qard, links.shopline];
    const codatCompany = t.sandbox.codat.companies().at(-1)!;
    const qardUser = t.sandbox.qard.users().at(-1)!;
    for (const linkId of ids) {
      const first = await t.graphql<{
        unlinkCommerceSource: { deletedLinkId: string | null; userErrors: unknown[] };
      }>(UNLINK, { input: { linkId } });
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data!.unlinkCommerceSource).toEqual({
        deletedLinkId: linkId,
        userErrors: [],
      });
      const calls = t.sandbox.server.requests().length;
      const again = await t.graphql<{
        unlinkCommerceSource: { deletedLinkId: string | null; userErrors: unknown[] };
      }>(UNLINK, { input: { linkId } });
      expect(again.body.data!.unlinkCommerceSource).toEqual({
        deletedLinkId: linkId,
        userErrors: [],
      });
      // The repeat changes nothing upstream.
      expect(t.sandbox.server.requests().length).toBe(calls);
    }
    expect(codatCompany.connections.map((c) => c.status)).toEqual(['Unlinked']);
    expect(qardUser.connections.map((c) => c.status)).toEqual(['DISCONNECTED']);
    const left = await t.graphql<{
      commerce: { sources: unknown[]; orders: { nodes: unknown[] } };
    }>('{ commerce { sources { id } orders(first: 5) { nodes { id } } } }');
    expect(left.body.errors).toBeUndefined();
    expect(left.body.data!.commerce).toEqual({ sources: [], orders: { nodes: [] } });
    const merchants = await t.graphql<{ shoplineMerchants: { nodes: unknown[] } }>(
      '{ shoplineMerchants { nodes { merchantId } } }',
    );
    expect(merchants.body.data!.shoplineMerchants.nodes).toEqual([]);
  });

  it('answers NOT_FOUND for a link the workspace never had, and for another workspace’s', async () => {
    const other = await linkSource(t, 'CODAT', 'Kept');
    for (const [linkId, apiKey] of [
      ['gid://commerce-graph/CommerceLink/nope', t.keys.a],
      [other.id, t.keys.b],
    ] as const) {
      const res = await t.graphql<{
        unlinkCommerceSource: { deletedLinkId: string | null; userErrors: Array<{ code: string }> };
      }>(UNLINK, { input: { linkId } }, { apiKey });
      expect(res.body.data!.unlinkCommerceSource.deletedLinkId).toBeNull();
      expect(res.body.data!.unlinkCommerceSource.userErrors.map((e) => e.code)).toEqual([
        'NOT_FOUND',
      ]);
    }
  });
});
