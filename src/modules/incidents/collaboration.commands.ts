import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable } from '../../db/db';
import { badInput } from '../../graphql/errors';
import { enforce } from '../../auth/decide';
import { SHAREABLE_KINDS, REFERABLE_KINDS } from '../../auth/moves';
import { appendEvents } from './events';
import { normalizeIndicators, IndicatorError, type NormalizedIndicator } from '../indicators/normalize';
import { insertIndicators } from '../indicators/indicator.repo';
import { organizationByCode, type OrganizationRow } from '../organizations/organization.repo';
import type { OrganizationKind } from '../organizations/organization.entity';
import { IncidentParticipantEntity, type IncidentEntity } from './incident.entity';
import { classify } from './classification';
import { isLinkedParticipant } from './incident.repo';
import { lockVisibleIncident, checkVersion, saveIncident, requireReason, decideOn, type LockedIncident } from './workflow.service';
import type { UpdateIncidentInput, ShareIncidentInput, ReferIncidentInput, SetTlpInput } from './collaboration.types';

/** The incident's fields `updateIncident` changes (also the keys of its UPDATED payload). */
type UpdatableFields = Pick<
  IncidentEntity,
  'title' | 'description' | 'severity' | 'serious' | 'scope' | 'pap' | 'rsitClass' | 'rsitType' | 'nationalCategory'
>;

export async function updateIncident(ctx: Context, input: UpdateIncidentInput): Promise<string> {
  const changed: Partial<UpdatableFields> = {};
  const put = <K extends keyof UpdatableFields>(field: K, value: UpdatableFields[K]) => {
    changed[field] = value;
  };
  if (input.title !== undefined && input.title !== null) {
    if (!input.title.trim()) throw badInput('input.title', 'title must not be blank');
    put('title', input.title.trim());
  }
  if (input.description !== undefined && input.description !== null) put('description', input.description);
  if (input.severity) put('severity', input.severity);
  if (input.serious !== undefined && input.serious !== null) put('serious', input.serious);
  if (input.scope) put('scope', input.scope);
  if (input.pap) put('pap', input.pap);
  const classifying = !!(input.rsitClass || input.rsitType || input.nationalCategory);
  if (classifying && !input.rsitClass) throw badInput('input.rsitClass', 'rsitClass is required when changing the classification');
  const c = classifying ? classify({ rsitClass: input.rsitClass!, rsitType: input.rsitType, nationalCategory: input.nationalCategory }) : null;
  if (c) {
    put('rsitClass', c.rsitClass);
    put('rsitType', c.rsitType);
    put('nationalCategory', c.nationalCategory);
  }
  if (Object.keys(changed).length === 0) throw badInput('input', 'nothing to update');
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, input.id);
    enforce(decideOn(ctx, locked.row, { action: 'UPDATE' }), () => checkVersion(locked.row, input.expectedVersion));
    const now = ctx.clock.now();
    Object.assign(locked.incident, changed);
    await saveIncident(locked, now);
    await appendEvents(q, viewerOf(ctx), now, [{ incidentId: locked.row.id, type: 'UPDATED', data: changed }]);
    return locked.row.id;
  });
}

/** Adds normalized indicators (only adds: no expectedVersion); duplicates of existing ones are ignored. */
export async function addIndicators(
  ctx: Context,
  incidentId: string,
  values: { type: NormalizedIndicator['type']; value: string }[],
): Promise<string> {
  let indicators: NormalizedIndicator[];
  try {
    indicators = normalizeIndicators(values);
  } catch (err) {
    if (err instanceof IndicatorError) throw badInput(err.index >= 0 ? `input.indicators[${err.index}].value` : 'input.indicators', err.message);
    throw err;
  }
  if (indicators.length === 0) throw badInput('input.indicators', 'give at least one indicator');
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, incidentId);
    enforce(decideOn(ctx, locked.row, { action: 'ADD_INDICATORS' }));
    const now = ctx.clock.now();
    // Set-based, merging duplicates in the database (on conflict do nothing): SQL on the same transaction.
    const added = await insertIndicators(q, locked.row.id, indicators, now, 'ADDED');
    if (added.length) {
      await saveIncident(locked, now);
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
  return isLinkedParticipant(q, row.id, orgId);
}

async function addParticipant(ctx: Context, input: ShareIncidentInput, kind: 'SHARED' | 'REFERRED', reason: string | null): Promise<string> {
  const org = await targetOrganization(
    ctx,
    input.organization,
    kind === 'SHARED' ? SHAREABLE_KINDS : REFERABLE_KINDS,
    kind === 'SHARED' ? 'Sharing' : 'A referral',
  );
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, input.id);
    enforce(decideOn(ctx, locked.row, { action: kind === 'SHARED' ? 'SHARE' : 'REFER' }), () => checkVersion(locked.row, input.expectedVersion));
    if (await isParticipant(q, locked, org.id)) throw badInput('input.organization', `${org.code} already takes part in this incident`);
    const now = ctx.clock.now();
    em.create(IncidentParticipantEntity, { incidentId: locked.row.id, organizationId: org.id, kind, reason, addedAt: now });
    await saveIncident(locked, now);
    await appendEvents(q, viewerOf(ctx), now, [
      {
        incidentId: locked.row.id,
        type: kind === 'SHARED' ? 'SHARED' : 'REFERRED',
        data: { organization: org.code, organizationId: org.id, participation: kind, ...(reason ? { reason } : {}) },
      },
    ]);
    return locked.row.id;
  });
}

export const shareIncident = (ctx: Context, input: ShareIncidentInput) => addParticipant(ctx, input, 'SHARED', null);
export const referIncident = (ctx: Context, input: ReferIncidentInput) => addParticipant(ctx, input, 'REFERRED', requireReason(input.reason));

export async function unshareIncident(ctx: Context, input: ShareIncidentInput): Promise<string> {
  const org = await organizationByCode(ctx.db, viewerOf(ctx), input.organization);
  if (!org) throw badInput('input.organization', `unknown organization "${input.organization}"`);
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, input.id);
    enforce(decideOn(ctx, locked.row, { action: 'UNSHARE' }), () => checkVersion(locked.row, input.expectedVersion));
    const removed = await em.findOne(IncidentParticipantEntity, { incidentId: locked.row.id, organizationId: org.id });
    if (!removed) throw badInput('input.organization', `the incident is not shared with or referred to ${org.code}`);
    em.remove(removed);
    const now = ctx.clock.now();
    await saveIncident(locked, now);
    await appendEvents(q, viewerOf(ctx), now, [
      { incidentId: locked.row.id, type: 'UNSHARED', data: { organization: org.code, organizationId: org.id, participation: removed.kind } },
    ]);
    return locked.row.id;
  });
}

/** The coordinator may set any TLP; the handling organization may only raise it; nobody else (the rulebook decides). */
export async function setIncidentTlp(ctx: Context, input: SetTlpInput): Promise<string> {
  return ctx.db.transactional(async (em, q) => {
    const locked = await lockVisibleIncident(ctx, em, q, input.id);
    const { row } = locked;
    enforce(decideOn(ctx, row, { action: 'SET_TLP', tlp: input.tlp }), () => checkVersion(row, input.expectedVersion));
    if (input.tlp === row.tlp) return row.id;
    const now = ctx.clock.now();
    locked.incident.tlp = input.tlp;
    await saveIncident(locked, now);
    await appendEvents(q, viewerOf(ctx), now, [{ incidentId: row.id, type: 'TLP_CHANGED', data: { from: row.tlp, to: input.tlp } }]);
    return row.id;
  });
}
