import type { Queryable, Row } from '../../db/db';
import { sql, raw, and, join, Sql, TRUE } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { incidentAccessSql, incidentVisibleSql, classificationShownSql, type AccessLevel } from '../../auth/views';
import type { OrganizationKind } from '../organizations/organization.entity';
import type { IncidentStatus, Severity, Tlp, Pap, IncidentScope, ReporterContact, AffectedSystem } from './incident.entity';

export interface IncidentRow extends Row {
  id: string;
  reference: string;
  title: string;
  description: string;
  rsit_class: string | null;
  rsit_type: string | null;
  national_category: string | null;
  severity: Severity | null;
  serious: boolean;
  scope: IncidentScope;
  status: IncidentStatus;
  tlp: Tlp;
  pap: Pap | null;
  confidential: boolean;
  reporter_contact: ReporterContact;
  reporting_org_id: string;
  handler_org_id: string;
  addressee_org_id: string | null;
  coordinator_org_id: string | null;
  coordinator_owns: boolean;
  affected_system: AffectedSystem | null;
  occurred_at: Date | null;
  detected_at: Date;
  reported_at: Date;
  triaged_at: Date | null;
  escalated_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  rejection_reason: string | null;
  duplicate_of_id: string | null;
  escalation_reason: string | null;
  resolution_summary: string | null;
  final_report: Record<string, unknown> | null;
  final_report_at: Date | null;
  version: number;
  updated_at: Date;
  access_level: AccessLevel;
  reporting_org_kind: OrganizationKind;
  reporting_org_person: boolean;
}

export interface IndicatorRow extends Row {
  incident_id: string;
  type: string;
  value: string;
  display_value: string;
  reported: boolean;
}

const INCIDENT_COLUMNS = raw(`i.id, i.reference, i.title, i.description, i.rsit_class, i.rsit_type, i.national_category,
  i.severity, i.serious, i.scope, i.status, i.tlp, i.pap, i.confidential, i.reporter_contact, i.reporting_org_id,
  i.handler_org_id, i.addressee_org_id, i.coordinator_org_id, i.coordinator_owns, i.affected_system, i.occurred_at,
  i.detected_at, i.reported_at, i.triaged_at, i.escalated_at, i.resolved_at, i.closed_at, i.rejection_reason,
  i.duplicate_of_id, i.escalation_reason, i.resolution_summary, i.final_report, i.final_report_at, i.version,
  i.updated_at, i.severity_rank`);

/** The incidents the viewer may see, each with its access level, as a subquery aliased by the caller. */
export function visibleIncidentsSql(viewer: Viewer): Sql {
  return sql`select ${INCIDENT_COLUMNS}, ${incidentAccessSql(viewer)} as access_level,
      ro.kind as reporting_org_kind, ro.person as reporting_org_person
    from incident i join organization ro on ro.id = i.reporting_org_id
    where ${incidentVisibleSql(viewer)}`;
}

export async function visibleIncidentsByIds(db: Queryable, viewer: Viewer, ids: readonly string[]): Promise<IncidentRow[]> {
  return db.query<IncidentRow>(sql`select v.* from (${visibleIncidentsSql(viewer)} and i.id = any(${ids}::uuid[])) v`);
}

/** One incident in the viewer's view (the rulebook's visibility SQL), or undefined when it is missing or invisible. */
export async function visibleIncidentById(db: Queryable, viewer: Viewer, id: string): Promise<IncidentRow | undefined> {
  return db.one<IncidentRow>(sql`select v.* from (${visibleIncidentsSql(viewer)} and i.id = ${id}) v`);
}

export async function visibleIncidentByReference(db: Queryable, viewer: Viewer, reference: string): Promise<IncidentRow | undefined> {
  return db.one<IncidentRow>(sql`select v.* from (${visibleIncidentsSql(viewer)} and i.reference = ${reference}) v`);
}

/** The indicators of incident `v` (its `id`; order them by `id`, the order they were added), before the indicators rule (projection.ts). */
export function incidentIndicatorsSql(): Sql {
  return sql`select x.id, x.incident_id, x.type, x.value, x.display_value, x.reported from indicator x where x.incident_id = v.id`;
}

export async function indicatorsByIncidentIds(db: Queryable, ids: readonly string[]): Promise<IndicatorRow[]> {
  return db.query<IndicatorRow>(sql`select x.incident_id, x.type, x.value, x.display_value, x.reported from indicator x
    where x.incident_id = any(${ids}::uuid[]) order by x.incident_id, x.id`);
}

export type IncidentOrder = 'REPORTED_AT_DESC' | 'REPORTED_AT_ASC' | 'UPDATED_AT_DESC' | 'SEVERITY_DESC';

export interface IncidentListFilter {
  status?: IncidentStatus[] | null;
  severity?: Severity[] | null;
  rsitClass?: string | null;
  tlp?: Tlp[] | null;
  handlerOrgId?: string | null;
  reportedFrom?: Date | null;
  reportedTo?: Date | null;
  text?: string | null;
}

/** Sort keys per order. Severity is hidden from REPORTER rows, so it sorts them as "unknown" (0). */
const ORDER_KEYS: Record<IncidentOrder, { columns: string[]; dir: 'asc' | 'desc' }> = {
  REPORTED_AT_DESC: { columns: ['reported_at', 'id'], dir: 'desc' },
  REPORTED_AT_ASC: { columns: ['reported_at', 'id'], dir: 'asc' },
  UPDATED_AT_DESC: { columns: ['updated_at', 'id'], dir: 'desc' },
  SEVERITY_DESC: { columns: ['sort_severity', 'reported_at', 'id'], dir: 'desc' },
};

export function cursorKeyOf(row: IncidentRow & { sort_severity?: number }, order: IncidentOrder): unknown[] {
  return ORDER_KEYS[order].columns.map((c) => {
    const v = row[c];
    return v instanceof Date ? v.toISOString() : v;
  });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface IncidentPageOptions {
  filter: IncidentListFilter;
  order: IncidentOrder;
  after: unknown[] | null;
  limit: number;
}

/**
 * A page of the incidents the viewer may see (rows aliased `v`: the incident columns, `access_level`,
 * `sort_severity`), and its order over `v` forwards and backwards: listVisibleIncidents runs it, the
 * compiled answer (incident.compiled.ts) builds its JSON from it.
 */
export function visibleIncidentsPageSql(viewer: Viewer, opts: IncidentPageOptions): { page: Sql; order: string; reverse: string } {
  const f = opts.filter;
  const conds: Sql[] = [];
  // Filters only use what the row's view shows: classification and severity are not in the REPORTER view.
  const shown = classificationShownSql(viewer);
  if (f.status?.length) conds.push(sql`v.status = any(${f.status}::text[])`);
  if (f.severity?.length) conds.push(sql`(${shown} and v.severity = any(${f.severity}::text[]))`);
  if (f.rsitClass) conds.push(sql`(${shown} and v.rsit_class = ${f.rsitClass})`);
  if (f.tlp?.length) conds.push(sql`v.tlp = any(${f.tlp}::text[])`);
  if (f.handlerOrgId) conds.push(sql`v.handler_org_id = ${f.handlerOrgId}`);
  if (f.reportedFrom) conds.push(sql`v.reported_at >= ${f.reportedFrom}`);
  if (f.reportedTo) conds.push(sql`v.reported_at < ${f.reportedTo}`);
  if (f.text) {
    const t = escapeLike(f.text.trim());
    conds.push(sql`(v.title ilike ${'%' + t + '%'} or v.reference ilike ${t + '%'})`);
  }
  // Severity sorts as "unknown" (0) where it is not shown; where it is always shown the sort is on the
  // indexed column itself (incident_severity), not on an expression.
  const sortSeverity = shown === TRUE ? 'v.severity_rank' : 'v.sort_severity';
  const keys = ORDER_KEYS[opts.order];
  const column = (c: string) => (c === 'sort_severity' ? sortSeverity : `v.${c}`);
  if (opts.after) {
    const cols = raw(keys.columns.map(column).join(', '));
    const params = opts.after.map((value, i) => {
      const col = keys.columns[i];
      if (col === 'id') return sql`${String(value)}::uuid`;
      if (col === 'sort_severity') return sql`${Number(value)}::int`;
      return sql`${String(value)}::timestamptz`;
    });
    const tuple = params.reduce((acc, p, i) => (i === 0 ? p : sql`${acc}, ${p}`), raw(''));
    conds.push(keys.dir === 'desc' ? sql`(${cols}) < (${tuple})` : sql`(${cols}) > (${tuple})`);
  }
  const order = keys.columns.map((c) => `${column(c)} ${keys.dir}`).join(', ');
  const reverse = keys.columns.map((c) => `${column(c)} ${keys.dir === 'desc' ? 'asc' : 'desc'}`).join(', ');
  const page = sql`select v.* from (
      select v.*, case when ${shown} then v.severity_rank else 0 end::int as sort_severity
      from (${visibleIncidentsSql(viewer)}) v
    ) v
    where ${and(conds)}
    order by ${raw(order)}
    limit ${opts.limit}`;
  return { page, order, reverse };
}

/** The sort key columns of an order, as cursors encode them (cursorKeyOf). */
export function orderKeyColumns(order: IncidentOrder): readonly string[] {
  return ORDER_KEYS[order].columns;
}

export async function listVisibleIncidents(
  db: Queryable,
  viewer: Viewer,
  opts: IncidentPageOptions & { relations?: readonly Sql[] },
): Promise<(IncidentRow & { sort_severity: number })[]> {
  const { page, order } = visibleIncidentsPageSql(viewer, opts);
  if (!opts.relations?.length) return db.query(page);
  // The relations the selection asks for, read per row of the page only (after the limit), in the same statement.
  return db.query(sql`select v.*, ${join(opts.relations)} from (${page}) v order by ${raw(order)}`);
}

/** Visible incidents by id or by reference with the relations the selection asks for (incident.read.ts), in one statement. */
export async function visibleIncidentsWithRelations(
  db: Queryable,
  viewer: Viewer,
  by: { ids: readonly string[] } | { reference: string },
  relations: readonly Sql[],
): Promise<IncidentRow[]> {
  const extra = relations.length ? sql`, ${join(relations)}` : sql``;
  return db.query<IncidentRow>(sql`select v.*${extra} from (${visibleIncidentRowsSql(viewer, by)}) v`);
}

/**
 * The visible incidents by id or by reference, as a subquery to alias `v`. `offset 0` keeps the rows a
 * subquery of their own: flattened, the view's CASE (with its EXISTS probes) would be evaluated again
 * wherever a relation's SQL (or a compiled answer's) reads `v.access_level`.
 */
export function visibleIncidentRowsSql(viewer: Viewer, by: { ids: readonly string[] } | { reference: string }): Sql {
  const where = 'ids' in by ? sql`i.id = any(${by.ids}::uuid[])` : sql`i.reference = ${by.reference}`;
  return sql`${visibleIncidentsSql(viewer)} and ${where} offset 0`;
}

/**
 * Takes the next receipt number of the year. The row lock is held until commit and a rollback returns the number: gap-free.
 * An atomic upsert-and-increment, which the ORM cannot express: SQL on the command's transaction.
 */
export async function nextReferenceNumber(q: Queryable, year: number): Promise<number> {
  const row = await q.one<{ last_value: number }>(sql`insert into reference_counter (year, last_value) values (${year}, 1)
    on conflict (year) do update set last_value = reference_counter.last_value + 1 returning last_value`);
  return row!.last_value;
}

/** The incident a principal already reported with this idempotency key, with the fingerprint of that request. */
export async function incidentByIdempotencyKey(
  q: Queryable,
  principal: string,
  key: string | null,
): Promise<{ id: string; request_hash: string } | undefined> {
  return q.one<{ id: string; request_hash: string }>(sql`select id, request_hash from incident
      where idempotency_principal = ${principal} and idempotency_key = ${key}`);
}

/** Reference and status of an incident by id, with no view applied (the reporter's own replayed report). */
export async function incidentReferenceAndStatus(q: Queryable, id: string): Promise<{ reference: string; status: IncidentStatus } | undefined> {
  return q.one<{ reference: string; status: IncidentStatus }>(sql`select reference, status from incident where id = ${id}`);
}

/** Is the organization shared or referred the incident, or a recipient of one of its directives? */
export async function isLinkedParticipant(q: Queryable, incidentId: string, orgId: string): Promise<boolean> {
  const hit =
    await q.one(sql`select 1 as x where exists (select 1 from incident_participant where incident_id = ${incidentId} and organization_id = ${orgId})
    or exists (select 1 from directive where incident_id = ${incidentId} and recipient_org_id = ${orgId})`);
  return !!hit;
}

export interface LinkedParticipantRow extends Row {
  organization_id: string;
  role: string;
}

/**
 * The shares, referrals and directive recipients of incident `v` (its `id`), before the participants
 * rule: the participant loader and the compiled read (incident.read.ts) run this same SQL.
 */
export function linkedParticipantsSql(): Sql {
  return sql`select organization_id, kind as role from incident_participant where incident_id = v.id
    union all
    select distinct recipient_org_id, 'RECIPIENT' from directive where incident_id = v.id`;
}

export async function linkedParticipantsByIncidentIds(
  db: Queryable,
  ids: readonly string[],
): Promise<(LinkedParticipantRow & { incident_id: string })[]> {
  return db.query<LinkedParticipantRow & { incident_id: string }>(sql`
        select v.id as incident_id, p.* from unnest(${ids}::uuid[]) v(id) cross join lateral (${linkedParticipantsSql()}) p`);
}
