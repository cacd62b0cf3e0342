import { Resolver, Query, Arg, Ctx, Int, Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { periodicSummaryAccess } from '../../auth/decide';
import { sql, raw, join } from '../../db/sql';
import { badInput } from '../../graphql/errors';
import { Organization, toOrganization } from '../organizations/organization.types';
import { organizationByCode, organizationsByIds } from '../organizations/organization.repo';
import national from '../incidents/reference/national-categories.json';

const VN_TZ = 'Asia/Ho_Chi_Minh';

export const STATISTICS_DIMENSIONS = ['NATIONAL_CATEGORY', 'RSIT_CLASS', 'SEVERITY', 'STATUS', 'HANDLER_KIND', 'MONTH'] as const;
type Dimension = (typeof STATISTICS_DIMENSIONS)[number];
const DimensionEnum = Object.fromEntries(STATISTICS_DIMENSIONS.map((d) => [d, d])) as Record<Dimension, Dimension>;
registerEnumType(DimensionEnum, { name: 'StatisticsDimension' });

/** SQL per dimension over incident `i` joined with its handling organization `h`; months in Asia/Ho_Chi_Minh. */
const DIMENSION_SQL: Record<Dimension, string> = {
  NATIONAL_CATEGORY: `coalesce(i.national_category, 'UNCLASSIFIED')`,
  RSIT_CLASS: `coalesce(i.rsit_class, 'UNCLASSIFIED')`,
  SEVERITY: `coalesce(i.severity, 'UNASSESSED')`,
  STATUS: `i.status`,
  HANDLER_KIND: `h.kind`,
  MONTH: `to_char(i.reported_at at time zone '${VN_TZ}', 'YYYY-MM')`,
};

@ObjectType()
export class StatisticsRow {
  @Field(() => [String], { description: 'One value per groupBy dimension, in order' }) key!: string[];
  @Field(() => Int) count!: number;
}

@ObjectType()
export class DirectiveComplianceRow {
  @Field(() => Organization) recipient!: Organization;
  @Field(() => Int) issued!: number;
  @Field(() => Int) acknowledgedInTime!: number;
  @Field(() => Int) completedInTime!: number;
  @Field(() => Int, { description: 'Open past their due time now' }) overdue!: number;
  @Field(() => Int) declined!: number;
}

@ObjectType({ description: 'One row of form 05: a national category' })
export class PeriodicSummaryRow {
  @Field() category!: string;
  @Field({ description: 'Vietnamese label of the form' }) label!: string;
  @Field() labelEn!: string;
  @Field(() => Int) incidents!: number;
  @Field(() => Int) handledAlone!: number;
  @Field(() => Int, { description: 'Helped by other domestic organizations (directives, shares)' }) helpedDomestic!: number;
  @Field(() => Int, { description: 'Helped by foreign organizations (by the organization’s country)' }) helpedForeign!: number;
  @Field(() => Int, { description: 'VNCERT asked to help (escalated)' }) vncertAsked!: number;
  @Field(() => [String], { description: 'Estimated damage from the final reports' }) estimatedDamage!: string[];
}

@ObjectType({ description: 'Form 05: six-month or yearly summary of an organization' })
export class PeriodicSummary {
  @Field(() => Organization) organization!: Organization;
  @Field(() => Int) year!: number;
  @Field(() => Int, { nullable: true }) half!: number | null;
  @Field(() => GraphQLDateTime) from!: Date;
  @Field(() => GraphQLDateTime) to!: Date;
  @Field(() => [PeriodicSummaryRow]) rows!: PeriodicSummaryRow[];
  @Field(() => [Organization]) domesticHelpers!: Organization[];
  @Field(() => [Organization]) foreignHelpers!: Organization[];
}

function checkRange(from: Date, to: Date): void {
  if (!(from.getTime() < to.getTime())) throw badInput('to', 'to must be after from');
  if (to.getTime() - from.getTime() > 20 * 366 * 86_400_000) throw badInput('to', 'the range may span at most 20 years');
}

/** Start of a calendar date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function vnStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month - 1, 1, -7));
}

@Resolver()
export class StatisticsResolver {
  @Query(() => [StatisticsRow], { description: 'Counts of every incident reported in [from, to) (coordinator and regulator)' })
  @Rule({ capability: 'STATISTICS_READ' })
  async incidentStatistics(
    @Arg('from', () => GraphQLDateTime) from: Date,
    @Arg('to', () => GraphQLDateTime) to: Date,
    @Arg('groupBy', () => [DimensionEnum]) groupBy: Dimension[],
    @Ctx() ctx: Context,
  ): Promise<StatisticsRow[]> {
    checkRange(from, to);
    if (new Set(groupBy).size !== groupBy.length) throw badInput('groupBy', 'each dimension at most once');
    ctx.authz.require('STATISTICS_READ', 'reading statistics');
    const keys = groupBy.map((d) => raw(DIMENSION_SQL[d]));
    const keyArray = keys.length ? sql`array[${join(keys)}]::text[]` : raw(`'{}'::text[]`);
    const rows = await ctx.db.query<{ key: string[]; count: number }>(sql`
      select ${keyArray} as key, count(*)::int as count
      from incident i join organization h on h.id = i.handler_org_id
      where i.reported_at >= ${from} and i.reported_at < ${to}
      ${keys.length ? sql`group by ${join(keys)} order by ${join(keys)}` : raw('')}`);
    return rows.filter((r) => r.count > 0);
  }

  @Query(() => [DirectiveComplianceRow], { description: 'Per recipient, directives issued in [from, to) (coordinator and regulator)' })
  @Rule({ capability: 'STATISTICS_READ' })
  async directiveCompliance(
    @Arg('from', () => GraphQLDateTime) from: Date,
    @Arg('to', () => GraphQLDateTime) to: Date,
    @Ctx() ctx: Context,
  ): Promise<DirectiveComplianceRow[]> {
    checkRange(from, to);
    ctx.authz.require('STATISTICS_READ', 'reading statistics');
    const now = ctx.clock.now();
    const rows = await ctx.db.query<{ recipient_org_id: string; issued: number; ack: number; done: number; overdue: number; declined: number }>(sql`
      select d.recipient_org_id, count(*)::int as issued,
        count(*) filter (where d.acknowledged_at is not null and d.acknowledged_at <= d.acknowledgement_due_at)::int as ack,
        count(*) filter (where d.status = 'COMPLETED' and d.completed_at <= d.due_at)::int as done,
        count(*) filter (where d.status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS') and d.due_at < ${now})::int as overdue,
        count(*) filter (where d.status = 'DECLINED')::int as declined
      from directive d where d.issued_at >= ${from} and d.issued_at < ${to}
      group by d.recipient_org_id`);
    const orgs = new Map((await organizationsByIds(ctx.db, rows.map((r) => r.recipient_org_id))).map((o) => [o.id, o]));
    const viewer = viewerOf(ctx);
    return rows
      .map((r) => ({
        recipient: toOrganization(viewer, orgs.get(r.recipient_org_id)!),
        issued: r.issued,
        acknowledgedInTime: r.ack,
        completedInTime: r.done,
        overdue: r.overdue,
        declined: r.declined,
      }))
      .sort((a, b) => a.recipient.code.localeCompare(b.recipient.code));
  }

  @Query(() => PeriodicSummary, { description: 'Form 05 of an organization: itself, the coordinator and the regulator' })
  @Rule({ anyViewer: 'an organization reads its own form 05; the coordinator and the regulator read every organization’s (checked in the resolver)' })
  async periodicSummary(
    @Arg('organization') code: string,
    @Arg('year', () => Int) year: number,
    @Ctx() ctx: Context,
    @Arg('half', () => Int, { nullable: true }) half?: number | null,
  ): Promise<PeriodicSummary> {
    if (year < 2000 || year > 2100) throw badInput('year', 'year out of range');
    if (half !== undefined && half !== null && half !== 1 && half !== 2) throw badInput('half', 'half is 1 (January–June) or 2 (July–December)');
    const org = await organizationByCode(ctx.db, 'EVERY_ORGANIZATION', code);
    const unknown = () => badInput('organization', `unknown organization "${code}"`);
    if (!org) throw unknown();
    const viewer = viewerOf(ctx);
    const access = periodicSummaryAccess(viewer, org);
    if (access === 'UNKNOWN') throw unknown();
    if (access === 'STATISTICS_READ') ctx.authz.require('STATISTICS_READ', "reading another organization's summary");
    const from = half === 2 ? vnStart(year, 7) : vnStart(year, 1);
    const to = half === 1 ? vnStart(year, 7) : vnStart(year + 1, 1);
    // Help: organizations other than this one that received a directive or a share on the incident.
    const rows = await ctx.db.query<{ category: string; incidents: number; alone: number; domestic: number; foreign: number; asked: number; damage: string[] }>(sql`
      with period as (
        select i.id, coalesce(i.national_category, 'OTHER') as category, i.escalated_at, i.final_report
        from incident i where i.handler_org_id = ${org.id} and i.reported_at >= ${from} and i.reported_at < ${to}
      ), helpers as (
        select p.id, o.country from period p
        join (select incident_id, recipient_org_id as org_id from directive union select incident_id, organization_id from incident_participant where kind = 'SHARED') x
          on x.incident_id = p.id
        join organization o on o.id = x.org_id and o.id <> ${org.id} and o.kind <> 'COORDINATOR'
      )
      select p.category, count(*)::int as incidents,
        count(*) filter (where p.escalated_at is null and not exists (select 1 from helpers h where h.id = p.id))::int as alone,
        count(*) filter (where exists (select 1 from helpers h where h.id = p.id and h.country = 'VN'))::int as domestic,
        count(*) filter (where exists (select 1 from helpers h where h.id = p.id and h.country <> 'VN'))::int as foreign,
        count(*) filter (where p.escalated_at is not null)::int as asked,
        coalesce(array_agg(p.final_report->>'estimatedDamage') filter (where p.final_report->>'estimatedDamage' is not null), '{}') as damage
      from period p group by p.category`);
    const byCategory = new Map(rows.map((r) => [r.category, r]));
    const helperOrgs = await ctx.db.query<{ id: string; country: string }>(sql`
      select distinct o.id, o.country from incident i
      join (select incident_id, recipient_org_id as org_id from directive union select incident_id, organization_id from incident_participant where kind = 'SHARED') x on x.incident_id = i.id
      join organization o on o.id = x.org_id and o.id <> ${org.id} and o.kind <> 'COORDINATOR'
      where i.handler_org_id = ${org.id} and i.reported_at >= ${from} and i.reported_at < ${to}`);
    const helperRows = await organizationsByIds(ctx.db, helperOrgs.map((h) => h.id));
    const present = (kind: 'VN' | 'FOREIGN') =>
      helperRows.filter((o) => (kind === 'VN' ? o.country === 'VN' : o.country !== 'VN')).sort((a, b) => a.code.localeCompare(b.code)).map((o) => toOrganization(viewer, o));
    return {
      organization: toOrganization(viewer, org),
      year,
      half: half ?? null,
      from,
      to,
      rows: national.categories.map((c) => {
        const r = byCategory.get(c.code);
        return {
          category: c.code,
          label: c.vi,
          labelEn: c.en,
          incidents: r?.incidents ?? 0,
          handledAlone: r?.alone ?? 0,
          helpedDomestic: r?.domestic ?? 0,
          helpedForeign: r?.foreign ?? 0,
          vncertAsked: r?.asked ?? 0,
          estimatedDamage: r?.damage ?? [],
        };
      }),
      domesticHelpers: present('VN'),
      foreignHelpers: present('FOREIGN'),
    };
  }
}
