import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The sandbox: faithful simulators of every upstream's documented REST behaviour, served from one
 * HTTP server with one path prefix per upstream (`/codat/...`, `/qard/...`). It is a product
 * feature like Stripe's test mode: `npm start` uses it when no upstream is configured, the tests
 * drive it, and the benchmarks run it as its own process. Each upstream has knobs for latency and
 * faults, data comes from a seeded generator, and every request is logged and counted.
 */

export interface SandboxRequest {
  method: string;
  /** Path below the simulator's prefix, without the query string. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  rawBody: string;
  /** Absolute base URL of this simulator, for links it hands out (OAuth pages, `_links`). */
  baseUrl: string;
}

export interface SandboxReply {
  status: number;
  /** Sent as JSON unless `text`/`html` is set. */
  body?: unknown;
  /** Pre-serialised JSON, for simulators that must control number formatting. */
  json?: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
}

/** Whether a handler step produced its answer (an error, usually) rather than a value. */
export const isReply = (x: object): x is SandboxReply =>
  typeof (x as { status?: unknown }).status === 'number';

export type SandboxHandler = (req: SandboxRequest) => SandboxReply | Promise<SandboxReply>;

export interface SandboxRoute {
  method: string;
  pattern: string;
  handler: SandboxHandler;
}

export interface Simulator {
  /** Upstream name and path prefix, e.g. `apipanda`. */
  readonly name: string;
  readonly routes: SandboxRoute[];
}

export const route = (method: string, pattern: string, handler: SandboxHandler): SandboxRoute => ({
  method,
  pattern,
  handler,
});

export interface FaultKnobs {
  /** Added before every answer. */
  latencyMs: number;
  /** Share of requests answered with 500 (0..1). */
  errorRate: number;
  /** Share of requests answered with 429 and Retry-After. */
  rateLimitRate: number;
  retryAfterSeconds: number;
  /** Share of requests that never get an answer (the client's timeout fires). */
  timeoutRate: number;
  /** Share of requests whose connection is destroyed without an answer. */
  dropRate: number;
}

export const NO_FAULTS: FaultKnobs = {
  latencyMs: 0,
  errorRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  timeoutRate: 0,
  dropRate: 0,
};

export interface SandboxLogEntry {
  upstream: string;
  method: string;
  path: string;
  /** The matched route pattern, e.g. `/api/v1/connection/initiate`. */
  route: string | undefined;
  status: number | 'timeout' | 'dropped';
  at: string;
  /** The W3C trace context the caller sent, as an upstream's own tracing would record it. */
  traceparent?: string;
}

interface CompiledRoute extends SandboxRoute {
  regex: RegExp;
  keys: string[];
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const LOG_LIMIT = 5_000;

export class SandboxServer {
  private readonly simulators = new Map<string, { sim: Simulator; routes: CompiledRoute[] }>();
  private readonly knobs = new Map<string, FaultKnobs>();
  private readonly counts = new Map<string, number>();
  private readonly log: SandboxLogEntry[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly random: () => number;
  private server: Server | undefined;
  private origin = '';

  constructor(
    simulators: Simulator[],
    options: { seed?: number; knobs?: Partial<FaultKnobs> } = {},
  ) {
    this.random = mulberry32(options.seed ?? 1);
    for (const sim of simulators) {
      this.simulators.set(sim.name, { sim, routes: sim.routes.map(compile) });
      this.knobs.set(sim.name, { ...NO_FAULTS, ...options.knobs });
    }
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.server = server;
    const { port: bound } = server.address() as AddressInfo;
    this.origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    return this.origin;
  }

  /** The base URL a client of `upstream` should use. */
  urlFor(upstream: string): string {
    if (!this.server) throw new Error('sandbox is not listening');
    return `${this.origin}/${upstream}`;
  }

  setKnobs(upstream: string, knobs: Partial<FaultKnobs>): void {
    const current = this.knobs.get(upstream);
    if (!current) throw new Error(`no simulator named ${upstream}`);
    this.knobs.set(upstream, { ...current, ...knobs });
  }

  getKnobs(upstream: string): FaultKnobs {
    return { ...(this.knobs.get(upstream) ?? NO_FAULTS) };
  }

  /** Requests received by an upstream since the last reset (faulted ones included). */
  requestCount(upstream: string): number {
    return this.counts.get(upstream) ?? 0;
  }

  requests(upstream?: string): SandboxLogEntry[] {
    return upstream ? this.log.filter((e) => e.upstream === upstream) : [...this.log];
  }

  resetStats(): void {
    this.counts.clear();
    this.log.length = 0;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/__sandbox/')) return this.control(req, res, url);
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const entry = this.simulators.get(prefix);
    if (!entry) return send(res, { status: 404, body: { error: `no simulator at /${prefix}` } });
    const path = '/' + rest.join('/');
    const logEntry: SandboxLogEntry = {
      upstream: prefix,
      method: req.method ?? 'GET',
      path: path + url.search,
      route: undefined,
      status: 0,
      at: new Date().toISOString(),
      ...(typeof req.headers.traceparent === 'string'
        ? { traceparent: req.headers.traceparent }
        : {}),
    };
    this.counts.set(prefix, (this.counts.get(prefix) ?? 0) + 1);
    this.pushLog(logEntry);

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      logEntry.status = 413;
      return send(res, { status: 413, body: { error: 'body too large' } });
    }
    const knobs = this.knobs.get(prefix) ?? NO_FAULTS;
    if (knobs.latencyMs > 0) await new Promise((r) => setTimeout(r, knobs.latencyMs));

    const fault = this.pickFault(knobs);
    if (fault === 'drop') {
      logEntry.status = 'dropped';
      req.socket.destroy();
      return;
    }
    if (fault === 'timeout') {
      logEntry.status = 'timeout';
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault === 'error') {
      logEntry.status = 500;
      return send(res, { status: 500, body: { error: 'Simulated internal error' } });
    }
    if (fault === 'rate-limit') {
      logEntry.status = 429;
      return send(res, {
        status: 429,
        headers: { 'retry-after': String(knobs.retryAfterSeconds) },
        body: { error: 'Too many requests' },
      });
    }

    const method = req.method ?? 'GET';
    for (const r of entry.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      logEntry.route = r.pattern;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      try {
        const reply = await r.handler({
          method,
          path,
          params,
          query: url.searchParams,
          headers: req.headers as Record<string, string | undefined>,
          body,
          rawBody,
          baseUrl: `${this.origin}/${prefix}`,
        });
        logEntry.status = reply.status;
        return send(res, reply);
      } catch (error) {
        logEntry.status = 500;
        return send(res, {
          status: 500,
          body: { error: `sandbox handler failed: ${(error as Error).message}` },
        });
      }
    }
    logEntry.status = 404;
    return send(res, { status: 404, body: { error: `no route ${method} ${path}` } });
  }

  private pickFault(k: FaultKnobs): 'drop' | 'timeout' | 'error' | 'rate-limit' | undefined {
    if (k.dropRate + k.timeoutRate + k.errorRate + k.rateLimitRate === 0) return undefined;
    const x = this.random();
    let edge = k.dropRate;
    if (x < edge) return 'drop';
    edge += k.timeoutRate;
    if (x < edge) return 'timeout';
    edge += k.errorRate;
    if (x < edge) return 'error';
    edge += k.rateLimitRate;
    if (x < edge) return 'rate-limit';
    return undefined;
  }

  /** Control API for a sandbox running as its own process (benchmarks, manual fault drills). */
  private async control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && parts[1] === 'stats') {
      const stats = Object.fromEntries(
        [...this.simulators.keys()].map((n) => [n, this.requestCount(n)]),
      );
      return send(res, { status: 200, body: { requests: stats } });
    }
    if (req.method === 'GET' && parts[1] === 'log') {
      return send(res, {
        status: 200,
        body: this.requests(url.searchParams.get('upstream') ?? undefined),
      });
    }
    if (req.method === 'POST' && parts[1] === 'reset') {
      this.resetStats();
      return send(res, { status: 204 });
    }
    if (req.method === 'POST' && parts[1] === 'knobs' && parts[2]) {
      try {
        const patch = JSON.parse(await readBody(req)) as Partial<FaultKnobs>;
        this.setKnobs(parts[2], patch);
        return send(res, { status: 200, body: this.getKnobs(parts[2]) });
      } catch (error) {
        return send(res, { status: 400, body: { error: (error as Error).message } });
      }
    }
    return send(res, { status: 404, body: { error: 'unknown sandbox control endpoint' } });
  }

  private pushLog(entry: SandboxLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }
}

function compile(r: SandboxRoute): CompiledRoute {
  const keys: string[] = [];
  const source = r.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...r, regex: new RegExp(`^${source}/?$`), keys };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: SandboxReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    payload = reply.html;
  } else if (reply.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    payload = reply.text;
  } else if (reply.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    payload = reply.json;
  } else if (reply.body !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(reply.body);
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Small, fast, seedable PRNG: the same seed gives the same data and the same fault sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
