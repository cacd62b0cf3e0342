import { Migration } from '@mikro-orm/migrations';

/**
 * The initial schema. Written as SQL rather than generated, so that PostgreSQL types (cidr[]),
 * constraints and the indexes behind the visibility conditions are exact and reviewed.
 */
export class Migration20261121000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table organization (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  name text not null,
  kind text not null check (kind in ('COORDINATOR','REGISTRY','ISP','AGENCY_IT','RESPONSE_PARTNER','LAW_ENFORCEMENT','REGULATOR','CONSTITUENT')),
  person boolean not null default false check (not person or kind = 'CONSTITUENT'),
  country char(2) not null default 'VN',
  contact jsonb not null default '{}'::jsonb,
  ip_ranges cidr[] not null default '{}',
  asns bigint[] not null default '{}',
  zones text[] not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
-- exactly one coordinator
create unique index organization_one_coordinator on organization ((true)) where kind = 'COORDINATOR';

create table account (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organization(id),
  email text not null unique check (email = lower(email)),
  display_name text not null,
  member_role text not null check (member_role in ('ADMIN','HANDLER','ANALYST','REPORTER')),
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index account_organization on account (organization_id);

create table api_key (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organization(id),
  name text not null,
  secret_hash bytea not null unique,
  hint text not null,
  capabilities text[] not null,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_by_account_id uuid references account(id),
  created_at timestamptz not null
);
create index api_key_organization on api_key (organization_id);

create table reference_counter (
  year int primary key,
  last_value int not null
);

create table incident (
  id uuid primary key default gen_random_uuid(),
  reference text not null unique,
  title text not null,
  description text not null,
  rsit_class text,
  rsit_type text,
  national_category text,
  severity text check (severity in ('LOW','MEDIUM','HIGH','CRITICAL')),
  severity_rank smallint generated always as (case severity when 'LOW' then 1 when 'MEDIUM' then 2 when 'HIGH' then 3 when 'CRITICAL' then 4 else 0 end) stored,
  serious boolean not null default false,
  scope text not null check (scope in ('LOCAL','WIDESPREAD')),
  status text not null check (status in ('REPORTED','TRIAGED','RESPONDING','ESCALATED','COORDINATING','RESOLVED','CLOSED','REJECTED')),
  tlp text not null check (tlp in ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
  pap text check (pap in ('CLEAR','GREEN','AMBER','RED')),
  confidential boolean not null default false,
  reporter_contact jsonb not null,
  reporting_org_id uuid not null references organization(id),
  reporter_account_id uuid references account(id),
  reporter_api_key_id uuid references api_key(id),
  handler_org_id uuid not null references organization(id),
  addressee_org_id uuid references organization(id),
  -- set for good once the coordinator takes part (DESIGN.md §2)
  coordinator_org_id uuid references organization(id),
  -- the coordinator owns the incident once it was routed to it or has been COORDINATING
  coordinator_owns boolean not null default false,
  affected_system jsonb,
  occurred_at timestamptz,
  detected_at timestamptz not null,
  reported_at timestamptz not null,
  triaged_at timestamptz,
  escalated_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  rejection_reason text,
  duplicate_of_id uuid references incident(id),
  escalation_reason text,
  resolution_summary text,
  final_report jsonb,
  final_report_at timestamptz,
  idempotency_principal text,
  idempotency_key text,
  request_hash text,
  version int not null default 1,
  updated_at timestamptz not null,
  check ((idempotency_key is null) = (idempotency_principal is null))
);
create unique index incident_idempotency on incident (idempotency_principal, idempotency_key) where idempotency_key is not null;
create index incident_handler on incident (handler_org_id, reported_at desc, id desc);
create index incident_reporting on incident (reporting_org_id, reported_at desc, id desc);
create index incident_reported on incident (reported_at desc, id desc);
create index incident_updated on incident (updated_at desc, id desc);
create index incident_severity on incident (severity_rank desc, reported_at desc, id desc);
create index incident_status on incident (status, reported_at desc);
create index incident_tlp_open on incident (tlp, reported_at desc) where not confidential;
create index incident_reference_lower on incident (lower(reference) text_pattern_ops);

-- organizations an incident was shared with or referred to
create table incident_participant (
  incident_id uuid not null references incident(id),
  organization_id uuid not null references organization(id),
  kind text not null check (kind in ('SHARED','REFERRED')),
  reason text,
  added_at timestamptz not null,
  primary key (incident_id, organization_id)
);
create index incident_participant_org on incident_participant (organization_id, incident_id);

create table indicator (
  id bigint generated always as identity primary key,
  incident_id uuid not null references incident(id),
  type text not null check (type in ('DOMAIN','IPV4','IPV6','CIDR','URL','EMAIL','ASN','FILE_HASH')),
  value text not null,
  display_value text not null,
  added_at timestamptz not null,
  unique (incident_id, type, value)
);
-- label-aligned suffix matching of domains against zones: reverse(value) like reverse(zone) || '.%'
create index indicator_domain_reversed on indicator (reverse(value) text_pattern_ops) where type = 'DOMAIN';
create index indicator_value on indicator (type, value);

create table directive (
  id uuid primary key default gen_random_uuid(),
  incident_id uuid not null references incident(id),
  issuer_org_id uuid not null references organization(id),
  recipient_org_id uuid not null references organization(id),
  action text not null,
  instructions text not null,
  tlp text not null check (tlp in ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
  pap text check (pap in ('CLEAR','GREEN','AMBER','RED')),
  status text not null check (status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS','COMPLETED','DECLINED','CANCELLED')),
  due_at timestamptz not null,
  acknowledgement_due_at timestamptz not null,
  issued_at timestamptz not null,
  acknowledged_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  declined_at timestamptz,
  cancelled_at timestamptz,
  result text,
  decline_reason text,
  cancel_reason text,
  version int not null default 1,
  updated_at timestamptz not null
);
create index directive_incident on directive (incident_id, issued_at, id);
create index directive_recipient on directive (recipient_org_id, status, due_at);
create index directive_open_due on directive (due_at) where status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS');

create table directive_target (
  directive_id uuid not null references directive(id),
  type text not null,
  value text not null,
  display_value text not null,
  primary key (directive_id, type, value)
);

create table note (
  id uuid primary key default gen_random_uuid(),
  incident_id uuid not null references incident(id),
  author_account_id uuid references account(id),
  author_api_key_id uuid references api_key(id),
  author_org_id uuid not null references organization(id),
  visibility text not null check (visibility in ('INTERNAL','PARTICIPANTS','WITH_REPORTER')),
  body text not null,
  created_at timestamptz not null,
  redacted_at timestamptz,
  redacted_by_account_id uuid references account(id),
  redacted_by_api_key_id uuid references api_key(id),
  redacted_by_org_id uuid references organization(id),
  redaction_reason text
);
create index note_incident on note (incident_id, created_at, id);

-- The timeline: append-only. "position" is assigned under a transaction-level advisory lock held
-- until commit, so position order is commit order (a resuming subscriber never skips an event).
create table incident_event (
  id uuid primary key default gen_random_uuid(),
  position bigint not null unique,
  incident_id uuid not null references incident(id),
  directive_id uuid references directive(id),
  note_id uuid references note(id),
  type text not null,
  actor_account_id uuid references account(id),
  actor_api_key_id uuid references api_key(id),
  actor_org_id uuid references organization(id),
  occurred_at timestamptz not null,
  data jsonb not null default '{}'::jsonb
);
create index incident_event_incident on incident_event (incident_id, position);
create sequence incident_event_position;

-- append-only: the audit trail cannot be edited or deleted through the application's role
create function incident_event_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'incident_event is append-only';
end $$;
create trigger incident_event_no_update before update or delete on incident_event
  for each row execute function incident_event_immutable();
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists incident_event, note, directive_target, directive, indicator, incident_participant,
  incident, reference_counter, api_key, account, organization cascade;
drop sequence if exists incident_event_position;
drop function if exists incident_event_immutable();
`);
  }
}
