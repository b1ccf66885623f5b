import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import {
  Kind,
  buildASTSchema,
  isObjectType,
  lexicographicSortSchema,
  parse,
  printSchema,
  specifiedScalarTypes,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import type { GatewayModule } from '../modules/module.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The SDL files of schema/ by module name (`base` and one per domain). */
function sdlFiles(dir = SCHEMA_DIR): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort((a, b) => a.localeCompare(b))
      .map((f) => [f.slice(0, -'.graphql'.length), readFileSync(`${dir}/${f}`, 'utf8')]),
  );
}

/** What a set of modules serves of schema/: its SDL, and how it relates to the whole. */
export interface ModuleTypeDefs {
  typeDefs: DocumentNode;
  /** Every domain's SDL is in: the whole gateway, with `node`/`nodes`. */
  whole: boolean;
  /**
   * Entities of domains not served that the served SDL refers to (a SHOPLINE merchant's
   * `CommerceLink`): declared by their key alone, for a federation router to complete.
   */
  references: ReadonlySet<string>;
}

/**
 * base.graphql (first, so domain files can extend its root types) and the served modules'
 * schema/<name>.graphql. A subset leaves out `Query.node`/`Query.nodes` (only the whole gateway
 * can answer for every Node type) and declares the other domains' entities it refers to as stubs.
 */
export function moduleTypeDefs(modules: readonly GatewayModule[]): ModuleTypeDefs {
  const files = sdlFiles();
  const names = new Set(['base', ...modules.map((m) => m.name)]);
  const whole = [...files.keys()].every((name) => names.has(name));
  const documents = ['base', ...[...files.keys()].filter((n) => n !== 'base' && names.has(n))].map(
    (name) => parse(files.get(name) ?? ''),
  );
  const served: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: documents.flatMap((d) => d.definitions),
  };
  if (whole) return { typeDefs: served, whole, references: new Set() };
  const definitions = served.definitions.map(withoutNodeQueries);
  const stubs = referenceStubs(served, () =>
    buildASTSchema(parse([...files.values()].join('\n')), { assumeValidSDL: true }),
  );
  return {
    typeDefs: { kind: Kind.DOCUMENT, definitions: [...definitions, ...stubs] },
    whole,
    references: new Set(stubs.map((s) => s.name.value)),
  };
}

function withoutNodeQueries(definition: DefinitionNode): DefinitionNode {
  if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value !== 'Query')
    return definition;
  return {
    ...definition,
    fields: definition.fields?.filter((f) => !['node', 'nodes'].includes(f.name.value)),
  };
}

/**
 * `type X { id: ID! }` for every type the served SDL names but does not define: it must be an
 * entity (a Node) of another domain, which a field may reference by its key. Anything else is a
 * domain depending on another's value types, a mistake caught when the subgraph is built.
 */
function referenceStubs(served: DocumentNode, whole: () => GraphQLSchema) {
  const defined = new Set<string>(specifiedScalarTypes.map((t) => t.name));
  for (const d of served.definitions)
    if ('name' in d && d.name && !isExtension(d)) defined.add(d.name.value);
  const missing = new Set<string>();
  visit(served, {
    NamedType: (node) => {
      if (!defined.has(node.name.value)) missing.add(node.name.value);
    },
  });
  return [...missing].sort().map((name): ObjectTypeDefinitionNode => {
    const type = whole().getType(name);
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node'))
      throw new Error(`the served SDL refers to ${name} of another domain, which is not a Node`);
    const [stub] = parse(`type ${name} { id: ID! }`).definitions as [ObjectTypeDefinitionNode];
    // The owner's description, so the composed supergraph has one description per type.
    return type.description
      ? {
          ...stub,
          description: { kind: Kind.STRING as const, value: type.description, block: true },
        }
      : stub;
  });
}

function isExtension(definition: DefinitionNode): boolean {
  return definition.kind.endsWith('Extension');
}

/** The client-facing schema of the modules: schema.graphql for the whole gateway. */
export function buildSchema(
  modules: readonly GatewayModule[],
  typeDefs: ModuleTypeDefs = moduleTypeDefs(modules),
): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: typeDefs.typeDefs,
    resolvers: modules.map((m) => m.resolvers as IResolvers),
    // A resolver for a field the SDL does not have is a bug, caught at start-up.
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}

/** The schema as committed in schema.graphql for frontend and mobile codegen. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
