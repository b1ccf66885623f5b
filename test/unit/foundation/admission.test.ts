import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerAdmissionMetrics } from '../../../src/server/admission-metrics.js';
import { until } from '../../helpers/wait.js';
import {
  OperationAdmission,
  type AdmissionOptions,
  type AdmissionOutcome,
  type LoadSignal,
} from '../../../src/server/admission.js';

/** A load signal the test scripts: the next busy share, and a clock it moves by hand. */
class ScriptedSignal implements LoadSignal {
  busy = 0;
  clock = 0;
  utilization(): number {
    return this.busy;
  }
  now(): number {
    return this.clock;
  }
}

const OPTIONS: AdmissionOptions = {
  minConcurrency: 2,
  maxConcurrency: 20,
  queueLimit: 3,
  queueTimeoutMs: 1000,
};

const flush = async () => {
  for (let i = 0; i < 3; i += 1) await null;
};

function setup(options: Partial<AdmissionOptions> = {}) {
  const signal = new ScriptedSignal();
  const admission = new OperationAdmission({ ...OPTIONS, ...options }, signal);
  return { signal, admission };
}

describe('operation admission', () => {
  it('starts at the floor and admits at once while a slot is free', () => {
    const { admission } = setup({ minConcurrency: 3 });
    expect(admission.limit).toBe(3);
    expect([1, 2, 3].map(() => admission.tryEnter())).toEqual([true, true, true]);
    expect(admission.tryEnter()).toBe(false);
    admission.leave();
    expect(admission.tryEnter()).toBe(true);
    expect(admission.inFlight).toBe(3);
  });

  it('rises, when operations waited and the loop had room, to what keeps the loop busy, never above the maximum', async () => {
    const { signal, admission } = setup({ queueLimit: 100 });
    signal.busy = 0.2;
    signal.clock += 100;
    admission.adjust();
    expect(admission.limit).toBe(2); // nobody waited

    const outcomes: AdmissionOutcome[] = [];
    expect(admission.tryEnter()).toBe(true);
    expect(admission.tryEnter()).toBe(true);
    for (let i = 0; i < 30; i += 1)
      void admission.wait(new EventEmitter()).then((o) => outcomes.push(o));
    // Nearly saturated with 2 in flight: 2 / 0.92, with a tenth of headroom, is 3.
    signal.busy = 0.92;
    signal.clock += 100;
    admission.adjust();
    expect(admission.limit).toBe(3);
    await flush();
    expect(outcomes).toEqual(['admitted']);
    // 30% busy with 3 in flight the whole interval: some 10 would keep it busy, 11 with headroom.
    signal.busy = 0.3;
    signal.clock += 100;
    admission.adjust();
    expect(admission.limit).toBe(11);
    // A nearly idle loop with waiters goes to the ceiling at once.
    signal.busy = 0.01;
    signal.clock += 100;
    admission.adjust();
    expect(admission.limit).toBe(OPTIONS.maxConcurrency);
  });

  it('estimates from the mean in flight over the interval, not its end or its peak', () => {
    const { signal, admission } = setup({ queueLimit: 100 });
    admission.tryEnter();
    admission.tryEnter();
    void admission.wait(new EventEmitter());
    signal.clock += 50;
    admission.leave();
    admission.leave(); // the waiter takes one of the two slots
    expect(admission.inFlight).toBe(1);
    signal.clock += 50;
    signal.busy = 0.5;
    admission.adjust();
    // 2 for 50 ms and 1 for 50 ms: a mean of 1.5, at 50% busy 3 keep the loop busy, 3.3 with
    // headroom. The end (1) would give 3, the peak (2) 5.
    expect(admission.limit).toBe(4);
  });

  it('shrinks towards what was in flight while the loop is saturated, never below the floor', () => {
    const { signal, admission } = setup({ queueLimit: 100 });
    for (let i = 0; i < 20; i += 1)
      if (!admission.tryEnter()) void admission.wait(new EventEmitter());
    signal.busy = 0;
    for (let i = 0; i < 10; i += 1) admission.adjust();
    expect(admission.limit).toBe(20);
    expect(admission.inFlight).toBe(20);
    for (let i = 0; i < 10; i += 1) admission.leave();
    signal.busy = 0.92;
    admission.adjust(); // the interval's peak was 20; the next one starts from 10
    expect(admission.limit).toBe(20);
    signal.busy = 0.99;
    admission.adjust();
    // 10 in flight, not the limit of 20, is what the next limit is taken from.
    expect(admission.limit).toBe(9);
    for (let i = 0; i < 50; i += 1) admission.adjust();
    expect(admission.limit).toBe(OPTIONS.minConcurrency);
  });

  it('refuses when the queue is full, when a waiter waited too long, and drops a client that left', async () => {
    const { signal, admission } = setup({ maxConcurrency: 2 });
    admission.tryEnter();
    admission.tryEnter();
    const clients = [0, 1, 2, 3].map(() => new EventEmitter());
    const outcomes = new Map<number, AdmissionOutcome>();
    clients.forEach((c, i) => void admission.wait(c).then((o) => outcomes.set(i, o)));
    await flush();
    expect(outcomes.get(3)).toBe('queue-full');
    expect(admission.queued).toBe(3);

    clients[1]!.emit('close');
    await flush();
    expect(outcomes.get(1)).toBe('client-closed');
    expect(admission.queued).toBe(2);

    signal.busy = 0.99;
    signal.clock = 999;
    admission.adjust();
    await flush();
    expect(outcomes.has(0)).toBe(false);
    signal.clock = 1000;
    admission.adjust();
    await flush();
    expect(outcomes.get(0)).toBe('queue-timeout');
    expect(outcomes.get(2)).toBe('queue-timeout');
    expect(admission.queued).toBe(0);
    expect(admission.inFlight).toBe(2);
    expect(admission.refused('queue-full')).toBe(1);
    expect(admission.refused('client-closed')).toBe(1);
    expect(admission.refused('queue-timeout')).toBe(2);
    // A close after the waiter was settled changes nothing.
    clients[0]!.emit('close');
    expect(admission.refused('client-closed')).toBe(1);
    const registry = new Registry();
    registerAdmissionMetrics(registry, admission);
    const text = await registry.metrics();
    expect(text).toContain('graphql_operations_refused_total{reason="queue-timeout"} 2');
    expect(text).toContain('graphql_operations_in_flight 2');
    expect(text).toContain('graphql_operations_queued 0');
  });

  it('follows the real event loop: an idle one with waiters grows the limit, a busy one shrinks it', async () => {
    const admission = new OperationAdmission({ ...OPTIONS, queueLimit: 10 });
    admission.tryEnter();
    admission.tryEnter();
    void admission.wait(new EventEmitter());
    admission.adjust(); // starts a fresh interval
    // Idle intervals: how far the limit grows depends on how idle the loop really was (other
    // test files share the machine), so the test asks only that, stepped after the loop idled
    // between checks, it grows past the two running and admits the waiter.
    await until(() => {
      admission.adjust();
      return admission.limit > OPTIONS.minConcurrency;
    }, 'an idle interval to grow the limit');
    expect(admission.inFlight).toBe(3);
    const busyUntil = Date.now() + 60;
    while (Date.now() < busyUntil) {
      // Keeps the loop busy for the whole interval: a busy interval is the input under test here,
      // so this spins for a set time rather than waiting on a condition.
    }
    admission.adjust();
    expect(admission.limit).toBe(OPTIONS.minConcurrency);
  });

  type Command =
    | { kind: 'arrive' }
    | { kind: 'finish'; pick: number }
    | { kind: 'leave-queue'; pick: number }
    | { kind: 'tick'; busy: number; ms: number };

  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'arrive' as const }) },
    { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'finish' as const, pick })) },
    { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'leave-queue' as const, pick })) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('tick' as const),
        busy: fc.oneof(fc.constant(1), fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
        ms: fc.integer({ min: 0, max: 400 }),
      }),
    },
  );

  it('never runs more than the limit admits, serves waiters in arrival order and settles every one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          minConcurrency: fc.integer({ min: 1, max: 4 }),
          span: fc.integer({ min: 0, max: 8 }),
          queueLimit: fc.integer({ min: 0, max: 6 }),
          queueTimeoutMs: fc.integer({ min: 1, max: 1000 }),
        }),
        fc.array(command, { maxLength: 120 }),
        async ({ minConcurrency, span, queueLimit, queueTimeoutMs }, commands) => {
          const options = {
            minConcurrency,
            maxConcurrency: minConcurrency + span,
            queueLimit,
            queueTimeoutMs,
          };
          const { signal, admission } = setup(options);
          const running: number[] = [];
          const waiting = new Map<number, { since: number; client: EventEmitter }>();
          const admittedWaiters: number[] = [];
          let next = 0;
          let admissions = 0;

          const check = (admissionsBefore: number) => {
            expect(admission.limit).toBeGreaterThanOrEqual(options.minConcurrency);
            expect(admission.limit).toBeLessThanOrEqual(options.maxConcurrency);
            expect(admission.inFlight).toBe(running.length);
            expect(admission.queued).toBe(waiting.size);
            expect(admission.queued).toBeLessThanOrEqual(options.queueLimit);
            // No one waits while a slot is free.
            if (admission.queued > 0)
              expect(admission.inFlight).toBeGreaterThanOrEqual(admission.limit);
            // A step that let someone in never took the operations in flight past the limit (a
            // shrinking limit may leave more in flight than it allows, but then lets no one in).
            if (admissions > admissionsBefore)
              expect(admission.inFlight).toBeLessThanOrEqual(admission.limit);
          };

          for (const c of commands) {
            const admissionsBefore = admissions;
            if (c.kind === 'arrive') {
              const id = next++;
              if (admission.tryEnter()) {
                running.push(id);
                admissions += 1;
              } else {
                const client = new EventEmitter();
                const entry = { since: signal.clock, client };
                waiting.set(id, entry);
                void admission.wait(client).then((outcome) => {
                  expect(waiting.get(id)).toBe(entry);
                  waiting.delete(id);
                  if (outcome === 'admitted') {
                    running.push(id);
                    admittedWaiters.push(id);
                    admissions += 1;
                  } else if (outcome === 'queue-timeout') {
                    expect(signal.clock - entry.since).toBeGreaterThanOrEqual(queueTimeoutMs);
                  }
                });
              }
            } else if (c.kind === 'finish' && running.length > 0) {
              running.splice(c.pick % running.length, 1);
              admission.leave();
            } else if (c.kind === 'leave-queue' && waiting.size > 0) {
              [...waiting.values()][c.pick % waiting.size]!.client.emit('close');
            } else if (c.kind === 'tick') {
              signal.busy = c.busy;
              signal.clock += c.ms;
              admission.adjust();
            }
            await flush();
            check(admissionsBefore);
          }
          expect(admittedWaiters).toEqual([...admittedWaiters].sort((a, b) => a - b));

          // Everything finishes on an idle loop: every waiter is let in or refused, none is left.
          signal.busy = 0;
          for (let round = 0; round < 200 && (running.length > 0 || waiting.size > 0); round += 1) {
            while (running.length > 0) {
              running.pop();
              admission.leave();
            }
            signal.clock += 10;
            admission.adjust();
            await flush();
          }
          expect(waiting.size).toBe(0);
          expect(admission.queued).toBe(0);
          expect(admittedWaiters).toEqual([...admittedWaiters].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });
});
