import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGatewayRuntime,
  getGraphQLWSOptions,
  type GatewayPlugin,
} from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import wsTransport from '@graphql-mesh/transport-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

import { WS_SUBSCRIPTIONS, forwardedHeaders } from '../../src/server/federated-router.js';
import { composeSupergraph, type SubgraphSource } from '../../src/server/supergraph.js';

export type { SubgraphSource };

export interface HiveGateway {
  /** The router's GraphQL endpoint, over HTTP (and graphql-ws on the same path). */
  url: string;
  /** The HTTP status of every answer a subgraph gave the router, in order. */
  subgraphResponses: Array<{ subgraph: string; status: number }>;
  close(): Promise<void>;
}

/**
 * Hive Gateway in front of the given subgraphs, configured as docs/federation.md tells a
 * platform team: auth headers propagated to every subgraph over HTTP, and from a graphql-ws
 * client's `connectionParams` to commerce-graph's own graphql-ws endpoint for subscriptions.
 */
export async function startHiveGateway(
  subgraphs: SubgraphSource[],
  commerceSubgraph: string,
): Promise<HiveGateway> {
  const subgraphResponses: HiveGateway['subgraphResponses'] = [];
  const recordResponses: GatewayPlugin = {
    onFetch: ({ executionRequest }) =>
      function onFetchDone({ response }) {
        subgraphResponses.push({
          subgraph: executionRequest?.subgraphName ?? '',
          status: response.status,
        });
      },
  };
  const gateway = createGatewayRuntime({
    supergraph: composeSupergraph(subgraphs),
    logging: false,
    plugins: () => [recordResponses],
    transports: { http: httpTransport, ws: wsTransport },
    propagateHeaders: { fromClientToSubgraphs: forwardedHeaders },
    transportEntries: { [commerceSubgraph]: WS_SUBSCRIPTIONS },
  });
  const server = createServer(gateway);
  const wss = new WebSocketServer({ server, path: gateway.graphqlEndpoint });
  const ws = useServer(
    getGraphQLWSOptions<Record<string, unknown>, Extra>(gateway, (ctx) => ({
      req: ctx.extra.request,
      socket: ctx.extra.socket,
    })),
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${gateway.graphqlEndpoint}`,
    subgraphResponses,
    async close() {
      await ws.dispose();
      wss.close();
      await gateway.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
