import { EventEmitter, on } from 'node:events';
import { Redis } from 'ioredis';

/**
 * Publish/subscribe for GraphQL subscriptions. In one process an EventEmitter is enough; with
 * REDIS_URL every replica subscribes to Redis, so an event raised on replica A reaches a client
 * connected to replica B.
 */
export interface EventBus {
  publish(topic: string, payload: unknown): Promise<void>;
  /** An async iterator of payloads; `return()` on it unsubscribes. */
  subscribe<T>(topic: string, signal?: AbortSignal): AsyncIterableIterator<T>;
  /** Subscriptions this bus now delivers events to (with Redis: once Redis confirmed them). */
  readonly listening: number;
  close(): Promise<void>;
}

export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private subscriptions = 0;

  get listening(): number {
    return this.subscriptions;
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    this.emitter.emit(topic, payload);
  }

  subscribe<T>(topic: string, signal?: AbortSignal): AsyncIterableIterator<T> {
    // `on` listens from this call on, so the subscription counts from now until it ends.
    this.subscriptions += 1;
    return mapIterator(
      on(this.emitter, topic, signal ? { signal } : {}),
      (args) => args[0] as T,
      () => {
        this.subscriptions -= 1;
      },
    );
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private readonly counts = new Map<string, number>();
  /** Per topic, Redis's confirmation of the SUBSCRIBE that the topic's first subscriber sent. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private confirmed = 0;

  get listening(): number {
    return this.confirmed;
  }

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      void this.local.publish(channel.slice(prefix.length), JSON.parse(message));
    });
  }

  static async connect(url: string, prefix = 'cg:events:'): Promise<RedisEventBus> {
    const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await Promise.all([publisher.connect(), subscriber.connect()]);
    return new RedisEventBus(publisher, subscriber, prefix);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.publisher.publish(this.prefix + topic, JSON.stringify(payload));
  }

  subscribe<T>(topic: string, signal?: AbortSignal): AsyncIterableIterator<T> {
    const channel = this.prefix + topic;
    const count = this.counts.get(topic) ?? 0;
    this.counts.set(topic, count + 1);
    if (count === 0) this.subscribed.set(topic, this.subscriber.subscribe(channel));
    const ready = this.subscribed.get(topic) ?? Promise.resolve();
    const inner = this.local.subscribe<T>(topic, signal);
    let counted = false;
    let released = false;
    void ready.then(
      () => {
        if (released) return;
        counted = true;
        this.confirmed += 1;
      },
      () => undefined,
    );
    const release = async () => {
      if (counted) this.confirmed -= 1;
      const left = (this.counts.get(topic) ?? 1) - 1;
      this.counts.set(topic, left);
      if (left === 0) {
        this.subscribed.delete(topic);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
    return {
      async next() {
        await ready;
        return inner.next();
      },
      async return(value?: unknown) {
        if (!released) {
          released = true;
          await release();
        }
        return inner.return ? inner.return(value) : { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async close(): Promise<void> {
    await this.local.close();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

/**
 * The events of a subscription that pass `wanted`. A hand-written iterator rather than an async
 * generator: a generator queues `return()` behind its pending `next()`, so an unsubscribing
 * client would keep its listener until the topic's next event.
 */
export function filterEvents<T>(
  events: AsyncIterableIterator<T>,
  wanted: (event: T) => boolean,
  onReturn?: () => void,
): AsyncIterableIterator<T> {
  return {
    async next() {
      for (;;) {
        const result = await events.next();
        if (result.done || wanted(result.value)) return result;
      }
    },
    async return() {
      onReturn?.();
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** `source` with each value mapped by `fn`; `onEnd` runs once, when the iteration ends. */
function mapIterator<A, B>(
  source: AsyncIterableIterator<A>,
  fn: (a: A) => B,
  onEnd: () => void,
): AsyncIterableIterator<B> {
  let ended = false;
  const end = () => {
    if (!ended) {
      ended = true;
      onEnd();
    }
  };
  return {
    async next() {
      try {
        const r = await source.next();
        if (r.done) end();
        return r.done ? { done: true, value: undefined } : { done: false, value: fn(r.value) };
      } catch (error) {
        end();
        if ((error as { name?: string }).name === 'AbortError')
          return { done: true, value: undefined };
        throw error;
      }
    },
    async return() {
      end();
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
