import { Redis } from 'ioredis';

/**
 * Cross-request cache for read-only upstream data. Keys must include the workspace id: the
 * callers build them with `cacheKey`, so one tenant's data is never served to another.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /**
   * Sets `key` only when it holds nothing, atomically (Redis `SET NX`): of concurrent callers on
   * any replica exactly one gets true. Marks a thing done once (a delivered event).
   */
  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  /**
   * Takes the lease `key` for `owner`, or renews it when `owner` holds it already, for `ttlMs`;
   * false while another owner holds it. A lease whose owner stops renewing it (a replica that
   * died) expires, and another owner can take it.
   */
  lease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, when `owner` still holds it. */
  releaseLease(key: string, owner: string): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export function cacheKey(workspaceId: string, ...parts: string[]): string {
  return ['ws', workspaceId, ...parts].join(':');
}

export class MemoryCache implements Cache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    // Oldest-first eviction keeps memory bounded without a timer per entry.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  // No await between the read and the write: atomic within the process, the only one using it.
  async add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const holder = this.live(key);
    if (holder !== undefined && holder !== owner) return false;
    this.entries.delete(key);
    this.entries.set(key, { value: owner, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    if (this.live(key) === owner) this.entries.delete(key);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(key: string): unknown {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
  }
}

/** Takes the lease when free, renews it when the caller holds it: one atomic step in Redis. */
const LEASE_SCRIPT = `local holder = redis.call('GET', KEYS[1])
if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisCache implements Cache {
  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, prefix = 'cg:cache:'): Promise<RedisCache> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    return new RedisCache(redis, prefix);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(
      this.prefix + key,
      JSON.stringify(value),
      'EX',
      Math.max(1, Math.ceil(ttlSeconds)),
    );
  }

  async add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const set = await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', ttl, 'NX');
    return set === 'OK';
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = await this.redis.eval(
      LEASE_SCRIPT,
      1,
      this.prefix + key,
      owner,
      String(Math.max(1, Math.ceil(ttlMs))),
    );
    return held === 1;
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.prefix + key, owner);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
