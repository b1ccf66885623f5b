import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  reduceMerchant,
  type ShoplineEvent,
} from '../../../src/modules/shopline/merchant-state.js';
import { seedLifecycleEvents } from '../../../src/sandbox/shopline/seed-events.js';

const MERCHANT = '5f0bda5e4e5fca0010c81fef';
const seed: ShoplineEvent[] = seedLifecycleEvents({
  merchantId: MERCHANT,
  createdToken: 'tok-created',
  revokedToken: 'tok-revoked',
}).map((p) => ({
  traceId: p.trace_id,
  ts: p.ts,
  topic: p.topic,
  merchantId: p.merchant_id,
  resource: p['resource'] as Record<string, unknown>,
}));

/** Every delivery order SHOPLINE might produce: each event at least once, some repeated, any order. */
const deliveries = fc
  .tuple(fc.constant([0, 1, 2, 3]), fc.array(fc.nat(3), { maxLength: 8 }))
  .map(([all, extra]) => [...all, ...extra])
  .chain((indices) =>
    fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length }),
  )
  .map((order) => order.map((i) => seed[i]!));

describe('SHOPLINE merchant state', () => {
  const expected = reduceMerchant(MERCHANT, seed);

  it('from the seed: uninstalled, the revoked token a tombstone, the other token unusable', () => {
    expect(expected.installState).toBe('UNINSTALLED');
    expect(expected.applicationId).toBe('64210a1e6425fdf32c5fff20');
    expect(expected.uninstalledAt).toBe('2023-03-27T04:02:55.678Z');
    expect(expected.tokens.map((t) => [t.scopes.join(' '), t.status, t.token]).sort()).toEqual([
      ['orders products', 'REVOKED', null],
      ['orders', 'MERCHANT_UNINSTALLED', 'tok-created'],
    ]);
  });

  it('is identical for every permutation of the seed events, with duplicates', () => {
    fc.assert(
      fc.property(deliveries, (events) => {
        expect(reduceMerchant(MERCHANT, events)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('orders by ts as a big integer, not as a float or a string', () => {
    // 2^53 + 1 and 2^53 + 2 are the same float; "9" > "10" as strings.
    const install = { ...seed[0]!, traceId: 'a', ts: '9007199254740993' };
    const uninstall = { ...seed[2]!, traceId: 'b', ts: '9007199254740994' };
    expect(reduceMerchant(MERCHANT, [uninstall, install]).installState).toBe('UNINSTALLED');
    const early = { ...seed[2]!, traceId: 'c', ts: '9' };
    const late = { ...seed[0]!, traceId: 'd', ts: '10' };
    expect(reduceMerchant(MERCHANT, [late, early]).installState).toBe('INSTALLED');
  });

  it('never lets a create revive a revoked token, even one timed after the revoke', () => {
    const revoke = { ...seed[3]!, resource: { ...seed[3]!.resource, _id: 'same' } };
    const lateCreate = {
      ...seed[1]!,
      traceId: 'late-create',
      ts: String(BigInt(revoke.ts) + 1n),
      resource: { ...seed[1]!.resource, _id: 'same' },
    };
    const state = reduceMerchant(MERCHANT, [lateCreate, revoke]);
    expect(state.tokens).toHaveLength(1);
    expect(state.tokens[0]).toMatchObject({ status: 'REVOKED', token: null });
  });

  it('keeps tokens created after a re-install usable', () => {
    const reinstall = { ...seed[0]!, traceId: 'reinstall', ts: '1679889800000000000' };
    const create = {
      ...seed[1]!,
      traceId: 'create-2',
      ts: '1679889800000000001',
      resource: { ...seed[1]!.resource, _id: 'new-token', token: 'tok-new' },
    };
    const state = reduceMerchant(MERCHANT, [...seed, create, reinstall]);
    expect(state.installState).toBe('INSTALLED');
    expect(state.tokens.find((t) => t.tokenId === 'new-token')?.status).toBe('ACTIVE');
    expect(state.tokens.filter((t) => t.status === 'ACTIVE')).toHaveLength(1);
  });
});
