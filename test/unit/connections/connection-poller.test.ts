import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionModel } from '../../../src/modules/connections/connection-model.js';
import { ConnectionPoller } from '../../../src/modules/connections/connection-poller.js';

const logger = pino({ level: 'silent' });
const withStatus = (status: ConnectionModel['status']) => ({ status }) as ConnectionModel;

describe('ConnectionPoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('backs off exponentially, capped at 16 times the interval, and stops at the deadline', async () => {
    const at: number[] = [];
    const refresh = vi.fn(async () => {
      at.push(Date.now());
      return withStatus('PENDING_AUTH');
    });
    const start = Date.now();
    const poller = new ConnectionPoller(
      refresh,
      { intervalMs: 100, timeoutMs: 10_000, freshMs: 0, freshMaxIntervalMs: 0 },
      logger,
    );
    poller.watch('ws', 'c1');
    await vi.advanceTimersByTimeAsync(20_000);
    const gaps = at.map((t, i) => t - (i === 0 ? start : at[i - 1]!));
    expect(gaps.slice(0, 6)).toEqual([100, 200, 400, 800, 1600, 1600]);
    expect(at.at(-1)! - start).toBeLessThanOrEqual(10_000);
    expect(poller.watching).toBe(0);
  });

  it('stops once the connection is settled and keeps going through failures', async () => {
    const answers: Array<() => Promise<ConnectionModel>> = [
      async () => {
        throw new Error('down');
      },
      async () => withStatus('PENDING_AUTH'),
      async () => withStatus('ESTABLISHED'),
    ];
    const refresh = vi.fn(() => answers.shift()!());
    const poller = new ConnectionPoller(
      refresh,
      { intervalMs: 10, timeoutMs: 60_000, freshMs: 0, freshMaxIntervalMs: 0 },
      logger,
    );
    poller.watch('ws', 'c1');
    poller.watch('ws', 'c1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(3);
    expect(poller.watching).toBe(0);
  });

  it('checks nothing after stop()', async () => {
    const refresh = vi.fn(async () => withStatus('PENDING_AUTH'));
    const poller = new ConnectionPoller(
      refresh,
      { intervalMs: 10, timeoutMs: 60_000, freshMs: 0, freshMaxIntervalMs: 0 },
      logger,
    );
    poller.watch('ws', 'c1');
    await poller.stop();
    poller.watch('ws', 'c2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('sees an approval within the fresh cap while the connection is fresh, then backs off further', async () => {
    const options = {
      intervalMs: 2_000,
      timeoutMs: 900_000,
      freshMs: 600_000,
      freshMaxIntervalMs: 3_000,
    };
    const start = Date.now();
    let approvedAt = Infinity;
    let seenAt = Infinity;
    const refresh = vi.fn(async () => {
      if (Date.now() < approvedAt) return withStatus('PENDING_AUTH');
      seenAt = Date.now();
      return withStatus('ESTABLISHED');
    });
    const poller = new ConnectionPoller(refresh, options, logger);
    poller.watch('ws', 'c1');
    // The merchant approves 2 minutes in (without the fresh cap, checks are 32 s apart by then).
    await vi.advanceTimersByTimeAsync(120_000);
    approvedAt = Date.now();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seenAt - approvedAt).toBeLessThanOrEqual(3_000);
    expect(poller.watching).toBe(0);

    // Past the fresh window, checks back off to 16 times the interval again.
    const at: number[] = [];
    const pending = vi.fn(async () => {
      at.push(Date.now());
      return withStatus('PENDING_AUTH');
    });
    const late = new ConnectionPoller(pending, options, logger);
    late.watch('ws', 'c2', start - 650_000);
    await vi.advanceTimersByTimeAsync(200_000);
    expect(Math.max(...at.slice(1).map((t, i) => t - at[i]!))).toBe(32_000);
    await late.stop();
  });
});
