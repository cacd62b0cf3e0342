import { isDeepStrictEqual } from 'node:util';
import { views, sqlModule, type Sql, type Viewer } from './dist';

const { sql, raw } = sqlModule;

/**
 * The operations of the benchmark: the GraphQL document the hub runs, and the SQL floor — one
 * hand-written statement with the same visibility condition (the policy's own SQL fragments) that
 * returns the same JSON as the hub's `data`, built with json_build_object/json_agg.
 */

// ---- JSON encodings of the hub, in SQL ----

/** Global id: base64url (no padding) of `Type:uuid`. */
const gid = (type: string, col: string): Sql => raw(`translate(encode(convert_to('${type}:' || (${col})::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')`);
/** DateTime: JavaScript's toISOString (millisecond precision, UTC). */
const iso = (col: string): string => `to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ts = (col: string): Sql => raw(iso(col));
/** Keyset cursor: base64url of the JSON array of the sort key (`["2026-…Z","uuid"]`). */
const cursorOf = (parts: string[]): Sql =>
  raw(
    `translate(encode(convert_to('[' || ${parts.map((p) => `'"' || (${p}) || '"'`).join(` || ',' || `)} || ']', 'UTF8'), 'base64'), E'+/=\\n', '-_')`,
  );

const isCoordinator = (v: Viewer): Sql => raw(v.organization.kind === 'COORDINATOR' ? 'true' : 'false');

/** Indicators a view shows (visibleIndicatorTypes): all for FULL/REPORTER, DOMAIN for DOMAIN_FEED, none otherwise. */
const indicatorShown = (alias: string): Sql =>
  raw(`(${alias}.access_level in ('FULL','REPORTER') or (${alias}.access_level = 'DOMAIN_FEED' and x.type = 'DOMAIN'))`);

export interface FloorQuery {
  text: string;
  values: unknown[];
}

export interface Variant {
  /** Variables of the GraphQL request. */
  variables: Record<string, unknown>;
  floor: FloorQuery;
}

export interface Operation {
  name: string;
  viewer: string;
  query: string;
  /** Write operations: the check compares shape and routing, not the generated reference and id. */
  write: boolean;
  variants: Variant[];
}

function q(s: Sql): FloorQuery {
  return s.toQuery();
}

// ---- incidentsPage ----

export const INCIDENTS_PAGE = `query IncidentsPage($first: Int!) {
  incidents(first: $first) {
    edges { cursor node {
      id reference title status severity tlp confidential reportedAt accessLevel
      handler { code }
      indicators { type value }
      directives(first: 5) { edges { node { id status dueAt recipient { code } } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Directives of incident row `p` the viewer may see, in the views that show them, first `n` by due time. */
function directivesJson(viewer: Viewer, alias: string, n: number, node: Sql): Sql {
  return sql`json_build_object('edges', coalesce((
      select json_agg(json_build_object('node', ${node}) order by d.due_at, d.id)
      from (select d.* from directive d join incident i on i.id = d.incident_id
            where d.incident_id = ${raw(alias)}.id and ${raw(alias)}.access_level in ('FULL','RECIPIENT') and ${views.directiveVisibleSql(viewer)}
            order by d.due_at, d.id limit ${raw(String(n))}) d
      join organization r on r.id = d.recipient_org_id), '[]'::json))`;
}

export function incidentsPageFloor(viewer: Viewer, first: number): FloorQuery {
  const node = sql`json_build_object(
      'id', ${gid('Incident', 'p.id')}, 'reference', p.reference, 'title', p.title, 'status', p.status,
      'severity', case when p.access_level <> 'REPORTER' then p.severity end,
      'tlp', p.tlp, 'confidential', p.confidential, 'reportedAt', ${ts('p.reported_at')}, 'accessLevel', p.access_level,
      'handler', (select json_build_object('code', h.code) from organization h where h.id = p.handler_org_id),
      'indicators', coalesce((select json_agg(json_build_object('type', x.type, 'value', x.value) order by x.id)
                              from indicator x where x.incident_id = p.id and ${indicatorShown('p')}), '[]'::json),
      'directives', ${directivesJson(viewer, 'p', 5, sql`json_build_object('id', ${gid('Directive', 'd.id')}, 'status', d.status, 'dueAt', ${ts('d.due_at')}, 'recipient', json_build_object('code', r.code))`)})`;
  const cursor = cursorOf([iso('p.reported_at'), 'p.id::text']);
  return q(sql`with page as (
      select i.id, i.reference, i.title, i.status, i.severity, i.tlp, i.confidential, i.reported_at, i.handler_org_id,
        ${views.incidentAccessSql(viewer)} as access_level
      from incident i
      where ${views.incidentVisibleSql(viewer)}
      order by i.reported_at desc, i.id desc
      limit ${first + 1}
    ), shown as (select * from page order by reported_at desc, id desc limit ${first})
    select json_build_object('incidents', json_build_object(
      'edges', coalesce((select json_agg(json_build_object('cursor', ${cursor}, 'node', ${node}) order by p.reported_at desc, p.id desc) from shown p), '[]'::json),
      'pageInfo', json_build_object(
        'hasNextPage', (select count(*) from page) > ${first},
        'endCursor', (select ${cursor} from shown p order by p.reported_at, p.id limit 1)))) as data`);
}

// ---- incidentDetail ----

export const INCIDENT_DETAIL = `query IncidentDetail($id: ID!) {
  incident(id: $id) {
    id reference title description status severity scope serious tlp pap confidential accessLevel
    detectedAt occurredAt reportedAt updatedAt version lateNotification
    classification { rsitClass rsitType nationalCategory }
    reporterContact { name email phone organizationName }
    affectedSystem { name level operator publicIps connectivityProvider }
    handler { code name kind }
    reportingOrganization { code }
    coordinator { code }
    indicators { type value displayValue }
    directives(first: 20) { edges { node { id action status instructions dueAt issuedAt overdue recipient { code name } targets { type value } } } }
    timeline(first: 20) { edges { node { id type occurredAt changes actorAccountEmail actorOrganization { code } } } }
    notes(first: 20) { edges { node { id body visibility createdAt authorEmail authorOrganization { code } redacted } } }
    participants { code kind }
  }
}`;

const EVENT_KEYS: Record<string, string[]> = {
  REPORTER: ['from', 'to', 'reference', 'status', 'handler', 'summary', 'reason'],
  SUMMARY: ['from', 'to', 'reference', 'status', 'handler'],
  RECIPIENT: ['from', 'to', 'status'],
  DOMAIN_FEED: [],
};

/** maskEventData in SQL: FULL and directive events read everything, other views their keys (a reason only on rejections and withdrawals). */
function maskedChanges(): Sql {
  const cases = Object.entries(EVENT_KEYS)
    .map(([view, keys]) => `when '${view}' then array[${keys.map((k) => `'${k}'`).join(',')}]::text[]`)
    .join(' ');
  return raw(`case when v.access_level = 'FULL' or e.type like 'DIRECTIVE\\_%' then e.data
    else coalesce((select jsonb_object_agg(k.key, k.value) from jsonb_each(e.data) k
      where k.key = any(case v.access_level ${cases} end) and (k.key <> 'reason' or e.type in ('REJECTED','WITHDRAWN'))), '{}'::jsonb) end`);
}

export function incidentDetailFloor(viewer: Viewer, incidentId: string, lateHours = 120): FloorQuery {
  const me = viewer.organization.id;
  const coord = isCoordinator(viewer);
  const full = raw(`v.access_level = 'FULL'`);
  const fullOrReporter = raw(`v.access_level in ('FULL','REPORTER')`);
  const notReporter = raw(`v.access_level <> 'REPORTER'`);
  const identity = sql`(${coord} or v.handler_org_id = ${me} or v.reporting_org_id = ${me})`;
  const directiveNode = sql`json_build_object('id', ${gid('Directive', 'd.id')}, 'action', d.action, 'status', d.status, 'instructions', d.instructions,
      'dueAt', ${ts('d.due_at')}, 'issuedAt', ${ts('d.issued_at')},
      'overdue', d.status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS') and d.due_at < now(),
      'recipient', json_build_object('code', r.code, 'name', r.name),
      'targets', coalesce((select json_agg(json_build_object('type', t.type, 'value', t.value) order by x.id nulls last, t.type, t.value)
        from directive_target t left join indicator x on x.incident_id = d.incident_id and x.type = t.type and x.value = t.value
        where t.directive_id = d.id), '[]'::json))`;
  const participantVisible = sql`case when pr.role = 'REFERRED' then (${coord} or pr.org_id = ${me})
      when ${coord} or v.handler_org_id = ${me} then true
      when pr.org_id = ${me} then true
      when pr.role = 'REPORTING' then not o.person
      else pr.role in ('HANDLING','COORDINATOR') end`;
  return q(sql`select json_build_object('incident', (select json_build_object(
      'id', ${gid('Incident', 'v.id')}, 'reference', v.reference, 'title', v.title,
      'description', case when ${fullOrReporter} then v.description end,
      'status', v.status, 'severity', case when ${notReporter} then v.severity end, 'scope', v.scope,
      'serious', case when ${notReporter} then v.serious else false end, 'tlp', v.tlp,
      'pap', case when ${notReporter} then v.pap end, 'confidential', v.confidential, 'accessLevel', v.access_level,
      'detectedAt', ${ts('v.detected_at')}, 'occurredAt', case when ${fullOrReporter} then ${ts('v.occurred_at')} end,
      'reportedAt', ${ts('v.reported_at')}, 'updatedAt', ${ts('v.updated_at')}, 'version', v.version,
      'lateNotification', ${fullOrReporter} and v.reported_at - v.detected_at > ${raw(`interval '${lateHours} hours'`)},
      'classification', case when ${notReporter} then json_build_object('rsitClass', v.rsit_class, 'rsitType', v.rsit_type, 'nationalCategory', v.national_category) end,
      'reporterContact', case when ${fullOrReporter} and ${identity} then json_build_object('name', v.reporter_contact->>'name',
        'email', v.reporter_contact->>'email', 'phone', v.reporter_contact->>'phone', 'organizationName', v.reporter_contact->>'organizationName') end,
      'affectedSystem', case when ${fullOrReporter} and v.affected_system is not null then json_build_object('name', v.affected_system->>'name',
        'level', (v.affected_system->>'level')::int, 'operator', v.affected_system->>'operator',
        'publicIps', coalesce(v.affected_system->'publicIps', '[]'::jsonb), 'connectivityProvider', v.affected_system->>'connectivityProvider') end,
      'handler', (select json_build_object('code', h.code, 'name', h.name, 'kind', h.kind) from organization h where h.id = v.handler_org_id),
      'reportingOrganization', (select json_build_object('code', ro.code) from organization ro where ro.id = v.reporting_org_id
        and case when ro.person then ${identity} else ${full} or ro.id = ${me} end),
      'coordinator', (select json_build_object('code', co.code) from organization co where co.id = v.coordinator_org_id and ${full}),
      'indicators', coalesce((select json_agg(json_build_object('type', x.type, 'value', x.value, 'displayValue', x.display_value) order by x.id)
        from indicator x where x.incident_id = v.id and ${indicatorShown('v')}), '[]'::json),
      'directives', ${directivesJson(viewer, 'v', 20, directiveNode)},
      'timeline', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
          'id', ${gid('IncidentEvent', 'e.id')}, 'type', e.type, 'occurredAt', ${ts('e.occurred_at')}, 'changes', e.changes,
          'actorAccountEmail', case when ${coord} or e.actor_org_id = ${me} then coalesce(e.actor_email, 'api key: ' || e.actor_key_name) end,
          'actorOrganization', (select json_build_object('code', ao.code) from organization ao where ao.id = e.actor_org_id
            and (ao.kind <> 'CONSTITUENT' or ${full} or ao.id = ${me})))) order by e.position)
        from (select e.id, e.type, e.occurred_at, e.position, e.actor_org_id, a.email as actor_email, k.name as actor_key_name, ${maskedChanges()} as changes
              from incident_event e left join account a on a.id = e.actor_account_id left join api_key k on k.id = e.actor_api_key_id
              where e.incident_id = v.id and ${views.eventVisibleSql(viewer)}
              order by e.position limit 20) e), '[]'::json)),
      'notes', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
          'id', ${gid('Note', 'n.id')}, 'body', case when n.redacted_at is not null then '[redacted]' else n.body end, 'visibility', n.visibility,
          'createdAt', ${ts('n.created_at')}, 'authorEmail', case when ${coord} or n.author_org_id = ${me} then n.author_email end,
          'authorOrganization', (select json_build_object('code', ao.code) from organization ao where ao.id = n.author_org_id
            and (not ao.person or ao.id = ${me} or ${coord})),
          'redacted', n.redacted_at is not null)) order by n.created_at, n.id)
        from (select n.*, a.email as author_email from note n left join account a on a.id = n.author_account_id
              where n.incident_id = v.id and ${views.noteVisibleSql(viewer)}
              order by n.created_at, n.id limit 20) n), '[]'::json)),
      'participants', case when ${full} then coalesce((select json_agg(json_build_object('code', o.code, 'kind', o.kind) order by q.ord)
        from (select pr.org_id, min(pr.ord) as ord from (
                select v.reporting_org_id as org_id, 'REPORTING' as role, 1 as ord
                union all select v.handler_org_id, 'HANDLING', 2
                union all select v.coordinator_org_id, 'COORDINATOR', 3 where v.coordinator_org_id is not null
                union all select p.organization_id, p.kind, 4 from incident_participant p where p.incident_id = v.id
                union all select distinct d.recipient_org_id, 'RECIPIENT', 5 from directive d where d.incident_id = v.id) pr
              join organization o on o.id = pr.org_id
              where ${participantVisible}
              group by pr.org_id) q
        join organization o on o.id = q.org_id), '[]'::json) else '[]'::json end)
    from (select i.*, ${views.incidentAccessSql(viewer)} as access_level from incident i
          where i.id = ${incidentId}::uuid and ${views.incidentVisibleSql(viewer)}) v)) as data`);
}

// ---- nodeById ----

export const NODE_BY_ID = `query NodeById($id: ID!) {
  node(id: $id) { id ... on Incident { reference title status severity tlp accessLevel reportedAt handler { code } } }
}`;

/**
 * What every request costs before it reads anything: authentication (its principal read), HTTP and
 * Apollo's pipeline around an answer that needs no resolver. Its floor is a statement that returns the
 * same JSON, so the ratio is the stack's fixed cost, the part of `nodeById`'s no read plan can remove.
 */
export const TYPENAME = `query Typename { __typename }`;

export function typenameFloor(): FloorQuery {
  return q(sql`select json_build_object('__typename', 'Query') as data`);
}

export function nodeByIdFloor(viewer: Viewer, incidentId: string): FloorQuery {
  return q(sql`select json_build_object('node', (select json_build_object('id', ${gid('Incident', 'v.id')}, 'reference', v.reference,
      'title', v.title, 'status', v.status, 'severity', case when v.access_level <> 'REPORTER' then v.severity end, 'tlp', v.tlp,
      'accessLevel', v.access_level, 'reportedAt', ${ts('v.reported_at')},
      'handler', (select json_build_object('code', h.code) from organization h where h.id = v.handler_org_id))
    from (select i.*, ${views.incidentAccessSql(viewer)} as access_level from incident i
          where i.id = ${incidentId}::uuid and ${views.incidentVisibleSql(viewer)}) v)) as data`);
}

// ---- domainCasesPage ----

export const DOMAIN_CASES_PAGE = `query DomainCasesPage($first: Int!, $after: String) {
  domainCases(first: $first, after: $after) {
    edges { cursor node { cursor removed incidentId incident { id reference title status tlp accessLevel } domains { type value } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export function domainCasesFloor(viewer: Viewer, first: number, afterPosition: string | null): FloorQuery {
  const cursor = cursorOf(['p.position::text']);
  const edge = sql`json_build_object('cursor', ${cursor}, 'node', json_build_object('cursor', ${cursor}, 'removed', p.removed, 'incidentId', ${gid('Incident', 'p.incident_id')},
      'incident', case when p.removed then null else json_build_object('id', ${gid('Incident', 'p.id')}, 'reference', p.reference,
        'title', p.title, 'status', p.status, 'tlp', p.tlp, 'accessLevel', p.access_level) end,
      'domains', case when p.removed or p.access_level not in ('FULL','REPORTER','DOMAIN_FEED') then '[]'::json
        else coalesce((select json_agg(json_build_object('type', x.type, 'value', x.value) order by x.id)
          from indicator x where x.incident_id = p.incident_id and x.type = 'DOMAIN'), '[]'::json) end))`;
  return q(sql`with page as (
      select e.incident_id, e.position, e.removed, v.id, v.reference, v.title, v.status, v.tlp, v.access_level
      from domain_feed_entry e
      left join (select i.id, i.reference, i.title, i.status, i.tlp, ${views.incidentAccessSql(viewer)} as access_level
                 from incident i where ${views.incidentVisibleSql(viewer)}) v
        on v.id = e.incident_id and v.access_level = any(${[...views.FEED_VIEWS]}::text[]) and not e.removed
      where e.registry_org_id = ${viewer.organization.id} ${afterPosition ? sql`and e.position > ${afterPosition}::bigint` : sql``}
        and (e.removed or v.id is not null)
      order by e.position limit ${first + 1}
    ), shown as (select * from page order by position limit ${first})
    select json_build_object('domainCases', json_build_object(
      'edges', coalesce((select json_agg(${edge} order by p.position) from shown p), '[]'::json),
      'pageInfo', json_build_object('hasNextPage', (select count(*) from page) > ${first},
        'endCursor', (select ${cursor} from shown p order by p.position desc limit 1)))) as data`);
}

// ---- reportIncident ----

export const REPORT_INCIDENT = `mutation ReportIncident($input: ReportIncidentInput!) {
  reportIncident(input: $input) { reference duplicate incident { id status tlp accessLevel handler { code } indicators { type value } } }
}`;

export interface ReportInput {
  title: string;
  description: string;
  detectedAt: string;
  scope: 'LOCAL' | 'WIDESPREAD';
  tlp: 'CLEAR' | 'GREEN' | 'AMBER';
  reportTo?: string;
  affectedSystem?: { name: string; publicIps: string[] };
  indicators: { type: string; value: string }[];
  reporterContact: { name: string; email: string };
}

/** The key of appendEvents' advisory lock (src/modules/incidents/events.repo.ts), so the floor orders events the same way. */
const EVENT_ORDER_LOCK = 0x1ec1de17;

/**
 * What a report does, in one statement: the year's counter, the incident (routed: widespread →
 * coordinator, addressed, longest announced prefix of the affected system, else the coordinator),
 * its indicators, the REPORTED event under the event-order lock, the registries' feed rows and a
 * notification (on a channel of its own, so the hub does no work for the floor's events).
 */
export function reportFloor(reporter: { orgId: string; accountId: string }, input: ReportInput, year: number, now: Date): FloorQuery {
  const types = input.indicators.map((x) => x.type);
  const values = input.indicators.map((x) => x.value);
  const ips = input.affectedSystem?.publicIps ?? [];
  const affected = input.affectedSystem
    ? JSON.stringify({ name: input.affectedSystem.name, level: null, operator: null, publicIps: ips, connectivityProvider: null })
    : null;
  const contact = JSON.stringify({ name: input.reporterContact.name, email: input.reporterContact.email, phone: null, organizationName: null });
  const reportTo = input.reportTo ?? null;
  return q(sql`with coord as (select id from organization where kind = 'COORDINATOR'),
    addressed as (select id from organization where code = ${reportTo}::text and active and kind in ('ISP','AGENCY_IT','COORDINATOR')),
    by_ip as (select o.id from unnest(${ips}::inet[]) ip(v) join organization o on o.active and o.kind in ('ISP','AGENCY_IT')
              join lateral unnest(o.ip_ranges) r(range) on ip.v <<= r.range order by masklen(r.range) desc, o.code limit 1),
    routed as (select case when ${input.scope}::text = 'WIDESPREAD' then (select id from coord)
                           else coalesce((select id from addressed), (select id from by_ip), (select id from coord)) end as handler_id,
                      case when ${input.scope}::text = 'WIDESPREAD' then 'WIDESPREAD' when exists (select 1 from addressed) then 'ADDRESSED'
                           when exists (select 1 from by_ip) then 'AFFECTED_SYSTEM' else 'DEFAULT' end as rule),
    counter as (insert into reference_counter (year, last_value) values (${year}, 1)
                on conflict (year) do update set last_value = reference_counter.last_value + 1 returning last_value),
    ins as (insert into incident (reference, title, description, scope, status, tlp, confidential, reporter_contact, reporting_org_id,
              reporter_account_id, handler_org_id, addressee_org_id, coordinator_org_id, coordinator_owns, affected_system, detected_at,
              reported_at, version, updated_at)
            select 'VN-' || ${String(year)}::text || '-' || lpad(counter.last_value::text, 6, '0'), ${input.title}, ${input.description},
              ${input.scope}, 'REPORTED', ${input.tlp}, false, ${contact}::jsonb, ${reporter.orgId}, ${reporter.accountId}, r.handler_id,
              (select id from addressed), case when r.handler_id = c.id then c.id end, r.handler_id = c.id, ${affected}::jsonb,
              ${input.detectedAt}::timestamptz, ${now}, 1, ${now}
            from counter, routed r, coord c
            returning id, reference, handler_org_id, tlp),
    ind as (insert into indicator (incident_id, type, value, display_value, added_at, reported)
            select ins.id, t.type, t.value, t.value, ${now}, true from ins, unnest(${types}::text[], ${values}::text[]) with ordinality t(type, value, ord)
            order by t.ord
            returning id, type, value),
    ev as (insert into incident_event (position, incident_id, type, actor_account_id, actor_org_id, occurred_at, data)
           select nextval('incident_event_position'), ins.id, 'REPORTED', ${reporter.accountId}, ${reporter.orgId}, ${now},
             jsonb_build_object('reference', ins.reference, 'status', 'REPORTED', 'handler', h.code, 'routing', r.rule,
               'addressee', ${reportTo}::text, 'indicators', ${types.length}::int)
           from ins join organization h on h.id = ins.handler_org_id cross join routed r
           cross join (select pg_advisory_xact_lock(${EVENT_ORDER_LOCK}) as locked) l
           returning position, incident_id),
    fed as (insert into domain_feed_entry (registry_org_id, incident_id, position, removed)
            select reg.id, ev.incident_id, ev.position, false from ev, organization reg
            where reg.kind = 'REGISTRY' and reg.active and ${input.tlp}::text in ('CLEAR','GREEN') and 'DOMAIN' = any(${types}::text[])
            on conflict (registry_org_id, incident_id) do update set position = excluded.position, removed = false
            returning incident_id),
    notified as (select pg_notify('bench_floor', ev.position::text) as n from ev)
    select json_build_object('reportIncident', json_build_object('reference', ins.reference, 'duplicate', false,
      'incident', json_build_object('id', ${gid('Incident', 'ins.id')}, 'status', 'REPORTED', 'tlp', ins.tlp,
        'accessLevel', 'FULL', 'handler', json_build_object('code', h.code),
        'indicators', coalesce((select json_agg(json_build_object('type', ind.type, 'value', ind.value) order by ind.id) from ind), '[]'::json)))) as data
    from ins join organization h on h.id = ins.handler_org_id, (select count(*) from fed) f, (select count(*) from notified) n`);
}

// ---- comparison ----

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Normalizes what the floor cannot reproduce exactly: a new report's receipt number and id (checked
 * for their shape), and the order of `participants` beyond its definition (the hub reads shares and
 * directive recipients without an order; both sides are sorted by code).
 */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v));
    if (key === 'participants') {
      return [...items].sort((a, b) => String((a as { code?: string }).code).localeCompare(String((b as { code?: string }).code)));
    }
    return items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalize(v, k)]));
  }
  return value;
}

export function normalizeWrite(value: unknown): unknown {
  const json = JSON.stringify(value, (k, v: unknown) => {
    if (k === 'reference' && typeof v === 'string' && /^VN-\d{4}-\d{6,}$/.test(v)) return 'VN-YYYY-NNNNNN';
    if (k === 'id' && typeof v === 'string') {
      const decoded = Buffer.from(v, 'base64url').toString('utf8');
      const [type, id] = decoded.split(':');
      if (id && UUID.test(id)) return `${type}:<uuid>`;
    }
    return v;
  });
  return JSON.parse(json) as unknown;
}

export function sameData(hub: unknown, floor: unknown, write: boolean): boolean {
  const a = normalize(write ? normalizeWrite(hub) : hub);
  const b = normalize(write ? normalizeWrite(floor) : floor);
  return isDeepStrictEqual(a, b);
}

/** The first path where two JSON values differ, for the failure message. */
export function firstDifference(a: unknown, b: unknown, path = 'data'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return `${path}: hub ${JSON.stringify(a)} ≠ floor ${JSON.stringify(b)}`;
}

export const normalizeForCompare = normalize;
