import crypto from 'node:crypto';
import DataLoader from 'dataloader';
import { LockMode } from '@mikro-orm/postgresql';
import { Field, ObjectType, InputType, ID, registerEnumType } from 'type-graphql';
import { requestLoader } from '../../graphql/loaders';
import { GraphQLDateTime } from 'graphql-scalars';
import { Length, MaxLength } from 'class-validator';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { sql, raw, type Sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { Node, ConnectionType, toGlobalId, decodeId, encodeCursor, decodeKeyset, pageOf, type Connection } from '../../graphql/relay';
import { badInput, notFound } from '../../graphql/errors';
import { enumOf } from '../../graphql/enums';
import { noteVisibleSql, type AccessLevel, type IncidentFacts } from '../../auth/views';
import { project } from '../../auth/projection';
import { decideNote, enforce } from '../../auth/decide';
import { appendEvents } from '../incidents/events';
import { lockVisibleIncident } from '../incidents/workflow.service';
import { visibleIncidentsSql, type IncidentRow } from '../incidents/incident.repo';
import { registerPagedRelation } from '../incidents/incident.read';
import { incidentFacts } from '../incidents/incident.types';
import { NoteEntity, NOTE_VISIBILITIES, type NoteVisibility } from './note.entity';
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

export interface NoteRow extends Record<string, unknown> {
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

/**
 * One page of the notes of incident `v` (a visible-incident row with its `access_level`) whose
 * audience includes the viewer: the loader below and the compiled read (incident.read.ts) run this same SQL.
 */
export function notesPageSql(viewer: Viewer, afterAt: Sql, afterId: Sql, limit: Sql): Sql {
  return sql`select ${NOTE_COLUMNS} from note n
    left join account a on a.id = n.author_account_id
    where n.incident_id = v.id and (${afterAt} is null or (n.created_at, n.id) > (${afterAt}, ${afterId})) and ${noteVisibleSql(viewer)}
    order by n.created_at, n.id limit ${limit}`;
}

/** Notes of many incidents in one statement: each key brings its view, cursor and page size. */
function notesLoader(ctx: Context): DataLoader<NotesKey, NoteRow[], string> {
  return requestLoader(ctx, 'notes', () => {
    const viewer = viewerOf(ctx);
    return new DataLoader<NotesKey, NoteRow[], string>(
      async (keys) => {
        const rows = await ctx.db.query<NoteRow & { ord: string }>(sql`
          select x.*, v.ord
          from unnest(${keys.map((k) => k.incident.id)}::uuid[], ${keys.map((k) => k.incident.access_level)}::text[],
                      ${keys.map((k) => k.after?.[0] ?? null)}::timestamptz[], ${keys.map((k) => k.after?.[1] ?? null)}::uuid[],
                      ${keys.map((k) => k.first + 1)}::int[]) with ordinality as v(id, access_level, after_at, after_id, lim, ord)
          cross join lateral (${notesPageSql(viewer, raw('v.after_at'), raw('v.after_id'), raw('v.lim'))}) x
          order by v.ord, x.created_at, x.id`);
        const out: NoteRow[][] = keys.map(() => []);
        for (const { ord, ...r } of rows) out[Number(ord) - 1].push(r);
        return out;
      },
      { cacheKeyFn: (k) => `${k.incident.id}|${k.first}|${k.after?.join(',') ?? ''}` },
    );
  });
}

/** Gives the notes loader a page read by the compiled read (the key the resolver will ask with). */
export function primeNotes(ctx: Context, incident: IncidentRow, first: number, after: string | null | undefined, rows: NoteRow[]): void {
  notesLoader(ctx).prime({ incident, first, after: decodeKeyset(after, ['timestamp', 'uuid']) }, rows);
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
  const id = await ctx.db.transactional(async (em, q) => {
    // The incident's row lock orders notes with the incident's own changes; a note leaves its version alone.
    const { row } = await lockVisibleIncident(ctx, em, q, input.incidentId);
    enforce(decideNote(viewer, { action: 'ADD', access: row.access_level, visibility: input.visibility }));
    const now = ctx.clock.now();
    const note = em.create(NoteEntity, {
      id: crypto.randomUUID(),
      incidentId: row.id,
      authorAccountId: viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null,
      authorApiKeyId: viewer.principal.type === 'API_KEY' ? viewer.principal.id : null,
      authorOrgId: viewer.organization.id,
      visibility: input.visibility,
      body: input.body,
      createdAt: now,
    });
    await em.flush();
    await appendEvents(q, viewer, now, [{ incidentId: row.id, noteId: note.id, type: 'NOTE_ADDED', data: { visibility: input.visibility } }]);
    return note.id;
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
  await ctx.db.transactional(async (em, q) => {
    const entity = await em.findOne(NoteEntity, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const note = entity ? await visibleNote(ctx, id) : null;
    if (!entity || !note) throw notFound('Note');
    enforce(decideNote(viewer, { action: 'REDACT', authorOrgId: note.authorOrgId }));
    if (note.redacted) throw badInput('input.id', 'the note is already redacted');
    const now = ctx.clock.now();
    Object.assign(entity, {
      body: REDACTED_BODY,
      redactedAt: now,
      redactedByAccountId: viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null,
      redactedByApiKeyId: viewer.principal.type === 'API_KEY' ? viewer.principal.id : null,
      redactedByOrgId: viewer.organization.id,
      redactionReason: reason,
    });
    await em.flush();
    await appendEvents(q, viewer, now, [{ incidentId: note.incidentId, noteId: id, type: 'NOTE_REDACTED', data: { reason } }]);
  });
  return (await visibleNote(ctx, id))!;
}

// An incident read compiled from its selection reads the notes page in its own statement (incidents/incident.read.ts).
registerPagedRelation('notes', {
  cursor: ['timestamp', 'uuid'],
  order: 'r.created_at, r.id',
  sql: (viewer, _now, cursor, limit) => notesPageSql(viewer, sql`${cursor?.[0] ?? null}::timestamptz`, sql`${cursor?.[1] ?? null}::uuid`, limit),
  prime: (ctx, row, first, after, rows) => primeNotes(ctx, row, first, after, rows as NoteRow[]),
});
