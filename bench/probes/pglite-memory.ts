import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What PGlite's resident memory is made of: RSS of this process before PGlite, after opening a
 * fresh data folder, and after 20,000 rows written; the WebAssembly memory's size; and the
 * Postgres memory settings PGlite runs with, and where each comes from. PGlite's options as JSON
 * on the command line, e.g. `node --expose-gc --import tsx bench/probes/pglite-memory.ts
 * '{"relaxedDurability":true}'`. `BENCH_PGLITE_CONF="shared_buffers=16MB;wal_buffers=1MB"`
 * appends those lines to the folder's postgresql.conf and opens it again (see RESULTS.md: PGlite
 * 0.3 sets them on its command line, which wins).
 */

const rssMb = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
};
const show = (label: string) => {
  const m = rssMb();
  console.log(
    `${label.padEnd(28)} RSS ${m.rss.toFixed(0)} MiB (anon ${m.anon.toFixed(0)}, file ${m.file.toFixed(0)})`,
  );
};

const options = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const conf = process.env['BENCH_PGLITE_CONF'];
const dir = mkdtempSync(join(tmpdir(), 'pglite-probe-'));
show('node');
const { PGlite } = await import('@electric-sql/pglite');
show('imported');
let pg = await PGlite.create({ dataDir: dir, ...options });
show('created (initdb)');
if (conf) {
  await pg.close();
  const file = join(dir, 'postgresql.conf');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, `${text}\n${conf.replace(/;/g, '\n')}\n`);
  pg = await PGlite.create({ dataDir: dir, ...options });
  show('reopened with conf');
}
const settings = await pg.query<{
  name: string;
  setting: string;
  unit: string | null;
  source: string;
}>(
  `SELECT name, setting, unit, source FROM pg_settings WHERE name IN
   ('shared_buffers','wal_buffers','work_mem','maintenance_work_mem','temp_buffers','max_connections','effective_cache_size','wal_level')`,
);
for (const r of settings.rows)
  console.log(`  ${r.name} = ${r.setting}${r.unit ? ` × ${r.unit}` : ''} (${r.source})`);
// Internal: the Emscripten module's heap, the WebAssembly memory as it has grown.
const mod = (pg as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod;
console.log(`wasm memory ${((mod?.HEAPU8?.byteLength ?? 0) / 2 ** 20).toFixed(0)} MiB`);
await pg.exec(
  `CREATE TABLE t (id serial primary key, v text); INSERT INTO t (v) SELECT repeat('x', 200) FROM generate_series(1, 20000);`,
);
await pg.query('SELECT count(*) FROM t');
show('after 20k rows');
console.log(`wasm memory ${((mod?.HEAPU8?.byteLength ?? 0) / 2 ** 20).toFixed(0)} MiB`);
global.gc?.();
await new Promise((r) => setTimeout(r, 500));
show('after gc');
await pg.close();
rmSync(dir, { recursive: true, force: true });
