import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable } from '../../db/db';
import { sql, raw, join, type Sql } from '../../db/sql';
import { badInput, conflict, notFound } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { decideIncident, enforce, type Decision, type IncidentRequest } from '../../auth/decide';
import type { IncidentMove, IncidentTransition } from '../../auth/moves';
import { appendEvents, type NewEvent } from './events';
import { visibleIncidentsSql, type IncidentRow } from './incident.repo';
import { incidentSubject } from './incident.types';
import { targetStatus } from './workflow';
import type { IncidentStatus } from './incident.entity';

/** Event type written for each move (a status change; its payload is masked by the viewer's view). */
export const MOVE_EVENT: Record<IncidentMove, string> = {
  TRIAGE: 'TRIAGED',
  START_RESPONSE: 'RESPONSE_STARTED',
  ESCALATE: 'ESCALATED',
  COORDINATE: 'COORDINATION_STARTED',
  RETURN: 'RETURNED',
  REJECT: 'REJECTED',
  WITHDRAW: 'WITHDRAWN',
  REOPEN: 'REOPENED',
  RESOLVE: 'RESOLVED',
  CLOSE: 'CLOSED',
};

export interface LockedIncident {
  row: IncidentRow;
  q: Queryable;
}

/** The rulebook's answer for this viewer, this incident as locked, and this request (the commands enforce it). */
export function decideOn(ctx: Context, row: IncidentRow, request: IncidentRequest): Decision<IncidentTransition> {
  ctx.authz.applied('incidentActors');
  return decideIncident(viewerOf(ctx), incidentSubject(row), request);
}

/**
 * Locks the incident row for the rest of the transaction and reads it in the viewer's view.
 * Missing, undecodable and invisible all answer NOT_FOUND with one text.
 */
export async function lockVisibleIncident(ctx: Context, q: Queryable, globalId: string): Promise<LockedIncident> {
  const id = decodeId(globalId, 'Incident');
  if (!id) throw notFound('Incident');
  await q.query(sql`select 1 from incident where id = ${id} for update`);
  const row = await q.one<IncidentRow>(sql`select v.* from (${visibleIncidentsSql(viewerOf(ctx))} and i.id = ${id}) v`);
  if (!row) throw notFound('Incident');
  return { row, q };
}

export function checkVersion(row: { version: number }, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    throw conflict(`The incident changed since you read it (version ${row.version}, you sent ${expectedVersion}); reload and retry`, {
      currentVersion: row.version,
    });
  }
}

/** Version-checked update in the database: zero rows means someone else won the race. */
export async function updateIncidentRow(q: Queryable, id: string, expectedVersion: number, set: Sql | null, now: Date): Promise<void> {
  const updated = await q.query(sql`update incident set ${set ? sql`${set}, ` : raw('')}version = version + 1, updated_at = ${now}
    where id = ${id} and version = ${expectedVersion} returning id`);
  if (updated.length !== 1) throw conflict('The incident changed since you read it; reload and retry');
}

export interface MoveOptions {
  /** Resolve only: the coordinator cancels the open directives in the same transaction. */
  cancelOpenDirectives?: boolean;
  /** Extra columns to set, given the target status. */
  set?: (locked: LockedIncident, to: IncidentStatus) => Sql[];
  /** Payload of the status event. */
  data?: Record<string, unknown>;
  /** Writes before the events (e.g. cancelling directives), returning their own events. */
  before?: (locked: LockedIncident, now: Date) => Promise<NewEvent[]>;
}

async function openDirectiveCount(q: Queryable, incidentId: string): Promise<number> {
  const open = await q.one<{ n: number }>(sql`select count(*)::int as n from directive
    where incident_id = ${incidentId} and status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS')`);
  return open?.n ?? 0;
}

/** One move of the state machine, one transaction, with DESIGN.md §3's error precedence after input validation. */
export async function applyMove(ctx: Context, globalId: string, expectedVersion: number, move: IncidentMove, opts: MoveOptions = {}): Promise<string> {
  const viewer = viewerOf(ctx);
  return ctx.db.tx(async (q) => {
    const locked = await lockVisibleIncident(ctx, q, globalId);
    const { row } = locked;
    const openDirectives = move === 'RESOLVE' ? await openDirectiveCount(q, row.id) : 0;
    const decision = decideOn(ctx, row, { move, openDirectives, cancelOpenDirectives: opts.cancelOpenDirectives });
    const transition = enforce(decision, () => checkVersion(row, expectedVersion))!;
    const now = ctx.clock.now();
    const to = targetStatus(transition, row.coordinator_owns);
    const sets: Sql[] = [sql`status = ${to}`, ...(opts.set?.(locked, to) ?? [])];
    const extraEvents = opts.before ? await opts.before(locked, now) : [];
    await updateIncidentRow(q, row.id, expectedVersion, join(sets), now);
    await appendEvents(q, viewer, now, [
      ...extraEvents,
      { incidentId: row.id, type: MOVE_EVENT[move], data: { from: row.status, to, ...(opts.data ?? {}) } },
    ]);
    return row.id;
  });
}

export function requireReason(reason: string, field = 'input.reason'): string {
  const trimmed = reason.trim();
  if (!trimmed) throw badInput(field, 'a reason is required');
  if (trimmed.length > 5000) throw badInput(field, 'the reason is longer than 5000 characters');
  return trimmed;
}

/** The coordinator takes part for good (Incident.coordinator is set once and never cleared). */
export function coordinatorTakesPart(): Sql {
  return raw(`coordinator_org_id = coalesce(coordinator_org_id, (select id from organization where kind = 'COORDINATOR'))`);
}
