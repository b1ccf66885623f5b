import { defineConfig } from 'vitest/config';
import { relayArtifacts } from './test/helpers/relay-tag.js';

export default defineConfig({
  // examples/clients/relay.ts runs as an app built with babel-plugin-relay would.
  plugins: [relayArtifacts()],
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds; Node resolves every import to the CJS
    // one, so tests must too, or a schema from one copy meets `validate` from the other.
    alias: [
      { find: /^graphql$/, replacement: 'graphql/index.js' },
      // What `commerce-graph/client` resolves to for an app (package.json exports), from source.
      {
        find: /^commerce-graph\/client$/,
        replacement: new URL('./src/client/index.ts', import.meta.url).pathname,
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own gateway and sandbox on port 0, so files can run side by side.
    pool: 'forks',
    // Vitest's default is one fork less than the cores: one fork on a 2-core machine, where most of
    // a file's time is spent waiting on its gateway, sandbox and child processes, not on the CPU.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
