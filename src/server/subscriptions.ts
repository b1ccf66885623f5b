import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { IncomingHeaders } from '../observability/spans.js';
import { SocketOperationObserver } from '../observability/socket-operation-observer.js';
import {
  SubscriptionObserver,
  type EventErrorCodes,
} from '../observability/subscription-observer.js';
import { createContext, type GraphQLContext, type Principal } from '../request-context.js';
import { createErrorFormatter, formatPartialErrors, type ErrorFormatter } from './error-format.js';
import type { GatewayServices } from './services.js';
import { SocketOperationGuard, type SocketOperationBounds } from './socket-operation-bounds.js';
import { closeForPolicy, SubscriptionLimits } from './subscription-limits.js';
import { refuseUntrustedSocketDocument, type TrustedDocumentsPolicy } from './trusted-request.js';
import { ErrorCode } from '../errors.js';

/** The credentials a socket authenticates with, as in HTTP requests. */
const CREDENTIAL_HEADERS = ['x-api-key', 'authorization'] as const;

/** W3C trace context a socket's operations continue. */
const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/**
 * GraphQL subscriptions over graphql-ws on the same `/graphql` path. The client authenticates in
 * `connectionParams` with the same credentials as HTTP (`x-api-key` or `authorization`), or, when
 * the params carry none, with those headers on the upgrade request; a connection without valid
 * credentials is closed with 4403 before any operation runs. A socket that sends too fast or
 * holds too many subscriptions (subscription-limits.ts) is closed with 1008. Subscriptions are
 * measured and traced by a SubscriptionObserver, and the queries and mutations sent on the
 * socket by a SocketOperationObserver as HTTP operations are; their trace continues the
 * `traceparent` of `connectionParams`, or else of the upgrade request. Every operation passes
 * the bounds HTTP operations pass (socket-operation-bounds.ts): tokens, document limits, depth,
 * cost and the workspace's budget.
 */
export function attachSubscriptions(
  app: FastifyInstance,
  schema: GraphQLSchema,
  services: GatewayServices,
  trusted: TrustedDocumentsPolicy,
  bounds: SocketOperationBounds,
) {
  const limits = new SubscriptionLimits(services.config.subscriptions);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: services.config.limits.maxBodyBytes,
  });
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Metered before graphql-ws reads any of its messages.
      limits.watch(ws);
      wss.emit('connection', ws, request);
    });
  });
  const formatError = createErrorFormatter(services.logger);
  const guard = new SocketOperationGuard(schema, bounds, services.config.limits.maxQueryTokens);
  const errorCodes: EventErrorCodes = (result, ctx) => [
    ...(result.errors ?? []).map((e) => String(e.extensions['code'] ?? 'ERROR')),
    ...(ctx as GraphQLContext).peekPartialErrors().map(({ error }) => error.code),
  ];
  const { metricsRegistry, config } = services;
  const observer = new SubscriptionObserver(
    metricsRegistry,
    config.metricsMaxOperationNames,
    errorCodes,
  );
  const operations = new SocketOperationObserver(
    metricsRegistry,
    config.metricsMaxOperationNames,
    errorCodes,
  );
  // The trace context of each operation's socket, keyed by the operation's context value.
  const carriers = new WeakMap<object, IncomingHeaders>();

  // The principal of each connection, keyed by its socket: set on connect, read per operation.
  const principals = new WeakMap<object, Principal>();
  const server = useServer<
    Record<string, unknown> | undefined,
    Extra & Record<PropertyKey, unknown>
  >(
    {
      schema,
      subscribe: (args) =>
        observer.subscribe(args, carriers.get(args.contextValue as object) ?? {}),
      // Queries and mutations: graphql-ws runs every operation type on the socket.
      execute: async (args) => {
        const result = await operations.execute(
          args,
          carriers.get(args.contextValue as object) ?? {},
        );
        guard.settle(args, result);
        return result;
      },
      onConnect: async (ctx) => {
        const params = Object.fromEntries(
          Object.entries(ctx.connectionParams ?? {}).map(([k, v]) => [
            k.toLowerCase(),
            typeof v === 'string' ? v : undefined,
          ]),
        );
        // Without credentials in connectionParams, those of the upgrade request count: a
        // federation router that propagates headers to a subgraph's socket (Apollo Router,
        // Cosmo) sends them there. Browsers cannot set these headers on a WebSocket, so a
        // cross-site page still cannot open an authenticated socket.
        const { headers } = ctx.extra.request;
        const credentials = CREDENTIAL_HEADERS.some((h) => params[h])
          ? params
          : Object.fromEntries(CREDENTIAL_HEADERS.map((h) => [h, headers[h]]));
        try {
          principals.set(ctx.extra.socket, await services.authenticator.authenticate(credentials));
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const socket = ctx.extra.socket;
        const principal = principals.get(socket)!;
        // Checked before a slot is taken: a refused document holds none.
        const untrusted = refuseUntrustedSocketDocument(
          payload.query,
          trusted,
          principal.roles.includes('admin'),
        );
        if (untrusted) {
          observer.refused();
          return [
            new GraphQLError(untrusted, {
              extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND },
            }),
          ];
        }
        const refusal =
          socket.readyState !== socket.OPEN
            ? 'The socket is closing'
            : limits.admit(socket, principal.workspace.id, id);
        if (refusal === undefined) {
          // The operation's context is made here, before graphql-ws would: its cost is charged
          // to the workspace before it runs. A refusal frees the slot (onError).
          const requestId = randomUUID();
          const contextValue = createContext({
            requestId,
            log: services.logger.child({ requestId, transport: 'graphql-ws' }),
            principal,
            services,
          });
          carriers.set(contextValue, traceCarrier(ctx.connectionParams, ctx.extra.request.headers));
          const bounded = await guard.bound(payload, contextValue);
          if ('args' in bounded) return bounded.args;
          if (bounded.outcome === 'invalid') observer.invalid();
          else observer.refused();
          return bounded.errors;
        }
        observer.refused();
        if (socket.readyState === socket.OPEN) closeForPolicy(socket, refusal);
        return [new GraphQLError(refusal, { extensions: { code: ErrorCode.RATE_LIMITED } })];
      },
      onComplete: (ctx, id) => limits.release(ctx.extra.socket, id),
      onNext: (_ctx, _id, _payload, args, result) =>
        formatResult(result as ExecutionResult, formatError, args.contextValue as GraphQLContext),
      onError: (ctx, id, _payload, errors) => {
        limits.release(ctx.extra.socket, id);
        return errors.map((e) => formatError(e.toJSON(), e));
      },
    },
    wss,
  );

  return {
    async close() {
      await server.dispose();
      wss.close();
    },
  };
}

/**
 * The trace context of a socket's operations: `traceparent` (and `tracestate`) from
 * `connectionParams`, which browsers can set, or else from the upgrade request's headers, which
 * routers and server-side clients send.
 */
function traceCarrier(
  params: Record<string, unknown> | undefined,
  headers: IncomingHeaders,
): IncomingHeaders {
  const from = typeof params?.['traceparent'] === 'string' ? params : headers;
  return Object.fromEntries(
    TRACE_HEADERS.map((h) => [h, typeof from[h] === 'string' ? from[h] : undefined]),
  );
}

function formatResult(result: ExecutionResult, formatError: ErrorFormatter, ctx: GraphQLContext) {
  const partial = formatPartialErrors(formatError, ctx.takePartialErrors());
  if (!result.errors && partial.length === 0) return result;
  return {
    ...result,
    errors: [...(result.errors ?? []).map((e) => formatError(e.toJSON(), e)), ...partial],
  };
}
