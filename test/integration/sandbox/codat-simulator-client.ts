import { afterAll, beforeAll } from 'vitest';
import { SANDBOX_CODAT_API_KEY } from '../../../src/sandbox/codat/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';

/** Calls to the Codat simulator over real HTTP, as the gateway's Codat client makes them. */

export const auth = `Basic ${Buffer.from(SANDBOX_CODAT_API_KEY).toString('base64')}`;

export interface Reply {
  status: number;
  text: string;
  headers: Headers;
  json: <T = Record<string, unknown>>() => T;
}

export interface Company {
  id: string;
  redirect: string;
  dataConnections: Array<{
    id: string;
    linkUrl: string;
    status: string;
    platformName: string;
    sourceType: string;
  }>;
}
export interface Page<T = { id: string; createdDate: string }> {
  results: T[];
  pageNumber: number;
  pageSize: number;
  totalResults: number;
  _links: {
    self: { href: string };
    current: { href: string };
    next?: { href: string };
    previous?: { href: string };
  };
}

export const q = (s: string) => encodeURIComponent(s);

export interface CodatSimulator {
  readonly sandbox: Sandbox;
  /** The simulator's base URL. */
  readonly base: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** A company created, linked and synced; `data` is its connection's data path. */
  linkedCompany(name: string): Promise<{ company: Company; data: string }>;
}

/** A sandbox (seed 11) started before the file's tests and closed after them. */
export function useCodatSimulator(): CodatSimulator {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11 });
  });
  afterAll(() => sandbox?.close());
  const simulator: CodatSimulator = {
    get sandbox() {
      if (!sandbox) throw new Error('the sandbox starts in beforeAll');
      return sandbox;
    },
    get base() {
      return simulator.sandbox.urls.codat!;
    },
    async call(method, path, body, headers = { authorization: auth }) {
      const res = await fetch(simulator.base + path, {
        method,
        headers: {
          ...headers,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return {
        status: res.status,
        text,
        headers: res.headers,
        json: <T>() => JSON.parse(text) as T,
      };
    },
    async linkedCompany(name) {
      const company = (
        await simulator.call('POST', '/companies', { name, platformType: 'shopify' })
      ).json<Company>();
      const connection = company.dataConnections[0]!;
      simulator.sandbox.codat.authorize(company.id);
      simulator.sandbox.codat.completeSync(company.id);
      return { company, data: `/companies/${company.id}/connections/${connection.id}/data` };
    },
  };
  return simulator;
}
