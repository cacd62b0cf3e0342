// Starts one PostgreSQL for the whole run (embedded unless DATABASE_URL is set) and prepares a
// template database with the migrations and the demo data; each test file clones it.
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export default async function globalSetup() {
  const { loadConfig } = require(path.join(root, 'dist/config.js'));
  const { Db } = require(path.join(root, 'dist/db/db.js'));
  const { prepareDatabase } = require(path.join(root, 'dist/app/prepare.js'));
  const { createLogger } = require(path.join(root, 'dist/app/bootstrap.js'));
  const { systemClock } = require(path.join(root, 'dist/clock.js'));
  const pg = require('pg');

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = require(path.join(root, 'dist/db/embedded.js'));
    // One data folder per run: two runs at once (two terminals, two checkouts) must not stop each other's database.
    const runs = path.join(root, '.data', 'test-runs');
    fs.mkdirSync(runs, { recursive: true });
    for (const name of fs.readdirSync(runs)) {
      const pid = Number(name);
      if (Number.isInteger(pid) && !alive(pid)) fs.rmSync(path.join(runs, name), { recursive: true, force: true });
    }
    const dataDir = path.join(runs, String(process.pid));
    globalThis.__embeddedPgDir = dataDir;
    const port = Number(process.env.TEST_PG_PORT ?? (await freePort()));
    const embedded = await startEmbeddedPostgres({ dataDir, port });
    adminUrl = embedded.url('postgres');
    globalThis.__embeddedPg = embedded;
  }
  const template = `hub_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of runs that were killed.
  // Leftovers of runs that were killed (their pid is in the name); a concurrent run's databases stay.
  const old = await admin.query(`select datname from pg_database where datname ~ '^hub_(template|test)_[0-9]+'`);
  for (const { datname } of old.rows) {
    const pid = Number(/^hub_(?:template|test)_(\d+)/.exec(datname)[1]);
    if (!alive(pid)) await admin.query(`drop database if exists "${datname}" with (force)`);
  }
  await admin.query(`create database "${template}"`);
  await admin.end();

  const templateUrl = withDatabase(adminUrl, template);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'warn', HUB_DATA_DIR: path.join(root, '.data', 'test-hub') });
  const db = new Db(templateUrl, createLogger(config));
  await prepareDatabase({ db, clock: systemClock, config, log: createLogger(config) }, { demoData: true });
  await db.close();

  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
  fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
}

export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
