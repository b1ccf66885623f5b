import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed operations for an app: `graphql-codegen --config codegen.ts` reads the gateway's
 * schema.graphql and every `graphql(…)` call in the app's sources, and writes a `graphql()`
 * function that returns a TypedDocumentNode for each one (paths here are this repository's).
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/clients/typed-operations.ts'],
  // Imports with `.js` extensions, as Node's ESM resolution (and TypeScript's NodeNext) requires.
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/clients/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // Result and variables types of the operations (and the schema's enums and inputs), not a
        // type for every object of the schema.
        onlyOperationTypes: true,
        // The gateway's custom scalars as they arrive in JSON.
        scalars: { DateTime: 'string', Decimal: 'string', CurrencyCode: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
