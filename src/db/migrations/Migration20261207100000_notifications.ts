import { Migration } from '@mikro-orm/migrations';

/**
 * Notifications (DESIGN.md §7): per-organization settings, webhook endpoints (a secret and, while it
 * rotates, the previous one until its overlap ends), the outbox of notification intents written in the
 * event's transaction, one delivery per channel and endpoint (its id is the stable `webhook-id`), and
 * every attempt. Reminders carry a unique key so that each threshold notifies once across instances.
 */
export class Migration20261207100000_notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table notification_settings (
  organization_id uuid primary key references organization(id),
  email text,
  language text check (language in ('VI','EN')),
  kinds text[],
  updated_at timestamptz not null
);

create table webhook (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organization(id),
  url text not null,
  description text,
  kinds text[],
  active boolean not null default true,
  secret text not null,
  previous_secret text,
  previous_secret_until timestamptz,
  disabled_reason text,
  deleted_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index webhook_organization on webhook (organization_id) where deleted_at is null;

create table notification (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  organization_id uuid not null references organization(id),
  incident_id uuid references incident(id),
  directive_id uuid references directive(id),
  event_position bigint,
  reminder_key text unique,
  email text,
  created_at timestamptz not null
);
create index notification_organization on notification (organization_id, created_at desc);

create table notification_delivery (
  id uuid primary key default gen_random_uuid(),
  notification_id uuid not null references notification(id),
  organization_id uuid not null references organization(id),
  channel text not null check (channel in ('EMAIL','WEBHOOK')),
  webhook_id uuid references webhook(id),
  address text not null,
  status text not null check (status in ('PENDING','DELIVERED','DEAD','SKIPPED','CANCELLED')),
  attempts int not null default 0,
  queued_attempt int not null default 0,
  -- attempts made before the last replay: a replayed delivery runs the retry schedule from its start
  retry_base int not null default 0,
  next_attempt_at timestamptz not null,
  last_status_code int,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index notification_delivery_due on notification_delivery (next_attempt_at) where status = 'PENDING';
create index notification_delivery_organization on notification_delivery (organization_id, created_at desc, id desc);

create table notification_attempt (
  id bigint generated always as identity primary key,
  delivery_id uuid not null references notification_delivery(id),
  attempt int not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  status_code int,
  latency_ms int,
  outcome text,
  error text,
  instance text not null
);
create index notification_attempt_delivery on notification_attempt (delivery_id, attempt);
`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop table notification_attempt; drop table notification_delivery; drop table notification; drop table webhook; drop table notification_settings;`,
    );
  }
}
