import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore, type Store } from '../../../src/store/database.js';
import { listMigrations, migrate, pendingMigrations, rowsOf } from '../../../src/store/migrator.js';
import { digestInput, IdempotencyStore } from '../../../src/store/repositories/idempotency.js';
import { WorkspaceRepository } from '../../../src/store/repositories/workspaces.js';
import { createTestDatabase, postgresAvailable } from '../../helpers/services.js';
import { until } from '../../helpers/wait.js';

/** The same store behaviour, on the embedded PGlite and on the real PostgreSQL server. */
const pgUp = await postgresAvailable();

const backends: Array<{
  name: string;
  skip: boolean;
  open: () => Promise<{ store: Store; url?: string; cleanup: () => Promise<void> }>;
}> = [
  {
    name: 'PGlite',
    skip: false,
    open: async () => {
      const store = await openStore({});
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: !pgUp,
    open: async () => {
      const db = await createTestDatabase();
      const store = await openStore({ databaseUrl: db.url });
      return {
        store,
        url: db.url,
        cleanup: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`store on ${backend.name}`, () => {
    let store: Store;
    let url: string | undefined;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, url, cleanup } = await backend.open());
    });
    afterAll(async () => cleanup?.());

    it('reports every migration pending on an empty store without writing to it', async () => {
      // Readiness probes ask this every few seconds: they must read, never create the ledger.
      expect(await pendingMigrations(store)).toEqual(listMigrations().map((m) => m.id));
      const ledger = rowsOf<{ present: boolean }>(
        await store.db.execute(sql`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`),
      );
      expect(ledger[0]?.present).toBe(false);
    });

    it('applies every migration once and reports none pending', async () => {
      const applied = await migrate(store);
      expect(applied).toEqual(listMigrations().map((m) => m.id));
      expect(await migrate(store)).toEqual([]);
      expect(await pendingMigrations(store)).toEqual([]);
      const tables = rowsOf<{ table_name: string }>(
        await store.db.execute(
          sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
        ),
      ).map((r) => r.table_name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'workspaces',
          'api_keys',
          'idempotency_records',
          'schema_migrations',
        ]),
      );
    });

    it('stores API keys only as digests and finds them by key', async () => {
      const repo = new WorkspaceRepository(store.db);
      await repo.ensure('acme', 'Acme');
      const { id, key } = await repo.createApiKey('acme', { roles: ['member'] });
      const raw = JSON.stringify(rowsOf(await store.db.execute(sql`SELECT * FROM api_keys`)));
      expect(raw).not.toContain(key);
      const found = await repo.findByApiKey(key);
      expect(found).toMatchObject({
        keyId: id,
        roles: ['member'],
        workspace: { id: 'acme', name: 'Acme' },
      });
      await repo.revokeApiKey(id);
      expect(await repo.findByApiKey(key)).toBeUndefined();
      expect(await repo.findByApiKey('cg_unknown')).toBeUndefined();
    });

    it('runs an idempotent operation once, replays it, and refuses a reused key', async () => {
      const repo = new WorkspaceRepository(store.db);
      await repo.ensure('idem');
      const idem = new IdempotencyStore(store.db);
      let runs = 0;
      const run = async () => ({ n: ++runs });
      const first = await idem.execute({
        workspaceId: 'idem',
        principalId: 'p',
        operation: 'op',
        key: 'k1',
        input: { a: 1, b: 2 },
        run,
      });
      const replay = await idem.execute({
        workspaceId: 'idem',
        principalId: 'p',
        operation: 'op',
        key: 'k1',
        input: { b: 2, a: 1 },
        run,
      });
      expect(first).toEqual({ kind: 'fresh', value: { n: 1 } });
      expect(replay).toEqual({ kind: 'replayed', value: { n: 1 } });
      expect(runs).toBe(1);
      const reused = await idem.execute({
        workspaceId: 'idem',
        principalId: 'p',
        operation: 'op',
        key: 'k1',
        input: { a: 2 },
        run,
      });
      expect(reused.kind).toBe('key-reused');
      const otherOp = await idem.execute({
        workspaceId: 'idem',
        principalId: 'p',
        operation: 'op2',
        key: 'k1',
        input: {},
        run,
      });
      expect(otherOp).toEqual({ kind: 'fresh', value: { n: 2 } });
    });

    it('lets a retry run again after the first attempt failed', async () => {
      const repo = new WorkspaceRepository(store.db);
      await repo.ensure('idem2');
      const idem = new IdempotencyStore(store.db);
      await expect(
        idem.execute({
          workspaceId: 'idem2',
          principalId: 'p',
          operation: 'op',
          key: 'k',
          input: {},
          run: async () => {
            throw new Error('upstream down');
          },
        }),
      ).rejects.toThrow('upstream down');
      const retry = await idem.execute({
        workspaceId: 'idem2',
        principalId: 'p',
        operation: 'op',
        key: 'k',
        input: {},
        run: async () => 'ok',
      });
      expect(retry).toEqual({ kind: 'fresh', value: 'ok' });
    });

    it('lets a retry take over a pending record left by a request that died', async () => {
      const repo = new WorkspaceRepository(store.db);
      await repo.ensure('idem4');
      const idem = new IdempotencyStore(store.db);
      await store.db.execute(
        sql`INSERT INTO idempotency_records (workspace_id, principal_id, operation, key, request_digest, state, created_at)
            VALUES ('idem4', 'p', 'op', 'k', ${digestInput({})}, 'pending', now() - interval '5 minutes')`,
      );
      const retry = await idem.execute({
        workspaceId: 'idem4',
        principalId: 'p',
        operation: 'op',
        key: 'k',
        input: {},
        run: async () => 'ran',
      });
      expect(retry).toEqual({ kind: 'fresh', value: 'ran' });
    });

    it('answers concurrent duplicates with one run', async () => {
      const repo = new WorkspaceRepository(store.db);
      await repo.ensure('idem3');
      // Counts the record look-ups: only a call that found the key held by another looks it up.
      let lookups = 0;
      const db = new Proxy(store.db, {
        get(target, property) {
          if (property === 'select') lookups += 1;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const idem = new IdempotencyStore(db);
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const run = async () => {
        runs++;
        started();
        await gate;
        return 'done';
      };
      const execute = () =>
        idem.execute({
          workspaceId: 'idem3',
          principalId: 'p',
          operation: 'op',
          key: 'same',
          input: {},
          run,
        });
      const first = execute();
      await running;
      const duplicates = [execute(), execute()];
      // The first call holds the key until released, so each look-up the duplicates make finds it
      // pending; release it once they have looked.
      await until(() => lookups >= 2, 'the duplicates to find the key held');
      release();
      const outcomes = await Promise.all([first, ...duplicates]);
      expect(runs).toBe(1);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['fresh', 'replayed', 'replayed']);
      expect(outcomes.every((o) => 'value' in o && o.value === 'done')).toBe(true);
    });

    it('tells a duplicate that waited its bound that the key is in progress', async () => {
      const repo = new WorkspaceRepository(store.db);
      await repo.ensure('idem5');
      const idem = new IdempotencyStore(store.db, { waitMs: 100 });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const args = { workspaceId: 'idem5', principalId: 'p', operation: 'op', key: 'k', input: {} };
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const first = idem.execute({
        ...args,
        run: () => {
          started();
          return gate.then(() => 'first');
        },
      });
      await running;
      const waited = await idem.execute({ ...args, run: async () => 'second' });
      expect(waited).toEqual({
        kind: 'in-progress',
        message: expect.stringMatching(/in progress/),
        retryAfterSeconds: 1,
      });
      release();
      expect(await first).toEqual({ kind: 'fresh', value: 'first' });
      expect(await idem.execute({ ...args, run: async () => 'third' })).toEqual({
        kind: 'replayed',
        value: 'first',
      });
      await idem.close();
    });

    it.skipIf(backend.name !== 'PostgreSQL')(
      'serialises migrations of two replicas starting at once',
      async () => {
        const fresh = await createTestDatabase();
        const [a, b] = await Promise.all([
          openStore({ databaseUrl: fresh.url }),
          openStore({ databaseUrl: fresh.url }),
        ]);
        const [appliedA, appliedB] = await Promise.all([migrate(a), migrate(b)]);
        expect([...appliedA, ...appliedB].sort()).toEqual(
          listMigrations()
            .map((m) => m.id)
            .sort(),
        );
        await a.close();
        await b.close();
        await fresh.drop();
        expect(url).toBeDefined();
      },
    );
  });
}
