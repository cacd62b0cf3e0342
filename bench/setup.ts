import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { ROOT, embedded, prepare, dbModule, configModule, bootstrap, clockModule, notifierModule } from './dist';
import type { EmbeddedPostgres } from '../src/db/embedded';
import type { Services } from '../src/graphql/context';

export const BENCH_DATABASE = 'hub_bench';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** BENCH_DATABASE_URL's server, or an embedded PostgreSQL in `.data/bench` on a free port. */
export async function startDatabase(log: (msg: string) => void): Promise<{ adminUrl: string; pg: EmbeddedPostgres | null }> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { adminUrl: given, pg: null };
  const port = await freePort();
  const server = await embedded.startEmbeddedPostgres({ dataDir: path.join(ROOT, '.data', 'bench'), port, log });
  return { adminUrl: server.url('postgres'), pg: server };
}

/** Whether `hub_bench` holds a data set of this scale (BENCH_REUSE=1 skips the load then). */
export async function loadedScale(adminUrl: string): Promise<number | null> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [BENCH_DATABASE]);
    if (!exists.rowCount) return null;
  } finally {
    await admin.end();
  }
  const c = new pg.Client({ connectionString: withDatabase(adminUrl, BENCH_DATABASE) });
  await c.connect();
  try {
    const r = await c.query<{ scale: number }>(`select scale::float8 as scale from bench_meta limit 1`).catch(() => null);
    return r?.rows[0]?.scale ?? null;
  } finally {
    await c.end();
  }
}

/** A fresh `hub_bench`: migrations and the demo network through the hub's own code (prepareDatabase). */
export async function freshDatabase(adminUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${BENCH_DATABASE} with (force)`);
    await admin.query(`create database ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, BENCH_DATABASE);
  await prepareBench(url, true);
  return url;
}

/** The hub's services over the bench database, for one task of the hub's own code. */
async function withServices<T>(url: string, task: (services: Services) => Promise<T>): Promise<T> {
  const config = configModule.loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'bench-only-secret-'.padEnd(40, 'x'),
    LOG_LEVEL: 'warn',
    HUB_DATA_DIR: path.join(ROOT, '.data', 'bench', 'hub'),
  });
  const log = bootstrap.createLogger(config);
  const db = new dbModule.Db(url, log);
  try {
    return await task({ db, clock: clockModule.systemClock, config, log });
  } finally {
    await db.close();
  }
}

/** Migrations (pending ones only on a reused data set), and the demo network on a fresh one. */
export async function prepareBench(url: string, demoData: boolean): Promise<void> {
  await withServices(url, (services) => prepare.prepareDatabase(services, { demoData }));
}

/**
 * The reminders whose thresholds the generated data already passed (hundreds of overdue directives
 * and final reports), written as a delivering hub's first round would write them, so that the
 * notifications section can set them aside rather than measure them.
 */
export async function writeDueReminders(url: string): Promise<number> {
  return withServices(url, (services) => notifierModule().writeReminders(services));
}

export async function markLoaded(url: string, scale: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('create table if not exists bench_meta (scale numeric not null, loaded_at timestamptz not null)');
    await c.query('delete from bench_meta');
    await c.query('insert into bench_meta values ($1, now())', [scale]);
  } finally {
    await c.end();
  }
}

export async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: string }>('select version() as v')).rows[0].v;
  } finally {
    await c.end();
  }
}
