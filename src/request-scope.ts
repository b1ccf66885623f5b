import { AsyncLocalStorage } from 'node:async_hooks';

/** The part of a logger the request scope hands out (pino's and Fastify's loggers both fit). */
export interface ScopedLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const scope = new AsyncLocalStorage<ScopedLogger>();

/**
 * Runs `fn` with `logger` (a request's child logger, carrying its request id) as the logger of
 * everything it calls, however deep: an upstream client logs with the id of the request that
 * made the call without every layer passing a logger down.
 */
export function runWithLogger<T>(logger: ScopedLogger, fn: () => T): T {
  return scope.run(logger, fn);
}

/** The current request's logger, or `fallback` outside any request (start-up, background work). */
export function scopedLogger<L extends ScopedLogger>(fallback: L): ScopedLogger {
  return scope.getStore() ?? fallback;
}
