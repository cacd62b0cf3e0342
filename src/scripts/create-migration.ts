import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions, migrate, MIGRATIONS_SOURCE_DIR } from '../db/orm';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded';

/**
 * `npm run migration:create [-- name]`: a new migration from the difference between the entities and a
 * database migrated with the committed migrations, written by MikroORM's migrator into
 * src/db/migrations/, and the folder's index rewritten so the hub runs it.
 *
 * The database is a fresh one on a throw-away embedded PostgreSQL, or, with DATABASE_URL, a scratch
 * database created on that server (and dropped afterwards): never a database holding data.
 */
async function main(): Promise<void> {
  const name = process.argv[2]?.replace(/[^A-Za-z0-9_]/g, '_') || undefined;
  let embedded: EmbeddedPostgres | null = null;
  let tmp: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-migration-'));
    embedded = await startEmbeddedPostgres({ dataDir: tmp, port: await freePort() });
    adminUrl = embedded.url('postgres');
  }
  const scratch = `hub_migration_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${scratch}"`);
    const url = withDatabase(adminUrl, scratch);
    await migrate(url);
    const orm = await MikroORM.init(ormOptions(url));
    try {
      const created = await orm.getMigrator().createMigration(MIGRATIONS_SOURCE_DIR, false, false, name);
      if (!created.fileName) {
        console.log('The entities match the migrated schema: no migration to create.');
        return;
      }
      writeIndex();
      console.log(`Created src/db/migrations/${created.fileName}:\n\n${created.diff.up.join('\n')}\n`);
      console.log('Review it (PostgreSQL details the entities cannot say belong in SQL), then build and run the tests.');
    } finally {
      await orm.close(true);
    }
  } finally {
    await admin.query(`drop database if exists "${scratch}" with (force)`).catch(() => undefined);
    await admin.end();
    await embedded?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** src/db/migrations/index.ts lists every migration file of the folder, in name (time) order. */
function writeIndex(): void {
  const names = fs
    .readdirSync(MIGRATIONS_SOURCE_DIR)
    .filter((f) => /^Migration\d{14}(_\w+)?\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const text = [
    '// Written by `npm run migration:create` (src/scripts/create-migration.ts) from the files of this folder.',
    '// Listed rather than discovered, so that they run the same from dist/ and from sources under test.',
    ...names.map((n) => `import { ${n} } from './${n}';`),
    '',
    'export const MIGRATIONS = [',
    ...names.map((n) => `  { name: '${n}', class: ${n} },`),
    '];',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(MIGRATIONS_SOURCE_DIR, 'index.ts'), text);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
