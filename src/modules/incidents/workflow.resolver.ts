import { Resolver, Mutation, Arg, Ctx, FieldResolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';

import { Rule } from '../../auth/rules';
import { notFound } from '../../graphql/errors';
import { Incident } from './incident.types';
import { presentIncident } from './incident.service';
import {
  IncidentActionInput,
  TriageIncidentInput,
  EscalateIncidentInput,
  RejectIncidentInput,
  ResolveIncidentInput,
  FinalReportInput,
  IncidentPayload,
  IncidentPermissions,
  FinalReport,
} from './workflow.types';
import * as wf from './workflow.commands';
import { incidentPermissions } from '../../auth/decide';
import { incidentSubject } from './incident.types';
import { viewerOf } from '../../graphql/context';

const RULE = { object: 'incidentActors' } as const;

/** The payload of every incident mutation: the incident re-read after commit, in the actor's view. */
export async function payload(ctx: Context, id: string): Promise<IncidentPayload> {
  ctx.loaders.incident.clear(id);
  const row = await ctx.loaders.incident.load(id);
  // The actor saw it a moment ago inside the transaction; if a move hid it (withdrawn, say), say so plainly.
  if (!row) throw notFound('Incident');
  return { incident: presentIncident(ctx, row) };
}

@Resolver(() => Incident)
export class WorkflowResolver {
  @Mutation(() => IncidentPayload, { description: 'REPORTED → TRIAGED: verified and classified' })
  @Rule(RULE)
  async triageIncident(@Arg('input', () => TriageIncidentInput) input: TriageIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.triage(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'TRIAGED → RESPONDING' })
  @Rule(RULE)
  async startResponse(@Arg('input', () => IncidentActionInput) input: IncidentActionInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.simpleMove(ctx, input, 'START_RESPONSE'));
  }

  @Mutation(() => IncidentPayload, { description: 'Beyond capacity: the handling organization notifies the coordinator' })
  @Rule(RULE)
  async escalateIncident(@Arg('input', () => EscalateIncidentInput) input: EscalateIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.escalate(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'The coordinator takes over coordination' })
  @Rule(RULE)
  async coordinateIncident(@Arg('input', () => IncidentActionInput) input: IncidentActionInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.coordinate(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'ESCALATED → RESPONDING: returned to the handling organization, with a reason' })
  @Rule(RULE)
  async returnIncident(@Arg('input', () => EscalateIncidentInput) input: EscalateIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.withReason(ctx, input, 'RETURN'));
  }

  @Mutation(() => IncidentPayload, { description: 'Not an incident, or a duplicate of another visible incident' })
  @Rule(RULE)
  async rejectIncident(@Arg('input', () => RejectIncidentInput) input: RejectIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.reject(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'The reporting organization withdraws its report while REPORTED' })
  @Rule(RULE)
  async withdrawReport(@Arg('input', () => EscalateIncidentInput) input: EscalateIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.withReason(ctx, input, 'WITHDRAW'));
  }

  @Mutation(() => IncidentPayload, { description: 'RESOLVED → RESPONDING/COORDINATING (owner), REJECTED → REPORTED (coordinator)' })
  @Rule(RULE)
  async reopenIncident(@Arg('input', () => IncidentActionInput) input: IncidentActionInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.reopen(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'Response ended; the final report is due within 120 h' })
  @Rule(RULE)
  async resolveIncident(@Arg('input', () => ResolveIncidentInput) input: ResolveIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.resolve(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'Form 04, by the handling organization or the coordinator, once RESOLVED' })
  @Rule(RULE)
  async submitFinalReport(@Arg('input', () => FinalReportInput) input: FinalReportInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.submitFinalReport(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'RESOLVED → CLOSED; needs the final report' })
  @Rule(RULE)
  async closeIncident(@Arg('input', () => IncidentActionInput) input: IncidentActionInput, @Ctx() ctx: Context) {
    return payload(ctx, await wf.close(ctx, input));
  }

  @FieldResolver(() => IncidentPermissions)
  viewerCan(@Root() incident: Incident, @Ctx() ctx: Context): IncidentPermissions | null {
    // Every view shows it; a hidden one is a null the schema refuses (a change of the rulebook must be deliberate).
    if (!incident.shown.has('viewerCan')) return null;
    ctx.authz.applied('incidentActors');
    return incidentPermissions(viewerOf(ctx), incidentSubject(incident.row));
  }

  @FieldResolver(() => FinalReport, { nullable: true, description: 'Form 04 (FULL view only)' })
  finalReport(@Root() incident: Incident): FinalReport | null {
    const r = incident.row.final_report as (Omit<FinalReport, 'reference'> & { reference?: string }) | null;
    if (!r || !incident.shown.has('finalReport')) return null;
    return {
      result: r.result,
      remediation: r.remediation,
      prevention: r.prevention,
      estimatedDamage: r.estimatedDamage ?? null,
      reference: incident.row.reference,
    };
  }

  @FieldResolver(() => String, { nullable: true, description: 'FULL and REPORTER views' })
  rejectionReason(@Root() incident: Incident): string | null {
    return incident.shown.has('rejectionReason') ? incident.row.rejection_reason : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'FULL and REPORTER views' })
  resolutionSummary(@Root() incident: Incident): string | null {
    return incident.shown.has('resolutionSummary') ? incident.row.resolution_summary : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'FULL view' })
  escalationReason(@Root() incident: Incident): string | null {
    return incident.shown.has('escalationReason') ? incident.row.escalation_reason : null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Final report due 120 h after resolution (FULL view)' })
  finalReportDueAt(@Root() incident: Incident, @Ctx() ctx: Context): Date | null {
    const r = incident.row.resolved_at;
    if (!r || !incident.shown.has('finalReportDueAt')) return null;
    return new Date(r.getTime() + ctx.config.deadlines.finalReportHours * 3_600_000);
  }

  @FieldResolver(() => Incident, { nullable: true, description: 'Only when you can see the target' })
  async duplicateOf(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Incident | null> {
    if (!incident.row.duplicate_of_id || !incident.shown.has('duplicateOf')) return null;
    const row = await ctx.loaders.incident.load(incident.row.duplicate_of_id);
    return row ? presentIncident(ctx, row) : null;
  }
}
