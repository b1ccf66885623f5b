import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startHiveGateway, type HiveGateway } from '../../helpers/hive-gateway.js';
import {
  expectOwnAnswersWhenConcurrent,
  linkStoreInEach,
  SAME_QUERY,
  type Send,
  type Workspace,
} from './concurrent-workspaces.js';

/**
 * Hive Gateway's HTTP executor shares one subgraph fetch among identical queries in flight. Its
 * key is the URL, the body and the headers set for the execution request, which hold the
 * credentials `propagateHeaders.fromClientToSubgraphs` forwards: two workspaces asking the same
 * query at the same moment each reach the subgraph with their own key and get their own data.
 */
const ROUNDS = 8;

function sendTo(url: string): Send {
  return async (apiKey) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query: SAME_QUERY }),
    });
    return { status: res.status, body: (await res.json()) as never };
  };
}

describe('the same query from two workspaces at once, local federated mode', () => {
  let t: TestGateway;
  let names: Record<Workspace, string>;

  beforeAll(async () => {
    t = await startTestGateway({ federated: {} });
    names = await linkStoreInEach(t);
  }, 180_000);
  afterAll(async () => t?.close());

  it('answers each workspace with its own store and orders', async () => {
    const overlapping = await expectOwnAnswersWhenConcurrent(
      t,
      sendTo(t.graphqlUrl),
      names,
      ROUNDS,
    );
    // The rounds tested something: both subgraph fetches were in flight together.
    expect(overlapping).toBeGreaterThan(ROUNDS / 2);
  }, 60_000);
});

describe('the same query from two workspaces at once, behind Hive Gateway as docs/federation.md configures it', () => {
  let t: TestGateway;
  let router: HiveGateway;
  let names: Record<Workspace, string>;

  beforeAll(async () => {
    t = await startTestGateway();
    names = await linkStoreInEach(t);
    const sdl = await t.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    router = await startHiveGateway(
      [{ name: 'commerce-graph', url: t.graphqlUrl, sdl: sdl.body.data!._service.sdl }],
      'commerce-graph',
    );
  }, 120_000);
  afterAll(async () => {
    await router?.close();
    await t?.close();
  });

  it('answers each workspace with its own store and orders', async () => {
    const overlapping = await expectOwnAnswersWhenConcurrent(t, sendTo(router.url), names, ROUNDS);
    expect(overlapping).toBeGreaterThan(ROUNDS / 2);
  }, 60_000);
});
