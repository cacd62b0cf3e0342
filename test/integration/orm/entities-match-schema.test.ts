import crypto from 'node:crypto';
import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions, migrate, ENTITIES } from '../../../src/db/orm';
import { adminUrl, withDatabase } from '../../harness/hub';

/**
 * DESIGN.md §6 "Entities describe every table exactly": a fresh database migrated with the committed
 * migrations, and MikroORM's schema generator asked what it would change to make the database match
 * the entities. The answer must be nothing — every table, column, type, nullability, default, check,
 * unique constraint, index and foreign key of the migrations is in an entity. The last test shows
 * that the comparison bites: one changed entity and the diff is no longer empty.
 */
let url = '';
let orm: MikroORM;

beforeAll(async () => {
  const runPid = /_(\d+)$/.exec(process.env.TEST_TEMPLATE_DATABASE ?? '')?.[1] ?? '0';
  const name = `hub_test_${runPid}_orm_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  url = withDatabase(adminUrl(), name);
  await migrate(url);
  orm = await MikroORM.init(ormOptions(url));
});

afterAll(async () => {
  await orm?.close(true);
});

test('the schema generator finds nothing to change between the entities and the migrated database', async () => {
  const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  expect(diff.trim()).toBe('');
});

test('every table of the migrated database has its entity', async () => {
  const tables = (
    await orm.em
      .fork()
      .getConnection()
      .execute<{ table_name: string }[]>(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'schema_migrations' order by 1`,
      )
  ).map((r) => r.table_name);
  const entityTables = ENTITIES.map((e) => orm.getMetadata().get(e.name).tableName).sort();
  expect(entityTables).toEqual(tables);
});

test('the comparison bites: a drifted entity yields a non-empty diff', async () => {
  // Runs last: it changes this ORM instance's metadata.
  const incident = orm.getMetadata().get('IncidentEntity');
  incident.removeProperty('triagedAt');
  incident.properties.title.nullable = true;
  const indicator = orm.getMetadata().get('IndicatorEntity');
  indicator.indexes = indicator.indexes.filter((i) => i.name !== 'indicator_value');
  const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  expect(diff).toContain('alter table "incident" drop column "triaged_at"');
  expect(diff).toContain('alter column "title" drop not null');
  expect(diff).toContain('drop index "indicator_value"');
});
