import { LockMode } from '@mikro-orm/postgresql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { decodeId } from '../../graphql/relay';
import { enforce, cancelsOpenDirectives } from '../../auth/decide';
import type { IncidentMove } from '../../auth/moves';
import { classify } from './classification';
import { applyMove, requireReason, coordinatorTakesPart, lockVisibleIncident, checkVersion, saveIncident, decideOn } from './workflow.service';
import { appendEvents } from './events';
import { DirectiveEntity, OPEN_DIRECTIVE_STATUSES } from '../directives/directive.entity';
import type {
  IncidentActionInput,
  TriageIncidentInput,
  EscalateIncidentInput,
  RejectIncidentInput,
  ResolveIncidentInput,
  FinalReportInput,
} from './workflow.types';

export function simpleMove(ctx: Context, input: IncidentActionInput, move: IncidentMove): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, move);
}

export function triage(ctx: Context, input: TriageIncidentInput): Promise<string> {
  const c = classify(input);
  return applyMove(ctx, input.id, input.expectedVersion, 'TRIAGE', {
    change: ({ incident }) => {
      incident.severity = input.severity;
      incident.rsitClass = c.rsitClass;
      incident.rsitType = c.rsitType;
      incident.nationalCategory = c.nationalCategory;
      incident.triagedAt = ctx.clock.now();
    },
    data: { severity: input.severity, ...c },
  });
}

export function escalate(ctx: Context, input: EscalateIncidentInput): Promise<string> {
  const reason = requireReason(input.reason);
  // Escalation never changes the handling organization; the coordinator takes part from now on.
  return applyMove(ctx, input.id, input.expectedVersion, 'ESCALATE', {
    change: async (locked) => {
      locked.incident.escalationReason = reason;
      locked.incident.escalatedAt = ctx.clock.now();
      await coordinatorTakesPart(locked);
    },
    data: { reason },
  });
}

export function coordinate(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'COORDINATE', {
    change: async (locked) => {
      await coordinatorTakesPart(locked);
      locked.incident.coordinatorOwns = true;
    },
  });
}

export function withReason(ctx: Context, input: EscalateIncidentInput, move: 'RETURN' | 'WITHDRAW'): Promise<string> {
  const reason = requireReason(input.reason);
  return applyMove(ctx, input.id, input.expectedVersion, move, {
    change: ({ incident }) => {
      if (move === 'WITHDRAW') incident.rejectionReason = reason;
    },
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
    change: ({ incident }) => {
      incident.rejectionReason = reason;
      incident.duplicateOfId = duplicateOf;
    },
    data: { reason, duplicateOf: input.duplicateOf ?? null },
  });
}

export function reopen(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'REOPEN', {
    change: ({ row, incident }) => {
      if (row.status === 'REJECTED') {
        incident.rejectionReason = null;
        incident.duplicateOfId = null;
      } else {
        incident.resolvedAt = null;
        incident.resolutionSummary = null;
      }
    },
  });
}

export function resolve(ctx: Context, input: ResolveIncidentInput): Promise<string> {
  const summary = requireReason(input.summary, 'input.summary');
  // Only the coordinator cancels open directives on the way (the rulebook refuses the move otherwise).
  const cancel = cancelsOpenDirectives(viewerOf(ctx), input.cancelOpenDirectives);
  return applyMove(ctx, input.id, input.expectedVersion, 'RESOLVE', {
    cancelOpenDirectives: input.cancelOpenDirectives,
    before: async ({ row, em }, now) => {
      if (!cancel) return [];
      // Locked like a directive's own move locks it; each cancellation bumps the directive's version.
      const open = await em.find(
        DirectiveEntity,
        { incidentId: row.id, status: { $in: [...OPEN_DIRECTIVE_STATUSES] } },
        { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { issuedAt: 'asc', id: 'asc' } },
      );
      for (const d of open) {
        d.status = 'CANCELLED';
        d.cancelledAt = now;
        d.cancelReason = 'cancelled when the incident was resolved';
        d.updatedAt = now;
      }
      return open.map((d) => ({ incidentId: row.id, directiveId: d.id, type: 'DIRECTIVE_CANCELLED', data: { reason: 'incident resolved' } }));
    },
    change: ({ incident }) => {
      incident.resolvedAt = ctx.clock.now();
      incident.resolutionSummary = summary;
    },
    data: { summary },
  });
}

export function close(ctx: Context, input: IncidentActionInput): Promise<string> {
  return applyMove(ctx, input.id, input.expectedVersion, 'CLOSE', {
    change: ({ incident }) => {
      incident.closedAt = ctx.clock.now();
    },
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
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, input.id);
    const { row, incident } = locked;
    enforce(decideOn(ctx, row, { action: 'SUBMIT_FINAL_REPORT' }), () => checkVersion(row, input.expectedVersion));
    const now = ctx.clock.now();
    incident.finalReport = { ...report, reference: row.reference };
    incident.finalReportAt = now;
    await saveIncident(locked, now);
    await appendEvents(q, viewerOf(ctx), now, [
      { incidentId: row.id, type: 'FINAL_REPORT_SUBMITTED', data: { estimatedDamage: report.estimatedDamage } },
    ]);
    return row.id;
  });
}
