/**
 * A variant's answer to a scenario, checked once before it is measured, and compared with the
 * gateway's or the peer's (the same JSON, the same data).
 */
import type { LoadRequest } from './load.js';
import { waitForIdle } from './measure.js';
import type { CellResult } from './run-record.js';
import type { SandboxControl } from './sandbox-control.js';
import { serverPids, type Server } from './servers.js';
import type { Fixtures, Origins, Scenario, VariantId } from '../scenarios/types.js';

export interface MeasuredVariant {
  base: { scenario: string; variant: VariantId; latencyMs: number };
  server: Server;
  request: LoadRequest;
  sameJsonAsGateway: boolean | undefined;
  sameDataAsPeer: boolean | undefined;
}

/**
 * Why a variant does not apply to a scenario (the peer composes only Codat, …), known without a
 * server: a scenario decides from the variant alone, so no process is started for it.
 */
export function scenarioNotApplicable(
  scenario: Scenario,
  variant: VariantId,
  fixtures: Fixtures,
): string | undefined {
  const nowhere: Origins = { gateway: '', peer: '', limit: '', sandbox: '' };
  const request = scenario.request(variant, nowhere, fixtures);
  return 'notApplicable' in request ? request.notApplicable : undefined;
}

/**
 * A variant's request for a scenario, checked once before it is measured: a variant that does
 * not apply or answers wrongly is reported as such (`cells`, without connections) and not loaded.
 */
export async function prepareVariant(
  scenario: Scenario,
  variant: VariantId,
  server: Server,
  latencyMs: number,
  sandbox: Server,
  control: SandboxControl,
  fixtures: Fixtures,
  referenceBodies: Map<string, string>,
): Promise<MeasuredVariant | { cells: Omit<CellResult, 'connections'> }> {
  const base = { scenario: scenario.id, variant, latencyMs };
  const origins: Origins = {
    gateway: server.origin,
    peer: server.origin,
    limit: server.origin,
    sandbox: sandbox.origin,
  };
  const request = scenario.request(variant, origins, fixtures);
  if ('notApplicable' in request) {
    return { cells: { ...base, notApplicable: request.notApplicable } };
  }
  await waitForIdle(serverPids(server), control);
  let first: { status: number; body: string };
  try {
    first = await send(request);
  } catch (error) {
    first = { status: 0, body: `request failed: ${(error as Error).message}` };
  }
  const problem = scenario.check(variant, first.status, first.body);
  if (problem) {
    console.log(
      `  ${scenario.id} ${variant} ${latencyMs}ms: wrong answer, not measured: ${problem}`,
    );
    return { cells: { ...base, error: problem } };
  }
  let expectBody: string | undefined;
  if (scenario.stableBody) {
    const second = await send(request).catch(() => undefined);
    if (second?.body === first.body) expectBody = first.body;
  }
  const referenceKey = `${scenario.id}@${latencyMs}`;
  if (variant === 'gateway' || variant === 'peer')
    referenceBodies.set(`${referenceKey}#${variant}`, first.body);
  // A mutation's answers differ call by call (toggled state), so only reads are compared.
  const compared = (of: VariantId, same: (a: string, b: string) => boolean) => {
    const reference = referenceBodies.get(`${referenceKey}#${of}`);
    return scenario.stableBody && reference !== undefined ? same(reference, first.body) : undefined;
  };
  return {
    base,
    server,
    request: { ...request, expectBody },
    sameJsonAsGateway:
      variant === 'limit' || variant.startsWith('fed-') ? compared('gateway', sameJson) : undefined,
    // The batched peer answers the same query as the peer: its data must be the peer's.
    sameDataAsPeer: variant === 'peer-batched' ? compared('peer', sameData) : undefined,
  };
}

async function send(request: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}) {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: await res.text() };
}

/** Whether two GraphQL answers hold the same `data` (their errors may differ). */
function sameData(a: string, b: string): boolean {
  try {
    const data = (body: string) => JSON.stringify((JSON.parse(body) as { data?: unknown }).data);
    return data(a) === data(b);
  } catch {
    return false;
  }
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
