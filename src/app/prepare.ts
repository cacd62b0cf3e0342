import pg from 'pg';
import { migrate } from '../db/orm';
import type { Services } from '../graphql/context';
import { insertDemoNetwork, insertDemoIncidents } from './seed/demo';
import { sql } from '../db/sql';

const BOOTSTRAP_LOCK = 734001;

/**
 * Migrations, then the demo data on the first run only — under a session advisory lock on a
 * dedicated connection, so that several instances starting together do this once.
 */
export async function prepareDatabase(services: Services, opts: { demoData: boolean }): Promise<{ migrations: string[]; seeded: boolean }> {
  const lock = new pg.Client({ connectionString: services.db.url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
    const migrations = await migrate(services.db.url);
    let seeded = false;
    if (opts.demoData) {
      const existing = await services.db.one<{ n: string }>(sql`select count(*)::text as n from organization`);
      if (existing?.n === '0') {
        await services.db.tx((q) => insertDemoNetwork(q, services.clock.now()));
        await insertDemoIncidents(services);
        seeded = true;
      }
    }
    return { migrations, seeded };
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
