import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { periodicSummaryAccess } from '../../auth/decide';
import { badInput } from '../../graphql/errors';
import { toOrganization } from '../organizations/organization.types';
import { organizationByCode, organizationsByIds } from '../organizations/organization.repo';
import national from '../incidents/reference/national-categories.json';
import { directiveCounts, helperOrganizationIds, incidentCounts, summaryByCategory } from './statistics.repo';
import type { Dimension, DirectiveComplianceRow, PeriodicSummary, StatisticsRow } from './statistics.types';

function checkRange(from: Date, to: Date): void {
  if (!(from.getTime() < to.getTime())) throw badInput('to', 'to must be after from');
  if (to.getTime() - from.getTime() > 20 * 366 * 86_400_000) throw badInput('to', 'the range may span at most 20 years');
}

/** Start of a calendar date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function vnStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month - 1, 1, -7));
}

export async function incidentStatistics(ctx: Context, from: Date, to: Date, groupBy: Dimension[]): Promise<StatisticsRow[]> {
  checkRange(from, to);
  if (new Set(groupBy).size !== groupBy.length) throw badInput('groupBy', 'each dimension at most once');
  ctx.authz.require('STATISTICS_READ', 'reading statistics');
  const rows = await incidentCounts(ctx.db, from, to, groupBy);
  return rows.filter((r) => r.count > 0);
}

export async function directiveCompliance(ctx: Context, from: Date, to: Date): Promise<DirectiveComplianceRow[]> {
  checkRange(from, to);
  ctx.authz.require('STATISTICS_READ', 'reading statistics');
  const rows = await directiveCounts(ctx.db, from, to, ctx.clock.now());
  const orgs = new Map(
    (
      await organizationsByIds(
        ctx.db,
        rows.map((r) => r.recipient_org_id),
      )
    ).map((o) => [o.id, o]),
  );
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

/** Form 05 of an organization: itself, the coordinator and the regulator (an invisible one answers like an unknown one). */
export async function periodicSummary(ctx: Context, code: string, year: number, half: number | null | undefined): Promise<PeriodicSummary> {
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
  const rows = await summaryByCategory(ctx.db, org.id, from, to);
  const byCategory = new Map(rows.map((r) => [r.category, r]));
  const helperRows = await organizationsByIds(ctx.db, await helperOrganizationIds(ctx.db, org.id, from, to));
  const present = (kind: 'VN' | 'FOREIGN') =>
    helperRows
      .filter((o) => (kind === 'VN' ? o.country === 'VN' : o.country !== 'VN'))
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((o) => toOrganization(viewer, o));
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
