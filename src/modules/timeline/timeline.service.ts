import DataLoader from 'dataloader';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { encodeCursor, decodeKeyset, pageOf, clampFirst, type Connection } from '../../graphql/relay';
import type { IncidentRow } from '../incidents/incident.repo';
import type { Incident } from '../incidents/incident.types';
import { registerPagedRelation } from '../incidents/incident.read';
import { timelinePageSql, timelinesOfIncidents, type EventRow, type TimelinePageKey } from './timeline.repo';
import { presentEvent, type IncidentEvent } from './timeline.types';

/** Timelines of many incidents in one statement: each key brings its view, cursor and page size. */
function timelineLoader(ctx: Context): DataLoader<TimelinePageKey, EventRow[], string> {
  return requestLoader(ctx, 'timeline', () => {
    const viewer = viewerOf(ctx);
    return new DataLoader<TimelinePageKey, EventRow[], string>((keys) => timelinesOfIncidents(ctx.db, viewer, keys), {
      cacheKeyFn: (k) => `${k.incident.id}|${k.first}|${k.after ?? ''}`,
    });
  });
}

/** Gives the timeline loader a page read by the compiled read (the key the resolver will ask with). */
export function primeTimeline(ctx: Context, incident: IncidentRow, first: number, after: string | null | undefined, rows: EventRow[]): void {
  const cursor = decodeKeyset(after, ['bigint']);
  timelineLoader(ctx).prime({ incident, first, after: cursor ? cursor[0] : null }, rows);
}

/** `Incident.timeline`: the events the viewer's view shows, in commit order, masked. */
export async function timelineOf(
  ctx: Context,
  incident: IncidentRow,
  first: number,
  after: string | null | undefined,
): Promise<Connection<IncidentEvent>> {
  const cursor = decodeKeyset(after, ['bigint']);
  const rows = await timelineLoader(ctx).load({ incident, first, after: cursor ? cursor[0] : null });
  const page = pageOf(rows, first, (r) => encodeCursor([r.position]));
  const edges = await Promise.all(
    page.edges.map(async (e) => ({ cursor: e.cursor, node: await presentEvent(ctx, e.node, incident.id, incident.access_level, incident) })),
  );
  return { ...page, edges };
}

/** The field `Incident.timeline`: empty where the viewer's view of the incident does not show it. */
export function incidentTimeline(
  ctx: Context,
  incident: Incident,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<IncidentEvent>> | Connection<IncidentEvent> {
  return incident.shown.has('timeline') ? timelineOf(ctx, incident.row, clampFirst(ctx, args.first), args.after) : pageOf([], 0, () => '');
}

// An incident read compiled from its selection reads the timeline page in its own statement (incidents/incident.read.ts).
registerPagedRelation('timeline', {
  cursor: ['bigint'],
  order: 'r.position',
  bigints: ['position'],
  sql: (viewer, _now, cursor, limit) => timelinePageSql(viewer, cursor, limit),
  prime: (ctx, row, first, after, rows) => primeTimeline(ctx, row, first, after, rows as EventRow[]),
});
