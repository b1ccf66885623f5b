import { createClient } from 'graphql-ws';

/**
 * Subscriptions speak graphql-ws on the same /graphql path, with the same credentials in
 * connectionParams (browsers cannot set WebSocket headers). On React Native and in browsers the
 * global WebSocket is used; Node passes `webSocketImpl` (the `ws` package).
 */
export function watchConnections(
  url: string,
  apiKey: string,
  onUpdate: (connection: { id: string; status: string }) => void,
  webSocketImpl?: unknown,
): () => void | Promise<void> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: { 'x-api-key': apiKey },
    ...(webSocketImpl ? { webSocketImpl } : {}),
  });
  client.subscribe<{ connectionUpdated: { id: string; status: string } }>(
    { query: 'subscription { connectionUpdated { id status } }' },
    {
      next: ({ data }) => data && onUpdate(data.connectionUpdated),
      error: (error) => console.error('subscription failed', error),
      complete: () => {},
    },
  );
  return () => client.dispose();
}
