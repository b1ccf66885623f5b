import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { GatewayModule } from '../modules/module.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The SDL files of schema/, base first so domain files can extend its root types. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)))
    .map((f) => readFileSync(`${dir}/${f}`, 'utf8'));
}

/** The client-facing schema: what schema.graphql holds and frontends generate types from. */
export function buildSchema(modules: GatewayModule[]): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: modules.map((m) => m.resolvers as IResolvers),
    // A resolver for a field the SDL does not have is a bug, caught at start-up.
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}

/** The schema as committed in schema.graphql for frontend and mobile codegen. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
