import DataLoader from 'dataloader';
import { Field, ObjectType, InputType, ID, registerEnumType } from 'type-graphql';
import { requestLoader } from '../../graphql/loaders';
import { GraphQLDateTime } from 'graphql-scalars';
import { Length, MaxLength } from 'class-validator';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { sql } from '../../db/sql';
import { Node, ConnectionType, toGlobalId, decodeId, encodeCursor, decodeKeyset, pageOf, type Connection } from '../../graphql/relay';
import { badInput, notFound } from '../../graphql/errors';
import { enumOf } from '../../graphql/enums';
import { noteVisibleSql, type AccessLevel, type IncidentFacts } from '../../auth/views';
import { project } from '../../auth/projection';
import { decideNote, enforce } from '../../auth/decide';
import { appendEvents } from '../incidents/events';
import { lockVisibleIncident } from '../incidents/workflow.service';
import { visibleIncidentsSql, type IncidentRow } from '../incidents/incident.repo';
import { incidentFacts } from '../incidents/incident.types';
import { NOTE_VISIBILITIES, type NoteVisibility } from './note.entity';
import { Organization, toOrganization } from '../organizations/organization.types';

export const NoteVisibilityEnum = enumOf(NOTE_VISIBILITIES);
registerEnumType(NoteVisibilityEnum, { name: 'NoteVisibility' });

export const REDACTED_BODY = '[redacted]';

@ObjectType({ implements: Node })
export class Note extends Node {
  authorOrgId!: string;
  @Field() body!: string;
  @Field(() => NoteVisibilityEnum) visibility!: NoteVisibility;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Author e-mail: the author’s organization and the coordinator only' }) authorEmail!: string | null;
  @Field(() => Organization, { nullable: true }) authorOrganization!: Organization | null;
  @Field() redacted!: boolean;
  @Field(() => GraphQLDateTime, { nullable: true }) redactedAt!: Date | null;
  @Field(() => String, { nullable: true }) redactionReason!: string | null;
}
export const NoteConnection = ConnectionType('Note', Note);

@InputType()
export class AddNoteInput {
  @Field(() => ID) incidentId!: string;
  @Field() @Length(1, 20000) body!: string;
  @Field(() => NoteVisibilityEnum) visibility!: NoteVisibility;
}

@InputType()
export class RedactNoteInput {
  @Field(() => ID) id!: string;
  @Field() @MaxLength(5000) reason!: string;
}

@ObjectType()
export class NotePayload {
  @Field(() => Note) note!: Note;
}

interface NoteRow extends Record<string, unknown> {
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

/** The note's incident as the viewer reads it: the author organization is under the actor rule of §3. */
interface NoteIncident {
  view: AccessLevel;
  facts: IncidentFacts;
}

async function present(ctx: Context, r: NoteRow, incident: NoteIncident): Promise<Note> {
  const viewer = viewerOf(ctx);
  const org = await ctx.loaders.organization.load(r.author_org_id);
  const projected = project('Note', { viewer, view: incident.view, facts: incident.facts, organization: org ?? { id: r.author_org_id } }, {
    id: toGlobalId('Note', r.id),
    body: r.redacted_at ? REDACTED_BODY : r.body,
    visibility: r.visibility,
    createdAt: r.created_at,
    authorEmail: r.author_email,
    authorOrganization: org ? toOrganization(viewer, org) : null,
    redacted: !!r.redacted_at,
    redactedAt: r.redacted_at,
    redactionReason: r.redaction_reason,
  }, { redacted: false });
  return Object.assign(new Note(), projected, { authorOrgId: r.author_org_id });
}

interface NotesKey {
  incident: IncidentRow;
  first: number;
  after: string[] | null;
}

/** Notes of many incidents in one statement: each key brings its view, cursor and page size. */
function notesLoader(ctx: Context): DataLoader<NotesKey, NoteRow[], string> {
  return requestLoader(ctx, 'notes', () => {
    const viewer = viewerOf(ctx);
    return new DataLoader<NotesKey, NoteRow[], string>(
      async (keys) => {
        const rows = await ctx.db.query<NoteRow & { ord: string }>(sql`
          select x.* from (
            select ${NOTE_COLUMNS}, v.ord, v.lim, row_number() over (partition by v.ord order by n.created_at, n.id) as rn
            from unnest(${keys.map((k) => k.incident.id)}::uuid[], ${keys.map((k) => k.incident.access_level)}::text[],
                        ${keys.map((k) => k.after?.[0] ?? null)}::timestamptz[], ${keys.map((k) => k.after?.[1] ?? null)}::uuid[],
                        ${keys.map((k) => k.first + 1)}::int[]) with ordinality as v(id, access_level, after_at, after_id, lim, ord)
            join note n on n.incident_id = v.id and (v.after_at is null or (n.created_at, n.id) > (v.after_at, v.after_id))
            left join account a on a.id = n.author_account_id
            where ${noteVisibleSql(viewer)}
          ) x where x.rn <= x.lim order by x.ord, x.created_at, x.id`);
        const out: NoteRow[][] = keys.map(() => []);
        for (const r of rows) out[Number(r.ord) - 1].push(r);
        return out;
      },
      { cacheKeyFn: (k) => `${k.incident.id}|${k.first}|${k.after?.join(',') ?? ''}` },
    );
  });
}

export async function notesOf(ctx: Context, incident: IncidentRow, first: number, after: string | null | undefined): Promise<Connection<Note>> {
  const cursor = decodeKeyset(after, ['timestamp', 'uuid']);
  const rows = await notesLoader(ctx).load({ incident, first, after: cursor });
  const page = pageOf(rows, first, (r) => encodeCursor([r.created_at.toISOString(), r.id]));
  const on = { view: incident.access_level, facts: incidentFacts(incident) };
  return { ...page, edges: await Promise.all(page.edges.map(async (e) => ({ cursor: e.cursor, node: await present(ctx, e.node, on) }))) };
}

export async function addNote(ctx: Context, input: AddNoteInput): Promise<Note> {
  const viewer = viewerOf(ctx);
  if (!input.body.trim()) throw badInput('input.body', 'body must not be blank');
  ctx.authz.applied('noteAudience');
  const id = await ctx.db.tx(async (q) => {
    const { row } = await lockVisibleIncident(ctx, q, input.incidentId);
    enforce(decideNote(viewer, { action: 'ADD', access: row.access_level, visibility: input.visibility }));
    const now = ctx.clock.now();
    const note = await q.one<{ id: string }>(sql`insert into note (incident_id, author_account_id, author_api_key_id, author_org_id, visibility, body, created_at)
      values (${row.id}, ${viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null}, ${viewer.principal.type === 'API_KEY' ? viewer.principal.id : null},
        ${viewer.organization.id}, ${input.visibility}, ${input.body}, ${now}) returning id`);
    await appendEvents(q, viewer, now, [{ incidentId: row.id, noteId: note!.id, type: 'NOTE_ADDED', data: { visibility: input.visibility } }]);
    return note!.id;
  });
  return (await visibleNote(ctx, id))!;
}

/** A note by id through its incident's view and its own audience; invisible = missing. */
async function visibleNote(ctx: Context, noteId: string): Promise<(Note & { incidentId: string }) | null> {
  const viewer = viewerOf(ctx);
  const row = await ctx.db.one<NoteRow & IncidentRow & { incident_id: string }>(sql`select ${NOTE_COLUMNS}, n.incident_id, v.access_level,
      v.handler_org_id, v.reporting_org_id, v.reporting_org_kind, v.reporting_org_person, v.coordinator_org_id
    from note n join (${visibleIncidentsSql(viewer)}) v on v.id = n.incident_id
    left join account a on a.id = n.author_account_id
    where n.id = ${noteId} and ${noteVisibleSql(viewer)}`);
  if (!row) return null;
  const note = await present(ctx, row, { view: row.access_level, facts: incidentFacts(row) });
  return Object.assign(note, { incidentId: row.incident_id });
}

export async function noteById(ctx: Context, globalId: string): Promise<Note | null> {
  const id = decodeId(globalId, 'Note');
  return id ? visibleNote(ctx, id) : null;
}

/** Replaces the body with a tombstone and records who redacted it and why (author's organization or coordinator). */
export async function redactNote(ctx: Context, input: RedactNoteInput): Promise<Note> {
  const viewer = viewerOf(ctx);
  const reason = input.reason.trim();
  if (!reason) throw badInput('input.reason', 'a reason is required');
  ctx.authz.applied('noteAudience');
  const id = decodeId(input.id, 'Note');
  if (!id) throw notFound('Note');
  await ctx.db.tx(async (q) => {
    await q.query(sql`select 1 from note where id = ${id} for update`);
    const note = await visibleNote(ctx, id);
    if (!note) throw notFound('Note');
    enforce(decideNote(viewer, { action: 'REDACT', authorOrgId: note.authorOrgId }));
    if (note.redacted) throw badInput('input.id', 'the note is already redacted');
    const now = ctx.clock.now();
    await q.query(sql`update note set body = ${REDACTED_BODY}, redacted_at = ${now}, redacted_by_account_id = ${viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null},
      redacted_by_api_key_id = ${viewer.principal.type === 'API_KEY' ? viewer.principal.id : null}, redacted_by_org_id = ${viewer.organization.id}, redaction_reason = ${reason}
      where id = ${id}`);
    await appendEvents(q, viewer, now, [{ incidentId: note.incidentId, noteId: id, type: 'NOTE_REDACTED', data: { reason } }]);
  });
  return (await visibleNote(ctx, id))!;
}
