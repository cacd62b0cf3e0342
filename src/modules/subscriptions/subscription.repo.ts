import type pg from 'pg';
import type { Db, Row } from '../../db/db';
import { sql, raw, join } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { eventVisibleSql, directiveVisibleSql, directiveStreamSql, type AccessLevel } from '../../auth/views';
import { visibleIncidentsSql } from '../incidents/incident.repo';

// The statements of live events: the event hub's reads and LISTEN, the manager's visibility checks.

export interface HubEvent extends Row {
  id: string;
  position: string;
  incident_id: string;
  directive_id: string | null;
  note_id: string | null;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  actor_org_id: string | null;
  actor_email: string | null;
  actor_key_name: string | null;
}

/** What one subscription streams: one incident's events (or every visible incident's), or directive events. */
export type Scope = { kind: 'INCIDENT'; incidentId: string | null } | { kind: 'DIRECTIVE' };

/** Events are read in pages of this many (a shorter page is the last). */
export const EVENT_PAGE = 500;
const PAGE_LIMIT = raw(`limit ${EVENT_PAGE}`);

const EVENT_SELECT = sql`select e.id, e.position::text as position, e.incident_id, e.directive_id, e.note_id, e.type, e.occurred_at, e.data,
  e.actor_org_id, a.email as actor_email, k.name as actor_key_name
  from incident_event e left join account a on a.id = e.actor_account_id left join api_key k on k.id = e.actor_api_key_id`;

/** The newest committed event's position (positions follow commit order, so nothing committed lies above it). */
export async function committedEventPosition(db: Db): Promise<string> {
  const row = await db.one<{ p: string }>(sql`select coalesce(max(position), 0)::text as p from incident_event`);
  return row?.p ?? '0';
}

/** A page of the events after `position`, in position order. */
export async function eventsAfter(db: Db, position: string): Promise<HubEvent[]> {
  return db.query<HubEvent>(sql`${EVENT_SELECT} where e.position > ${position}::bigint order by e.position ${PAGE_LIMIT}`);
}

/** The same page narrowed to a subscription's scope: directive events, or one incident's (no incident: all). */
export async function scopedEventsAfter(db: Db, position: string, scope: Scope): Promise<HubEvent[]> {
  const filter =
    scope.kind === 'DIRECTIVE' ? sql`and e.type like 'DIRECTIVE\\_%'` : scope.incidentId ? sql`and e.incident_id = ${scope.incidentId}` : sql``;
  return db.query<HubEvent>(sql`${EVENT_SELECT} where e.position > ${position}::bigint ${filter} order by e.position ${PAGE_LIMIT}`);
}

/** LISTENs on the channels on a dedicated connection (LISTEN needs a session of its own, outside the pool). */
export async function listen(client: pg.Client, channels: readonly string[]): Promise<void> {
  for (const channel of channels) await client.query(`listen ${channel}`);
}

/** Incidents visible to the viewer among `ids`, with the view. */
export async function incidentAccessLevels(db: Db, viewer: Viewer, ids: readonly string[]): Promise<Map<string, AccessLevel>> {
  const rows = await db.query<{ id: string; access_level: AccessLevel }>(
    sql`select v.id, v.access_level from (${visibleIncidentsSql(viewer)} and i.id = any(${ids}::uuid[])) v`,
  );
  return new Map(rows.map((r) => [r.id, r.access_level]));
}

/**
 * The rulebook's decision on a batch for several viewers (`g`: the viewer's index) in one statement: each batch
 * incident a viewer sees, with the view, joined to the batch's events that view shows (`event_id`, null if none).
 */
export async function batchVisibility(
  db: Db,
  viewers: readonly Viewer[],
  incidentIds: readonly string[],
  eventIds: readonly string[],
): Promise<{ g: number; id: string; access_level: AccessLevel; event_id: string | null }[]> {
  return db.query(
    join(
      viewers.map(
        (viewer, g) => sql`(select ${g}::int as g, v.id, v.access_level, e.id as event_id
          from (${visibleIncidentsSql(viewer)} and i.id = any(${incidentIds}::uuid[])) v
          left join incident_event e on e.incident_id = v.id and e.id = any(${eventIds}::uuid[]) and ${eventVisibleSql(viewer)})`,
      ),
      ' union all ',
    ),
  );
}

/** The directives among `ids` that each viewer (`g`: its index) may see and that belong in its directive stream. */
export async function streamedDirectivesByViewer(db: Db, viewers: readonly Viewer[], ids: readonly string[]): Promise<{ g: number; id: string }[]> {
  return db.query(
    join(
      viewers.map(
        (viewer, g) => sql`(select ${g}::int as g, d.id from directive d join incident i on i.id = d.incident_id
          where d.id = any(${ids}::uuid[]) and ${directiveVisibleSql(viewer)} and ${directiveStreamSql(viewer)})`,
      ),
      ' union all ',
    ),
  );
}
