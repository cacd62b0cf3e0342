import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable } from '../../db/db';
import { insertIndicators } from '../indicators/indicator.repo';
import { sql, raw, join, type Sql } from '../../db/sql';
import { addHours } from '../../clock';
import { badInput, conflict, notFound } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { decideDirective, enforce } from '../../auth/decide';
import { isDirectiveRecipientKind, type DirectiveMove } from '../../auth/moves';
import { normalizeIndicatorsInput, type NormalizedIndicator } from '../indicators/normalize';
import { organizationByCode, type OrganizationRow } from '../organizations/organization.repo';
import { lockVisibleIncident, updateIncidentRow, coordinatorTakesPart, decideOn, MOVE_EVENT } from '../incidents/workflow.service';
import { appendEvents, type NewEvent } from '../incidents/events';
import { visibleDirectivesSql, type DirectiveRow } from './directive.repo';
import type { IssueDirectiveInput } from './directive.types';
import type { DirectiveAction, DirectiveStatus } from './directive.entity';
import { acknowledgesOnTheWay } from './workflow';

/** Timeline event written for each directive move. */
export const DIRECTIVE_MOVE_EVENT: Record<DirectiveMove, string> = {
  ACKNOWLEDGE: 'DIRECTIVE_ACKNOWLEDGED',
  START: 'DIRECTIVE_STARTED',
  COMPLETE: 'DIRECTIVE_COMPLETED',
  DECLINE: 'DIRECTIVE_DECLINED',
  CANCEL: 'DIRECTIVE_CANCELLED',
};

/** The time column each target status stamps. */
const STAMP: Partial<Record<DirectiveStatus, string>> = {
  ACKNOWLEDGED: 'acknowledged_at',
  IN_PROGRESS: 'started_at',
  COMPLETED: 'completed_at',
  DECLINED: 'declined_at',
  CANCELLED: 'cancelled_at',
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

  return ctx.db.tx(async (q) => {
    const { row } = await lockVisibleIncident(ctx, q, input.incidentId);
    ctx.authz.require('DIRECTIVE_ISSUE', 'issuing directives');
    enforce(decideOn(ctx, row, { action: 'ISSUE_DIRECTIVE' }));
    const now = ctx.clock.now();
    const dueAt = input.dueAt ?? addHours(now, defaultDueHours(ctx.config.deadlines.directiveDueHours, input.action));
    const acknowledgementDueAt = addHours(now, ctx.config.deadlines.acknowledgementHours);
    const inserted = await q.one<{ id: string }>(sql`insert into directive (
        incident_id, issuer_org_id, recipient_org_id, action, instructions, tlp, pap, status, due_at, acknowledgement_due_at,
        issued_at, version, updated_at)
      values (${row.id}, ${viewer.organization.id}, ${recipient.id}, ${input.action}, ${instructions}, ${input.tlp ?? row.tlp},
        ${input.pap ?? row.pap}, 'ISSUED', ${dueAt}, ${acknowledgementDueAt}, ${now}, 1, ${now})
      returning id`);
    const directiveId = inserted!.id;
    let added: string[] = [];
    if (targets.length) {
      await q.query(sql`insert into directive_target (directive_id, type, value, display_value) values ${join(
        targets.map((t) => sql`(${directiveId}, ${t.type}, ${t.value}, ${t.displayValue})`),
      )}`);
      // Targets the incident lacked join its indicators; duplicates merge.
      added = await insertIndicators(q, row.id, targets, now, 'ADDED');
    }
    const to = 'COORDINATING' as const;
    const sets: Sql[] = [coordinatorTakesPart(), sql`coordinator_owns = true`];
    if (row.status !== to) sets.push(sql`status = ${to}`);
    await updateIncidentRow(q, row.id, row.version, join(sets), now);
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
  row: DirectiveRow;
  q: Queryable;
}

/** Locks the directive row for the transaction and reads it if the viewer may see it; otherwise NOT_FOUND (one text). */
async function lockVisibleDirective(ctx: Context, q: Queryable, globalId: string): Promise<LockedDirective> {
  const id = decodeId(globalId, 'Directive');
  if (!id) throw notFound('Directive');
  await q.query(sql`select 1 from directive where id = ${id} for update`);
  const row = await q.one<DirectiveRow>(sql`select v.* from (${visibleDirectivesSql(viewerOf(ctx), ctx.clock.now())} and d.id = ${id}) v`);
  if (!row) throw notFound('Directive');
  return { row, q };
}

export interface DirectiveMoveInput {
  id: string;
  expectedVersion: number;
}

/**
 * One directive move, one transaction: NOT_FOUND → FORBIDDEN → CONFLICT → INVALID_TRANSITION, the
 * version checked in the UPDATE. Bumps the directive's version only (DESIGN.md §2 "Versions").
 */
async function applyDirectiveMove(
  ctx: Context, input: DirectiveMoveInput, move: DirectiveMove, opts: { set?: Sql[]; data?: Record<string, unknown> } = {},
): Promise<string> {
  return ctx.db.tx(async (q) => {
    const { row } = await lockVisibleDirective(ctx, q, input.id);
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
    const sets: Sql[] = [sql`status = ${transition.to}`, ...(opts.set ?? [])];
    const stamp = STAMP[transition.to];
    // Column names come from the STAMP table, never from input.
    if (stamp) sets.push(sql`${raw(stamp)} = ${now}`);
    if (acknowledgesOnTheWay(transition, row.status)) sets.push(sql`acknowledged_at = coalesce(acknowledged_at, ${now})`);
    const updated = await q.query(sql`update directive set ${join(sets)}, version = version + 1, updated_at = ${now}
      where id = ${row.id} and version = ${input.expectedVersion} returning id`);
    if (updated.length !== 1) throw conflict('The directive changed since you read it; reload and retry');
    await appendEvents(q, viewerOf(ctx), now, [
      { incidentId: row.incident_id, directiveId: row.id, type: DIRECTIVE_MOVE_EVENT[move], data: { from: row.status, to: transition.to, ...(opts.data ?? {}) } },
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
  return applyDirectiveMove(ctx, input, 'COMPLETE', { set: [sql`result = ${result}`], data: { result } });
}

export function declineDirective(ctx: Context, input: DirectiveMoveInput & { reason: string }): Promise<string> {
  const reason = requireText(input.reason, 'input.reason', 5000);
  return applyDirectiveMove(ctx, input, 'DECLINE', { set: [sql`decline_reason = ${reason}`], data: { reason } });
}

export function cancelDirective(ctx: Context, input: DirectiveMoveInput & { reason: string }): Promise<string> {
  const reason = requireText(input.reason, 'input.reason', 5000);
  return applyDirectiveMove(ctx, input, 'CANCEL', { set: [sql`cancel_reason = ${reason}`], data: { reason } });
}
