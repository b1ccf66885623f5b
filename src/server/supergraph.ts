import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { z } from 'zod';
import { DOMAINS, type Domain } from '../modules/index.js';

/** One subgraph of a supergraph: its name, where the router reaches it, and its SDL. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** Composition failed: the composer's own messages, one per error. */
export class CompositionError extends Error {
  override name = 'CompositionError';
  constructor(readonly messages: string[]) {
    super(`supergraph composition failed:\n${messages.join('\n')}`);
  }
}

/** Composes with The Guild's composer (Hive's); throws its errors as it gives them. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  if (compositionHasErrors(result)) throw new CompositionError(result.errors.map((e) => e.message));
  return result.supergraphSdl;
}

const subgraphEntry = z
  .object({
    name: z.string().regex(/^[A-Za-z][\w-]*$/, 'a subgraph name: letters, digits, _ and -'),
    url: z.string().url(),
    /** A file with the subgraph's SDL, relative to the config file; else read from `url`. */
    schema: z.string().min(1).optional(),
    /** Headers to send when reading the SDL from `url` (`_service { sdl }`). */
    headers: z.record(z.string()).optional(),
  })
  .strict();

const configFile = z
  .object({
    /** Where a router reaches each domain subgraph; defaults in `DEFAULT_DOMAIN_URLS`. */
    domains: z.record(z.enum(DOMAINS), z.string().url()).optional(),
    /** Subgraphs of other teams composed beside the domains. */
    subgraphs: z.array(subgraphEntry).default([]),
  })
  .strict();

export type SupergraphConfig = z.infer<typeof configFile>;

/** Where `npm run supergraph` says the domains are, unless the config file says otherwise. */
export const DEFAULT_DOMAIN_URLS: Record<Domain, string> = {
  connections: 'http://localhost:4001/graphql',
  integrations: 'http://localhost:4002/graphql',
  shopline: 'http://localhost:4003/graphql',
  commerce: 'http://localhost:4004/graphql',
};

export const DEFAULT_CONFIG_FILE = 'supergraph.config.json';

/** Reads and checks a supergraph config file; a missing default file is an empty config. */
export function loadSupergraphConfig(
  file: string,
  { required }: { required: boolean },
): SupergraphConfig & { dir: string } {
  const dir = dirname(resolve(file));
  if (!existsSync(file)) {
    if (required) throw new Error(`${file}: no such file`);
    return { subgraphs: [], dir };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = configFile.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return { ...parsed.data, dir };
}

/** The external subgraphs of a config: each SDL from its file, or from `_service { sdl }`. */
export async function externalSubgraphs(
  config: SupergraphConfig & { dir: string },
): Promise<SubgraphSource[]> {
  return Promise.all(
    config.subgraphs.map(async ({ name, url, schema, headers }) => ({
      name,
      url,
      sdl: schema
        ? readFileSync(resolve(config.dir, schema), 'utf8')
        : await fetchSdl(url, headers),
    })),
  );
}

async function fetchSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: { _service?: { sdl?: string } };
  } | null;
  const sdl = body?.data?._service?.sdl;
  if (!response.ok || !sdl)
    throw new Error(`${url} did not answer _service { sdl } (HTTP ${response.status})`);
  return sdl;
}
