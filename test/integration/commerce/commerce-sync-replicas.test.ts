import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startTwoReplicas, type TestGateway, type TwoReplicas } from '../../helpers/gateway.js';
import { postgresAvailable, redisAvailable } from '../../helpers/services.js';
import { until } from '../../helpers/wait.js';
import { authorizeCodat, authorizeQard, linkSource, syncLink } from './helpers.js';
import * as ws from './sync-events-helpers.js';

/**
 * `Subscription.commerceLinkSynced` on two replicas sharing PostgreSQL and Redis: a webhook
 * received by one is heard on the other, a link's sync status is polled by one replica at a
 * time, and a sync told to both at once is announced once.
 */

afterAll(ws.disposeClients);

const replicasReady = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!replicasReady)('commerceLinkSynced across replicas', () => {
  let r: TwoReplicas;
  afterAll(() => r?.close());

  it('polls a watched Qard link from one replica only, and both replicas’ subscribers hear its sync', async () => {
    const polled = await startTwoReplicas({
      seed: 6,
      env: {
        COMMERCE_SYNC_POLL_INTERVAL_MS: '50',
        COMMERCE_SYNC_POLL_MAX_INTERVAL_MS: '200',
        // Subscribers keep the link watched; once they leave, watching ends soon.
        COMMERCE_SYNC_POLL_TIMEOUT_MS: '1000',
      },
    });
    try {
      await polled.a.gateway.services.commerce.qardProviders.configure({
        provider: 'shopify',
        credentials: { clientId: 'app-key', clientSecret: 'app-secret' },
        autoConnect: true,
        enabled: true,
      });
      const link = await linkSource(polled.a, 'QARD', 'Shared Poll Goods');
      const subA = await ws.subscribe(polled.a, polled.a.keys.a, link.id);
      const subB = await ws.subscribe(polled.b, polled.b.keys.a, link.id);
      authorizeQard(polled.a);
      await syncLink(polled.b, link.id);
      await until(
        () => subA.events.length > 0 && subB.events.length > 0,
        'both replicas’ subscribers hearing the sync',
      );
      expect(subA.events[0]).toMatchObject({
        link: { id: link.id },
        signal: 'POLLING',
        outcome: 'COMPLETED',
      });
      expect(subB.events[0]).toEqual(subA.events[0]);
      await subA.client.dispose();
      await subB.client.dispose();
      const watching = (g: TestGateway) => g.gateway.services.commerce.syncsWatched;
      await until(
        () => watching(polled.a) === 0 && watching(polled.b) === 0,
        'both replicas to stop watching the link',
      );
      // Every read of the link's sync status that Qard received came from one replica.
      const statusReads = polled.sandbox.server
        .requests('qard')
        .filter((q) => q.method === 'GET' && q.route?.endsWith('/users/:userId/sync')).length;
      const readsBy = (g: TestGateway) =>
        g.gateway.services.metrics.snapshot('qard').byOperation['GET /users/{id}/sync'] ?? 0;
      const [a, b] = [readsBy(polled.a), readsBy(polled.b)];
      expect(statusReads).toBeGreaterThan(0);
      expect(a + b).toBe(statusReads);
      expect(Math.min(a, b)).toBe(0);
    } finally {
      await polled.close();
    }
  });

  it('delivers on replica A the sync whose webhook replica B received, and A reads Codat again', async () => {
    r = await startTwoReplicas({
      seed: 5,
      env: { COMMERCE_CACHE_MB: '16', COMMERCE_CACHE_SYNC_CHECK_SECONDS: '3600' },
    });
    // Codat's webhook endpoint is replica B (behind a load balancer it could be either).
    r.sandbox.codat.webhooks.deliverTo(`${r.b.url}/webhooks/codat`);
    const sub = await ws.subscribe(r.a, r.a.keys.a);
    const { id: linkId } = await linkSource(r.a, 'CODAT', 'Replicated Goods', 'shopify');
    const companyId = authorizeCodat(r.a);
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBe(1);
    expect(sub.events[0]).toMatchObject({
      link: { id: linkId },
      signal: 'WEBHOOK',
      outcome: 'COMPLETED',
    });
    expect(r.sandbox.codat.webhooks.deliveries().at(-1)).toMatchObject({ status: 200 });

    const first = await ws.codatDataCalls(r.a, () => r.a.graphql(ws.ORDERS));
    expect(first.calls).toBeGreaterThan(0);
    expect((await ws.codatDataCalls(r.a, () => r.a.graphql(ws.ORDERS))).calls).toBe(0);
    r.sandbox.codat.startSync(companyId, 'commerce-orders');
    r.sandbox.codat.completeSync(companyId);
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBe(2);
    const after = await ws.codatDataCalls(r.a, () => r.a.graphql(ws.ORDERS));
    expect(after.calls).toBeGreaterThan(0);
    expect(after.result.body).toEqual(first.result.body);

    // One sync told to both replicas at once: the shared mark lets exactly one announce it.
    const connectionId = r.sandbox.codat.companies().find((c) => c.id === companyId)!
      .connections[0]!.id;
    // Message ids are remembered in Redis for a day: this run's are its own.
    const run = randomUUID();
    const told = ws.readCompleted(companyId, connectionId, 'commerce-customers');
    const outcomes = await Promise.all(
      [r.a, r.b, r.a, r.b].map((g, i) => ws.deliver(g, told, `msg_both_${run}_${i}`)),
    );
    expect(outcomes.sort()).toEqual(['announced', 'duplicate', 'duplicate', 'duplicate']);
    const marker = ws.readCompleted(companyId, connectionId, 'commerce-products');
    expect(await ws.deliver(r.b, marker, `msg_both_${run}_marker`)).toBe('announced');
    await until(() => sub.events.length >= 4, 'the marker sync’s event on replica A');
    expect(sub.events.slice(2).map((e) => e.datasets.map((d) => d.dataType))).toEqual([
      ['CUSTOMERS'],
      ['PRODUCTS'],
    ]);
  });
});
