import { Migration } from '@mikro-orm/migrations';

/**
 * The registry's domain feed (DESIGN.md §3 "Registry feed"): one row per (registry, incident) that
 * has ever been in that registry's feed. `position` is the event position of the last change, so the
 * feed follows commit order; `removed` marks a tombstone for a case that left the feed. Rows exist only
 * for cases the registry did see, so a tombstone never reveals an incident it could not see.
 */
export class Migration20261121010000_domain_feed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table domain_feed_entry (
  registry_org_id uuid not null references organization(id),
  incident_id uuid not null references incident(id),
  position bigint not null,
  removed boolean not null,
  primary key (registry_org_id, incident_id)
);
create unique index domain_feed_entry_position on domain_feed_entry (registry_org_id, position);
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists domain_feed_entry;');
  }
}
