import { Resolver, Query, Mutation, Arg, Ctx, Info, FieldResolver, Root, Int, ID } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { projectItems } from '../../auth/projection';
import { incidentFacts, IncidentOrderEnum } from './incident.types';
import { Organization, toOrganization } from '../organizations/organization.types';
import { Domain, Incident, IncidentConnection, IncidentFilter, Indicator, ReportIncidentInput, ReportIncidentPayload } from './incident.types';
import { incidentById, incidentByReference, listIncidents, visibleIncident } from './incident.service';
import { planForIncidentField } from './incident.read';
// Registers `incidents` with the compiled answers (graphql/compiled.ts).
import './incident.compiled';
import { reportIncident } from './report.service';
import type { IncidentOrder } from './incident.repo';
import { notFound } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/relay';

@Resolver(() => Incident)
export class IncidentResolver {
  @Query(() => Incident, { nullable: true, description: 'null when missing or not visible to the viewer' })
  @Rule({ capability: 'INCIDENT_READ' })
  incident(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Incident | null> {
    return incidentById(ctx, id, info);
  }

  @Query(() => Incident, { nullable: true })
  @Rule({ capability: 'INCIDENT_READ' })
  incidentByReference(@Arg('reference') reference: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Incident | null> {
    return incidentByReference(ctx, reference, info);
  }

  @Query(() => IncidentConnection)
  @Rule({ capability: 'INCIDENT_READ' })
  incidents(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => IncidentFilter, { nullable: true }) filter?: IncidentFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('orderBy', () => IncidentOrderEnum, { nullable: true }) orderBy?: IncidentOrder,
  ) {
    return listIncidents(ctx, { filter, first, after, orderBy }, info);
  }

  @Mutation(() => ReportIncidentPayload, { description: 'Report an incident; the receipt reference is returned at once.' })
  @Rule({ capability: 'INCIDENT_REPORT' })
  async reportIncident(
    @Arg('input', () => ReportIncidentInput) input: ReportIncidentInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ReportIncidentPayload> {
    const result = await reportIncident(ctx, input);
    const receipt = {
      incidentId: toGlobalId('Incident', result.incidentId),
      status: result.status,
      reference: result.reference,
      duplicate: result.duplicate,
    };
    // Reporting is not reading (DESIGN.md §3): without INCIDENT_READ the receipt is all, on replays too.
    if (!ctx.authz.has('INCIDENT_READ')) return { ...receipt, incident: null };
    // The relations `incident` asks for (indicators, …) in the statement that reads it back (incident.read.ts).
    const incident = await visibleIncident(
      ctx,
      result.incidentId,
      planForIncidentField(ctx, info, { type: 'ReportIncidentPayload', field: 'incident' }),
    );
    // The reporting organization always sees its own report; anything else is a bug, not a leak to paper over.
    if (!incident) throw notFound('Incident');
    return { ...receipt, incident };
  }

  @FieldResolver(() => Organization, { description: 'The handling organization' })
  async handler(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Organization | null> {
    // Every view shows it (a hidden one would be a null the schema refuses: the rulebook's change must be deliberate).
    if (!incident.shown.has('handler')) return null;
    const org = await ctx.loaders.organization.load(incident.row.handler_org_id);
    return toOrganization(viewerOf(ctx), org!);
  }

  @FieldResolver(() => Organization, { nullable: true })
  async reportingOrganization(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Organization | null> {
    if (!incident.shown.has('reportingOrganization')) return null;
    const org = await ctx.loaders.organization.load(incident.row.reporting_org_id);
    return org ? toOrganization(viewerOf(ctx), org) : null;
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The coordinator, once it took part' })
  async coordinator(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Organization | null> {
    if (!incident.shown.has('coordinator') || !incident.row.coordinator_org_id) return null;
    const org = await ctx.loaders.organization.load(incident.row.coordinator_org_id);
    return org ? toOrganization(viewerOf(ctx), org) : null;
  }

  @FieldResolver(() => [Indicator])
  async indicators(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Indicator[]> {
    if (!incident.shown.has('indicators')) return [];
    const rows = await ctx.loaders.indicators.load(incident.row.id);
    return projectItems(
      'Incident',
      'indicators',
      { viewer: viewerOf(ctx), view: incident.accessLevel, facts: incidentFacts(incident.row) },
      rows,
    ).map((r) => ({ type: r.type as Indicator['type'], value: r.value, displayValue: r.display_value }));
  }

  @FieldResolver(() => [Domain], { description: 'The DOMAIN indicators as entities' })
  async domains(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Domain[]> {
    if (!incident.shown.has('domains')) return [];
    const rows = await ctx.loaders.indicators.load(incident.row.id);
    const shown = projectItems(
      'Incident',
      'domains',
      { viewer: viewerOf(ctx), view: incident.accessLevel, facts: incidentFacts(incident.row) },
      rows,
    );
    return shown.filter((r) => r.type === 'DOMAIN').map((r) => ({ name: r.value, unicodeName: r.display_value }));
  }
}
