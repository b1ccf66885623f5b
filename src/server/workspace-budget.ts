import { HeaderMap } from '@apollo/server';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { GraphQLContext } from '../request-context.js';

/**
 * Each workspace's budget of operation cost, a token bucket: it holds up to `capacity` points,
 * refills at `refillPerSecond`, and an operation takes its estimated cost from it before it
 * runs. Shared by every replica through Redis when REDIS_URL is set (one Lua script reads,
 * refills and takes atomically, on Redis's clock), else kept in this process.
 */
export interface BucketSettings {
  capacity: number;
  refillPerSecond: number;
}

export type Charge = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export interface WorkspaceBudget {
  take(workspaceId: string, cost: number): Promise<Charge>;
  /** Gives back points taken for an operation that cost less than estimated (up to capacity). */
  refund(workspaceId: string, points: number): Promise<void>;
  close(): Promise<void>;
}

/** Seconds until a bucket holding `tokens` can pay `cost` (at least 1: Retry-After is whole). */
function waitFor(tokens: number, cost: number, refillPerSecond: number): number {
  return Math.max(1, Math.ceil((cost - tokens) / refillPerSecond));
}

export class MemoryWorkspaceBudget implements WorkspaceBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly settings: BucketSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async take(workspaceId: string, cost: number): Promise<Charge> {
    const { capacity, refillPerSecond } = this.settings;
    const now = this.now();
    const bucket = this.buckets.get(workspaceId) ?? { tokens: capacity, at: now };
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
    if (tokens < cost) {
      this.buckets.set(workspaceId, { tokens, at: now });
      return { ok: false, retryAfterSeconds: waitFor(tokens, cost, refillPerSecond) };
    }
    // A refund is a negative cost; the bucket never holds more than its capacity.
    this.buckets.set(workspaceId, { tokens: Math.min(capacity, tokens - cost), at: now });
    // A full bucket is the default state: forgetting it keeps the map to active workspaces.
    if (this.buckets.size > 10_000) this.pruneFull(now);
    return { ok: true, remaining: tokens - cost };
  }

  async refund(workspaceId: string, points: number): Promise<void> {
    await this.take(workspaceId, -points);
  }

  private pruneFull(now: number): void {
    const { capacity, refillPerSecond } = this.settings;
    for (const [id, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * refillPerSecond >= capacity) this.buckets.delete(id);
    }
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}

/**
 * KEYS[1] bucket; ARGV capacity, refill per second, cost. Returns {1, remaining} or {0, tokens}.
 * A refund is a negative cost, never filling past capacity. The key expires once it would be
 * full again, so idle workspaces leave nothing behind.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + (now - at) / 1000 * rate)
local ok = 0
if tokens >= cost then
  tokens = math.min(capacity, tokens - cost)
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return {ok, tostring(tokens)}
`;

export class RedisWorkspaceBudget implements WorkspaceBudget {
  private constructor(
    private readonly redis: Redis,
    private readonly settings: BucketSettings,
    private readonly prefix: string,
  ) {}

  static async connect(
    url: string,
    settings: BucketSettings,
    prefix = 'cg:budget:',
  ): Promise<RedisWorkspaceBudget> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    redis.defineCommand('takeBudget', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    return new RedisWorkspaceBudget(redis, settings, prefix);
  }

  async take(workspaceId: string, cost: number): Promise<Charge> {
    const { capacity, refillPerSecond } = this.settings;
    const run = (this.redis as unknown as Record<string, TakeCommand>)['takeBudget']!;
    const [ok, tokens] = await run.call(
      this.redis,
      this.prefix + workspaceId,
      capacity,
      refillPerSecond,
      cost,
    );
    return ok === 1
      ? { ok: true, remaining: Number(tokens) }
      : { ok: false, retryAfterSeconds: waitFor(Number(tokens), cost, refillPerSecond) };
  }

  async refund(workspaceId: string, points: number): Promise<void> {
    await this.take(workspaceId, -points);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** The script registered with ioredis's defineCommand (typed here: ioredis types it `any`). */
type TakeCommand = (
  key: string,
  capacity: number,
  refillPerSecond: number,
  cost: number,
) => Promise<[number, string]>;

/** The budget the configuration asks for: none when RATE_LIMIT_POINTS_PER_SECOND is 0. */
export async function openWorkspaceBudget(config: Config): Promise<WorkspaceBudget | undefined> {
  const { points, pointsPerSecond } = config.rateLimit;
  if (pointsPerSecond === 0) return undefined;
  const settings = { capacity: points, refillPerSecond: pointsPerSecond };
  return config.redisUrl
    ? RedisWorkspaceBudget.connect(config.redisUrl, settings)
    : new MemoryWorkspaceBudget(settings);
}

/**
 * Takes an operation's estimated cost from its workspace's budget (true), or refuses it with
 * RATE_LIMITED (HTTP 429, `Retry-After`). When Redis cannot answer, the operation runs uncharged
 * (false): the budget protects tenants from one another and must not take the API down with Redis.
 */
export function chargeWorkspace(
  budget: WorkspaceBudget,
): (ctx: GraphQLContext, cost: number) => Promise<boolean> {
  return async (ctx, cost) => {
    let charge: Charge;
    try {
      charge = await budget.take(ctx.workspace.id, cost);
    } catch (error) {
      ctx.log.warn({ err: error }, 'workspace budget unavailable: operation not charged');
      return false;
    }
    if (charge.ok) return true;
    const retryAfter = charge.retryAfterSeconds;
    throw new GatewayError(
      ErrorCode.RATE_LIMITED,
      `The workspace has spent its budget of operation cost: this operation costs ${cost}; retry after ${retryAfter} s`,
      {
        retryAfter,
        extra: {
          limitName: 'rate',
          cost,
          http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
        },
      },
    );
  };
}

/** Gives an operation's workspace back what it was charged beyond the operation's actual cost. */
export function refundWorkspace(
  budget: WorkspaceBudget,
): (ctx: GraphQLContext, points: number) => Promise<void> {
  return async (ctx, points) => {
    try {
      await budget.refund(ctx.workspace.id, points);
    } catch (error) {
      ctx.log.warn({ err: error }, 'workspace budget unavailable: refund not made');
    }
  };
}
