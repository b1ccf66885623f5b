import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  seedLifecycleEvents,
  type ShoplineWebhookPayload,
} from '../../../src/sandbox/shopline/seed-events.js';
import { deliverWebhook } from '../../../src/sandbox/shopline/webhook-deliverer.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { postgresAvailable } from '../../helpers/services.js';
import { storedEvents } from './helpers.js';

const pgUp = await postgresAvailable();

const events = (merchantId: string) =>
  seedLifecycleEvents({ merchantId, createdToken: 'tok-created', revokedToken: 'tok-revoked' });

/** The stored state of a merchant, without its id, ids derived from it, or bookkeeping times. */
async function stateOf(t: TestGateway, merchantId: string) {
  const { merchants } = t.gateway.services.shopline;
  const m = await merchants.get(merchantId);
  const tokens = await merchants.tokensOf([merchantId]);
  return {
    merchant: m && {
      installState: m.installState,
      applicationId: m.applicationId,
      appSettings: m.appSettings,
      installedAt: m.installedAt,
      uninstalledAt: m.uninstalledAt,
      lastEventTs: m.lastEventTs,
    },
    tokens: tokens
      .map((x) => ({
        scopes: x.scopes,
        status: x.status,
        createdAt: x.createdAt,
        expiresAt: x.expiresAt,
        revokedAt: x.revokedAt,
      }))
      .sort((a, b) => a.scopes.join().localeCompare(b.scopes.join())),
    usable: await merchants.usableToken(merchantId, 'orders'),
    unapplied: await t.gateway.services.shopline.inbox.unappliedCount(merchantId),
  };
}

// PGlite is one connection; on PostgreSQL concurrent deliveries really race for the merchant lock.
describe.each([
  { store: 'pglite' as const, run: true },
  { store: 'postgres' as const, run: pgUp },
])('SHOPLINE webhooks in any order, through HTTP and the $store store', ({ store, run }) => {
  let t: TestGateway;
  beforeAll(async () => {
    if (run) t = await startTestGateway({ store });
  });
  afterAll(async () => t?.close());

  it.runIf(run)(
    'reach the same merchant and token state for every permutation with duplicates, sequential or concurrent',
    async () => {
      for (const e of events('m-reference'))
        expect(await deliverWebhook(t.url, t.config.shopline.appSecret!, e)).toBe(200);
      const reference = await stateOf(t, 'm-reference');
      expect(reference.merchant?.installState).toBe('UNINSTALLED');
      expect(reference.usable).toBeUndefined();

      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(3), { maxLength: 6 }).chain((extra) =>
            fc.shuffledSubarray([0, 1, 2, 3, ...extra], {
              minLength: 4 + extra.length,
              maxLength: 4 + extra.length,
            }),
          ),
          fc.boolean(),
          async (order, concurrent) => {
            const merchantId = `m-order-${run++}`;
            const payloads = events(merchantId);
            const queue: ShoplineWebhookPayload[] = order.map((i) => payloads[i]!);
            const deliver = (p: ShoplineWebhookPayload) =>
              deliverWebhook(t.url, t.config.shopline.appSecret!, p);
            const statuses = concurrent
              ? await Promise.all(queue.map(deliver))
              : await sequential(queue, deliver);
            expect(statuses.every((s) => s === 200)).toBe(true);
            expect(await storedEvents(t, merchantId)).toBe(4);
            expect(await stateOf(t, merchantId)).toEqual(reference);
          },
        ),
        { numRuns: 25 },
      );
    },
    120_000,
  );
});

async function sequential<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
