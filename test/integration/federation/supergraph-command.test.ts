import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_SUBGRAPH_SDL } from '../../helpers/external-subgraph.js';

/** `npm run supergraph` as an operator runs it, with a config file naming another subgraph. */
describe('npm run supergraph', () => {
  it(
    'prints the composer’s errors and exits non-zero when a subgraph conflicts',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'supergraph-'));
      // Order.status is the commerce subgraph's own (non-shareable) field with another type.
      writeFileSync(
        join(dir, 'conflicting.graphql'),
        EXTERNAL_SUBGRAPH_SDL.replace('warehouseNote: String!', 'status: Int'),
      );
      writeFileSync(
        join(dir, 'supergraph.config.json'),
        JSON.stringify({
          subgraphs: [
            {
              name: 'conflicting',
              url: 'http://127.0.0.1:9/graphql',
              schema: 'conflicting.graphql',
            },
          ],
        }),
      );
      const run = promisify(execFile);
      const failed = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/main.ts',
          'supergraph',
          '--config',
          join(dir, 'supergraph.config.json'),
          '--out',
          join(dir, 'supergraph.graphql'),
        ],
        { cwd: process.cwd() },
      ).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('"Order.status" is incompatible across subgraphs');
      expect(failed?.stderr).toContain('composition failed');
    },
    // A process of its own, started through tsx: seconds on a loaded machine.
    120_000,
  );
});
