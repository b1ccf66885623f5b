import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AppServices, ModuleServices, SharedServices } from '../app-services.js';
import type { UpstreamName } from '../config.js';
import type { Resolvers } from '../generated/graphql.js';
import type { GraphQLContext } from '../request-context.js';
import type { UpstreamHttpClient, UpstreamHttpClientOptions } from '../upstreams/http-client.js';

/** What a module's services factory is given: the shared services and the upstream machinery. */
export interface ModuleDependencies extends SharedServices {
  /** HTTP machinery for one upstream (see upstreams/upstream-http.ts), closed with the process. */
  upstreamHttp(name: UpstreamName, extra?: Partial<UpstreamHttpClientOptions>): UpstreamHttpClient;
}

/** How a module builds its services, once per process, under its key of `ctx.services`. */
export interface ModuleServicesFactory {
  readonly key: keyof ModuleServices;
  create(deps: ModuleDependencies): unknown;
}

/** Declares that `create` builds the services resolvers reach as `ctx.services[key]`. */
export function moduleServices<K extends keyof ModuleServices>(
  key: K,
  create: (deps: ModuleDependencies) => ModuleServices[K] | Promise<ModuleServices[K]>,
): ModuleServicesFactory {
  return { key, create };
}

/**
 * A typed slot a module declares for other modules to fill: the commerce module takes commerce
 * sources, and the SHOPLINE module gives it one. The module that declares the point handles what
 * it receives (`ExtensionHandler`); the module that fills it imports only the point. A
 * contribution to a point no served module declares (SHOPLINE served without commerce) is unused.
 */
export interface ExtensionPoint<T> {
  readonly name: string;
  /** Never set: carries the type of what the point takes, for the type checker only. */
  readonly valueType?: T;
}

export function extensionPoint<T>(name: string): ExtensionPoint<T> {
  return { name };
}

/**
 * A field's value that is another domain's entity, by its type and local id: the entity itself
 * when the process serves that type, else a reference (`{ id }`) that a federation router
 * completes from the subgraph owning the type. Given to module factories by `createModuleSet`.
 */
export type EntityReference = (
  ctx: GraphQLContext,
  type: string,
  localId: string,
) => Promise<object | null>;

/** One value given to an extension point. */
export interface Extension {
  readonly point: ExtensionPoint<unknown>;
  readonly value: unknown;
}

export function extension<T>(point: ExtensionPoint<T>, value: T): Extension {
  return { point, value };
}

/** How the declaring module takes in what other modules give one of its points. */
export interface ExtensionHandler {
  readonly point: ExtensionPoint<unknown>;
  accept(services: AppServices, value: unknown): void;
}

export function extensionHandler<T>(
  point: ExtensionPoint<T>,
  accept: (services: AppServices, value: T) => void,
): ExtensionHandler {
  // The server hands a handler only the values given to its own point, so they are Ts.
  return { point, accept: (services, value) => accept(services, value as T) };
}

/**
 * A domain module, whole: the resolvers it adds to the schema (its SDL lives in
 * schema/<domain>.graphql), its services factory, its Node types, routes, start-up work, metrics
 * and extension points. The server composes modules and never names a domain's internals.
 * A module implements only the fields it adds.
 */
export interface GatewayModule {
  name: string;
  resolvers: Resolvers;
  /** Builds the module's services from the shared dependencies (see `moduleServices`). */
  services?: ModuleServicesFactory;
  /**
   * Node type name → loader of one object by local id, scoped to the caller's workspace.
   * Returns null for ids that do not exist or belong to another workspace.
   */
  nodes?: Record<string, (ctx: GraphQLContext, localId: string) => Promise<object | null>>;
  /**
   * Plain HTTP routes of the module (webhooks, landing pages), registered in their own Fastify
   * scope so content-type parsers and hooks they add (e.g. raw bodies) stay local to them.
   */
  routes?: (app: FastifyInstance, services: AppServices) => Promise<void> | void;
  /** Work to do once at start-up, before the gateway accepts requests (e.g. recovering an inbox). */
  start?: (services: AppServices) => Promise<void>;
  /** Registers the module's metrics (prom-client) in the app's registry, once, at start-up. */
  metrics?: (registry: Registry, services: AppServices) => void;
  /** The extension points this module declares, with what it does with each value given. */
  extensionPoints?: ExtensionHandler[];
  /** Values this module gives other modules' extension points, once its services exist. */
  extensions?: (services: AppServices) => Extension[];
  /**
   * The points `extensions` gives values to: a subgraph serving the module that declares one of
   * them builds this module's services too (not its schema or routes), so the values exist.
   */
  extends?: ReadonlyArray<ExtensionPoint<unknown>>;
}
