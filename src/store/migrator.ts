import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Store } from './database.js';

/**
 * Plain numbered SQL files, applied in order and recorded in `schema_migrations`. Each domain
 * owns its own numbered file, so independent changes never fight over a shared journal; the
 * Drizzle table definitions in tables/ describe the same schema for typed queries.
 */
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  id: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(`${dir}/${f}`, 'utf8') }));
}

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function appliedIds(store: Store): Promise<Set<string>> {
  const rows = await store.db.execute(sql`SELECT id FROM schema_migrations`);
  return new Set(rowsOf<{ id: string }>(rows).map((r) => r.id));
}

/** Whether the ledger exists, read from the catalogue without creating anything. */
async function ledgerExists(store: Store): Promise<boolean> {
  const rows = await store.db.execute(
    sql`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`,
  );
  return rowsOf<{ present: boolean }>(rows)[0]?.present === true;
}

/** Applies every pending migration; returns the ids it applied. */
export async function migrate(store: Store): Promise<string[]> {
  return store.withMigrationLock(async () => {
    await store.execScript(CREATE_LEDGER);
    const applied = await appliedIds(store);
    const done: string[] = [];
    for (const m of listMigrations()) {
      if (applied.has(m.id)) continue;
      // One transaction per file: a failing migration leaves no half-built schema behind.
      await store.execScript(
        `BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (id) VALUES ('${m.id}');\nCOMMIT;`,
      );
      done.push(m.id);
    }
    return done;
  });
}

/**
 * The migrations present in the code but not yet applied to the store. Only reads: readiness
 * probes call it every few seconds, and a probe must not write to the database.
 */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const applied = (await ledgerExists(store)) ? await appliedIds(store) : new Set<string>();
  return listMigrations()
    .map((m) => m.id)
    .filter((id) => !applied.has(id));
}

/** node-postgres returns `{rows}`, PGlite returns `{rows}` too, but typed differently. */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] };
  return Array.isArray(r.rows) ? r.rows : (result as T[]);
}
