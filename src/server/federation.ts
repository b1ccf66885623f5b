import { buildSubgraphSchema } from '@apollo/subgraph';
import { addResolversToSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import {
  GraphQLObjectType,
  Kind,
  graphqlSync,
  isObjectType,
  parse,
  printSchema,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { badUserInput, notFound } from '../errors.js';
import { fetchNode } from '../modules/base/resolvers.js';
import { nodeTypeOf } from '../modules/base/node-registry.js';
import type { GatewayModule } from '../modules/module.js';
import type { GraphQLContext } from '../request-context.js';
import { buildSchema, moduleTypeDefs, type ModuleTypeDefs } from './schema.js';

/**
 * The Federation v2 spec the subgraph links. v2.9 is the newest version both Apollo's composition
 * (`@apollo/composition`) and The Guild's (`@theguild/federation-composition`) accept, so the
 * subgraph composes in Apollo Router, Hive Gateway and Cosmo alike.
 */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.9';

/**
 * Value types a client may meet from more than one subgraph (the shared base types every domain
 * uses, and postal addresses): `@shareable`, so another subgraph may define them too.
 */
const SHAREABLE_VALUE_TYPES = new Set([
  'Money',
  'PageInfo',
  'UserError',
  'Principal',
  'Viewer',
  'Address',
]);

/** How the served modules sit in the supergraph (see `moduleTypeDefs`). */
export type SubgraphShape = Pick<ModuleTypeDefs, 'whole' | 'references'>;

const WHOLE: SubgraphShape = { whole: true, references: new Set() };

/**
 * What every domain subgraph answers identically, from the caller's credentials alone: the
 * workspace (`viewer`, and the Workspace entity's own fields, read from the same store).
 */
const SHARED_BY_DOMAINS = new Set(['Workspace']);

/**
 * The client schema's SDL with the federation contract added: the spec is linked, every type that
 * implements `Node` is an entity keyed by its global id, and the shared value types are
 * `@shareable`. Derived from `Node`, so a new Node type is an entity without anyone remembering.
 * A domain subgraph also shares `viewer` and Workspace, and declares the other domains' entities
 * it references by key only (`resolvable: false`): their subgraphs resolve them.
 */
export function federatedTypeDefs(
  clientSchema: GraphQLSchema,
  shape: SubgraphShape = WHOLE,
): DocumentNode {
  const document = parse(printSchema(clientSchema));
  const definitions: DefinitionNode[] = [
    {
      kind: Kind.SCHEMA_EXTENSION,
      directives: [
        directive('link', {
          url: FEDERATION_SPEC_URL,
          import: ['@key', '@shareable'],
        }),
      ],
    },
  ];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
      definitions.push(definition);
      continue;
    }
    const name = definition.name.value;
    const isEntity = definition.interfaces?.some((i) => i.name.value === 'Node') ?? false;
    const added = shape.references.has(name)
      ? [directive('key', { fields: 'id', resolvable: false })]
      : isEntity
        ? [directive('key', { fields: 'id' })]
        : SHAREABLE_VALUE_TYPES.has(name)
          ? [directive('shareable', {})]
          : [];
    if (!shape.whole && SHARED_BY_DOMAINS.has(name)) added.push(directive('shareable', {}));
    const fields =
      !shape.whole && name === 'Query'
        ? definition.fields?.map((f) =>
            f.name.value === 'viewer'
              ? { ...f, directives: [...(f.directives ?? []), directive('shareable', {})] }
              : f,
          )
        : definition.fields;
    definitions.push(
      added.length > 0 || fields !== definition.fields
        ? { ...definition, fields, directives: [...(definition.directives ?? []), ...added] }
        : definition,
    );
  }
  return { kind: Kind.DOCUMENT, definitions };
}

function directive(
  name: string,
  args: Record<string, string | string[] | boolean>,
): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: Object.entries(args).map(([argName, value]) => ({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: argName },
      value: Array.isArray(value)
        ? {
            kind: Kind.LIST,
            values: value.map((v) => ({ kind: Kind.STRING, value: v })),
          }
        : typeof value === 'boolean'
          ? { kind: Kind.BOOLEAN, value }
          : { kind: Kind.STRING, value },
    })),
  };
}

/**
 * The schema the gateway serves: the client schema plus `Query._service` and
 * `Query._entities`, as a Federation v2 subgraph. Entities resolve through the same
 * workspace-scoped node fetchers (and so the same per-request DataLoaders) as `Query.nodes`.
 */
export function buildFederatedSchema(
  clientSchema: GraphQLSchema,
  modules: readonly GatewayModule[],
  maxRepresentations: number,
  shape: SubgraphShape = WHOLE,
): GraphQLSchema {
  // `_service { sdl }` and the federation types come from Apollo's own subgraph library, so the
  // SDL a router composes is exactly what Apollo's tooling would print.
  const subgraph = buildSubgraphSchema({ typeDefs: federatedTypeDefs(clientSchema, shape) });
  const fetchers = Object.assign({}, ...modules.map((m) => m.nodes ?? {})) as NonNullable<
    GatewayModule['nodes']
  >;
  const entities: GraphQLFieldResolver<unknown, GraphQLContext, { representations: unknown[] }> = (
    _root,
    { representations },
    ctx,
  ) => {
    if (representations.length > maxRepresentations)
      throw badUserInput(
        `_entities accepts at most ${maxRepresentations} representations`,
        'representations',
      );
    // Every representation starts its lookup in the same tick, so the node fetchers' loaders
    // batch them: 50 orders are one upstream call per dataset, as with `nodes(ids:)`.
    return representations.map(async (representation) => {
      const { __typename, id } = parseRepresentation(representation);
      const entityType = subgraph.getType(__typename);
      if (!isObjectType(entityType) || !isEntity(entityType))
        throw badUserInput(`${__typename} is not an entity of this subgraph`, 'representations');
      const value = await fetchNode(fetchers, ctx, id);
      if (!value || nodeTypeOf(value) !== __typename)
        throw notFound(`No ${__typename} with id ${id} is visible to this workspace`);
      return value;
    });
  };
  const entityResolvers: IResolvers = {
    Query: { _entities: entities },
    _Entity: { __resolveType: (value: object) => nodeTypeOf(value) },
  };
  // Applied one map at a time: a resolver for a field the SDL does not have is a bug, caught at
  // start-up, as in the client schema. In place: the schema was just built here, and copying it
  // for every map made start-up a second slower.
  for (const resolvers of [...modules.map((m) => m.resolvers as IResolvers), entityResolvers])
    addResolversToSchema({
      schema: subgraph,
      resolvers,
      updateResolversInPlace: true,
      resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
    });
  return subgraph;
}

function isEntity(type: GraphQLObjectType): boolean {
  return type.getInterfaces().some((i) => i.name === 'Node');
}

function parseRepresentation(value: unknown): { __typename: string; id: string } {
  const { __typename, id } = (value ?? {}) as Record<string, unknown>;
  if (typeof __typename !== 'string' || typeof id !== 'string')
    throw badUserInput(
      'A representation needs a string __typename and the entity key `id`',
      'representations',
    );
  return { __typename, id };
}

/**
 * The schema a gateway serving these modules answers on /graphql: the whole gateway, or one
 * domain alone, as a Federation v2 subgraph.
 */
export function buildServedSchema(
  modules: readonly GatewayModule[],
  maxRepresentations: number,
): GraphQLSchema {
  const typeDefs = moduleTypeDefs(modules);
  return buildFederatedSchema(
    buildSchema(modules, typeDefs),
    modules,
    maxRepresentations,
    typeDefs,
  );
}

/** The subgraph SDL as `_service { sdl }` answers it: what routers compose (subgraph.graphql). */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  const result = graphqlSync({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data as { _service?: { sdl?: string } } | null)?._service?.sdl;
  if (!sdl) throw new Error(`the subgraph schema has no _service.sdl: ${String(result.errors)}`);
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}
