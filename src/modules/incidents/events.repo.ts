import type { Queryable } from '../../db/db';
import { sql, join } from '../../db/sql';
import { EVENT_CHANNEL } from '../../db/channels';
import type { WrittenEvent } from '../notifications/outbox';

// The statements of the append-only event log: events.ts writes with them, in the caller's transaction.

/** Arbitrary constant key of the transaction-level advisory lock that orders event positions. */
const EVENT_ORDER_LOCK = 0x1ec1de17;

/** Takes the event-order lock, held until the transaction ends (see appendEvents). */
export async function lockEventOrder(q: Queryable): Promise<void> {
  await q.query(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
}

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

/** Inserts the events in one statement, each with the next position; returns them in insertion order. */
export async function insertEvents(q: Queryable, actor: EventActor, at: Date, events: readonly NewEvent[]): Promise<WrittenEvent[]> {
  const rows = events.map(
    (e) => sql`(nextval('incident_event_position'), ${e.incidentId}, ${e.directiveId ?? null}, ${e.noteId ?? null}, ${e.type},
      ${actor.accountId}, ${actor.apiKeyId}, ${actor.orgId}, ${at}, ${JSON.stringify(e.data ?? {})}::jsonb)`,
  );
  return q.query<WrittenEvent>(sql`insert into incident_event
      (position, incident_id, directive_id, note_id, type, actor_account_id, actor_api_key_id, actor_org_id, occurred_at, data)
    values ${join(rows)} returning position, incident_id, directive_id, type, data, actor_org_id`);
}

/** NOTIFY of the last position, delivered at commit (payloads must stay under 8000 bytes; listeners read the rows). */
export async function notifyEventsCommitted(q: Queryable, lastPosition: string): Promise<void> {
  await q.query(sql`select pg_notify(${EVENT_CHANNEL}, ${lastPosition})`);
}
