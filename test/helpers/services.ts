import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

/**
 * The real PostgreSQL and Redis servers tests run against. On a machine without them the tests
 * that need them are skipped with one line saying so; under CI=true they must be reachable.
 */
const PG_ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const IN_CI = process.env['CI'] === 'true';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function availability(name: string, url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const ok = await reachable(hostname, Number(port));
  if (!ok) {
    if (IN_CI)
      throw new Error(`${name} at ${hostname}:${port} is unreachable, and CI=true requires it`);
    console.warn(
      `[skip] ${name} at ${hostname}:${port} is unreachable: its tests are skipped on this machine`,
    );
  }
  return ok;
}

export const postgresAvailable = () => availability('PostgreSQL', PG_ADMIN_URL);
export const redisAvailable = () => availability('Redis', REDIS_URL);
export const testRedisUrl = REDIS_URL;

/** A fresh, empty database on the real server, dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
