import type { LoadRequest } from '../harness/load.js';

/**
 * What is compared: every variant answers the same scenario from the same sandbox upstreams.
 * - `gateway`: this gateway as deployed (`npm start`), DataLoader batching on.
 * - `naive`: the same gateway with `DATALOADER_BATCHING=false` (every load its own upstream call).
 * - `cached`: the same gateway with its cross-request record cache on (`COMMERCE_CACHE_MB`),
 *   measured on the repeated query of scenario 5 only.
 * - `peer`: Hive Gateway serving a GraphQL Mesh composition of our Codat OpenAPI document, its
 *   links resolved one `@resolveTo` call per parent (N+1).
 * - `peer-batched`: the same peer with the links batched through Mesh's in-context SDK.
 * - `limit`: a minimal hand-written undici handler making the same minimal upstream calls.
 * - `upstream`: the first upstream request of the scenario, sent to the sandbox directly.
 * - `fed-whole`: Hive Gateway in front of this gateway served as one subgraph.
 * - `fed-domains`: Hive Gateway in front of one subgraph process per domain (`--subgraph`).
 * - `fed-whole-rust`, `fed-domains-rust`: the same routers on Hive Router's runtime (its Rust
 *   query planner and executor) instead of Hive Gateway's default JavaScript one.
 * - `fed-local`: `npm run federation`, Hive Gateway and every domain subgraph in one process.
 */
export const VARIANTS = [
  'gateway',
  'naive',
  'cached',
  'peer',
  'peer-batched',
  'limit',
  'upstream',
  'fed-whole',
  'fed-domains',
  'fed-whole-rust',
  'fed-domains-rust',
  'fed-local',
] as const;
export type VariantId = (typeof VARIANTS)[number];

/** Ids and credentials the scenarios need, discovered once per run (see fixtures.ts). */
export interface Fixtures {
  apiKey: string;
  codat: {
    baseUrl: string;
    authorization: string;
    companyId: string;
    connectionId: string;
  };
  /** Codat order used by scenario 1, with its customer. */
  order: { globalId: string; sourceId: string };
  /** Workflow toggled by scenario 4, when one could be set up. */
  workflow:
    { globalId: string; guid: string; dispatchBaseUrl: string; dispatchToken: string } | undefined;
  /** A second workspace with a Codat and a Qard link (scenario 3), when Qard could be linked. */
  merged:
    { apiKey: string; qardOrdersUrl: string; qardHeaders: Record<string, string> } | undefined;
  /**
   * A third workspace with a Codat store and a claimed SHOPLINE merchant (scenario 6), when the
   * merchant could be installed and claimed.
   */
  shopline: { apiKey: string; merchantId: string } | undefined;
  /** Whether the gateway's store can be shared by several processes (PostgreSQL, not PGlite). */
  sharedStore?: boolean;
}

export interface Origins {
  gateway: string;
  peer: string;
  limit: string;
  sandbox: string;
}

export type ScenarioRequest = LoadRequest | { notApplicable: string };

export interface Scenario {
  id: string;
  title: string;
  request(variant: VariantId, origins: Origins, fixtures: Fixtures): ScenarioRequest;
  /**
   * Whether an answer is a correct one (data present, no errors): every variant is checked
   * before it is measured, so a fast wrong answer is never a result.
   */
  check(variant: VariantId, status: number, body: string): string | undefined;
  /**
   * A scenario whose answer changes on every call (a mutation) cannot be compared byte for byte
   * under load; the others are, and a differing answer counts as a mismatch.
   */
  stableBody: boolean;
}

export const graphqlPost = (
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): LoadRequest => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
  body: JSON.stringify({ query, variables }),
});

/** A GraphQL answer is correct when it has data and no errors. */
export function checkGraphql(status: number, body: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 300)}`;
  let parsed: { data?: unknown; errors?: unknown[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `not JSON: ${body.slice(0, 300)}`;
  }
  if (parsed.errors && parsed.errors.length > 0)
    return `errors: ${JSON.stringify(parsed.errors).slice(0, 400)}`;
  if (parsed.data === undefined || parsed.data === null) return 'no data';
  return undefined;
}
