import type { Queryable } from '../../db/db';
import type { Viewer } from '../../auth/viewer';
import { actorColumns } from '../../auth/viewer';
import { refreshDomainFeeds } from './domain-feed';
import { insertEventsInOrder, type NewEvent } from './events.repo';
import { recordNotifications } from '../notifications/outbox';

export type { NewEvent } from './events.repo';

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
  // The lock, the positions and the NOTIFY of the last one, in one statement (events.repo.ts).
  const inserted = await insertEventsInOrder(q, actor, at, events);
  const lastByIncident = new Map<string, string>();
  for (const r of inserted) {
    const seen = lastByIncident.get(r.incident_id);
    if (!seen || BigInt(r.position) > BigInt(seen)) lastByIncident.set(r.incident_id, r.position);
  }
  await refreshDomainFeeds(q, lastByIncident);
  // The outbox (DESIGN.md §7): notification intents commit with the events that cause them.
  await recordNotifications(q, at, inserted);
}
