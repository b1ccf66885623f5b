/**
 * Writes subgraphs/<domain>.graphql: the Federation v2 SDL each domain serves alone
 * (`npm start -- --subgraph <domain>`), what `npm run supergraph` composes. Run by codegen.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { DOMAINS, createModuleSet } from '../src/modules/index.js';
import { buildServedSchema, printSubgraphSdl } from '../src/server/federation.js';

const dir = new URL('../subgraphs/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const domain of DOMAINS) {
  const { modules } = createModuleSet([domain]);
  writeFileSync(new URL(`${domain}.graphql`, dir), printSubgraphSdl(buildServedSchema(modules, 1)));
}
