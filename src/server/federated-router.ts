import {
  createGatewayRuntime,
  getGraphQLWSOptions,
  type GatewayRuntime,
} from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import wsTransport from '@graphql-mesh/transport-ws';
import type { FastifyInstance } from 'fastify';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode, GatewayError } from '../errors.js';
import { sendGraphiqlIfWanted } from './graphiql.js';
import { sendGraphqlErrors } from './http-errors.js';
import type { GatewayServices } from './services.js';

/** The headers commerce-graph authenticates with: what the router forwards to every subgraph. */
const FORWARDED_HEADERS = ['x-api-key', 'authorization', 'x-request-id'] as const;
const CREDENTIALS = ['x-api-key', 'authorization'] as const;

/** What the router's plugins may read of the server: the HTTP request (and reply, or socket). */
/** Hive Gateway's `propagateHeaders.fromClientToSubgraphs`: the caller's credentials. */
export function forwardedHeaders({ request }: { request: Request }): Record<string, string | null> {
  return Object.fromEntries(FORWARDED_HEADERS.map((h) => [h, request.headers.get(h)]));
}

/**
 * Hive Gateway's transport entry for a subgraph that serves subscriptions: graphql-ws on its
 * /graphql, with the graphql-ws client's credentials (which reach the router's context as
 * headers) in the `connection_init` payload.
 */
export const WS_SUBSCRIPTIONS = {
  options: {
    subscriptions: {
      kind: 'ws',
      location: '/graphql',
      options: {
        connectionParams: Object.fromEntries(CREDENTIALS.map((h) => [h, `{context.headers.${h}}`])),
      },
    },
  },
} as const;

type RouterContext = Record<string, unknown>;

export interface RouterOptions {
  supergraph: string;
  /** Subgraphs that serve subscriptions: the router reaches them over graphql-ws on /graphql. */
  subscriptionSubgraphs: readonly string[];
  services: GatewayServices;
  graphiqlHeaders?: () => Record<string, string>;
}

/**
 * Hive Gateway on `/graphql` of a Fastify app: the supergraph's queries and mutations over HTTP,
 * subscriptions over graphql-ws (forwarded to the subgraph's own graphql-ws endpoint), the
 * caller's credentials forwarded to every subgraph. A request without valid credentials is
 * refused here with 401, as the single process does, before any subgraph is asked; each
 * subgraph still authenticates and scopes what it answers itself.
 */
export function mountFederationRouter(
  app: FastifyInstance,
  { supergraph, subscriptionSubgraphs, services, graphiqlHeaders }: RouterOptions,
): { close(): Promise<void> } {
  const gateway: GatewayRuntime<RouterContext> = createGatewayRuntime<RouterContext>({
    supergraph,
    logging: false,
    // Our own GraphiQL page (served from this process, no CDN) answers browsers instead.
    graphiql: false,
    landingPage: false,
    transports: { http: httpTransport, ws: wsTransport },
    // Hive's HTTP executor shares one subgraph fetch among identical queries in flight
    // (`deduplicateInflightRequests`); headers propagated here are part of what makes two fetches
    // identical, so two workspaces' same query never share one. Credentials added later (an
    // `onFetch` plugin) would not be: test/integration/federation/concurrent-workspaces.test.ts.
    propagateHeaders: { fromClientToSubgraphs: forwardedHeaders },
    transportEntries: Object.fromEntries(
      subscriptionSubgraphs.map((name) => [name, WS_SUBSCRIPTIONS]),
    ),
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: async (request, reply) => {
      const page = sendGraphiqlIfWanted(request, reply, {
        defaultHeaders: graphiqlHeaders?.() ?? {},
        sandbox: services.config.sandbox,
      });
      if (page) return page;
      try {
        await services.authenticator.authenticate(request.headers);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        const status = error.code === ErrorCode.UNAUTHENTICATED ? 401 : 403;
        return sendGraphqlErrors(request, reply, status, error.message, error.code);
      }
      const response = await gateway.handleNodeRequestAndResponse(request, reply, {
        req: request,
        reply,
      });
      for (const [key, value] of response.headers) void reply.header(key, value);
      void reply.code(response.status);
      return reply.send(response.body);
    },
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: services.config.limits.maxBodyBytes,
  });
  app.server.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '').split('?')[0] !== '/graphql') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const sockets = useServer(
    getGraphQLWSOptions<Record<string, unknown>, Extra>(gateway, (ctx) => ({
      req: ctx.extra.request,
      socket: ctx.extra.socket,
    })),
    wss,
  );
  return {
    async close() {
      await sockets.dispose();
      wss.close();
      await gateway.dispose();
    },
  };
}
