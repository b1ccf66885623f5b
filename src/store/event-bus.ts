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
  close(): Promise<void>;
}

export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, payload: unknown): Promise<void> {
    this.emitter.emit(topic, payload);
  }

  subscribe<T>(topic: string, signal?: AbortSignal): AsyncIterableIterator<T> {
    return mapIterator(on(this.emitter, topic, signal ? { signal } : {}), (args) => args[0] as T);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private readonly counts = new Map<string, number>();

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
    const ready = count === 0 ? this.subscriber.subscribe(channel) : Promise.resolve();
    const inner = this.local.subscribe<T>(topic, signal);
    const release = async () => {
      const left = (this.counts.get(topic) ?? 1) - 1;
      this.counts.set(topic, left);
      if (left === 0) await this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
    let released = false;
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

function mapIterator<A, B>(
  source: AsyncIterableIterator<A>,
  fn: (a: A) => B,
): AsyncIterableIterator<B> {
  return {
    async next() {
      try {
        const r = await source.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: fn(r.value) };
      } catch (error) {
        if ((error as { name?: string }).name === 'AbortError')
          return { done: true, value: undefined };
        throw error;
      }
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
