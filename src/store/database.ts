import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as tables from './tables/index.js';

export type Tables = typeof tables;
export type Database = PgDatabase<PgQueryResultHKT, Tables>;

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Database;
  /** Runs SQL text that may hold several statements (migrations). */
  execScript(sqlText: string): Promise<void>;
  /** Runs `fn` while holding a store-wide lock, so two replicas never migrate at once. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres:// URL; when unset the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite's files; undefined keeps the database in memory (tests). */
  dataDir?: string | undefined;
}

const MIGRATION_LOCK_ID = 7_401_337;

// Each driver is imported only when its store is opened, so a process holds the code of one
// driver: a gateway on PostgreSQL never loads PGlite, the embedded store never loads node-postgres.
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Store> {
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir ? { dataDir } : {});
  const db = drizzlePglite(client, { schema: tables }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    async execScript(sqlText) {
      await client.exec(sqlText);
    },
    // PGlite is one connection inside this process: nothing else can migrate it concurrently.
    withMigrationLock: (fn) => fn(),
    async ping() {
      await client.query('SELECT 1');
    },
    async close() {
      await client.close();
    },
  };
}

async function openPostgres(databaseUrl: string): Promise<Store> {
  const [{ default: pg }, { drizzle: drizzlePg }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
  ]);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client losing its connection emits 'error' on the pool; without a listener that
  // would crash the process instead of failing the next query.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const db = drizzlePg(pool, { schema: tables }) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    async execScript(sqlText) {
      await pool.query(sqlText);
    },
    async withMigrationLock(fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        return await fn();
      } finally {
        await client
          .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID])
          .catch(() => undefined);
        client.release();
      }
    },
    async ping() {
      await db.execute(sql`SELECT 1`);
    },
    async close() {
      await pool.end();
    },
  };
}
