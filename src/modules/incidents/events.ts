import type { Queryable } from '../../db/db';
import { sql, join } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { actorColumns } from '../../auth/viewer';
import { refreshDomainFeeds } from './domain-feed';
import { EVENT_CHANNEL } from '../../db/channels';
import { recordNotifications, type WrittenEvent } from '../notifications/outbox';

/** Arbitrary constant key of the transaction-level advisory lock that orders event positions. */
const EVENT_ORDER_LOCK = 0x1ec1de17;

export interface NewEvent {
  incidentId: string;
  type: string;
  data?: Record<string, unknown>;
  directiveId?: string | null;
  noteId?: string | null;
}

/**
 * Appends timeline events in the caller's transaction. Positions are taken under a transaction-level
 * advisory lock that is held until commit, so position order is commit order: a reader that has seen
 * position N has seen every event below N that will ever exist. Call it as the last write of a
 * transaction to keep the lock short. NOTIFY is delivered at commit, with the position only (payloads
 * must stay under 8000 bytes; listeners read the rows).
 */
export async function appendEvents(q: Queryable, viewer: Viewer | null, at: Date, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const actor = viewer ? actorColumns(viewer) : { accountId: null, apiKeyId: null, orgId: null };
  await q.query(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
  const rows = events.map(
    (e) => sql`(nextval('incident_event_position'), ${e.incidentId}, ${e.directiveId ?? null}, ${e.noteId ?? null}, ${e.type},
      ${actor.accountId}, ${actor.apiKeyId}, ${actor.orgId}, ${at}, ${JSON.stringify(e.data ?? {})}::jsonb)`,
  );
  const inserted = await q.query<WrittenEvent>(sql`insert into incident_event
      (position, incident_id, directive_id, note_id, type, actor_account_id, actor_api_key_id, actor_org_id, occurred_at, data)
    values ${join(rows)} returning position, incident_id, directive_id, type, data, actor_org_id`);
  const last = inserted[inserted.length - 1].position;
  const lastByIncident = new Map<string, string>();
  for (const r of inserted) {
    const seen = lastByIncident.get(r.incident_id);
    if (!seen || BigInt(r.position) > BigInt(seen)) lastByIncident.set(r.incident_id, r.position);
  }
  await refreshDomainFeeds(q, lastByIncident);
  // The outbox (DESIGN.md §7): notification intents commit with the events that cause them.
  await recordNotifications(q, at, inserted);
  await q.query(sql`select pg_notify(${EVENT_CHANNEL}, ${last})`);
}
