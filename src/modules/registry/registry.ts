import { Resolver, Query, Arg, Ctx, Info, Int, Field, ObjectType, InputType, FieldResolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { planForDomainCases } from '../incidents/incident.read';
import { MaxLength, IsOptional } from 'class-validator';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { ConnectionType, toGlobalId, decodeKeyset, encodeCursor, pageOf, clampFirst, type Connection } from '../../graphql/relay';
import { normalizeDomain, normalizeZone, normalizedInput } from '../indicators/normalize';
import { project, projectItems } from '../../auth/projection';
import type { IncidentStatus } from '../incidents/incident.entity';
import { Incident, Indicator, IncidentConnection, IncidentStatusEnum } from '../incidents/incident.types';
import { Domain } from '../incidents/incident.resolver';
import { cursorKeyOf } from '../incidents/incident.repo';
import { feedEntries, casesOfDomain } from './registry.repo';
import { presentIncident } from '../incidents/incident.service';

@ObjectType({ description: 'A change of a domain-related case in the registry feed; removed cases come once as tombstones' })
export class DomainCase {
  @Field({ description: 'Commit-ordered change cursor: resume with after' }) cursor!: string;
  @Field({ description: 'The case left the feed (TLP raised, confidential, rejected, unshared): drop it' }) removed!: boolean;
  @Field({ description: 'Global id of the incident (also for tombstones)' }) incidentId!: string;
  @Field(() => Incident, { nullable: true }) incident!: Incident | null;
  @Field(() => [Indicator]) domains!: Indicator[];
}
export const DomainCaseConnection = ConnectionType('DomainCase', DomainCase);

@InputType()
export class DomainCaseFilter {
  @Field(() => String, { nullable: true, description: 'Label-aligned suffix, e.g. "vn", "gov.vn"' }) @IsOptional() @MaxLength(253) zone?: string | null;
  @Field(() => [IncidentStatusEnum], { nullable: true }) status?: IncidentStatus[] | null;
}


@Resolver(() => Domain)
export class RegistryResolver {
  @Query(() => DomainCaseConnection, { description: 'The registry feed: cases with domains, in commit order of their changes, with tombstones' })
  @Rule({ capability: 'DOMAIN_FEED_READ' })
  async domainCases(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => DomainCaseFilter, { nullable: true }) filter?: DomainCaseFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<DomainCase>> {
    const n = clampFirst(ctx, first);
    const cursor = decodeKeyset(after, ['bigint']);
    const zoneFilter = filter?.zone;
    const zone = zoneFilter ? normalizedInput('filter.zone', () => normalizeZone(zoneFilter)) : null;
    const viewer = ctx.authz.require('DOMAIN_FEED_READ', 'reading the domain feed');
    // The cases' domains and what their incidents' selection asks for, in this statement (incidents/incident.read.ts).
    const plan = planForDomainCases(ctx, info);
    const rows = await feedEntries(ctx.db, viewer, { zone, status: filter?.status ?? null, afterPosition: cursor ? cursor[0] : null, limit: n + 1 }, plan.columns);
    for (const r of rows) if (!r.entry_removed && r.id) plan.prime(r);
    const page = pageOf(rows, n, (r) => encodeCursor([r.entry_position]));
    const edges = await Promise.all(
      page.edges.map(async (e) => {
        const r = e.node;
        const incident = r.entry_removed ? null : presentIncident(ctx, r);
        // A tombstone shows no incident and no domains: the case left the viewer's feed.
        const view = r.entry_removed ? null : r.access_level;
        const all = view ? await ctx.loaders.indicators.load(r.entry_incident_id) : [];
        const c = Object.assign(new DomainCase(), project('DomainCase', { viewer: viewerOf(ctx), view, facts: null }, {
          cursor: e.cursor,
          removed: r.entry_removed,
          incidentId: toGlobalId('Incident', r.entry_incident_id),
          incident,
          domains: projectItems('DomainCase', 'domains', { viewer: viewerOf(ctx), view, facts: null }, all)
            .filter((x) => x.type === 'DOMAIN')
            .map((x) => ({ type: 'DOMAIN' as const, value: x.value, displayValue: x.display_value })),
        }, { domains: [] }));
        return { cursor: e.cursor, node: c };
      }),
    );
    return { ...page, edges };
  }

  @Query(() => Domain, { description: 'Any valid domain (Unicode or punycode), with only the cases you may see' })
  @Rule({ capability: 'INCIDENT_READ' })
  domain(@Arg('name') name: string, @Ctx() ctx: Context): Domain {
    const d = normalizedInput('name', () => normalizeDomain(name));
    ctx.authz.require('INCIDENT_READ', 'reading incidents');
    return Object.assign(new Domain(), { name: d.ascii, unicodeName: d.unicode });
  }

  @FieldResolver(() => IncidentConnection, { description: 'Visible incidents with this DOMAIN indicator, newest first' })
  async cases(
    @Root() domain: Domain,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Incident>> {
    const n = clampFirst(ctx, first);
    const cursor = decodeKeyset(after, ['timestamp', 'uuid']);
    const viewer = viewerOf(ctx);
    if (!ctx.authz.has('INCIDENT_READ')) return pageOf([], n, () => '');
    // Only an indicator the row's view shows may match (SUMMARY and RECIPIENT show none; REPORTER its report's).
    const rows = await casesOfDomain(ctx.db, viewer, domain.name, { after: cursor ? [cursor[0], cursor[1]] : null, limit: n + 1 });
    const page = pageOf(rows, n, (r) => encodeCursor(cursorKeyOf(r, 'REPORTED_AT_DESC')));
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: presentIncident(ctx, e.node) })) };
  }
}
