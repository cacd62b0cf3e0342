import { Resolver, Mutation, Arg, Ctx, FieldResolver, Root, Field, ObjectType } from 'type-graphql';
import { participantLoader } from './participants';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { projectItems, type ParticipantRole } from '../../auth/projection';
import { Incident, incidentFacts } from './incident.types';
import { IncidentPayload } from './workflow.types';
import { payload } from './workflow.resolver';
import { UpdateIncidentInput, AddIndicatorsInput, ShareIncidentInput, ReferIncidentInput, SetTlpInput } from './collaboration.types';
import * as collab from './collaboration.commands';
import { Organization, toOrganization } from '../organizations/organization.types';
import type { OrganizationRow } from '../organizations/organization.repo';

const RULE = { object: 'incidentActors' } as const;

@ObjectType({ description: 'An organization taking part in an incident, and how' })
export class Participant {
  @Field(() => Organization) organization!: Organization;
  @Field({ description: 'REPORTING, HANDLING, COORDINATOR, SHARED, REFERRED or RECIPIENT' }) role!: string;
}

@Resolver(() => Incident)
export class CollaborationResolver {
  @Mutation(() => IncidentPayload, { description: 'Handling organization while open, coordinator always' })
  @Rule(RULE)
  async updateIncident(@Arg('input', () => UpdateIncidentInput) input: UpdateIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await collab.updateIncident(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'Adds indicators (normalized; duplicates merge). Only adds: no expectedVersion' })
  @Rule(RULE)
  async addIndicators(@Arg('input', () => AddIndicatorsInput) input: AddIndicatorsInput, @Ctx() ctx: Context) {
    return payload(ctx, await collab.addIndicators(ctx, input.incidentId, input.indicators));
  }

  @Mutation(() => IncidentPayload, { description: 'Coordinator: share with an active REGISTRY, ISP, AGENCY_IT, RESPONSE_PARTNER or REGULATOR' })
  @Rule(RULE)
  async shareIncident(@Arg('input', () => ShareIncidentInput) input: ShareIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await collab.shareIncident(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'Coordinator: refer to law enforcement, with a reason' })
  @Rule(RULE)
  async referIncident(@Arg('input', () => ReferIncidentInput) input: ReferIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await collab.referIncident(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'Coordinator: undo a share or a referral' })
  @Rule(RULE)
  async unshareIncident(@Arg('input', () => ShareIncidentInput) input: ShareIncidentInput, @Ctx() ctx: Context) {
    return payload(ctx, await collab.unshareIncident(ctx, input));
  }

  @Mutation(() => IncidentPayload, { description: 'Coordinator: any TLP; handling organization: only raise it' })
  @Rule(RULE)
  async setIncidentTlp(@Arg('input', () => SetTlpInput) input: SetTlpInput, @Ctx() ctx: Context) {
    return payload(ctx, await collab.setIncidentTlp(ctx, input));
  }

  @FieldResolver(() => [Organization], { description: 'Coordinator and handling organization see all; others the public core and themselves' })
  async participants(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Organization[]> {
    const unique = new Map<string, Organization>();
    for (const p of await participantsOf(ctx, incident, 'participants')) unique.set(p.organization.id, p.organization);
    return [...unique.values()];
  }

  @FieldResolver(() => [Participant], { description: 'participants, with the part each plays' })
  participantRoles(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Participant[]> {
    return participantsOf(ctx, incident, 'participantRoles');
  }
}

/** The organizations taking part, each once per part, through the rulebook's participants rule for the viewer. */
async function participantsOf(ctx: Context, incident: Incident, field: 'participants' | 'participantRoles'): Promise<Participant[]> {
  if (!incident.shown.has(field)) return [];
  const viewer = viewerOf(ctx);
  const row = incident.row;
  const linked = await participantLoader(ctx).load(row.id);
  const rows: { organization_id: string; role: string }[] = [
    { organization_id: row.reporting_org_id, role: 'REPORTING' },
    { organization_id: row.handler_org_id, role: 'HANDLING' },
    ...(row.coordinator_org_id ? [{ organization_id: row.coordinator_org_id, role: 'COORDINATOR' }] : []),
    ...linked,
  ];
  const candidates: { organizationId: string; role: ParticipantRole; person: boolean; org: OrganizationRow }[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const org = await ctx.loaders.organization.load(r.organization_id);
    if (!org || seen.has(`${org.id}:${r.role}`)) continue;
    seen.add(`${org.id}:${r.role}`);
    candidates.push({ organizationId: org.id, role: r.role as ParticipantRole, person: org.person, org });
  }
  const subject = { viewer, view: incident.accessLevel, facts: incidentFacts(row) };
  return projectItems('Incident', field, subject, candidates).map((c) => ({ organization: toOrganization(viewer, c.org), role: c.role }));
}
