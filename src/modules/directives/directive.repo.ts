import type { Queryable, Row } from '../../db/db';
import { sql, raw, and, type Sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { directiveVisibleSql } from '../../auth/views';
import type { IndicatorType } from '../indicators/normalize';
import type { Tlp, Pap } from '../incidents/incident.entity';
import type { DirectiveAction, DirectiveStatus } from './directive.entity';
import { OPEN_DIRECTIVE_STATUSES } from './directive.entity';
import { EVENT_COLUMNS, type EventRow } from '../timeline/timeline.repo';

export interface DirectiveTargetJson {
  type: IndicatorType;
  value: string;
  displayValue: string;
}

export interface DirectiveRow extends Row {
  id: string;
  incident_id: string;
  issuer_org_id: string;
  recipient_org_id: string;
  action: DirectiveAction;
  instructions: string;
  tlp: Tlp;
  pap: Pap | null;
  status: DirectiveStatus;
  due_at: Date;
  acknowledgement_due_at: Date;
  issued_at: Date;
  acknowledged_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  declined_at: Date | null;
  cancelled_at: Date | null;
  result: string | null;
  decline_reason: string | null;
  cancel_reason: string | null;
  version: number;
  updated_at: Date;
  /** Computed in SQL from the injected clock, so filters, pages and fields agree. */
  overdue: boolean;
  acknowledgement_overdue: boolean;
  targets: DirectiveTargetJson[];
}

/**
 * The directives the viewer may see, with the clock-dependent flags and the targets, as a subquery
 * aliased by the caller. `now` is a parameter (never `now()`), so tests can move the clock.
 * Targets come in the order they were added to the incident (the indicator's id), then by value.
 */
export function visibleDirectivesSql(viewer: Viewer, now: Date, opts: { targets: boolean } = { targets: true }): Sql {
  // Without targets (a compiled answer that does not select them) the statement plans and runs lighter.
  const targets = opts.targets
    ? sql`coalesce((select json_agg(json_build_object('type', t.type, 'value', t.value, 'displayValue', t.display_value)
                  order by x.id nulls last, t.type, t.value)
                from directive_target t
                left join indicator x on x.incident_id = d.incident_id and x.type = t.type and x.value = t.value
                where t.directive_id = d.id), '[]'::json)`
    : sql`null::json`;
  return sql`select d.id, d.incident_id, d.issuer_org_id, d.recipient_org_id, d.action, d.instructions, d.tlp, d.pap, d.status,
      d.due_at, d.acknowledgement_due_at, d.issued_at, d.acknowledged_at, d.started_at, d.completed_at, d.declined_at,
      d.cancelled_at, d.result, d.decline_reason, d.cancel_reason, d.version, d.updated_at,
      (d.status = any(${OPEN_DIRECTIVE_STATUSES}::text[]) and d.due_at < ${now}::timestamptz) as overdue,
      (d.status = 'ISSUED' and d.acknowledgement_due_at < ${now}::timestamptz) as acknowledgement_overdue,
      ${targets} as targets
    from directive d join incident i on i.id = d.incident_id
    where ${directiveVisibleSql(viewer)}`;
}

/** One directive in the viewer's view, or undefined when it is missing or invisible. */
export async function visibleDirectiveById(db: Queryable, viewer: Viewer, now: Date, id: string): Promise<DirectiveRow | undefined> {
  return db.one<DirectiveRow>(sql`select v.* from (${visibleDirectivesSql(viewer, now)} and d.id = ${id}) v`);
}

export async function visibleDirectivesByIds(db: Queryable, viewer: Viewer, now: Date, ids: readonly string[]): Promise<DirectiveRow[]> {
  return db.query<DirectiveRow>(sql`select v.* from (${visibleDirectivesSql(viewer, now)} and d.id = any(${ids}::uuid[])) v`);
}

/** Keyset position in the (due_at, id) order. */
export interface DirectiveCursor {
  dueAt: string;
  id: string;
}

export function directiveCursorKey(row: DirectiveRow): [string, string] {
  return [row.due_at.toISOString(), row.id];
}

export interface DirectiveListFilter {
  status?: DirectiveStatus[] | null;
  recipientOrgId?: string | null;
  incidentId?: string | null;
  overdue?: boolean | null;
}

/** One page of the visible directives, filtered and ordered in SQL (never a fetched page filtered in JS). */
export async function listVisibleDirectives(
  db: Queryable,
  viewer: Viewer,
  opts: { now: Date; filter: DirectiveListFilter; after: DirectiveCursor | null; limit: number },
): Promise<DirectiveRow[]> {
  const f = opts.filter;
  const conds: Sql[] = [];
  if (f.status?.length) conds.push(sql`v.status = any(${f.status}::text[])`);
  if (f.recipientOrgId) conds.push(sql`v.recipient_org_id = ${f.recipientOrgId}`);
  if (f.incidentId) conds.push(sql`v.incident_id = ${f.incidentId}`);
  if (f.overdue === true || f.overdue === false) conds.push(sql`v.overdue = ${f.overdue}`);
  if (opts.after) conds.push(sql`(v.due_at, v.id) > (${opts.after.dueAt}::timestamptz, ${opts.after.id}::uuid)`);
  return db.query<DirectiveRow>(sql`select v.* from (${visibleDirectivesSql(viewer, opts.now)}) v
    where ${and(conds)}
    order by v.due_at, v.id
    limit ${opts.limit}`);
}

export interface IncidentDirectivesKey {
  incidentId: string;
  after: DirectiveCursor | null;
  /** Rows wanted (page size + 1, to know whether there is a next page). */
  limit: number;
}

/**
 * One page of the directives of incident `v` (its `id`) that the viewer may see, in (due_at, id) order:
 * the loader below and the compiled read (incidents/incident.read.ts) run this same SQL.
 */
export function incidentDirectivesPageSql(viewer: Viewer, now: Date, afterDue: Sql, afterId: Sql, limit: Sql, targets = true): Sql {
  return sql`select c.* from (${visibleDirectivesSql(viewer, now, { targets })}) c
    where c.incident_id = v.id and (${afterDue} is null or (c.due_at, c.id) > (${afterDue}, ${afterId}))
    order by c.due_at, c.id limit ${limit}`;
}

/** The same page after a decoded keyset cursor (due_at, id), for the compiled read of an incident (registerPagedRelation). */
export function incidentDirectivesPageAfterSql(viewer: Viewer, now: Date, cursor: readonly string[] | null, limit: Sql, targets = true): Sql {
  return incidentDirectivesPageSql(viewer, now, sql`${cursor?.[0] ?? null}::timestamptz`, sql`${cursor?.[1] ?? null}::uuid`, limit, targets);
}

/**
 * Pages of several incidents' directives in one statement: each key's own cursor and limit, a lateral
 * page per key, so the statement count does not grow with the number of incidents.
 */
export async function visibleDirectivesForIncidents(
  db: Queryable,
  viewer: Viewer,
  now: Date,
  keys: readonly IncidentDirectivesKey[],
): Promise<(DirectiveRow & { key_index: string })[]> {
  if (keys.length === 0) return [];
  const ids = keys.map((k) => k.incidentId);
  const afterDue = keys.map((k) => k.after?.dueAt ?? null);
  const afterId = keys.map((k) => k.after?.id ?? null);
  const limits = keys.map((k) => k.limit);
  return db.query(sql`select c.*, v.ord as key_index
    from unnest(${ids}::uuid[], ${afterDue}::timestamptz[], ${afterId}::uuid[], ${limits}::int[])
      with ordinality as v(id, after_due, after_id, lim, ord)
    cross join lateral (${incidentDirectivesPageSql(viewer, now, raw('v.after_due'), raw('v.after_id'), raw('v.lim'))}) c
    order by v.ord, c.due_at, c.id`);
}

/** The events of many directives in one statement, in commit order (for `Directive.history`). */
export async function eventsByDirectiveIds(db: Queryable, ids: readonly string[]): Promise<(EventRow & { directive_id: string })[]> {
  return db.query<EventRow & { directive_id: string }>(sql`select ${EVENT_COLUMNS}, e.directive_id from incident_event e
    left join account a on a.id = e.actor_account_id left join api_key k on k.id = e.actor_api_key_id
    where e.directive_id = any(${ids}::uuid[]) order by e.position`);
}
