import pg from 'pg';

export default async function globalTeardown() {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const dbs = await admin.query(`select datname from pg_database where datname like 'hub_test_%' or datname = $1`, [process.env.TEST_TEMPLATE_DATABASE]);
    for (const { datname } of dbs.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  }
  if (globalThis.__embeddedPg) await globalThis.__embeddedPg.stop();
}
