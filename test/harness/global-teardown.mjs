import pg from 'pg';

export default async function globalTeardown() {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const dbs = await admin.query(`select datname from pg_database where datname like $1 or datname = $2`, [
      `hub_test_${process.pid}_%`,
      process.env.TEST_TEMPLATE_DATABASE,
    ]);
    for (const { datname } of dbs.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  }
  if (globalThis.__embeddedPg) await globalThis.__embeddedPg.stop();
  if (globalThis.__embeddedPgDir) (await import('node:fs')).rmSync(globalThis.__embeddedPgDir, { recursive: true, force: true });
}
