import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CODAT_WEBHOOK_SECRET } from '../../../src/sandbox/codat/webhook-sender.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';
import { authorizeCodat, authorizeQard, linkSource, syncLink } from './helpers.js';
import {
  codatDataCalls,
  deliver,
  disposeClients,
  ORDERS,
  readCompleted,
  subscribe,
  svixHeaders,
} from './sync-events-helpers.js';

/**
 * `Subscription.commerceLinkSynced` over graphql-ws: fed by the sandbox Codat's signed webhooks
 * and by polling Qard, across replicas through Redis, and dropping the link's cached records.
 */

afterAll(disposeClients);

describe('commerceLinkSynced fed by Codat webhooks', () => {
  let t: TestGateway;
  let linkId: string;
  let companyId: string;
  let sub: Awaited<ReturnType<typeof subscribe>>;

  beforeAll(async () => {
    t = await startTestGateway({
      codatWebhooks: true,
      // Records are kept and the link's status trusted for an hour: only the webhook can make
      // the gateway read the link again.
      env: { COMMERCE_CACHE_MB: '16', COMMERCE_CACHE_SYNC_CHECK_SECONDS: '3600' },
    });
    sub = await subscribe(t, t.keys.a);
    linkId = (await linkSource(t, 'CODAT', 'Fresh Goods', 'woocommerce')).id;
  });
  afterAll(() => t?.close());

  it('announces the first syncs of a linked store when the sandbox Codat’s webhook arrives', async () => {
    companyId = authorizeCodat(t, false);
    // The sandbox completes the syncs and then delivers `read.completed`, signed, to the gateway.
    t.sandbox.codat.completeSync(companyId);
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBe(1);
    const [event] = sub.events;
    expect(event).toMatchObject({
      link: { id: linkId, name: 'Fresh Goods', source: 'CODAT' },
      outcome: 'COMPLETED',
      signal: 'WEBHOOK',
    });
    expect(event!.datasets.map((d) => d.dataType)).toEqual(
      expect.arrayContaining(['ORDERS', 'CUSTOMERS', 'PRODUCTS']),
    );
    for (const d of event!.datasets) {
      expect(d.state).toBe('COMPLETE');
      expect(d.upstreamStatus).toBe('Complete');
      expect(Date.parse(d.dataAsOf!)).not.toBeNaN();
    }
    const [delivery] = t.sandbox.codat.webhooks.deliveries();
    expect(delivery).toMatchObject({ eventType: 'read.completed', companyId, status: 200 });
    expect(sub.errors).toEqual([]);
  });

  it('drops the link’s cached records on a completed sync, so the next query reads Codat again', async () => {
    const first = await codatDataCalls(t, () => t.graphql(ORDERS));
    expect(first.calls).toBeGreaterThan(0);
    expect((await codatDataCalls(t, () => t.graphql(ORDERS))).calls).toBe(0);

    // Codat syncs on its own schedule: while it runs the cache keeps answering.
    t.sandbox.codat.startSync(companyId, 'commerce-orders');
    const during = await codatDataCalls(t, () => t.graphql(ORDERS));
    expect(during.calls).toBe(0);
    expect(during.result.body).toEqual(first.result.body);

    t.sandbox.codat.completeSync(companyId);
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBe(2);
    expect(sub.events[1]).toMatchObject({
      link: { id: linkId },
      outcome: 'COMPLETED',
      signal: 'WEBHOOK',
      datasets: [{ dataType: 'ORDERS', state: 'COMPLETE' }],
    });
    const after = await codatDataCalls(t, () => t.graphql(ORDERS));
    expect(after.calls).toBeGreaterThan(0);
    expect(after.result.body).toEqual(first.result.body);
  });

  it('refuses forged, stale, unsigned and oversized deliveries, and they change nothing', async () => {
    const connectionId = t.sandbox.codat.companies().find((c) => c.id === companyId)!
      .connections[0]!.id;
    const body = readCompleted(companyId, connectionId);
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(`${t.url}/webhooks/codat`, { method: 'POST', headers, body: payload }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } }),
      );
    const forgedSecret = `whsec_${Buffer.from('not the endpoint secret').toString('base64')}`;
    const eventsBefore = sub.events.length;

    expect(await post(svixHeaders(body, forgedSecret))).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_SIGNATURE_INVALID' },
    });
    // A genuine signature over another body does not sign this one.
    const genuine = svixHeaders(
      readCompleted(companyId, connectionId, 'commerce-products'),
      SANDBOX_CODAT_WEBHOOK_SECRET,
    );
    expect(await post(genuine)).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_SIGNATURE_INVALID' },
    });
    expect(await post({ 'content-type': 'application/json' })).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_SIGNATURE_MISSING' },
    });
    const stale = Math.floor(Date.now() / 1000) - 3600;
    expect(
      await post(svixHeaders(body, SANDBOX_CODAT_WEBHOOK_SECRET, 'msg_stale', stale)),
    ).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_TIMESTAMP_INVALID' },
    });
    const huge = JSON.stringify({ padding: 'x'.repeat(t.config.codat.webhookMaxBodyBytes) });
    expect((await post(svixHeaders(huge, SANDBOX_CODAT_WEBHOOK_SECRET), huge)).status).toBe(413);
    const notJson = 'not json';
    expect(
      await post(svixHeaders(notJson, SANDBOX_CODAT_WEBHOOK_SECRET, 'msg_nj'), notJson),
    ).toMatchObject({
      status: 400,
      body: { code: 'WEBHOOK_PAYLOAD_INVALID' },
    });

    // Nothing was announced and nothing dropped: the records still come from the cache.
    expect((await codatDataCalls(t, () => t.graphql(ORDERS))).calls).toBe(0);
    // A delivery signed as Codat documents it (node:crypto, not the gateway's verifier) is
    // accepted, and is the only event subscribers saw since.
    const signed = await post(svixHeaders(body, SANDBOX_CODAT_WEBHOOK_SECRET, 'msg_genuine'));
    expect(signed).toMatchObject({ status: 200, body: { received: true, outcome: 'announced' } });
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBe(eventsBefore + 1);
    expect(sub.events.at(-1)).toMatchObject({ link: { id: linkId }, signal: 'WEBHOOK' });
    // Svix redelivers a message with the same id: it is announced once.
    expect(
      await post(svixHeaders(body, SANDBOX_CODAT_WEBHOOK_SECRET, 'msg_genuine')),
    ).toMatchObject({
      status: 200,
      body: { outcome: 'duplicate' },
    });
  });

  it('announces a sync once however many deliveries of it arrive at once', async () => {
    const connectionId = t.sandbox.codat.companies().find((c) => c.id === companyId)!
      .connections[0]!.id;
    const post = (body: string, id: string) => deliver(t, body, id);
    const eventsBefore = sub.events.length;
    // Svix delivering one message five times at once (a retry racing the first delivery).
    const orders = readCompleted(companyId, connectionId, 'commerce-orders');
    const retried = await Promise.all([1, 2, 3, 4, 5].map(() => post(orders, 'msg_raced')));
    expect(retried.sort()).toEqual([
      'announced',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    // One sync told by five messages at once (as by a webhook and a poll, or two replicas).
    const customers = readCompleted(companyId, connectionId, 'commerce-customers');
    const told = await Promise.all([1, 2, 3, 4, 5].map((i) => post(customers, `msg_told_${i}`)));
    expect(told.sort()).toEqual(['announced', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    // A later sync's event arriving shows every earlier one has arrived (one bus, in order).
    const marker = readCompleted(companyId, connectionId, 'commerce-products');
    expect(await post(marker, 'msg_marker')).toBe('announced');
    await until(() => sub.events.length >= eventsBefore + 3, 'the marker sync’s event');
    expect(sub.events.slice(eventsBefore).map((e) => e.datasets.map((d) => d.dataType))).toEqual([
      ['ORDERS'],
      ['CUSTOMERS'],
      ['PRODUCTS'],
    ]);
  });

  it('does not tell another workspace of the link’s syncs', async () => {
    const other = await subscribe(t, t.keys.b);
    const mine = await subscribe(t, t.keys.a, linkId);
    t.sandbox.codat.startSync(companyId, 'commerce-customers');
    t.sandbox.codat.completeSync(companyId);
    await expect.poll(() => mine.events.length, { timeout: 10_000 }).toBe(1);
    expect(mine.events[0]).toMatchObject({ datasets: [{ dataType: 'CUSTOMERS' }] });
    expect(other.events).toEqual([]);
  });
});

describe('commerceLinkSynced fed by polling Qard', () => {
  let t: TestGateway;
  afterAll(() => t?.close());

  it('announces a requested Qard sync when its status says it ended', async () => {
    t = await startTestGateway({
      env: { COMMERCE_SYNC_POLL_INTERVAL_MS: '50', COMMERCE_SYNC_POLL_MAX_INTERVAL_MS: '200' },
    });
    // The operator enables the provider for the deployment first.
    await t.gateway.services.commerce.qardProviders.configure({
      provider: 'shopify',
      credentials: { clientId: 'app-key', clientSecret: 'app-secret' },
      autoConnect: true,
      enabled: true,
    });
    const link = await linkSource(t, 'QARD', 'Polled Goods');
    const sub = await subscribe(t, t.keys.a, link.id);
    authorizeQard(t);
    await syncLink(t, link.id);
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(sub.events[0]).toMatchObject({
      link: { id: link.id, source: 'QARD' },
      outcome: 'COMPLETED',
      signal: 'POLLING',
    });
    expect(sub.events[0]!.datasets.map((d) => d.dataType).sort()).toEqual([
      'CUSTOMERS',
      'LOCATIONS',
      'ORDERS',
      'PRODUCTS',
    ]);
    expect(
      sub.events[0]!.datasets.every(
        (d) => d.state === 'COMPLETE' && d.upstreamStatus === 'SUCCESS',
      ),
    ).toBe(true);
    // Its data is there when the event says so.
    const orders = await t.graphql<{ commerce: { orders: { totalCount: number } } }>(ORDERS);
    expect(orders.body.errors).toBeUndefined();
    expect(orders.body.data!.commerce.orders.totalCount).toBeGreaterThan(0);
  });
});
