import type { Queryable, Row } from '../../db/db';
import { sql, raw, type Sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { noteVisibleSql } from '../../auth/views';
import { visibleIncidentsSql, type IncidentRow } from '../incidents/incident.repo';
import type { NoteVisibility } from './note.entity';

export interface NoteRow extends Row {
  id: string;
  body: string;
  visibility: NoteVisibility;
  created_at: Date;
  author_org_id: string;
  author_email: string | null;
  redacted_at: Date | null;
  redaction_reason: string | null;
}

const NOTE_COLUMNS = sql`n.id, n.body, n.visibility, n.created_at, n.author_org_id, a.email as author_email, n.redacted_at, n.redaction_reason`;

/**
 * One page of the notes of incident `v` (a visible-incident row with its `access_level`) whose
 * audience includes the viewer: the loader's batch and the compiled read (incident.read.ts) run this same SQL.
 */
function notesPageOf(viewer: Viewer, afterAt: Sql, afterId: Sql, limit: Sql): Sql {
  return sql`select ${NOTE_COLUMNS} from note n
    left join account a on a.id = n.author_account_id
    where n.incident_id = v.id and (${afterAt} is null or (n.created_at, n.id) > (${afterAt}, ${afterId})) and ${noteVisibleSql(viewer)}
    order by n.created_at, n.id limit ${limit}`;
}

/** The page for the compiled read: after the keyset cursor (created_at, id), if any. */
export function notesPageSql(viewer: Viewer, cursor: readonly string[] | null, limit: Sql): Sql {
  return notesPageOf(viewer, sql`${cursor?.[0] ?? null}::timestamptz`, sql`${cursor?.[1] ?? null}::uuid`, limit);
}

export interface NotesPageKey {
  incident: IncidentRow;
  first: number;
  after: string[] | null;
}

/** Notes of many incidents in one statement: each key brings its view, cursor and page size; rows come per key, in order. */
export async function notesOfIncidents(db: Queryable, viewer: Viewer, keys: readonly NotesPageKey[]): Promise<NoteRow[][]> {
  const rows = await db.query<NoteRow & { ord: string }>(sql`
    select x.*, v.ord
    from unnest(${keys.map((k) => k.incident.id)}::uuid[], ${keys.map((k) => k.incident.access_level)}::text[],
                ${keys.map((k) => k.after?.[0] ?? null)}::timestamptz[], ${keys.map((k) => k.after?.[1] ?? null)}::uuid[],
                ${keys.map((k) => k.first + 1)}::int[]) with ordinality as v(id, access_level, after_at, after_id, lim, ord)
    cross join lateral (${notesPageOf(viewer, raw('v.after_at'), raw('v.after_id'), raw('v.lim'))}) x
    order by v.ord, x.created_at, x.id`);
  const out: NoteRow[][] = keys.map(() => []);
  for (const { ord, ...r } of rows) out[Number(ord) - 1].push(r);
  return out;
}

/** A note by id with its incident's view and facts, if the viewer may read the incident and is in the note's audience. */
export async function visibleNoteRow(
  db: Queryable,
  viewer: Viewer,
  noteId: string,
): Promise<(NoteRow & IncidentRow & { incident_id: string }) | undefined> {
  return db.one<NoteRow & IncidentRow & { incident_id: string }>(sql`select ${NOTE_COLUMNS}, n.incident_id, v.access_level,
      v.handler_org_id, v.reporting_org_id, v.reporting_org_kind, v.reporting_org_person, v.coordinator_org_id
    from note n join (${visibleIncidentsSql(viewer)}) v on v.id = n.incident_id
    left join account a on a.id = n.author_account_id
    where n.id = ${noteId} and ${noteVisibleSql(viewer)}`);
}
