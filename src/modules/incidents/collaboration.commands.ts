import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { sql, raw, join, type Sql } from '../../db/sql';
import type { Queryable } from '../../db/db';
import { badInput } from '../../graphql/errors';
import { enforce } from '../../auth/decide';
import { SHAREABLE_KINDS, REFERABLE_KINDS } from '../../auth/moves';
import { appendEvents } from './events';
import { normalizeIndicators, IndicatorError, type NormalizedIndicator } from '../indicators/normalize';
import { insertIndicators } from '../indicators/indicator.repo';
import { organizationByCode, type OrganizationRow } from '../organizations/organization.repo';
import type { OrganizationKind } from '../organizations/organization.entity';
import { classify } from './classification';
import { lockVisibleIncident, checkVersion, updateIncidentRow, requireReason, decideOn, type LockedIncident } from './workflow.service';
import type { UpdateIncidentInput, ShareIncidentInput, ReferIncidentInput, SetTlpInput } from './collaboration.types';

export async function updateIncident(ctx: Context, input: UpdateIncidentInput): Promise<string> {
  const sets: Sql[] = [];
  const changed: Record<string, unknown> = {};
  const put = (column: string, field: string, value: unknown) => {
    sets.push(sql`${rawColumn(column)} = ${value}`);
    changed[field] = value;
  };
  if (input.title !== undefined && input.title !== null) {
    if (!input.title.trim()) throw badInput('input.title', 'title must not be blank');
    put('title', 'title', input.title.trim());
  }
  if (input.description !== undefined && input.description !== null) put('description', 'description', input.description);
  if (input.severity) put('severity', 'severity', input.severity);
  if (input.serious !== undefined && input.serious !== null) put('serious', 'serious', input.serious);
  if (input.scope) put('scope', 'scope', input.scope);
  if (input.pap) put('pap', 'pap', input.pap);
  const classifying = !!(input.rsitClass || input.rsitType || input.nationalCategory);
  if (classifying && !input.rsitClass) throw badInput('input.rsitClass', 'rsitClass is required when changing the classification');
  const c = classifying ? classify({ rsitClass: input.rsitClass!, rsitType: input.rsitType, nationalCategory: input.nationalCategory }) : null;
  if (c) {
    put('rsit_class', 'rsitClass', c.rsitClass);
    put('rsit_type', 'rsitType', c.rsitType);
    put('national_category', 'nationalCategory', c.nationalCategory);
  }
  if (sets.length === 0) throw badInput('input', 'nothing to update');
  return ctx.db.tx(async (q) => {
    const locked = await lockVisibleIncident(ctx, q, input.id);
    enforce(decideOn(ctx, locked.row, { action: 'UPDATE' }), () => checkVersion(locked.row, input.expectedVersion));
    const now = ctx.clock.now();
    await updateIncidentRow(q, locked.row.id, input.expectedVersion, join(sets), now);
    await appendEvents(q, viewerOf(ctx), now, [{ incidentId: locked.row.id, type: 'UPDATED', data: changed }]);
    return locked.row.id;
  });
}

const COLUMNS = new Set(['title', 'description', 'severity', 'serious', 'scope', 'pap', 'rsit_class', 'rsit_type', 'national_category']);
function rawColumn(name: string): Sql {
  // Column names come from this fixed list only, never from input.
  if (!COLUMNS.has(name)) throw new Error(`not an updatable column: ${name}`);
  return raw(name);
}

/** Adds normalized indicators (only adds: no expectedVersion); duplicates of existing ones are ignored. */
export async function addIndicators(ctx: Context, incidentId: string, values: { type: NormalizedIndicator['type']; value: string }[]): Promise<string> {
  let indicators: NormalizedIndicator[];
  try {
    indicators = normalizeIndicators(values);
  } catch (err) {
    if (err instanceof IndicatorError) throw badInput(err.index >= 0 ? `input.indicators[${err.index}].value` : 'input.indicators', err.message);
    throw err;
  }
  if (indicators.length === 0) throw badInput('input.indicators', 'give at least one indicator');
  return ctx.db.tx(async (q) => {
    const locked = await lockVisibleIncident(ctx, q, incidentId);
    enforce(decideOn(ctx, locked.row, { action: 'ADD_INDICATORS' }));
    const now = ctx.clock.now();
    const added = await insertIndicators(q, locked.row.id, indicators, now, 'ADDED');
    if (added.length) {
      await updateIncidentRow(q, locked.row.id, locked.row.version, null, now);
      await appendEvents(q, viewerOf(ctx), now, [{ incidentId: locked.row.id, type: 'INDICATORS_ADDED', data: { indicators: added } }]);
    }
    return locked.row.id;
  });
}

async function targetOrganization(ctx: Context, code: string, kinds: readonly OrganizationKind[], what: string): Promise<OrganizationRow> {
  const org = await organizationByCode(ctx.db, viewerOf(ctx), code);
  if (!org || !org.active || !kinds.includes(org.kind)) {
    throw badInput('input.organization', `${what} must be an active ${kinds.join(', ')} organization; "${code}" is not`);
  }
  return org;
}

/** Is the organization already taking part (reporting, handling, coordinator, shared/referred, directive recipient)? */
async function isParticipant(q: Queryable, locked: LockedIncident, orgId: string): Promise<boolean> {
  const { row } = locked;
  if ([row.reporting_org_id, row.handler_org_id, row.coordinator_org_id].includes(orgId)) return true;
  const hit = await q.one(sql`select 1 as x where exists (select 1 from incident_participant where incident_id = ${row.id} and organization_id = ${orgId})
    or exists (select 1 from directive where incident_id = ${row.id} and recipient_org_id = ${orgId})`);
  return !!hit;
}

async function addParticipant(ctx: Context, input: ShareIncidentInput, kind: 'SHARED' | 'REFERRED', reason: string | null): Promise<string> {
  const org = await targetOrganization(ctx, input.organization, kind === 'SHARED' ? SHAREABLE_KINDS : REFERABLE_KINDS, kind === 'SHARED' ? 'Sharing' : 'A referral');
  return ctx.db.tx(async (q) => {
    const locked = await lockVisibleIncident(ctx, q, input.id);
    enforce(decideOn(ctx, locked.row, { action: kind === 'SHARED' ? 'SHARE' : 'REFER' }), () => checkVersion(locked.row, input.expectedVersion));
    if (await isParticipant(q, locked, org.id)) throw badInput('input.organization', `${org.code} already takes part in this incident`);
    const now = ctx.clock.now();
    await q.query(sql`insert into incident_participant (incident_id, organization_id, kind, reason, added_at) values (${locked.row.id}, ${org.id}, ${kind}, ${reason}, ${now})`);
    await updateIncidentRow(q, locked.row.id, input.expectedVersion, null, now);
    await appendEvents(q, viewerOf(ctx), now, [
      { incidentId: locked.row.id, type: kind === 'SHARED' ? 'SHARED' : 'REFERRED', data: { organization: org.code, organizationId: org.id, participation: kind, ...(reason ? { reason } : {}) } },
    ]);
    return locked.row.id;
  });
}

export const shareIncident = (ctx: Context, input: ShareIncidentInput) => addParticipant(ctx, input, 'SHARED', null);
export const referIncident = (ctx: Context, input: ReferIncidentInput) => addParticipant(ctx, input, 'REFERRED', requireReason(input.reason));

export async function unshareIncident(ctx: Context, input: ShareIncidentInput): Promise<string> {
  const org = await organizationByCode(ctx.db, viewerOf(ctx), input.organization);
  if (!org) throw badInput('input.organization', `unknown organization "${input.organization}"`);
  return ctx.db.tx(async (q) => {
    const locked = await lockVisibleIncident(ctx, q, input.id);
    enforce(decideOn(ctx, locked.row, { action: 'UNSHARE' }), () => checkVersion(locked.row, input.expectedVersion));
    const removed = await q.one<{ kind: string }>(sql`delete from incident_participant where incident_id = ${locked.row.id} and organization_id = ${org.id} returning kind`);
    if (!removed) throw badInput('input.organization', `the incident is not shared with or referred to ${org.code}`);
    const now = ctx.clock.now();
    await updateIncidentRow(q, locked.row.id, input.expectedVersion, null, now);
    await appendEvents(q, viewerOf(ctx), now, [
      { incidentId: locked.row.id, type: 'UNSHARED', data: { organization: org.code, organizationId: org.id, participation: removed.kind } },
    ]);
    return locked.row.id;
  });
}

/** The coordinator may set any TLP; the handling organization may only raise it; nobody else (the rulebook decides). */
export async function setIncidentTlp(ctx: Context, input: SetTlpInput): Promise<string> {
  return ctx.db.tx(async (q) => {
    const { row } = await lockVisibleIncident(ctx, q, input.id);
    enforce(decideOn(ctx, row, { action: 'SET_TLP', tlp: input.tlp }), () => checkVersion(row, input.expectedVersion));
    if (input.tlp === row.tlp) return row.id;
    const now = ctx.clock.now();
    await updateIncidentRow(q, row.id, input.expectedVersion, sql`tlp = ${input.tlp}`, now);
    await appendEvents(q, viewerOf(ctx), now, [{ incidentId: row.id, type: 'TLP_CHANGED', data: { from: row.tlp, to: input.tlp } }]);
    return row.id;
  });
}
