import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { sql } from '../../db/sql';
import { badInput } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { enforce, cancelsOpenDirectives } from '../../auth/decide';
import type { IncidentMove } from '../../auth/moves';
import { classify } from './classification';
import {
  applyMove, requireReason, coordinatorTakesPart, lockVisibleIncident, checkVersion, updateIncidentRow, decideOn,
} from './workflow.service';
import { appendEvents } from './events';
import type {
  IncidentActionInput, TriageIncidentInput, EscalateIncidentInput, RejectIncidentInput, ResolveIncidentInput, FinalReportInput,
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
    set: () => [sql`escalation_reason = ${reason}`, sql`escalated_at = ${ctx.clock.now()}`, coordinatorTakesPart()],
    data: { reason },
  });
}

export function coordinate(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'COORDINATE', {
    set: () => [coordinatorTakesPart(), sql`coordinator_owns = true`],
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
  // Only the coordinator cancels open directives on the way (the rulebook refuses the move otherwise).
  const cancel = cancelsOpenDirectives(viewerOf(ctx), input.cancelOpenDirectives);
  return applyMove(ctx, input.id, input.expectedVersion, 'RESOLVE', {
    cancelOpenDirectives: input.cancelOpenDirectives,
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
  return applyMove(ctx, input.id, input.expectedVersion, 'CLOSE', { set: () => [sql`closed_at = ${ctx.clock.now()}`] });
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
    const { row } = await lockVisibleIncident(ctx, q, input.id);
    enforce(decideOn(ctx, row, { action: 'SUBMIT_FINAL_REPORT' }), () => checkVersion(row, input.expectedVersion));
    const now = ctx.clock.now();
    await updateIncidentRow(q, row.id, input.expectedVersion, sql`final_report = ${JSON.stringify({ ...report, reference: row.reference })}::jsonb, final_report_at = ${now}`, now);
    await appendEvents(q, viewerOf(ctx), now, [{ incidentId: row.id, type: 'FINAL_REPORT_SUBMITTED', data: { estimatedDamage: report.estimatedDamage } }]);
    return row.id;
  });
}
