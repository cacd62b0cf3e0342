import { Migration } from '@mikro-orm/migrations';

/**
 * Which indicators came with the report: the REPORTER view shows "what it submitted" (DESIGN.md §3),
 * not indicators added later by others (a directive's targets, `addIndicators`). Existing rows are
 * marked by their time: a report's indicators are inserted in its own transaction, at its reported time.
 */
export class Migration20261207000000_reported_indicators extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table indicator add column reported boolean not null default false;
update indicator x set reported = true from incident i where i.id = x.incident_id and x.added_at = i.reported_at;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table indicator drop column reported;`);
  }
}
