import { writeFileSync } from 'node:fs';
import { DOMAINS, createModuleSet } from '../modules/index.js';
import { buildServedSchema, printSubgraphSdl } from '../server/federation.js';
import {
  CompositionError,
  DEFAULT_CONFIG_FILE,
  DEFAULT_DOMAIN_URLS,
  composeSupergraph,
  externalSubgraphs,
  loadSupergraphConfig,
} from '../server/supergraph.js';

/**
 * `npm run supergraph`: composes the four domain subgraphs (their SDL as this version serves it)
 * and the config file's external subgraphs into a supergraph with The Guild's composer, and
 * writes it (supergraph.graphql by default). Returns the exit code: 1 when the config is wrong or
 * composition fails, with the composer's errors on stderr as it gives them.
 */
export async function writeSupergraph(options: {
  configFile: string | undefined;
  out: string | undefined;
}): Promise<number> {
  const out = options.out ?? 'supergraph.graphql';
  try {
    const config = loadSupergraphConfig(options.configFile ?? DEFAULT_CONFIG_FILE, {
      required: options.configFile !== undefined,
    });
    const domains = DOMAINS.map((domain) => ({
      name: domain,
      url: config.domains?.[domain] ?? DEFAULT_DOMAIN_URLS[domain],
      sdl: printSubgraphSdl(buildServedSchema(createModuleSet([domain]).modules, 1)),
    }));
    const external = await externalSubgraphs(config);
    writeFileSync(out, composeSupergraph([...domains, ...external]));
    const composed = [...domains, ...external].map((s) => `${s.name} ${s.url}`).join(', ');
    process.stdout.write(`supergraph: wrote ${out} (${composed})\n`);
    return 0;
  } catch (error) {
    if (error instanceof CompositionError) {
      for (const message of error.messages) console.error(message);
      console.error(`supergraph: composition failed with ${error.messages.length} error(s)`);
    } else {
      console.error(`supergraph: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  }
}
