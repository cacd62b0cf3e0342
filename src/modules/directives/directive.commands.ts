import crypto from 'node:crypto';
import { LockMode, OptimisticLockError, type EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable } from '../../db/db';
import { insertIndicators } from '../indicators/indicator.repo';
import { addHours } from '../../clock';
import { badInput, conflict, notFound } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { decideDirective, enforce } from '../../auth/decide';
import { isDirectiveRecipientKind, type DirectiveMove } from '../../auth/moves';
import { normalizeIndicatorsInput, type NormalizedIndicator } from '../indicators/normalize';
import { organizationByCode, type OrganizationRow } from '../organizations/organization.repo';
import { lockVisibleIncident, saveIncident, coordinatorTakesPart, decideOn, MOVE_EVENT } from '../incidents/workflow.service';
import { appendEvents, type NewEvent } from '../incidents/events';
import { visibleDirectiveById, type DirectiveRow } from './directive.repo';
import type { IssueDirectiveInput } from './directive.types';
import { DirectiveEntity, DirectiveTargetEntity, type DirectiveAction, type DirectiveStatus } from './directive.entity';
import { acknowledgesOnTheWay } from './workflow';

/** Timeline event written for each directive move. */
export const DIRECTIVE_MOVE_EVENT: Record<DirectiveMove, string> = {
  ACKNOWLEDGE: 'DIRECTIVE_ACKNOWLEDGED',
  START: 'DIRECTIVE_STARTED',
  COMPLETE: 'DIRECTIVE_COMPLETED',
  DECLINE: 'DIRECTIVE_DECLINED',
  CANCEL: 'DIRECTIVE_CANCELLED',
};

/** The time each target status stamps. */
const STAMP: Partial<Record<DirectiveStatus, 'acknowledgedAt' | 'startedAt' | 'completedAt' | 'declinedAt' | 'cancelledAt'>> = {
  ACKNOWLEDGED: 'acknowledgedAt',
  IN_PROGRESS: 'startedAt',
  COMPLETED: 'completedAt',
  DECLINED: 'declinedAt',
  CANCELLED: 'cancelledAt',
};

/** A required free text: trimmed, not blank (BAD_USER_INPUT naming the field). */
function requireText(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(field, `${field.replace(/^input\./, '')} is required`);
  if (trimmed.length > max) throw badInput(field, `${field.replace(/^input\./, '')} is longer than ${max} characters`);
  return trimmed;
}

/** Default due time by action, from configuration (`DEFAULT` for the actions it does not name). */
export function defaultDueHours(hours: Record<string, number>, action: DirectiveAction): number {
  return hours[action] ?? hours.DEFAULT;
}

function normalizeTargets(targets: IssueDirectiveInput['targets']): NormalizedIndicator[] {
  return normalizeIndicatorsInput(targets ?? [], 'input.targets');
}

/** The recipient: an active REGISTRY, ISP, AGENCY_IT or RESPONSE_PARTNER (BAD_USER_INPUT before anything else). */
async function resolveRecipient(ctx: Context, code: string): Promise<OrganizationRow> {
  const org = await organizationByCode(ctx.db, viewerOf(ctx), code.trim());
  if (!org || !org.active || !isDirectiveRecipientKind(org.kind)) {
    throw badInput('input.recipient', `recipient must be the code of an active registry, ISP, agency IT unit or response partner; "${code}" is not`);
  }
  return org;
}

/**
 * `issueDirective`: one transaction that adds the directive, its targets (and the indicators the
 * incident lacked), makes the coordinator take part and own the incident, moves an open incident to
 * COORDINATING, bumps the incident's version and appends the events.
 * Precedence: BAD_USER_INPUT → NOT_FOUND → FORBIDDEN → INVALID_TRANSITION (no version: it only adds).
 */
export async function issueDirective(ctx: Context, input: IssueDirectiveInput): Promise<string> {
  const viewer = viewerOf(ctx);
  const instructions = requireText(input.instructions, 'input.instructions', 20000);
  const targets = normalizeTargets(input.targets);
  const recipient = await resolveRecipient(ctx, input.recipient);
  if (input.dueAt && input.dueAt.getTime() <= ctx.clock.now().getTime()) throw badInput('input.dueAt', 'dueAt must be in the future');

  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, input.incidentId);
    const { row, incident } = locked;
    ctx.authz.require('DIRECTIVE_ISSUE', 'issuing directives');
    enforce(decideOn(ctx, row, { action: 'ISSUE_DIRECTIVE' }));
    const now = ctx.clock.now();
    const dueAt = input.dueAt ?? addHours(now, defaultDueHours(ctx.config.deadlines.directiveDueHours, input.action));
    const acknowledgementDueAt = addHours(now, ctx.config.deadlines.acknowledgementHours);
    // The id is taken here so that the targets can name it before the flush writes both.
    const directiveId = crypto.randomUUID();
    em.create(DirectiveEntity, {
      id: directiveId,
      incidentId: row.id,
      issuerOrgId: viewer.organization.id,
      recipientOrgId: recipient.id,
      action: input.action,
      instructions,
      tlp: input.tlp ?? row.tlp,
      pap: input.pap ?? row.pap,
      status: 'ISSUED',
      dueAt,
      acknowledgementDueAt,
      issuedAt: now,
      version: 1,
      updatedAt: now,
    });
    let added: string[] = [];
    if (targets.length) {
      for (const t of targets) em.create(DirectiveTargetEntity, { directiveId, type: t.type, value: t.value, displayValue: t.displayValue });
      // Targets the incident lacked join its indicators; duplicates merge (set-based SQL on the same transaction).
      added = await insertIndicators(q, row.id, targets, now, 'ADDED');
    }
    const to = 'COORDINATING' as const;
    await coordinatorTakesPart(locked);
    incident.coordinatorOwns = true;
    incident.status = to;
    await saveIncident(locked, now);
    const events: NewEvent[] = [];
    if (row.status !== to) events.push({ incidentId: row.id, type: MOVE_EVENT.COORDINATE, data: { from: row.status, to } });
    if (added.length) events.push({ incidentId: row.id, type: 'INDICATORS_ADDED', data: { indicators: added } });
    events.push({
      incidentId: row.id,
      directiveId,
      type: 'DIRECTIVE_ISSUED',
      data: { recipient: recipient.code, action: input.action, dueAt: dueAt.toISOString(), targets: targets.length },
    });
    await appendEvents(q, viewer, now, events);
    return directiveId;
  });
}

interface LockedDirective {
  /** The directive as the viewer may read it (what the rulebook decides on). */
  row: DirectiveRow;
  /** The same row as an entity of the command's EntityManager, locked until commit. */
  directive: DirectiveEntity;
}

/** Locks the directive (as an entity) for the transaction and reads it if the viewer may see it; otherwise NOT_FOUND (one text). */
async function lockVisibleDirective(ctx: Context, em: EntityManager, q: Queryable, globalId: string): Promise<LockedDirective> {
  const id = decodeId(globalId, 'Directive');
  if (!id) throw notFound('Directive');
  const directive = await em.findOne(DirectiveEntity, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const row = directive ? await visibleDirectiveById(q, viewerOf(ctx), ctx.clock.now(), id) : undefined;
  if (!directive || !row) throw notFound('Directive');
  return { row, directive };
}

export interface DirectiveMoveInput {
  id: string;
  expectedVersion: number;
}

/** Fields a move sets besides its status and time stamps. */
type DirectiveAnswer = Partial<Pick<DirectiveEntity, 'result' | 'declineReason' | 'cancelReason'>>;

/**
 * One directive move, one transaction: NOT_FOUND → FORBIDDEN → CONFLICT → INVALID_TRANSITION, the
 * version checked in the UPDATE (the entity's version is its optimistic lock). Bumps the directive's
 * version only (DESIGN.md §2 "Versions").
 */
async function applyDirectiveMove(
  ctx: Context,
  input: DirectiveMoveInput,
  move: DirectiveMove,
  opts: { set?: DirectiveAnswer; data?: Record<string, unknown> } = {},
): Promise<string> {
  return ctx.db.transactional(async (em, q) => {
    const { row, directive } = await lockVisibleDirective(ctx, em, q, input.id);
    ctx.authz.applied('directiveParts');
    const decision = decideDirective(viewerOf(ctx), { recipientOrgId: row.recipient_org_id, status: row.status }, move);
    const transition = enforce(decision, () => {
      if (row.version !== input.expectedVersion) {
        throw conflict(`The directive changed since you read it (version ${row.version}, you sent ${input.expectedVersion}); reload and retry`, {
          currentVersion: row.version,
        });
      }
    })!;
    const now = ctx.clock.now();
    Object.assign(directive, opts.set ?? {});
    directive.status = transition.to;
    const stamp = STAMP[transition.to];
    if (stamp) directive[stamp] = now;
    if (acknowledgesOnTheWay(transition, row.status)) directive.acknowledgedAt ??= now;
    directive.updatedAt = now;
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof OptimisticLockError) throw conflict('The directive changed since you read it; reload and retry');
      throw err;
    }
    await appendEvents(q, viewerOf(ctx), now, [
      {
        incidentId: row.incident_id,
        directiveId: row.id,
        type: DIRECTIVE_MOVE_EVENT[move],
        data: { from: row.status, to: transition.to, ...(opts.data ?? {}) },
      },
    ]);
    return row.id;
  });
}

export function acknowledgeDirective(ctx: Context, input: DirectiveMoveInput): Promise<string> {
  return applyDirectiveMove(ctx, input, 'ACKNOWLEDGE');
}

export function startDirective(ctx: Context, input: DirectiveMoveInput): Promise<string> {
  return applyDirectiveMove(ctx, input, 'START');
}

export function completeDirective(ctx: Context, input: DirectiveMoveInput & { result: string }): Promise<string> {
  const result = requireText(input.result, 'input.result', 20000);
  return applyDirectiveMove(ctx, input, 'COMPLETE', { set: { result }, data: { result } });
}

export function declineDirective(ctx: Context, input: DirectiveMoveInput & { reason: string }): Promise<string> {
  const reason = requireText(input.reason, 'input.reason', 5000);
  return applyDirectiveMove(ctx, input, 'DECLINE', { set: { declineReason: reason }, data: { reason } });
}

export function cancelDirective(ctx: Context, input: DirectiveMoveInput & { reason: string }): Promise<string> {
  const reason = requireText(input.reason, 'input.reason', 5000);
  return applyDirectiveMove(ctx, input, 'CANCEL', { set: { cancelReason: reason }, data: { reason } });
}
