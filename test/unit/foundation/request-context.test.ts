import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { createContext, type Principal } from '../../../src/request-context.js';
import type { AppServices } from '../../../src/app-services.js';

// `once` touches neither the logger nor the services: empty stand-ins are enough here.
const context = () =>
  createContext({
    requestId: 'req-1',
    log: {} as FastifyBaseLogger,
    principal: {
      id: 'key-1',
      kind: 'API_KEY',
      workspace: { id: 'ws-1' },
      roles: [],
    } as unknown as Principal,
    services: {} as AppServices,
  });

describe('request context: once', () => {
  it('computes a named value once per request and hands every caller the same promise', async () => {
    const ctx = context();
    let calls = 0;
    const compute = async () => {
      calls += 1;
      return ['link-a', 'link-b'];
    };
    const first = ctx.once('links', compute);
    const second = ctx.once('links', compute);
    expect(second).toBe(first);
    expect(await second).toEqual(['link-a', 'link-b']);
    expect(calls).toBe(1);
    // Another name is its own value.
    await ctx.once('other', compute);
    expect(calls).toBe(2);
  });

  it('keeps values of one request from another', async () => {
    let calls = 0;
    const compute = async () => (calls += 1);
    expect(await context().once('links', compute)).toBe(1);
    expect(await context().once('links', compute)).toBe(2);
  });

  it('does not keep a failure: the next call computes again', async () => {
    const ctx = context();
    let calls = 0;
    const compute = async () => {
      calls += 1;
      if (calls === 1) throw new Error('store unavailable');
      return 'links';
    };
    await expect(ctx.once('links', compute)).rejects.toThrow('store unavailable');
    expect(await ctx.once('links', compute)).toBe('links');
    expect(calls).toBe(2);
  });
});
