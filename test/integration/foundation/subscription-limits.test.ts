import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

/**
 * A graphql-ws socket past its bounds is closed with 1008 (policy violation) and a reason
 * naming the bound: too many messages a second, too many subscriptions on the socket, or in
 * the workspace. The gateway keeps answering everyone else.
 */
const SUBSCRIBE = 'subscription { connectionUpdated { id status } }';

async function openSocket(t: TestGateway, apiKey = t.keys.a): Promise<WebSocket> {
  const ws = new WebSocket(t.graphqlUrl.replace('http', 'ws'), 'graphql-transport-ws');
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': apiKey } }));
  await new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') resolve();
    }),
  );
  return ws;
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );

const subscribe = (ws: WebSocket, id: string) =>
  ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: SUBSCRIBE } }));

describe('graphql-ws bounds', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: {
        SUBSCRIPTIONS_PER_SOCKET: '3',
        SUBSCRIPTIONS_PER_WORKSPACE: '5',
        SOCKET_MESSAGES_PER_SECOND: '20',
      },
    });
  });
  afterAll(() => t?.close());

  it('closes a socket that sends 10,000 subscribe messages at once, and serves others', async () => {
    const ws = await openSocket(t);
    const done = closed(ws);
    for (let i = 0; i < 10_000; i++) subscribe(ws, `s${i}`);
    expect(await done).toEqual({ code: 1008, reason: expect.stringMatching(/^More than/) });
    const res = await t.graphql<{ viewer: { workspace: { id: string } } }>(
      '{ viewer { workspace { id } } }',
    );
    expect(res.body.data?.viewer.workspace.id).toBeTruthy();
  });

  it('closes a socket that holds more subscriptions than allowed', async () => {
    const ws = await openSocket(t);
    const done = closed(ws);
    for (let i = 0; i < 4; i++) subscribe(ws, `s${i}`);
    expect(await done).toEqual({ code: 1008, reason: 'More than 3 subscriptions on one socket' });
  });

  it('bounds the subscriptions of one workspace across its sockets, and frees them on close', async () => {
    const first = await openSocket(t);
    const second = await openSocket(t);
    for (let i = 0; i < 3; i++) subscribe(first, `a${i}`);
    subscribe(second, 'b0');
    subscribe(second, 'b1');
    const third = await openSocket(t);
    const done = closed(third);
    subscribe(third, 'c0');
    expect(await done).toEqual({
      code: 1008,
      reason: 'More than 5 subscriptions in this workspace',
    });
    // Another workspace is not affected.
    const other = await openSocket(t, t.keys.b);
    const otherClosed = closed(other);
    subscribe(other, 'o0');
    // Once the first socket closes, its subscriptions are free again.
    const firstClosed = closed(first);
    first.close();
    await firstClosed;
    const fourth = await openSocket(t);
    const fourthClosed = closed(fourth);
    subscribe(fourth, 'd0');
    // Still open after a round trip on the same socket: the subscription was admitted.
    await new Promise<void>((resolve) => {
      fourth.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type === 'pong') resolve();
      });
      fourth.send(JSON.stringify({ type: 'ping' }));
    });
    expect(fourth.readyState).toBe(WebSocket.OPEN);
    expect(other.readyState).toBe(WebSocket.OPEN);
    for (const ws of [second, fourth, other]) ws.close();
    await Promise.all([fourthClosed, otherClosed]);
  });
});
