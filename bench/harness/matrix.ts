/**
 * The run matrix: for each latency and scenario, every selected variant started afresh, its answer
 * checked, then each connection count's cell measured, the variants taking turns run by run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareVariant, scenarioNotApplicable, type MeasuredVariant } from './answer-check.js';
import { printCell, printPaired } from './console-lines.js';
import { operationsServed } from './federated.js';
import { CellMeasurement, gatewayDroppedQueries, type CellFigures } from './measure.js';
import type { BenchOptions } from './options.js';
import { measurePaired, type PairedFigures } from './paired.js';
import type { CellResult } from './run-record.js';
import { SANDBOX_UPSTREAMS } from './sandbox-control.js';
import { composePeerSupergraph, serverPids, stopServer, type Server } from './servers.js';
import { startVariant } from './variants.js';
import type { RunContext } from './workspaces.js';
import { SCENARIOS } from '../scenarios/index.js';
import { peerEnvironment } from '../scenarios/wiring.js';
import type { VariantId } from '../scenarios/types.js';

/** Every cell's result, in the order measured (also kept in the run's directory, cells.json). */
export async function runMatrix(context: RunContext): Promise<CellResult[]> {
  const { options, dir, gatewayEnv, sandbox, control, fixtures, selected } = context;
  const cells: CellResult[] = [];
  const referenceBodies = new Map<string, string>();
  // A peer's composition depends only on the fixtures: made once, served by every peer started.
  const supergraphs = new Map<boolean, Promise<string>>();
  const peerSupergraph = (batched: boolean): Promise<string> => {
    let supergraph = supergraphs.get(batched);
    if (!supergraph) {
      supergraph = composePeerSupergraph(dir, peerEnvironment(fixtures), batched);
      supergraphs.set(batched, supergraph);
    }
    return supergraph;
  };
  for (const latencyMs of options.soakOnly ? [] : options.latenciesMs) {
    await control.setLatency(SANDBOX_UPSTREAMS, latencyMs);
    for (const scenario of SCENARIOS) {
      if (options.scenarios && !options.scenarios.includes(scenario.id)) continue;
      const connectionCounts = cellConnections(options, scenario.id, latencyMs);
      // Every variant that applies is started afresh for each scenario and is up for all of its
      // cells, so their runs can take turns (CellMeasurement). Afresh, because a process keeps
      // what earlier scenarios grew (V8's old space, the allocator's arenas): in one process for
      // every scenario, a light scenario's peak RSS was the heaviest earlier one's.
      const servers = new Map<VariantId, Server>();
      try {
        const measured: MeasuredVariant[] = [];
        for (const variant of selected) {
          const base = { scenario: scenario.id, variant, latencyMs };
          const notApplicable = scenarioNotApplicable(scenario, variant, fixtures);
          if (notApplicable !== undefined) {
            for (const n of options.connections)
              cells.push({ ...base, notApplicable, connections: n });
            continue;
          }
          const server = await startVariant(
            variant,
            options,
            dir,
            gatewayEnv,
            sandbox,
            fixtures,
            peerSupergraph,
          );
          servers.set(variant, server);
          const prepared = await prepareVariant(
            scenario,
            variant,
            server,
            latencyMs,
            sandbox,
            control,
            fixtures,
            referenceBodies,
          );
          if ('cells' in prepared) {
            const connections = prepared.cells.notApplicable
              ? options.connections
              : connectionCounts;
            for (const n of connections) cells.push({ ...prepared.cells, connections: n });
          } else measured.push(prepared);
        }
        for (const connections of connectionCounts) {
          const turns = measured.map(
            (m) =>
              new CellMeasurement({
                request: m.request,
                connections,
                warmupSeconds: options.warmupSeconds,
                runSeconds: options.runSeconds,
                runs: options.runs,
                pids: serverPids(m.server),
                sandbox: control,
                ...droppedQueries(m.base.variant, m.server),
                ...subgraphOperations(m.server),
              }),
          );
          for (const turn of turns) await turn.warmUp();
          for (let run = 0; run < options.runs; run++) {
            for (const turn of turns) await turn.measureRun();
          }
          const paired = await pairedWithLimit(measured, connections, options, control);
          measured.forEach((m, i) => {
            const figures: CellFigures = turns[i]!.figures();
            cells.push({
              ...m.base,
              connections,
              figures,
              sameJsonAsGateway: m.sameJsonAsGateway,
              sameDataAsPeer: m.sameDataAsPeer,
              ...(m.base.variant === 'gateway' && paired ? { pairedWithLimit: paired } : {}),
            });
            printCell(scenario.id, m.base.variant, latencyMs, connections, figures);
          });
          if (paired) printPaired(scenario.id, latencyMs, paired);
          // Kept after every cell, so an interrupted run still leaves its figures behind.
          writeFileSync(join(dir, 'cells.json'), JSON.stringify(cells, null, 2));
        }
      } finally {
        for (const server of servers.values()) if (server !== sandbox) await stopServer(server);
      }
    }
  }
  return cells;
}

/**
 * With upstreams at 0 ms, the gateway and the limit handler loaded together (paired.ts): the
 * CPU targets' ratio, free of the machine's drift between turns. Under latency the servers
 * mostly wait, and the targets are stated for 0 ms.
 */
async function pairedWithLimit(
  measured: MeasuredVariant[],
  connections: number,
  options: BenchOptions,
  control: RunContext['control'],
): Promise<PairedFigures | undefined> {
  const gateway = measured.find((m) => m.base.variant === 'gateway');
  const limit = measured.find((m) => m.base.variant === 'limit');
  if (!gateway || !limit || gateway.base.latencyMs !== 0) return undefined;
  return measurePaired({
    gateway: {
      request: gateway.request,
      pids: serverPids(gateway.server),
      ...droppedQueries('gateway', gateway.server),
    },
    limit: { request: limit.request, pids: serverPids(limit.server) },
    connections,
    warmupSeconds: Math.min(options.warmupSeconds, 5),
    runSeconds: options.runSeconds,
    rounds: options.runs,
    sandbox: control,
  });
}

/**
 * Queries a gateway process dropped unrun (see CellPlan.droppedQueries): this gateway's variants
 * and the subgraphs behind a federated variant's router, whose own count is not kept.
 */
function droppedQueries(
  variant: VariantId,
  server: Server,
): { droppedQueries?: () => Promise<number> } {
  if (variant === 'gateway' || variant === 'naive' || variant === 'cached')
    return { droppedQueries: gatewayDroppedQueries(server.origin) };
  // A router's subgraphs are processes of their own (its members); fed-local has none.
  if (!server.members) return {};
  const counts = server.members.map((m) => gatewayDroppedQueries(m.origin));
  return {
    droppedQueries: async () =>
      (await Promise.all(counts.map((c) => c()))).reduce((a, b) => a + b, 0),
  };
}

/** The subgraph fetches behind a router whose subgraphs are processes of their own. */
function subgraphOperations(server: Server): { subgraphOperations?: () => Promise<number> } {
  const members = server.members ?? [];
  if (members.length === 0) return {};
  return {
    subgraphOperations: async () =>
      (await Promise.all(members.map((m) => operationsServed(m.origin)))).reduce(
        (a, b) => a + b,
        0,
      ),
  };
}

/** The connection counts of one cell row: scenario 2 under latency adds the single-client probe. */
function cellConnections(options: BenchOptions, scenario: string, latencyMs: number): number[] {
  const extra = scenario === 's2' && latencyMs > 0 ? options.latencyConnections : [];
  return [...new Set([...extra, ...options.connections])].sort((a, b) => a - b);
}
