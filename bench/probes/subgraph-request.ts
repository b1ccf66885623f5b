import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { stopAll } from '../harness/processes.js';
import { readProcTreeSample } from '../harness/proc-stats.js';
import { SandboxControl } from '../harness/sandbox-control.js';
import {
  ROOT,
  createApiKey,
  ensurePeerInstalled,
  gatewayEnvironment,
  newSecretsKey,
  startGateway,
  startHiveGateway,
  startSandbox,
} from '../harness/servers.js';
import { prepareFixtures } from '../scenarios/fixtures.js';
import { ORDERS_50 } from '../scenarios/index.js';

/**
 * Does the gateway, as the subgraph behind Hive Gateway, spend more per s2 query than when the
 * client asks it directly? Captures the request the bench's router (fed-whole) sends the
 * subgraph, then sends the gateway that request and the bench's own in alternating rounds,
 * reading the gateway's CPU from /proc. Both run on the same process, so only the request's
 * shape differs. `node --import tsx bench/probes/subgraph-request.ts [queries per round]`
 */

const QUERIES = Number(process.argv[2] ?? 100);
const ROUNDS = 4;
const CONCURRENCY = 4;

interface Shape {
  headers: Record<string, string>;
  body: string;
}

async function main(): Promise<void> {
  await ensurePeerInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'subgraph-request-'));
  const sandbox = await startSandbox('0', dir);
  const env = gatewayEnvironment(sandbox.origin, join(dir, 'data'), newSecretsKey());
  const apiKey = await createApiKey(env, 'bench');
  const mergedApiKey = await createApiKey(env, 'bench-merged');
  const gateway = await startGateway({
    cpus: '1',
    dir,
    env,
    batching: true,
    cpuProfileDir: undefined,
  });
  await prepareFixtures({
    gatewayOrigin: gateway.origin,
    sandboxOrigin: sandbox.origin,
    apiKey,
    mergedApiKey,
    sandbox: new SandboxControl(sandbox.origin),
  });

  // A proxy between the router and the gateway that keeps the router's request.
  let captured: Shape | undefined;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = forwardable(req.headers);
      captured ??= { headers, body };
      void fetch(`${gateway.origin}/graphql`, { method: 'POST', headers, body }).then(
        async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? '',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
      );
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  const composed = composeServices([
    {
      name: 'commerce-graph',
      url: proxyUrl,
      typeDefs: parse(readFileSync(join(ROOT, 'subgraph.graphql'), 'utf8')),
    },
  ]);
  if (compositionHasErrors(composed)) throw new Error(composed.errors[0]?.message);
  const supergraph = join(dir, 'supergraph.graphql');
  writeFileSync(supergraph, composed.supergraphSdl);
  const router = await startHiveGateway({
    name: 'router',
    cpus: '0',
    dir,
    supergraph,
    config: 'gateway.federation.config.ts',
    env: {},
    logFile: join(dir, 'router.log'),
  });
  const direct: Shape = {
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-api-key': apiKey,
    },
    body: JSON.stringify({ query: ORDERS_50 }),
  };
  const viaRouter = await fetch(`${router.origin}/graphql`, {
    method: 'POST',
    headers: direct.headers,
    body: direct.body,
  });
  if (viaRouter.status !== 200 || !captured) throw new Error(`router answered ${viaRouter.status}`);
  await router.process.stop();
  proxy.close();
  const fromRouter: Shape = captured;
  console.log('the router sends the subgraph:', JSON.stringify(fromRouter, null, 1));

  const send = async (shape: Shape) => {
    const res = await fetch(`${gateway.origin}/graphql`, { method: 'POST', ...shape });
    const text = await res.text();
    if (res.status !== 200 || (text.match(/"orderNumber"/g) ?? []).length !== 50)
      throw new Error(`unexpected answer ${res.status} ${text.slice(0, 300)}`);
  };
  const run = async (shape: Shape, count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < count) await send(shape);
      }),
    );
  };
  const rows: Array<{ round: number; shape: string; cpuMsPerQuery: number }> = [];
  for (const shape of [direct, fromRouter]) await run(shape, 20);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, shape] of [
      ['direct', direct],
      ['router', fromRouter],
    ] as const) {
      const before = readProcTreeSample(gateway.process.pid).cpuMs;
      await run(shape, QUERIES);
      const cpuMs = readProcTreeSample(gateway.process.pid).cpuMs - before;
      rows.push({ round, shape: name, cpuMsPerQuery: Math.round((cpuMs / QUERIES) * 100) / 100 });
    }
  }
  console.table(rows);
  await stopAll();
}

/** The request's headers a proxy passes on (not the hop's own). */
function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (['host', 'connection', 'content-length', 'keep-alive'].includes(name)) continue;
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
