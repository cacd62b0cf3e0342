import type { Queryable } from '../../db/db';
import { sql, join } from '../../db/sql';
import { EVENT_CHANNEL } from '../../db/channels';
import type { WrittenEvent } from '../notifications/outbox';

// The statements of the append-only event log: events.ts writes with them, in the caller's transaction.

/** Arbitrary constant key of the transaction-level advisory lock that orders event positions. */
const EVENT_ORDER_LOCK = 0x1ec1de17;

export interface NewEvent {
  incidentId: string;
  type: string;
  data?: Record<string, unknown>;
  directiveId?: string | null;
  noteId?: string | null;
}

export interface EventActor {
  accountId: string | null;
  apiKeyId: string | null;
  orgId: string | null;
}

/**
 * Takes the event-order lock (held until the transaction ends, see appendEvents), inserts the events
 * with the next positions in list order, and queues the NOTIFY of the last position (delivered at
 * commit; payloads must stay under 8000 bytes, listeners read the rows): one statement, one round trip
 * under the lock instead of three. Positions are taken after the lock: `nextval` is in the insert's
 * select list, computed once the join with the lock's row produced the row and after the sort (volatile
 * functions are evaluated after ORDER BY). Returns the events in list order.
 */
export async function insertEventsInOrder(q: Queryable, actor: EventActor, at: Date, events: readonly NewEvent[]): Promise<WrittenEvent[]> {
  const rows = events.map(
    (e, i) => sql`(${i}::int, ${e.incidentId}::uuid, ${e.directiveId ?? null}::uuid, ${e.noteId ?? null}::uuid, ${e.type}::text,
      ${JSON.stringify(e.data ?? {})}::jsonb)`,
  );
  return q.query<WrittenEvent>(sql`with lock as materialized (select pg_advisory_xact_lock(${EVENT_ORDER_LOCK}::bigint)),
    written as (
      insert into incident_event
        (position, incident_id, directive_id, note_id, type, actor_account_id, actor_api_key_id, actor_org_id, occurred_at, data)
      select nextval('incident_event_position'), e.incident_id, e.directive_id, e.note_id, e.type,
        ${actor.accountId}::uuid, ${actor.apiKeyId}::uuid, ${actor.orgId}::uuid, ${at}::timestamptz, e.data
      from lock cross join (values ${join(rows)}) e(n, incident_id, directive_id, note_id, type, data)
      order by e.n
      returning position, incident_id, directive_id, type, data, actor_org_id),
    notified as (select pg_notify(${EVENT_CHANNEL}, max(position)::text) from written)
    select w.position, w.incident_id, w.directive_id, w.type, w.data, w.actor_org_id
    from written w cross join notified
    order by w.position`);
}
