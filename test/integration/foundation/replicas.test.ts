import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cacheKey } from '../../../src/store/cache.js';
import { startTwoReplicas, type TestGateway, type TwoReplicas } from '../../helpers/gateway.js';
import { postgresAvailable, redisAvailable, testRedisUrl } from '../../helpers/services.js';

/**
 * Two gateway replicas on loopback sharing one PostgreSQL and one Redis, as in production:
 * credentials, cache and events written through one are visible through the other.
 */
const up = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!up)('two replicas on PostgreSQL + Redis', () => {
  let replicas: TwoReplicas;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    replicas = await startTwoReplicas({ seed: 3 });
    ({ a, b } = replicas);
  });
  afterAll(() => replicas?.close());

  it('accepts on replica B a key created through replica A', async () => {
    const res = await b.graphql<{ viewer: { workspace: { handle: string } } }>(
      '{ viewer { workspace { handle } } }',
      undefined,
      { apiKey: a.keys.b },
    );
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer.workspace.handle).toBe('ws-b');
  });

  it('delivers an event published on A to a subscriber on B', async () => {
    const topic = `test:${Date.now()}`;
    const iterator = b.gateway.services.eventBus.subscribe<{ n: number }>(topic);
    const next = iterator.next();
    // Published before B's SUBSCRIBE reached Redis, the event would be lost: wait until Redis
    // counts a subscriber on the topic's channel.
    const redis = new Redis(testRedisUrl);
    await vi.waitFor(
      async () => {
        const [, subscribers] = (await redis.pubsub('NUMSUB', `cg:events:${topic}`)) as [
          string,
          number,
        ];
        expect(subscribers).toBe(1);
      },
      { timeout: 10_000, interval: 10 },
    );
    redis.disconnect();
    await a.gateway.services.eventBus.publish(topic, { n: 42 });
    await expect(next).resolves.toEqual({ done: false, value: { n: 42 } });
    await iterator.return?.();
  });

  it('shares the cache, keyed per workspace', async () => {
    const key = cacheKey('ws-a', 'test', String(Date.now()));
    await a.gateway.services.cache.set(key, { orders: ['o1'] }, 30);
    expect(await b.gateway.services.cache.get(key)).toEqual({ orders: ['o1'] });
    expect(await b.gateway.services.cache.get(cacheKey('ws-b', 'test'))).toBeUndefined();
  });

  it('reports the PostgreSQL store as ready on both', async () => {
    for (const g of [a, b]) {
      const ready = await fetch(`${g.url}/readyz`);
      expect(await ready.json()).toEqual({
        status: 'ready',
        store: 'postgres',
        migrations: 'applied',
      });
    }
  });
});
