import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the filters and orders of the API that had none (found with `npm run bench`'s EXPLAIN
 * at 100k incidents): `directives` pages in (dueAt, id) order, overall and per recipient; and the
 * incident text filter (title contains, reference starts with) through trigram indexes — pg_trgm is
 * a trusted contrib extension in PostgreSQL 15 and 17; where it cannot be created the text filter
 * keeps working, by scanning.
 */
export class Migration20261121020000_query_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create index directive_due on directive (due_at, id);
create index directive_recipient_due on directive (recipient_org_id, due_at, id);
do $$
begin
  begin
    create extension if not exists pg_trgm;
  exception when insufficient_privilege or undefined_file or feature_not_supported then
    raise notice 'pg_trgm is not available: the incident text filter scans';
  end;
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    create index incident_title_trgm on incident using gin (title gin_trgm_ops);
    create index incident_reference_trgm on incident using gin (reference gin_trgm_ops);
  end if;
end $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop index if exists incident_reference_trgm;
drop index if exists incident_title_trgm;
drop index if exists directive_recipient_due;
drop index if exists directive_due;
`);
  }
}
