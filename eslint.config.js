import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      // The compiled gateway (npm run build) and a build in progress.
      'dist/',
      '.dist-build-*/',
      'src/generated/',
      // The client examples' typed documents (graphql-codegen) and Relay artifacts (relay-compiler).
      'examples/clients/generated/',
      'examples/clients/__generated__/',
      'bench/results/',
      'bench/peer/',
      '.data/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/main.ts', 'src/sandbox/main.ts', 'bench/**/*.ts', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);
