import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { ROOT, startGateway, startHiveGateway, type Server } from './servers.js';

/** How the federated variants are started: Hive Gateway in front of this gateway's subgraphs. */

/**
 * The federated path: Hive Gateway (the peer's own install, so both use one router version) in
 * front of this gateway served as subgraphs. `whole`: one process serving every domain, as
 * docs/federation.md deploys it; `domains`: one process per domain (`npm start -- --subgraph
 * <domain>`, every one on the run's store), composed from the committed SDL files. The router's
 * pid is the server's; the subgraphs are its `members`, measured with it.
 */
export async function startFederated(options: {
  kind: 'whole' | 'domains';
  /** Hive Gateway's default JavaScript runtime, or Hive Router's (Rust query planner). */
  runtime: 'default' | 'rust';
  cpus: string;
  dir: string;
  env: Record<string, string>;
  cpuProfileDir: string | undefined;
}): Promise<Server> {
  const subgraphs =
    options.kind === 'whole'
      ? [{ name: 'commerce-graph', file: join(ROOT, 'subgraph.graphql'), domain: undefined }]
      : readdirSync(join(ROOT, 'subgraphs'))
          .filter((f) => f.endsWith('.graphql'))
          .sort()
          .map((f) => {
            const domain = f.replace(/\.graphql$/, '');
            return { name: domain, file: join(ROOT, 'subgraphs', f), domain };
          });
  const name = `fed-${options.kind}${options.runtime === 'rust' ? '-rust' : ''}`;
  const members: Server[] = [];
  try {
    for (const subgraph of subgraphs) {
      members.push(
        await startGateway({
          cpus: options.cpus,
          dir: options.dir,
          env: { ...options.env, ...(subgraph.domain ? { SUBGRAPH: subgraph.domain } : {}) },
          batching: true,
          cpuProfileDir: options.cpuProfileDir,
          name: `${name}-${subgraph.name}`,
        }),
      );
    }
    const composed = composeServices(
      subgraphs.map((s, i) => ({
        name: s.name,
        url: `${members[i]!.origin}/graphql`,
        typeDefs: parse(readFileSync(s.file, 'utf8')),
      })),
    );
    if (compositionHasErrors(composed))
      throw new Error(composed.errors.map((e) => e.message).join('\n'));
    const supergraph = join(options.dir, `${name}-supergraph.graphql`);
    writeFileSync(supergraph, composed.supergraphSdl);
    const router = await startHiveGateway({
      name,
      cpus: options.cpus,
      dir: options.dir,
      supergraph,
      config:
        options.runtime === 'rust'
          ? 'gateway.federation.rust.config.ts'
          : 'gateway.federation.config.ts',
      env: {},
      logFile: join(options.dir, `${name}-router.log`),
    });
    return { ...router, members };
  } catch (error) {
    for (const member of members) await member.process.stop();
    throw error;
  }
}

/**
 * `npm run federation` (`npm start -- --federated`) as a user runs it locally: Hive Gateway and
 * the four domain subgraphs in one process over one store (PGlite or DATABASE_URL), started
 * from the compiled build like the gateway variant. Its router is the product's own
 * (src/server/federated-router.ts), with Hive Gateway's defaults: unlike the bench's router, it
 * shares one subgraph fetch among identical queries in flight.
 */
export function startFederatedLocal(options: {
  cpus: string;
  dir: string;
  env: Record<string, string>;
  cpuProfileDir: string | undefined;
}): Promise<Server> {
  return startGateway({ ...options, batching: true, name: 'fed-local', args: ['--federated'] });
}

/**
 * GraphQL operations a gateway process has served (its `graphql_operation_duration_seconds`
 * counts, summed over operation names): behind a router, the subgraph fetches it answered.
 */
export async function operationsServed(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^graphql_operation_duration_seconds_count\{[^}]*\} (\d+)$/gm))
    total += Number(match[1]);
  return total;
}
