import { fetchNode, createBaseModule } from './base/resolvers.js';
import { toGlobalId } from './base/global-id.js';
import { createCommerceModule } from './commerce/index.js';
import { createConnectionsModule } from './connections/index.js';
import { createIntegrationsModule } from './integrations/index.js';
import type { EntityReference, GatewayModule } from './module.js';
import { createShoplineModule } from './shopline/index.js';

/** The domains a gateway can serve alone as a subgraph; each is a module and schema/<domain>.graphql. */
export const DOMAINS = ['connections', 'integrations', 'shopline', 'commerce'] as const;
export type Domain = (typeof DOMAINS)[number];

export function isDomain(name: string): name is Domain {
  return (DOMAINS as readonly string[]).includes(name);
}

/** The modules one gateway process serves, and those whose services it builds. */
export interface ModuleSet {
  /** The base module and the served domains' modules: their SDL, resolvers, routes, start-up. */
  modules: GatewayModule[];
  /**
   * The modules whose services are built: the served ones, plus the modules that feed one of
   * their extension points (the commerce subgraph reads SHOPLINE stores through the SHOPLINE
   * source adapter, so it builds SHOPLINE's services, but serves none of its schema or routes).
   */
  withServices: GatewayModule[];
  /** Whether every domain is served (the whole gateway), or a subset (a domain subgraph). */
  whole: boolean;
}

/**
 * The modules of the given domains (every domain by default). A new domain adds its SDL file
 * under schema/ and its module here.
 */
export function createModuleSet(domains: readonly Domain[] = DOMAINS): ModuleSet {
  const served = new Set<string>(domains);
  const whole = DOMAINS.every((d) => served.has(d));
  let nodeFetchers: NonNullable<GatewayModule['nodes']> = {};
  // A field pointing at another domain's entity: resolved here when this process serves the
  // entity's type, otherwise answered as a reference (its key only) that the router completes
  // from the subgraph owning the type.
  const reference: EntityReference = (ctx, type, localId) => {
    const id = toGlobalId(type, localId);
    return nodeFetchers[type] ? fetchNode(nodeFetchers, ctx, id) : Promise.resolve({ id });
  };
  const all: Record<Domain, GatewayModule> = {
    connections: createConnectionsModule(),
    integrations: createIntegrationsModule(),
    shopline: createShoplineModule({ reference }),
    commerce: createCommerceModule(),
  };
  const domainModules = DOMAINS.filter((d) => served.has(d)).map((d) => all[d]);
  nodeFetchers = Object.assign({}, ...domainModules.map((m) => m.nodes ?? {}));
  // `node`/`nodes` answer for every Node type, so only a gateway serving every domain has them.
  const modules = [createBaseModule(() => nodeFetchers, { nodeQueries: whole }), ...domainModules];
  const points = new Set(domainModules.flatMap((m) => m.extensionPoints ?? []).map((h) => h.point));
  const feeders = DOMAINS.filter((d) => !served.has(d))
    .map((d) => all[d])
    .filter((m) => m.extends?.some((p) => points.has(p)));
  return { modules, withServices: [...modules, ...feeders], whole };
}

/** Every module of the gateway, as the single process serves them. */
export function createModules(): GatewayModule[] {
  return createModuleSet().modules;
}
