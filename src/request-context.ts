import DataLoader from 'dataloader';
import type { FastifyBaseLogger } from 'fastify';
import type { AppServices } from './app-services.js';
import { forbidden, type GatewayError } from './errors.js';
import type { Role, WorkspaceRecord } from './store/repositories/workspaces.js';

/*
 * The request context sits below both the server, which makes one per request, and the domain
 * modules, whose resolvers read it: either side imports it without importing the other, so a
 * module served alone (a subgraph) needs nothing of src/server/.
 */

export interface Principal {
  /** API key id, or the JWT `sub`. */
  id: string;
  kind: 'API_KEY' | 'JWT';
  workspace: WorkspaceRecord;
  roles: Role[];
  /** The caller's own bearer token, forwarded to upstreams that share our identity provider. */
  bearerToken?: string;
}

/** What every resolver receives: who is calling, in which workspace, and the services. */
export interface GraphQLContext {
  requestId: string;
  log: FastifyBaseLogger;
  principal: Principal;
  workspace: WorkspaceRecord;
  services: AppServices;
  /**
   * Reports an error on `path` while the field there still returns data (partial results: one
   * source of a merged list failed, the others answered). The error is added to the response's
   * `errors`, formatted like any other, so a client sees it whatever fields it selected.
   */
  reportPartialError(error: GatewayError, path: ReadonlyArray<string | number>): void;
  /** Hands over (and forgets) the errors reported so far, to be added to the response. */
  takePartialErrors(): Array<{ error: GatewayError; path: ReadonlyArray<string | number> }>;
  /** The partial errors reported and not yet taken (a subscription event's, for its span). */
  peekPartialErrors(): ReadonlyArray<{ error: GatewayError }>;
  /**
   * Per-request DataLoader registry: the first call with a name creates the loader, later calls
   * in the same request get the same instance, so loads from sibling fields batch together.
   * With `DATALOADER_BATCHING=false` (a benchmark ablation) every load is its own call.
   */
  loader<K, V, C = K>(
    name: string,
    batch: DataLoader.BatchLoadFn<K, V>,
    options?: DataLoader.Options<K, V, C>,
  ): DataLoader<K, V, C>;
  /**
   * A value computed at most once per request under a name (the workspace's link list): the
   * first call starts `compute`, later calls get the same promise. A DataLoader of one key
   * did the same through a batch, a cache map and a scheduled dispatch on every request.
   */
  once<T>(name: string, compute: () => Promise<T>): Promise<T>;
}

interface ContextArgs {
  requestId: string;
  log: FastifyBaseLogger;
  principal: Principal;
  services: AppServices;
}

type PartialError = { error: GatewayError; path: ReadonlyArray<string | number> };

/**
 * One per request. A class, not an object literal of closures: the literal spread its arguments
 * and made four closures, a Map and an array for every request, most of them never used by a
 * one-record query.
 */
class RequestContext implements GraphQLContext {
  readonly requestId: string;
  readonly log: FastifyBaseLogger;
  readonly principal: Principal;
  readonly workspace: WorkspaceRecord;
  readonly services: AppServices;
  private loaders: Map<string, unknown> | undefined;
  private onceValues: Map<string, Promise<unknown>> | undefined;
  private partialErrors: PartialError[] | undefined;

  constructor(args: ContextArgs) {
    this.requestId = args.requestId;
    this.log = args.log;
    this.principal = args.principal;
    this.workspace = args.principal.workspace;
    this.services = args.services;
  }

  reportPartialError(error: GatewayError, path: ReadonlyArray<string | number>): void {
    (this.partialErrors ??= []).push({ error, path: [...path] });
  }

  takePartialErrors(): PartialError[] {
    return this.partialErrors?.splice(0) ?? [];
  }

  peekPartialErrors(): readonly PartialError[] {
    return this.partialErrors ?? [];
  }

  loader<K, V, C = K>(
    name: string,
    batch: DataLoader.BatchLoadFn<K, V>,
    options?: DataLoader.Options<K, V, C>,
  ): DataLoader<K, V, C> {
    const loaders = (this.loaders ??= new Map());
    let loader = loaders.get(name) as DataLoader<K, V, C> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, C>(
        batch,
        this.services.config.dataloaderBatching
          ? options
          : { ...options, batch: false, cache: false },
      );
      loaders.set(name, loader);
    }
    return loader;
  }

  once<T>(name: string, compute: () => Promise<T>): Promise<T> {
    const values = (this.onceValues ??= new Map());
    let value = values.get(name) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      values.set(name, value);
      // A failure is not kept: a later call in the same request tries again, as DataLoader
      // drops a failed key.
      value.catch(() => values.delete(name));
    }
    return value;
  }
}

export function createContext(args: ContextArgs): GraphQLContext {
  return new RequestContext(args);
}

export function hasRole(ctx: GraphQLContext, role: Role): boolean {
  return ctx.principal.roles.includes(role);
}

export function requireRole(ctx: GraphQLContext, role: Role): void {
  if (!hasRole(ctx, role)) throw forbidden(`This operation needs the ${role.toUpperCase()} role`);
}
