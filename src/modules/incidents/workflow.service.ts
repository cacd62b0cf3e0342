import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { LockMode, OptimisticLockError, type EntityManager } from '@mikro-orm/postgresql';
import type { Queryable } from '../../db/db';
import { badInput, conflict, notFound } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { decideIncident, enforce, type Decision, type IncidentRequest } from '../../auth/decide';
import type { IncidentMove, IncidentTransition } from '../../auth/moves';
import { appendEvents, type NewEvent } from './events';
import { visibleIncidentById, type IncidentRow } from './incident.repo';
import { incidentSubject } from './incident.types';
import { targetStatus } from './workflow';
import { IncidentEntity, type IncidentStatus } from './incident.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { DirectiveEntity, OPEN_DIRECTIVE_STATUSES } from '../directives/directive.entity';

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

/** An incident locked for the rest of a command's transaction. */
export interface LockedIncident {
  /** The incident in the viewer's view (what the rulebook decides on). */
  row: IncidentRow;
  /** The same row as an entity of the command's EntityManager: the command changes it, `saveIncident` writes it. */
  incident: IncidentEntity;
  em: EntityManager;
  /** SQL on the same transaction (events, set-based writes). */
  q: Queryable;
}

/** The rulebook's answer for this viewer, this incident as locked, and this request (the commands enforce it). */
export function decideOn(ctx: Context, row: IncidentRow, request: IncidentRequest): Decision<IncidentTransition> {
  ctx.authz.applied('incidentActors');
  return decideIncident(viewerOf(ctx), incidentSubject(row), request);
}

/**
 * Loads the incident as an entity under a row lock (`select … for update`) held until commit, then reads
 * it in the viewer's view (the rulebook's visibility SQL). Missing, undecodable and invisible all answer
 * NOT_FOUND with one text. The EntityManager is the command's own fork: nothing comes from another
 * request's identity map, and no ORM filter is involved (visibility is the rulebook's SQL).
 */
export async function lockVisibleIncident(ctx: Context, em: EntityManager, q: Queryable, globalId: string): Promise<LockedIncident> {
  const id = decodeId(globalId, 'Incident');
  if (!id) throw notFound('Incident');
  const incident = await em.findOne(IncidentEntity, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const row = incident ? await visibleIncidentById(q, viewerOf(ctx), id) : undefined;
  if (!incident || !row) throw notFound('Incident');
  return { row, incident, em, q };
}

export function checkVersion(row: { version: number }, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    throw conflict(`The incident changed since you read it (version ${row.version}, you sent ${expectedVersion}); reload and retry`, {
      currentVersion: row.version,
    });
  }
}

/**
 * Flushes the command's changes; the incident's `version` is the optimistic lock: MikroORM updates it
 * `where id = … and version = <as loaded>` and bumps it, and zero rows (someone else won) is CONFLICT.
 * Every change of an incident bumps its version (DESIGN.md §2 "Versions"), also one that only touches
 * other tables (participants, indicators): then the version is bumped on its own, under the same check.
 */
export async function saveIncident(locked: LockedIncident, now: Date): Promise<void> {
  const { em, incident } = locked;
  const loaded = incident.version;
  incident.updatedAt = now;
  try {
    await em.flush();
    if (incident.version === loaded) {
      const bumped = await em.nativeUpdate(IncidentEntity, { id: incident.id, version: loaded }, { updatedAt: now });
      if (bumped !== 1) throw OptimisticLockError.lockFailed(incident);
    }
  } catch (err) {
    if (err instanceof OptimisticLockError) throw conflict('The incident changed since you read it; reload and retry');
    throw err;
  }
}

export interface MoveOptions {
  /** Resolve only: the coordinator cancels the open directives in the same transaction. */
  cancelOpenDirectives?: boolean;
  /** Changes of the incident beyond its status, given the target status. */
  change?: (locked: LockedIncident, to: IncidentStatus) => void | Promise<void>;
  /** Payload of the status event. */
  data?: Record<string, unknown>;
  /** Writes before the events (e.g. cancelling directives), returning their own events. */
  before?: (locked: LockedIncident, now: Date) => Promise<NewEvent[]>;
}

async function openDirectiveCount(em: EntityManager, incidentId: string): Promise<number> {
  return em.count(DirectiveEntity, { incidentId, status: { $in: [...OPEN_DIRECTIVE_STATUSES] } });
}

/** One move of the state machine, one transaction, with DESIGN.md §3's error precedence after input validation. */
export async function applyMove(
  ctx: Context,
  globalId: string,
  expectedVersion: number,
  move: IncidentMove,
  opts: MoveOptions = {},
): Promise<string> {
  const viewer = viewerOf(ctx);
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, globalId);
    const { row, incident } = locked;
    const openDirectives = move === 'RESOLVE' ? await openDirectiveCount(em, row.id) : 0;
    const decision = decideOn(ctx, row, { move, openDirectives, cancelOpenDirectives: opts.cancelOpenDirectives });
    const transition = enforce(decision, () => checkVersion(row, expectedVersion))!;
    const now = ctx.clock.now();
    const to = targetStatus(transition, row.coordinator_owns);
    incident.status = to;
    await opts.change?.(locked, to);
    const extraEvents = opts.before ? await opts.before(locked, now) : [];
    await saveIncident(locked, now);
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
export async function coordinatorTakesPart(locked: LockedIncident): Promise<void> {
  if (locked.incident.coordinatorOrgId) return;
  const coordinator = await locked.em.findOne(OrganizationEntity, { kind: 'COORDINATOR' }, { fields: ['id'] });
  if (!coordinator) throw new Error('no COORDINATOR organization is configured');
  locked.incident.coordinatorOrgId = coordinator.id;
}
