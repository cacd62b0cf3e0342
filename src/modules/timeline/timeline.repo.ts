import type { Queryable } from '../../db/db';
import { sql, raw, type Sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { eventVisibleSql } from '../../auth/views';
import type { IncidentRow } from '../incidents/incident.repo';
import type { EventType } from './timeline.types';

export interface EventRow extends Record<string, unknown> {
  id: string;
  position: string;
  type: EventType;
  occurred_at: Date;
  data: Record<string, unknown>;
  actor_org_id: string | null;
  actor_email: string | null;
  actor_key_name: string | null;
}

export const EVENT_COLUMNS = sql`e.id, e.position, e.type, e.occurred_at, e.data, e.actor_org_id, a.email as actor_email, k.name as actor_key_name`;

/**
 * One page of the events of incident `v` (a visible-incident row with its `access_level`) that the
 * viewer's view shows, in commit order: the loader's batch and the compiled read (incident.read.ts) run
 * this same SQL, so both apply the rulebook's event rule (views.ts) the same way.
 */
function timelinePageOf(viewer: Viewer, after: Sql, limit: Sql): Sql {
  return sql`select ${EVENT_COLUMNS} from incident_event e
    left join account a on a.id = e.actor_account_id
    left join api_key k on k.id = e.actor_api_key_id
    where e.incident_id = v.id and e.position > ${after} and ${eventVisibleSql(viewer)}
    order by e.position limit ${limit}`;
}

/** The page for the compiled read: after the position cursor, if any. */
export function timelinePageSql(viewer: Viewer, cursor: readonly string[] | null, limit: Sql): Sql {
  return timelinePageOf(viewer, sql`${cursor?.[0] ?? '0'}::bigint`, limit);
}

export interface TimelinePageKey {
  incident: IncidentRow;
  first: number;
  after: string | null;
}

/** Timelines of many incidents in one statement: each key brings its view, cursor and page size; rows come per key, in order. */
export async function timelinesOfIncidents(db: Queryable, viewer: Viewer, keys: readonly TimelinePageKey[]): Promise<EventRow[][]> {
  const rows = await db.query<EventRow & { ord: string }>(sql`
    select x.*, v.ord
    from unnest(${keys.map((k) => k.incident.id)}::uuid[], ${keys.map((k) => k.incident.access_level)}::text[],
                ${keys.map((k) => k.incident.handler_org_id)}::uuid[], ${keys.map((k) => k.after ?? '0')}::bigint[],
                ${keys.map((k) => k.first + 1)}::int[]) with ordinality as v(id, access_level, handler_org_id, after, lim, ord)
    cross join lateral (${timelinePageOf(viewer, raw('v.after'), raw('v.lim'))}) x
    order by v.ord, x.position`);
  const out: EventRow[][] = keys.map(() => []);
  for (const { ord, ...r } of rows) out[Number(ord) - 1].push(r);
  return out;
}
