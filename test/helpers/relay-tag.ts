import type { Plugin } from 'vitest/config';

/**
 * What babel-plugin-relay does in an app's build, for examples/clients only: each
 * graphql`query Name …` becomes the artifact relay-compiler wrote for it
 * (__generated__/Name.graphql.ts). Without it relay-runtime's `graphql` tag throws when run.
 */
export function relayArtifacts(): Plugin {
  return {
    name: 'relay-artifacts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('/examples/clients/') || !code.includes('graphql`')) return null;
      const imports: string[] = [];
      const out = code.replace(
        /\bgraphql`\s*(?:query|mutation|subscription|fragment)\s+(\w+)[^`]*`/g,
        (_text, name: string) => {
          imports.push(`import __relay_${name} from './__generated__/${name}.graphql.ts';`);
          return `__relay_${name}`;
        },
      );
      // On the first line, so the file's own lines keep their numbers in stack traces.
      return { code: imports.join(' ') + out, map: null };
    },
  };
}
