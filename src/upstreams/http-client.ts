import { Pool, errors as undiciErrors } from 'undici';
import type { Logger } from 'pino';
import { ErrorCode, GatewayError } from '../errors.js';
import { startUpstreamSpan, type UpstreamSpan } from '../observability/spans.js';
import { scopedLogger } from '../request-scope.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  flattenHeaders,
  parseBody,
  parseBodyBytes,
  parseRetryAfter,
  queryString,
  type QueryValue,
} from './http-body.js';
import { UpstreamHttpError } from './upstream-http-error.js';
import type { UpstreamMetrics } from './upstream-metrics.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path under the base URL, starting with '/'. May carry secrets: it is never logged. */
  path: string;
  /**
   * A stable, secret-free label for logs and metrics, e.g. `POST /connection/initiate` or
   * `GET /commerce-orders`. Paths of some upstreams embed tokens, so the label is what we log.
   */
  operation: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Safe to repeat? Defaults to true for GET/PUT/DELETE. Only idempotent calls are retried. */
  idempotent?: boolean;
  /** Overrides the client's wait for the headers and for each pause in the body. */
  timeoutMs?: number;
  /** Replaces JSON.parse, e.g. to keep decimals exact. */
  parse?: (text: string) => unknown;
  /**
   * Reads a successful JSON body from its bytes, in place of decoding it and `parse`: for parsers
   * that decode only what they read. Error bodies are decoded and parsed as text.
   */
  parseBytes?: (body: Uint8Array) => unknown;
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the caller gets RATE_LIMITED at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 2_000,
};

export interface UpstreamHttpClientOptions {
  /** Upstream name, as in metrics, logs and error extensions (`codat`, `qard`, …). */
  name: string;
  baseUrl: string;
  timeoutMs: number;
  /**
   * What one call may take in all, retries and their pauses included (default: `timeoutMs`):
   * no attempt starts after it, and an attempt waits for headers and body only until it.
   */
  deadlineMs?: number;
  metrics: UpstreamMetrics;
  logger?: Logger;
  /** Headers every call carries (auth added in one place). */
  defaultHeaders?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  breaker?: CircuitBreaker;
  connections?: number;
  /** Where the upstream puts its correlation id when it is not in a header. */
  correlationIdOf?: (body: unknown) => string | undefined;
  /** Injected for tests of the retry timing. */
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Shared machinery of every upstream client: a keep-alive undici pool, a per-call timeout,
 * retries with jittered exponential backoff for idempotent calls (honouring Retry-After), a
 * circuit breaker, counting and timing per upstream, and logs that name the operation but
 * never a path, header or body.
 */
export class UpstreamHttpClient {
  readonly name: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly retry: RetryPolicy;
  readonly breaker: CircuitBreaker;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: UpstreamHttpClientOptions) {
    this.name = options.name;
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    // The call's timeout is enforced by undici's own per-request timers (connecting, waiting for
    // the headers, each pause in the body), which it arms for every request anyway. An
    // AbortSignal.timeout per attempt cost an EventTarget and a timer that outlived the call by
    // the whole timeout: 14% of a one-order query's CPU (bench/RESULTS.md, 2026-12-02).
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 128,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async request<T = unknown>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const span = startUpstreamSpan(this.name, req.method, req.operation);
    if (!span) return this.call(req, undefined);
    try {
      const response = await this.call<T>(req, span);
      span.end({ status: response.status });
      return response;
    } catch (error) {
      span.end({ ...(error instanceof UpstreamHttpError ? { status: error.status } : {}), error });
      throw error;
    }
  }

  private async call<T>(
    req: UpstreamRequest,
    span: UpstreamSpan | undefined,
  ): Promise<UpstreamResponse<T>> {
    const { metrics } = this.options;
    if (!this.breaker.tryAcquire()) {
      metrics.recordCall(this.name, 'short-circuited', 0);
      throw new GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `${this.name} is unavailable (failing repeatedly; calls paused)`,
        { upstream: this.name, retryAfter: this.breaker.secondsUntilRetry() },
      );
    }
    const idempotent =
      req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
    const maxAttempts = idempotent ? this.retry.maxAttempts : 1;
    const deadline = performance.now() + (this.options.deadlineMs ?? this.options.timeoutMs);
    let attempt = 0;
    for (;;) {
      attempt += 1;
      let outcome: AttemptOutcome<T>;
      try {
        const perAttempt = req.timeoutMs ?? this.options.timeoutMs;
        const remaining = Math.max(1, Math.floor(deadline - performance.now()));
        outcome = await this.attempt<T>(req, Math.min(perAttempt, remaining), span?.headers);
      } catch (error) {
        outcome = { kind: 'transport', error: error as Error };
      }
      const retryDelay = this.retryDelay(outcome, attempt, maxAttempts);
      // A retry that could not start before the deadline is not made: the caller gets the
      // last attempt's error now rather than after the retries' timeouts added up.
      if (retryDelay === undefined || performance.now() + retryDelay >= deadline)
        return this.finish(outcome, req, attempt - 1);
      this.log()?.debug(
        { upstream: this.name, operation: req.operation, attempt, retryInMs: retryDelay },
        'upstream call retried',
      );
      span?.retried();
      await this.sleep(retryDelay);
    }
  }

  private finish<T>(
    outcome: AttemptOutcome<T>,
    req: UpstreamRequest,
    retries: number,
  ): UpstreamResponse<T> {
    const { metrics } = this.options;
    if (outcome.kind === 'response') {
      this.breaker.onSuccess();
      metrics.recordCall(this.name, 'ok', retries);
      return outcome.response;
    }
    metrics.recordCall(this.name, 'failed', retries);
    if (outcome.kind === 'http') {
      // A 4xx is the upstream working correctly; only its own failures count against it.
      if (outcome.error.status >= 500) this.breaker.onFailure();
      else this.breaker.onSuccess();
      throw outcome.error;
    }
    this.breaker.onFailure();
    const timedOut =
      outcome.error instanceof undiciErrors.ConnectTimeoutError ||
      outcome.error instanceof undiciErrors.HeadersTimeoutError ||
      outcome.error instanceof undiciErrors.BodyTimeoutError;
    this.log()?.warn(
      { upstream: this.name, operation: req.operation, error: outcome.error.name, retries },
      timedOut ? 'upstream call timed out' : 'upstream unreachable',
    );
    throw timedOut
      ? new GatewayError(ErrorCode.UPSTREAM_TIMEOUT, `${this.name} did not answer in time`, {
          upstream: this.name,
          cause: outcome.error,
        })
      : new GatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `${this.name} is unavailable`, {
          upstream: this.name,
          cause: outcome.error,
        });
  }

  /** Milliseconds to wait before the next attempt, or undefined when the outcome is final. */
  private retryDelay<T>(
    outcome: AttemptOutcome<T>,
    attempt: number,
    maxAttempts: number,
  ): number | undefined {
    if (attempt >= maxAttempts || outcome.kind === 'response') return undefined;
    if (outcome.kind === 'http') {
      if (!RETRYABLE_STATUS.has(outcome.error.status)) return undefined;
      const retryAfter = outcome.error.retryAfterSeconds;
      if (retryAfter !== undefined) {
        const ms = retryAfter * 1000;
        return ms <= this.retry.maxRetryAfterMs ? ms : undefined;
      }
    }
    // Full jitter: spreads retries of many concurrent callers instead of synchronising them.
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.random() * cap);
  }

  private async attempt<T>(
    req: UpstreamRequest,
    timeoutMs: number,
    traceHeaders: Record<string, string> | undefined,
  ): Promise<AttemptOutcome<T>> {
    const started = performance.now();
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.defaultHeaders,
      ...req.headers,
      ...traceHeaders,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    let status: number | 'error' = 'error';
    try {
      const res = await this.pool.request({
        method: req.method,
        path: this.basePath + req.path + queryString(req.query),
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const responseHeaders = flattenHeaders(res.headers);
      const parsed =
        ok && req.parseBytes
          ? parseBodyBytes(await res.body.bytes(), responseHeaders, req.parseBytes)
          : parseBody(await res.body.text(), responseHeaders, req.parse);
      if (ok) {
        return {
          kind: 'response',
          response: { status: res.statusCode, headers: responseHeaders, body: parsed as T },
        };
      }
      return {
        kind: 'http',
        error: new UpstreamHttpError(
          this.name,
          req.operation,
          res.statusCode,
          parsed,
          responseHeaders,
          parseRetryAfter(responseHeaders['retry-after']),
          responseHeaders['x-correlation-id'] ??
            responseHeaders['x-request-id'] ??
            this.options.correlationIdOf?.(parsed),
        ),
      };
    } finally {
      const ms = performance.now() - started;
      this.options.metrics.recordAttempt(this.name, req.operation, status, ms);
      this.log()?.debug(
        { upstream: this.name, operation: req.operation, status, ms: Math.round(ms * 10) / 10 },
        'upstream call',
      );
    }
  }

  /** The calling request's logger (so the line carries its request id), else the client's own. */
  private log() {
    return this.options.logger ? scopedLogger(this.options.logger) : undefined;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

type AttemptOutcome<T> =
  | { kind: 'response'; response: UpstreamResponse<T> }
  | { kind: 'http'; error: UpstreamHttpError }
  | { kind: 'transport'; error: Error };
