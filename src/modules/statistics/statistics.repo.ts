import type { Queryable, Row } from '../../db/db';
import { sql, raw, join } from '../../db/sql';
import type { Dimension } from './statistics.types';

const VN_TZ = 'Asia/Ho_Chi_Minh';

/** SQL per dimension over incident `i` joined with its handling organization `h`; months in Asia/Ho_Chi_Minh. */
const DIMENSION_SQL: Record<Dimension, string> = {
  NATIONAL_CATEGORY: `coalesce(i.national_category, 'UNCLASSIFIED')`,
  RSIT_CLASS: `coalesce(i.rsit_class, 'UNCLASSIFIED')`,
  SEVERITY: `coalesce(i.severity, 'UNASSESSED')`,
  STATUS: `i.status`,
  HANDLER_KIND: `h.kind`,
  MONTH: `to_char(i.reported_at at time zone '${VN_TZ}', 'YYYY-MM')`,
};

/** Every incident reported in [from, to), counted per combination of the dimensions' values (in their order). */
export async function incidentCounts(
  db: Queryable,
  from: Date,
  to: Date,
  groupBy: readonly Dimension[],
): Promise<{ key: string[]; count: number }[]> {
  const keys = groupBy.map((d) => raw(DIMENSION_SQL[d]));
  const keyArray = keys.length ? sql`array[${join(keys)}]::text[]` : raw(`'{}'::text[]`);
  return db.query<{ key: string[]; count: number }>(sql`
    select ${keyArray} as key, count(*)::int as count
    from incident i join organization h on h.id = i.handler_org_id
    where i.reported_at >= ${from} and i.reported_at < ${to}
    ${keys.length ? sql`group by ${join(keys)} order by ${join(keys)}` : raw('')}`);
}

export interface DirectiveCountsRow extends Row {
  recipient_org_id: string;
  issued: number;
  ack: number;
  done: number;
  overdue: number;
  declined: number;
}

/** Per recipient, directives issued in [from, to): acknowledged and completed in time, overdue at `now`, declined. */
export async function directiveCounts(db: Queryable, from: Date, to: Date, now: Date): Promise<DirectiveCountsRow[]> {
  return db.query<DirectiveCountsRow>(sql`
    select d.recipient_org_id, count(*)::int as issued,
      count(*) filter (where d.acknowledged_at is not null and d.acknowledged_at <= d.acknowledgement_due_at)::int as ack,
      count(*) filter (where d.status = 'COMPLETED' and d.completed_at <= d.due_at)::int as done,
      count(*) filter (where d.status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS') and d.due_at < ${now})::int as overdue,
      count(*) filter (where d.status = 'DECLINED')::int as declined
    from directive d where d.issued_at >= ${from} and d.issued_at < ${to}
    group by d.recipient_org_id`);
}

export interface SummaryCategoryRow extends Row {
  category: string;
  incidents: number;
  alone: number;
  domestic: number;
  foreign: number;
  asked: number;
  damage: string[];
}

/** Organizations other than this one (and the coordinator) that received a directive or a share on an incident. */
const HELPERS = sql`(select incident_id, recipient_org_id as org_id from directive union select incident_id, organization_id from incident_participant where kind = 'SHARED')`;

/**
 * Form 05 per national category of the incidents the organization handled in [from, to): handled
 * alone, helped by domestic or foreign organizations, escalated, and the estimated damage.
 */
export async function summaryByCategory(db: Queryable, orgId: string, from: Date, to: Date): Promise<SummaryCategoryRow[]> {
  return db.query<SummaryCategoryRow>(sql`
    with period as (
      select i.id, coalesce(i.national_category, 'OTHER') as category, i.escalated_at, i.final_report
      from incident i where i.handler_org_id = ${orgId} and i.reported_at >= ${from} and i.reported_at < ${to}
    ), helpers as (
      select p.id, o.country from period p
      join ${HELPERS} x
        on x.incident_id = p.id
      join organization o on o.id = x.org_id and o.id <> ${orgId} and o.kind <> 'COORDINATOR'
    )
    select p.category, count(*)::int as incidents,
      count(*) filter (where p.escalated_at is null and not exists (select 1 from helpers h where h.id = p.id))::int as alone,
      count(*) filter (where exists (select 1 from helpers h where h.id = p.id and h.country = 'VN'))::int as domestic,
      count(*) filter (where exists (select 1 from helpers h where h.id = p.id and h.country <> 'VN'))::int as foreign,
      count(*) filter (where p.escalated_at is not null)::int as asked,
      coalesce(array_agg(p.final_report->>'estimatedDamage') filter (where p.final_report->>'estimatedDamage' is not null), '{}') as damage
    from period p group by p.category`);
}

/** The helpers (as in summaryByCategory) of the incidents the organization handled in [from, to). */
export async function helperOrganizationIds(db: Queryable, orgId: string, from: Date, to: Date): Promise<string[]> {
  const rows = await db.query<{ id: string; country: string }>(sql`
    select distinct o.id, o.country from incident i
    join ${HELPERS} x on x.incident_id = i.id
    join organization o on o.id = x.org_id and o.id <> ${orgId} and o.kind <> 'COORDINATOR'
    where i.handler_org_id = ${orgId} and i.reported_at >= ${from} and i.reported_at < ${to}`);
  return rows.map((r) => r.id);
}
