import crypto from 'node:crypto';
import DataLoader from 'dataloader';
import { LockMode } from '@mikro-orm/postgresql';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { decodeId, encodeCursor, decodeKeyset, pageOf, clampFirst, type Connection } from '../../graphql/relay';
import { badInput, notFound } from '../../graphql/errors';
import { decideNote, enforce } from '../../auth/decide';
import { appendEvents } from '../incidents/events';
import { lockVisibleIncident } from '../incidents/workflow.service';
import type { IncidentRow } from '../incidents/incident.repo';
import { registerPagedRelation } from '../incidents/incident.read';
import { incidentFacts, type Incident } from '../incidents/incident.types';
import { NoteEntity } from './note.entity';
import { notesOfIncidents, notesPageSql, visibleNoteRow, type NoteRow, type NotesPageKey } from './note.repo';
import { presentNote, REDACTED_BODY, type AddNoteInput, type Note, type RedactNoteInput } from './note.types';

/** Notes of many incidents in one statement: each key brings its view, cursor and page size. */
function notesLoader(ctx: Context): DataLoader<NotesPageKey, NoteRow[], string> {
  return requestLoader(ctx, 'notes', () => {
    const viewer = viewerOf(ctx);
    return new DataLoader<NotesPageKey, NoteRow[], string>((keys) => notesOfIncidents(ctx.db, viewer, keys), {
      cacheKeyFn: (k) => `${k.incident.id}|${k.first}|${k.after?.join(',') ?? ''}`,
    });
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
  return { ...page, edges: await Promise.all(page.edges.map(async (e) => ({ cursor: e.cursor, node: await presentNote(ctx, e.node, on) }))) };
}
/** The field `Incident.notes`: empty where the viewer's view of the incident does not show it. */
export function incidentNotes(
  ctx: Context,
  incident: Incident,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<Note>> | Connection<Note> {
  return incident.shown.has('notes') ? notesOf(ctx, incident.row, clampFirst(ctx, args.first), args.after) : pageOf([], 0, () => '');
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
  const row = await visibleNoteRow(ctx.db, viewerOf(ctx), noteId);
  if (!row) return null;
  const note = await presentNote(ctx, row, { view: row.access_level, facts: incidentFacts(row) });
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
  sql: (viewer, _now, cursor, limit) => notesPageSql(viewer, cursor, limit),
  prime: (ctx, row, first, after, rows) => primeNotes(ctx, row, first, after, rows as NoteRow[]),
});
