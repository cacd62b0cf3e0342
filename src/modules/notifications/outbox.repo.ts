import type { Queryable } from '../../db/db';
import { sql } from '../../db/sql';
import type { NotificationKind } from './notification.entity';

// The outbox's statements (DESIGN.md §7): outbox.ts runs them in the transaction of the events that cause them.

/** An event as `appendEvents` inserted it. */
export type WrittenEvent = {
  position: string;
  incident_id: string;
  directive_id: string | null;
  type: string;
  data: Record<string, unknown>;
  actor_org_id: string | null;
};

export interface Intent {
  kind: NotificationKind;
  organizationId: string;
  incidentId: string | null;
  directiveId: string | null;
  position: string | null;
  /** An address of its own (the reporter's receipt), else the organization's notification e-mail. */
  email: string | null;
  reminderKey?: string | null;
}

/** What intentsFor needs to know of an incident (outbox.ts). */
export type Facts = {
  id: string;
  reporting_org_id: string;
  reporting_kind: string;
  handler_org_id: string;
  coordinator_org_id: string | null;
  coordinator_owns: boolean;
  coordinator_id: string;
  receipt_email: string | null;
};

type FactsRow = Facts & { directive_id: string | null; recipient_org_id: string | null; issuer_org_id: string | null };

/** The facts of the incidents, with the listed directives among theirs (one row per directive, or one without). */
export async function incidentFactsOf(q: Queryable, incidentIds: readonly string[], directiveIds: readonly string[]): Promise<FactsRow[]> {
  return q.query<FactsRow>(sql`
    select i.id, i.reporting_org_id, ro.kind as reporting_kind, i.handler_org_id, i.coordinator_org_id, i.coordinator_owns,
      (select c.id from organization c where c.kind = 'COORDINATOR') as coordinator_id,
      case when ro.person then nullif(i.reporter_contact->>'email', '') else a.email end as receipt_email,
      d.id as directive_id, d.recipient_org_id, d.issuer_org_id
    from incident i join organization ro on ro.id = i.reporting_org_id
    left join account a on a.id = i.reporter_account_id
    left join directive d on d.incident_id = i.id and d.id = any(${directiveIds}::uuid[])
    where i.id = any(${incidentIds}::uuid[])`);
}

/**
 * Inserts intents and, in the same statement, their deliveries: an e-mail when the organization
 * wants the kind and has an address, and one per active webhook that takes the kind. Reminders carry
 * a unique key: a threshold already notified (by any instance) inserts nothing. Returns how many
 * intents were new.
 */
export async function insertIntents(q: Queryable, at: Date, intents: readonly Intent[]): Promise<number> {
  if (intents.length === 0) return 0;
  const rows = await q.query<{ n: number }>(sql`
    with n as (
      insert into notification (kind, organization_id, incident_id, directive_id, event_position, reminder_key, email, created_at)
      select * from unnest(${intents.map((i) => i.kind)}::text[], ${intents.map((i) => i.organizationId)}::uuid[],
        ${intents.map((i) => i.incidentId)}::uuid[], ${intents.map((i) => i.directiveId)}::uuid[], ${intents.map((i) => i.position)}::bigint[],
        ${intents.map((i) => i.reminderKey ?? null)}::text[], ${intents.map((i) => i.email)}::text[]), unnest(array[${at}::timestamptz]) as t
      on conflict (reminder_key) do nothing
      returning id, kind, organization_id, email
    ), wanted as (
      select n.*, coalesce(n.email, s.email, o.contact->>'intakeEmail') as address
      from n join organization o on o.id = n.organization_id
      left join notification_settings s on s.organization_id = n.organization_id
      where s.kinds is null or n.kind = any(s.kinds)
    ), d as (
      insert into notification_delivery (notification_id, organization_id, channel, webhook_id, address, status, next_attempt_at, created_at, updated_at)
      select id, organization_id, 'EMAIL', null::uuid, address, 'PENDING', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz from wanted where address is not null and address <> ''
      union all
      select w2.id, w2.organization_id, 'WEBHOOK', w.id, w.url, 'PENDING', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
      from wanted w2 join webhook w on w.organization_id = w2.organization_id and w.active and w.deleted_at is null
        and (w.kinds is null or w2.kind = any(w.kinds))
      returning 1
    )
    select (select count(*) from n)::int as n, (select count(*) from d)::int as d`);
  return rows[0]?.n ?? 0;
}
