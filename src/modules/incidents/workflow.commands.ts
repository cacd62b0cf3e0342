import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { sql } from '../../db/sql';
import { badInput, forbidden, invalidTransition } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { OPEN_STATUSES } from './incident.entity';
import type { IncidentRow } from './incident.repo';
import { classify } from './classification';
import { allowedMoves, findTransition, type IncidentMove } from './workflow';
import {
  applyMove, requireReason, coordinatorTakesPart, lockVisibleIncident, checkVersion, updateIncidentRow, actorsOf,
} from './workflow.service';
import { appendEvents } from '../timeline/events';
import type {
  IncidentActionInput, TriageIncidentInput, EscalateIncidentInput, RejectIncidentInput, ResolveIncidentInput, FinalReportInput,
  IncidentPermissions,
} from './workflow.types';

export function simpleMove(ctx: Context, input: IncidentActionInput, move: IncidentMove): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, move);
}

export function triage(ctx: Context, input: TriageIncidentInput): Promise<string> {
  const c = classify(input);
  return applyMove(ctx, input.id, input.expectedVersion, 'TRIAGE', {
    set: () => [
      sql`severity = ${input.severity}`,
      sql`rsit_class = ${c.rsitClass}`,
      sql`rsit_type = ${c.rsitType}`,
      sql`national_category = ${c.nationalCategory}`,
      sql`triaged_at = ${ctx.clock.now()}`,
    ],
    data: { severity: input.severity, ...c },
  });
}

export function escalate(ctx: Context, input: EscalateIncidentInput): Promise<string> {
  const reason = requireReason(input.reason);
  // Escalation never changes the handling organization; the coordinator takes part from now on.
  return applyMove(ctx, input.id, input.expectedVersion, 'ESCALATE', {
    set: () => [sql`escalation_reason = ${reason}`, sql`escalated_at = ${ctx.clock.now()}`, coordinatorTakesPart(ctx)],
    data: { reason },
  });
}

export function coordinate(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'COORDINATE', {
    set: () => [coordinatorTakesPart(ctx), sql`coordinator_owns = true`],
  });
}

export function withReason(ctx: Context, input: EscalateIncidentInput, move: 'RETURN' | 'WITHDRAW'): Promise<string> {
  const reason = requireReason(input.reason);
  return applyMove(ctx, input.id, input.expectedVersion, move, {
    set: () => (move === 'WITHDRAW' ? [sql`rejection_reason = ${reason}`] : []),
    data: { reason },
  });
}

export async function reject(ctx: Context, input: RejectIncidentInput): Promise<string> {
  const reason = requireReason(input.reason);
  let duplicateOf: string | null = null;
  if (input.duplicateOf) {
    // The duplicate must be an incident the viewer can see; missing and invisible read the same.
    const target = decodeId(input.duplicateOf, 'Incident');
    const row = target ? await ctx.loaders.incident.load(target) : null;
    if (!row || decodeId(input.id, 'Incident') === target) throw badInput('input.duplicateOf', 'duplicateOf must be another incident visible to you');
    duplicateOf = row.id;
  }
  return applyMove(ctx, input.id, input.expectedVersion, 'REJECT', {
    set: () => [sql`rejection_reason = ${reason}`, sql`duplicate_of_id = ${duplicateOf}`],
    data: { reason, duplicateOf: input.duplicateOf ?? null },
  });
}

export function reopen(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'REOPEN', {
    set: ({ row }) =>
      row.status === 'REJECTED'
        ? [sql`rejection_reason = null`, sql`duplicate_of_id = null`]
        : [sql`resolved_at = null`, sql`resolution_summary = null`],
  });
}

export function resolve(ctx: Context, input: ResolveIncidentInput): Promise<string> {
  const summary = requireReason(input.summary, 'input.summary');
  const viewer = viewerOf(ctx);
  const cancel = input.cancelOpenDirectives && viewer.organization.kind === 'COORDINATOR';
  return applyMove(ctx, input.id, input.expectedVersion, 'RESOLVE', {
    check: async ({ row, q, actors }) => {
      if (cancel) return;
      const open = await q.one<{ n: number }>(sql`select count(*)::int as n from directive
        where incident_id = ${row.id} and status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS')`);
      if (open && open.n > 0) {
        throw invalidTransition(`${open.n} directive(s) are still open; complete or cancel them first`, allowedMoves(row.status, actors), 'OPEN_DIRECTIVES');
      }
    },
    before: async ({ row, q }, now) => {
      if (!cancel) return [];
      const cancelled = await q.query<{ id: string; version: number }>(sql`update directive
        set status = 'CANCELLED', cancelled_at = ${now}, cancel_reason = 'cancelled when the incident was resolved',
            version = version + 1, updated_at = ${now}
        where incident_id = ${row.id} and status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS') returning id, version`);
      return cancelled.map((d) => ({ incidentId: row.id, directiveId: d.id, type: 'DIRECTIVE_CANCELLED', data: { reason: 'incident resolved' } }));
    },
    set: () => [sql`resolved_at = ${ctx.clock.now()}`, sql`resolution_summary = ${summary}`],
    data: { summary },
  });
}

export function close(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'CLOSE', {
    check: ({ row, actors }) => {
      if (!row.final_report) {
        throw invalidTransition('The final report (form 04) must arrive before the incident is closed', allowedMoves(row.status, actors), 'FINAL_REPORT_MISSING');
      }
    },
    set: () => [sql`closed_at = ${ctx.clock.now()}`],
  });
}

/** Form 04: the handling organization or the coordinator, once RESOLVED. Replacing an earlier one is allowed while RESOLVED. */
export async function submitFinalReport(ctx: Context, input: FinalReportInput): Promise<string> {
  const report = {
    result: requireReason(input.result, 'input.result'),
    remediation: requireReason(input.remediation, 'input.remediation'),
    prevention: requireReason(input.prevention, 'input.prevention'),
    estimatedDamage: input.estimatedDamage?.trim() || null,
  };
  return ctx.db.tx(async (q) => {
    const { row, actors } = await lockVisibleIncident(ctx, q, input.id);
    if (!actors.has('HANDLER') && !actors.has('COORDINATOR')) throw forbidden('Only the handling organization or the coordinator submits the final report');
    checkVersion(row, input.expectedVersion);
    if (row.status !== 'RESOLVED') {
      throw invalidTransition('The final report is submitted once the incident is RESOLVED', allowedMoves(row.status, actors), 'NOT_RESOLVED');
    }
    const now = ctx.clock.now();
    await updateIncidentRow(q, row.id, input.expectedVersion, sql`final_report = ${JSON.stringify({ ...report, reference: row.reference })}::jsonb, final_report_at = ${now}`, now);
    await appendEvents(q, viewerOf(ctx), now, [{ incidentId: row.id, type: 'FINAL_REPORT_SUBMITTED', data: { estimatedDamage: report.estimatedDamage } }]);
    return row.id;
  });
}

/** `viewerCan`: the same table and rulebook as the mutations, for the incident's current state. */
export function incidentPermissions(ctx: Context, row: IncidentRow): IncidentPermissions {
  const actors = actorsOf(ctx, row);
  const can = (move: IncidentMove) => !!findTransition(move, row.status, actors);
  const open = OPEN_STATUSES.includes(row.status);
  const editor = (actors.has('HANDLER') && open) || actors.has('COORDINATOR');
  return {
    triage: can('TRIAGE'),
    startResponse: can('START_RESPONSE'),
    escalate: can('ESCALATE'),
    coordinate: can('COORDINATE'),
    returnToHandler: can('RETURN'),
    reject: can('REJECT'),
    withdraw: can('WITHDRAW'),
    reopen: can('REOPEN'),
    resolve: can('RESOLVE'),
    close: can('CLOSE') && !!row.final_report,
    submitFinalReport: row.status === 'RESOLVED' && (actors.has('HANDLER') || actors.has('COORDINATOR')),
    update: editor,
    addIndicators: editor,
  };
}
