import { Migration } from '@mikro-orm/migrations';

/**
 * A commit-ordered timestamp per timeline event, for TAXII's `date_added` (DESIGN.md §8): `added_after`
 * takes a time, and the event's own `occurred_at` (the clock when the mutation started) does not follow
 * commit order. Events are inserted under the event-order advisory lock held until commit
 * (modules/incidents/events.ts), so a trigger that takes the previous event's time plus 1 ms — the
 * same time within one transaction — gives times in commit order: no event can commit later with an
 * earlier time, so a reader polling with `added_after` never skips one.
 */
export class Migration20261207130000_event_commit_time extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table incident_event add column committed_at timestamptz;
alter table incident_event disable trigger incident_event_no_update;
update incident_event e set committed_at = m.t
  from (select id, max(occurred_at) over (order by position) as t from incident_event) m
  where m.id = e.id;
alter table incident_event enable trigger incident_event_no_update;
alter table incident_event alter column committed_at set not null;
create index incident_event_committed_at on incident_event (committed_at);

create function incident_event_commit_time() returns trigger language plpgsql as $$
declare
  last_at timestamptz;
  last_mine boolean;
begin
  select e.committed_at, e.xmin = pg_current_xact_id()::xid into last_at, last_mine
    from incident_event e order by e.position desc limit 1;
  if last_at is null then
    new.committed_at := new.occurred_at;
  elsif last_mine then
    new.committed_at := greatest(new.occurred_at, last_at);
  else
    new.committed_at := greatest(new.occurred_at, last_at + interval '1 millisecond');
  end if;
  return new;
end $$;
create trigger incident_event_commit_time before insert on incident_event
  for each row execute function incident_event_commit_time();
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger incident_event_commit_time on incident_event;
drop function incident_event_commit_time();
drop index incident_event_committed_at;
alter table incident_event drop column committed_at;
`);
  }
}
