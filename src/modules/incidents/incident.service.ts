import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { clampFirst, decodeId, decodeKeyset, encodeCursor, pageOf, type Connection } from '../../graphql/relay';
import { organizationByCode } from '../organizations/organization.repo';
import { listVisibleIncidents, visibleIncidentByReference, cursorKeyOf, type IncidentOrder, type IncidentRow } from './incident.repo';
import { toIncident, type Incident, type IncidentFilter } from './incident.types';
import type { GraphQLResolveInfo } from 'graphql';
import {
  planForIncidentConnection,
  planForIncidentField,
  loadIncidentWithPlan,
  incidentByReferenceWithPlan,
  type IncidentReadPlan,
} from './incident.read';

export function presentIncident(ctx: Context, row: IncidentRow): Incident {
  return toIncident(viewerOf(ctx), row, ctx.config.deadlines.lateNotificationHours);
}

/**
 * `incident(id)`, `node(id)` and `_entities`: invisible, missing and undecodable all answer null. With
 * the field's resolve info, the relations its selection asks for come in the same statement (incident.read.ts).
 */
export async function incidentById(ctx: Context, globalId: string, info?: GraphQLResolveInfo): Promise<Incident | null> {
  ctx.authz.require('INCIDENT_READ', 'reading incidents');
  const id = decodeId(globalId, 'Incident');
  if (!id) return null;
  return visibleIncident(ctx, id, planForIncidentField(ctx, info));
}

/** One incident by its database id in the viewer's view, with a plan's relations in the same statement; null when invisible. */
export async function visibleIncident(ctx: Context, id: string, plan: IncidentReadPlan): Promise<Incident | null> {
  const row = plan.columns.length ? await loadIncidentWithPlan(ctx, plan, id) : await ctx.loaders.incident.load(id);
  return row ? presentIncident(ctx, row) : null;
}

export async function incidentByReference(ctx: Context, reference: string, info?: GraphQLResolveInfo): Promise<Incident | null> {
  ctx.authz.require('INCIDENT_READ', 'reading incidents');
  const plan = planForIncidentField(ctx, info);
  const normalized = reference.trim().toUpperCase();
  const row = plan.columns.length
    ? await incidentByReferenceWithPlan(ctx, plan, normalized)
    : await visibleIncidentByReference(ctx.db, viewerOf(ctx), normalized);
  return row ? presentIncident(ctx, row) : null;
}

export async function listIncidents(
  ctx: Context,
  args: { filter?: IncidentFilter | null; first?: number | null; after?: string | null; orderBy?: IncidentOrder | null },
  info?: GraphQLResolveInfo,
): Promise<Connection<Incident>> {
  const first = clampFirst(ctx, args.first);
  const order = args.orderBy ?? 'REPORTED_AT_DESC';
  const after = decodeKeyset(args.after, order === 'SEVERITY_DESC' ? ['int', 'timestamp', 'uuid'] : ['timestamp', 'uuid']);
  const filter = args.filter ?? {};
  let handlerOrgId: string | null = null;
  if (filter.handler) {
    const org = await organizationByCode(ctx.db, viewerOf(ctx), filter.handler);
    if (!org) throw badInput('filter.handler', `unknown organization "${filter.handler}"`);
    handlerOrgId = org.id;
  }
  ctx.authz.require('INCIDENT_READ', 'reading incidents');
  const plan = planForIncidentConnection(ctx, info);
  const rows = await listVisibleIncidents(ctx.db, viewerOf(ctx), {
    filter: { ...filter, handlerOrgId },
    order,
    after,
    limit: first + 1,
    relations: plan.columns,
  });
  for (const row of rows) {
    plan.prime(row);
    ctx.loaders.incident.prime(row.id, row);
  }
  const page = pageOf(rows, first, (r) => encodeCursor(cursorKeyOf(r, order)));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: presentIncident(ctx, e.node) })) };
}
