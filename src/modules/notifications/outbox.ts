import type { Queryable } from '../../db/db';
import { sql } from '../../db/sql';
import type { NotificationKind } from './notification.entity';

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

type Facts = {
  id: string;
  reporting_org_id: string;
  reporting_kind: string;
  handler_org_id: string;
  coordinator_org_id: string | null;
  coordinator_owns: boolean;
  coordinator_id: string;
  receipt_email: string | null;
};

/** Status changes the REPORTER view shows (DESIGN.md §3 row 3), other than the report itself. */
const REPORTER_STATUS_EVENTS = new Set(['TRIAGED', 'RESPONSE_STARTED', 'ESCALATED', 'COORDINATION_STARTED', 'RETURNED', 'REJECTED', 'WITHDRAWN', 'REOPENED', 'RESOLVED', 'CLOSED']);
const DIRECTIVE_ANSWERS = new Set(['DIRECTIVE_ACKNOWLEDGED', 'DIRECTIVE_COMPLETED', 'DIRECTIVE_DECLINED']);

/**
 * DESIGN.md §7 "What notifies whom", from events already written: one intent per recipient organization
 * and event. An organization is not notified of what it did itself, except the reporter's receipt.
 */
export function intentsFor(events: readonly WrittenEvent[], facts: Map<string, Facts>, directives: Map<string, { recipient_org_id: string; issuer_org_id: string }>): Intent[] {
  const out: Intent[] = [];
  for (const e of events) {
    const f = facts.get(e.incident_id);
    if (!f) continue;
    const add = (kind: NotificationKind, organizationId: string | null | undefined, opts: { email?: string | null; self?: boolean } = {}) => {
      if (!organizationId) return;
      if (!opts.self && organizationId === e.actor_org_id) return;
      if (out.some((o) => o.kind === kind && o.organizationId === organizationId && o.position === e.position)) return;
      out.push({ kind, organizationId, incidentId: e.incident_id, directiveId: e.directive_id, position: e.position, email: opts.email ?? null });
    };
    const owner = f.coordinator_owns ? f.coordinator_org_id ?? f.coordinator_id : f.handler_org_id;
    switch (e.type) {
      case 'REPORTED':
        add('REPORT_RECEIVED', f.reporting_org_id, { email: f.receipt_email, self: true });
        add('INCIDENT_ASSIGNED', f.handler_org_id);
        break;
      case 'ESCALATED':
        add('INCIDENT_ASSIGNED', f.coordinator_id);
        break;
      case 'RETURNED':
        add('INCIDENT_ASSIGNED', f.handler_org_id);
        break;
      case 'COORDINATION_STARTED':
        add('INCIDENT_ASSIGNED', owner);
        break;
      case 'SHARED':
        add('INCIDENT_SHARED', typeof e.data.organizationId === 'string' ? e.data.organizationId : null);
        break;
      case 'REFERRED':
        add('INCIDENT_REFERRED', typeof e.data.organizationId === 'string' ? e.data.organizationId : null);
        break;
      case 'DIRECTIVE_ISSUED':
        add('DIRECTIVE_ISSUED', e.directive_id ? directives.get(e.directive_id)?.recipient_org_id : null);
        break;
      default:
        if (DIRECTIVE_ANSWERS.has(e.type) && e.directive_id) add('DIRECTIVE_ANSWERED', directives.get(e.directive_id)?.issuer_org_id);
    }
    if (REPORTER_STATUS_EVENTS.has(e.type) && f.reporting_kind === 'CONSTITUENT') add('REPORT_STATUS_CHANGED', f.reporting_org_id, { email: f.receipt_email });
  }
  return out;
}

/**
 * The transactional outbox: called by `appendEvents` in the event's transaction, so intents and their
 * deliveries commit (or roll back) with the change. Two statements: the facts, then one insert.
 */
export async function recordNotifications(q: Queryable, at: Date, events: readonly WrittenEvent[]): Promise<void> {
  const incidentIds = [...new Set(events.map((e) => e.incident_id))];
  const directiveIds = [...new Set(events.map((e) => e.directive_id).filter((d): d is string => !!d))];
  const rows = await q.query<Facts & { directive_id: string | null; recipient_org_id: string | null; issuer_org_id: string | null }>(sql`
    select i.id, i.reporting_org_id, ro.kind as reporting_kind, i.handler_org_id, i.coordinator_org_id, i.coordinator_owns,
      (select c.id from organization c where c.kind = 'COORDINATOR') as coordinator_id,
      case when ro.person then nullif(i.reporter_contact->>'email', '') else a.email end as receipt_email,
      d.id as directive_id, d.recipient_org_id, d.issuer_org_id
    from incident i join organization ro on ro.id = i.reporting_org_id
    left join account a on a.id = i.reporter_account_id
    left join directive d on d.incident_id = i.id and d.id = any(${directiveIds}::uuid[])
    where i.id = any(${incidentIds}::uuid[])`);
  const facts = new Map<string, Facts>();
  const directives = new Map<string, { recipient_org_id: string; issuer_org_id: string }>();
  for (const r of rows) {
    facts.set(r.id, r);
    if (r.directive_id && r.recipient_org_id && r.issuer_org_id) directives.set(r.directive_id, { recipient_org_id: r.recipient_org_id, issuer_org_id: r.issuer_org_id });
  }
  await insertIntents(q, at, intentsFor(events, facts, directives));
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
