import pg from 'pg';
import { views, incidentRepo, type Viewer } from './dist';

/** Sizes of the generated data set at scale 1 (BENCH_SCALE multiplies them). */
export const FULL_SIZE = { incidents: 100_000, indicators: 300_000, directives: 50_000, events: 500_000, notes: 50_000, constituents: 200 };

export interface Sizes {
  incidents: number;
  indicators: number;
  directives: number;
  events: number;
  notes: number;
  constituents: number;
}

export function sizesAt(scale: number): Sizes {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  return {
    incidents: n(FULL_SIZE.incidents),
    indicators: n(FULL_SIZE.indicators),
    directives: n(FULL_SIZE.directives),
    events: n(FULL_SIZE.events),
    notes: n(FULL_SIZE.notes),
    // At least 20: the subscription benchmark's subscribers follow up to 20 constituents' reports.
    constituents: Math.max(20, n(FULL_SIZE.constituents)),
  };
}

export interface OrgRow {
  id: string;
  code: string;
  name: string;
  kind: Viewer['organization']['kind'];
  person: boolean;
  zones: string[];
}

export async function orgByCode(client: pg.Client | pg.Pool, code: string): Promise<OrgRow> {
  const res = await client.query<OrgRow>('select id, code, name, kind, person, zones from organization where code = $1', [code]);
  if (!res.rows[0]) throw new Error(`organization ${code} missing`);
  return res.rows[0];
}

/** The read view of an organization (views depend on the organization only, DESIGN.md §3). */
export function orgViewer(org: OrgRow): Viewer {
  return views.organizationViewer(org, new Set(['INCIDENT_READ', 'DOMAIN_FEED_READ']));
}

/** A REPORTER account for each generated constituent (they report and follow their reports live). */
const CONSTITUENT_ACCOUNTS = `insert into account (organization_id, email, display_name, member_role, created_at, updated_at)
  select id, 'reporter@' || lower(code) || '.test', code || ' reporter', 'REPORTER', $1, $1
  from organization where code like 'BENCH-C%' on conflict (email) do nothing`;

export async function ensureConstituentAccounts(client: pg.Client): Promise<void> {
  await client.query(CONSTITUENT_ACCOUNTS, [new Date()]);
}

/**
 * Set-based generation: every table is filled by `insert … select … from generate_series`, with
 * random choices drawn once per row in a subquery (volatile subqueries are not flattened, so each
 * draw is used consistently). Distributions are plausible for a national CERT over two years.
 */
export async function loadData(url: string, sizes: Sizes, log: (msg: string) => void): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const step = async (what: string, text: string, values: unknown[] = []) => {
    const t0 = Date.now();
    const res = await c.query(text, values);
    log(`  ${what}: ${res.rowCount ?? 0} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    await c.query('set synchronous_commit = off');
    await c.query("set maintenance_work_mem = '256MB'");
    await c.query("set work_mem = '64MB'");
    const now = new Date();

    await step(
      'constituent organizations',
      `insert into organization (code, name, kind, person, country, contact, created_at, updated_at)
       select 'BENCH-C' || lpad(g::text, 4, '0'), 'Bench constituent ' || g, 'CONSTITUENT', g % 10 = 0, 'VN', '{}'::jsonb, $2, $2
       from generate_series(1, $1::int) g on conflict (code) do nothing`,
      [sizes.constituents, now],
    );

    await step('constituent accounts', CONSTITUENT_ACCOUNTS, [now]);

    // Organization ids as one row, so the per-row choices below index arrays instead of looking up.
    await c.query(`create temp table bench_orgs as
      select (array_agg(id) filter (where code = 'VNCERT'))[1] as vncert,
             (array_agg(id) filter (where code = 'VNNIC'))[1] as vnnic,
             (array_agg(id) filter (where code = 'VNPT'))[1] as vnpt,
             (array_agg(id) filter (where code = 'VIETTEL'))[1] as viettel,
             (array_agg(id) filter (where code = 'FPT'))[1] as fpt,
             (array_agg(id) filter (where code = 'MOF-IT'))[1] as mof,
             (array_agg(id) filter (where code = 'HANOI-DIC'))[1] as hanoi,
             (array_agg(id) filter (where code = 'SECPARTNER'))[1] as secpartner,
             (array_agg(id) filter (where code = 'MPS-A05'))[1] as police,
             (array_agg(id) filter (where code = 'MIC'))[1] as regulator,
             (array_agg(id) filter (where code = 'ACME'))[1] as acme,
             (array_agg(id) filter (where code = 'PERSON-0001'))[1] as person,
             array_agg(id order by code) filter (where code like 'BENCH-C%') as constituents,
             array_agg(id order by code) filter (where kind in ('REGISTRY','ISP','AGENCY_IT','RESPONSE_PARTNER')) as recipients,
             array_agg(id order by code) filter (where kind in ('REGISTRY','ISP','AGENCY_IT','RESPONSE_PARTNER','REGULATOR')) as sharees
      from organization`);
    // One account per organization to act as (HANDLER for members, REPORTER for constituents).
    await c.query(`create temp table bench_actor as
      select distinct on (organization_id) organization_id as org_id, id as account_id from account
      where member_role in ('HANDLER','REPORTER') order by organization_id, member_role`);
    await c.query('alter table bench_actor add primary key (org_id)');

    // The incidents, drawn into a numbered temp table first (n → id), so that the other tables can
    // pick random incidents by number.
    await step(
      'incident draws',
      `create temp table bench_inc as
       with draws as (
         select g as n, gen_random_uuid() as id,
           date_trunc('milliseconds', $2::timestamptz - random() * interval '730 days') as reported_at,
           random() as r_status, random() as r_tlp, random() as r_handler, random() as r_rep, random() as r_sev,
           random() as r_conf, random() as r_scope, random() as r_title, random() as r_class, random() as r_late,
           random() as r_pap, random() as r_sys, random() as r_t1, random() as r_t2, random() as r_t3
         from generate_series(1, $1::int) g
       ), shaped as (
         select d.*,
           case when r_status < 0.10 then 'REPORTED' when r_status < 0.20 then 'TRIAGED' when r_status < 0.35 then 'RESPONDING'
                when r_status < 0.38 then 'ESCALATED' when r_status < 0.45 then 'COORDINATING' when r_status < 0.65 then 'RESOLVED'
                when r_status < 0.95 then 'CLOSED' else 'REJECTED' end as status,
           case when r_tlp < 0.15 then 'CLEAR' when r_tlp < 0.50 then 'GREEN' when r_tlp < 0.85 then 'AMBER'
                when r_tlp < 0.95 then 'AMBER_STRICT' else 'RED' end as tlp,
           case when r_scope < 0.10 then 'WIDESPREAD' else 'LOCAL' end as scope
         from draws d
       )
       select s.*,
         case when s.scope = 'WIDESPREAD' or s.r_handler >= 0.75 then o.vncert
              when s.r_handler < 0.25 then o.vnpt when s.r_handler < 0.50 then o.viettel when s.r_handler < 0.65 then o.fpt
              when s.r_handler < 0.70 then o.mof else o.hanoi end as handler_org_id,
         o.vncert as vncert
       from shaped s cross join bench_orgs o`,
      [sizes.incidents, now],
    );
    await c.query('alter table bench_inc add primary key (n)');
    await c.query(`alter table bench_inc add column reporting_org_id uuid`);
    await c.query(`update bench_inc b set reporting_org_id = case
        when b.r_rep < 0.08 then o.acme when b.r_rep < 0.11 then o.person
        when b.r_rep < 0.55 then o.constituents[1 + floor(b.r_t3 * array_length(o.constituents, 1))::int]
        when b.r_rep < 0.70 then b.handler_org_id when b.r_rep < 0.78 then o.vnpt when b.r_rep < 0.83 then o.viettel
        when b.r_rep < 0.87 then o.fpt when b.r_rep < 0.90 then o.mof when b.r_rep < 0.93 then o.vncert
        when b.r_rep < 0.96 then o.vnnic when b.r_rep < 0.98 then o.secpartner else o.hanoi end
      from bench_orgs o`);

    await step(
      'incidents',
      `insert into incident (id, reference, title, description, rsit_class, rsit_type, national_category, severity, serious, scope,
         status, tlp, pap, confidential, reporter_contact, reporting_org_id, reporter_account_id, handler_org_id, coordinator_org_id,
         coordinator_owns, affected_system, occurred_at, detected_at, reported_at, triaged_at, escalated_at, resolved_at, closed_at,
         rejection_reason, resolution_summary, version, updated_at)
       select x.id, 'VN-' || x.year || '-' || lpad((x.year_seq + coalesce(rc.last_value, 0))::text, 6, '0'),
         x.title, x.title || '. Reported with evidence attached; the handler is asked to verify and act.',
         case when x.status in ('REPORTED','REJECTED') then null else x.rsit_class end,
         case when x.status in ('REPORTED','REJECTED') then null else x.rsit_type end,
         null,
         x.severity, coalesce(x.severity = 'CRITICAL' and x.r_sev > 0.97, false), x.scope, x.status, x.tlp,
         case when x.r_pap < 0.5 then null else (array['CLEAR','GREEN','AMBER','RED'])[1 + floor(x.r_pap * 8)::int % 4] end,
         x.r_conf < 0.05,
         jsonb_build_object('name', 'Reporter ' || x.n, 'email', 'reporter' || x.n || '@example.test', 'phone', '+84 90 ' || lpad((x.n % 10000000)::text, 7, '0'), 'organizationName', null),
         x.reporting_org_id, a.account_id, x.handler_org_id,
         case when x.handler_org_id = x.vncert or x.status in ('ESCALATED','COORDINATING') then x.vncert end,
         x.handler_org_id = x.vncert or x.status = 'COORDINATING',
         case when x.r_sys < 0.3 then jsonb_build_object('name', 'System ' || x.n, 'level', 1 + floor(x.r_sys * 16)::int, 'operator', 'Operator ' || (x.n % 97),
           'publicIps', jsonb_build_array('203.0.113.' || (x.n % 250)), 'connectivityProvider', null) end,
         x.detected_at - interval '2 hours', x.detected_at, x.reported_at,
         case when x.status <> 'REPORTED' then x.triaged_at end,
         case when x.status in ('ESCALATED','COORDINATING') then least(x.triaged_at + interval '6 hours', $1::timestamptz) end,
         case when x.status in ('RESOLVED','CLOSED') then x.resolved_at end,
         case when x.status = 'CLOSED' then least(x.resolved_at + interval '3 days', $1::timestamptz) end,
         case when x.status = 'REJECTED' then 'Not an incident: the reported site is legitimate.' end,
         case when x.status in ('RESOLVED','CLOSED') then 'Contained and cleaned up; indicators blocked.' end,
         1 + floor(x.r_t1 * 6)::int,
         greatest(x.reported_at, case when x.status <> 'REPORTED' then x.triaged_at end,
                  case when x.status in ('RESOLVED','CLOSED') then x.resolved_at end)
       from (
         select b.*,
           extract(year from b.reported_at at time zone 'Asia/Ho_Chi_Minh')::int as year,
           row_number() over (partition by extract(year from b.reported_at at time zone 'Asia/Ho_Chi_Minh') order by b.reported_at, b.n) as year_seq,
           (array['Phishing site imitating', 'Defacement of the portal of', 'Malware distribution through', 'DDoS attack against',
                  'Ransomware infection at', 'Spam relayed by', 'Credential leak from', 'Brute-force logins on', 'Botnet traffic from',
                  'Scanning activity from'])[1 + floor(b.r_title * 10)::int]
             || ' ' || (array['Bank', 'Ministry', 'Province', 'University', 'Hospital', 'Retailer', 'Airline', 'Utility'])[1 + floor(b.r_t2 * 8)::int]
             || ' ' || (b.n % 997) as title,
           (array['fraud','malicious-code','availability','abusive-content','intrusions','information-gathering',
                  'intrusion-attempts','information-content-security'])[1 + floor(b.r_class * 8)::int] as rsit_class,
           (array['phishing','infected-system','ddos','spam','system-compromise','scanner','brute-force',
                  'unauthorised-modification'])[1 + floor(b.r_class * 8)::int] as rsit_type,
           case when b.status in ('REPORTED','REJECTED') then null
                when b.r_sev < 0.30 then 'LOW' when b.r_sev < 0.70 then 'MEDIUM' when b.r_sev < 0.92 then 'HIGH' else 'CRITICAL' end as severity,
           date_trunc('milliseconds', b.reported_at - (case when b.r_late < 0.05 then interval '200 hours' else interval '30 hours' end) * b.r_late) as detected_at,
           least(date_trunc('milliseconds', b.reported_at + interval '40 hours' * b.r_t1), $1::timestamptz) as triaged_at,
           least(date_trunc('milliseconds', b.reported_at + interval '20 days' * b.r_t2 + interval '1 day'), $1::timestamptz) as resolved_at
         from bench_inc b
       ) x
       left join reference_counter rc on rc.year = x.year
       left join bench_actor a on a.org_id = x.reporting_org_id`,
      [now],
    );
    await c.query(`insert into reference_counter (year, last_value)
      select split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::int) from incident group by 1
      on conflict (year) do update set last_value = greatest(reference_counter.last_value, excluded.last_value)`);

    await step(
      'indicators',
      `insert into indicator (incident_id, type, value, display_value, added_at, reported)
       select b.id, t.type, t.value, t.value, b.reported_at, true
       from (select k, 1 + floor(random() * $2::int)::int as n, random() as r_type, random() as r_zone from generate_series(1, $1::int) k) s
       join bench_inc b on b.n = s.n
       cross join lateral (select
         case when s.r_type < 0.40 then 'DOMAIN' when s.r_type < 0.65 then 'IPV4' when s.r_type < 0.80 then 'URL'
              when s.r_type < 0.90 then 'FILE_HASH' when s.r_type < 0.95 then 'EMAIL' else 'IPV6' end as type) ty
       cross join lateral (select ty.type, case ty.type
         when 'DOMAIN' then 'site-' || s.k || '.' || case when s.r_zone < 0.6
           then (array['vn','com.vn','gov.vn','edu.vn','net.vn'])[1 + floor(s.r_zone / 0.6 * 5)::int]
           else (array['com','net','org','info','xyz'])[1 + floor((s.r_zone - 0.6) / 0.4 * 5)::int] end
         when 'IPV4' then '100.' || (s.k / 65536 % 256) || '.' || (s.k / 256 % 256) || '.' || (s.k % 256)
         when 'URL' then 'https://login-' || s.k || '.example.com/verify'
         when 'FILE_HASH' then md5(s.k::text)
         when 'EMAIL' then 'sender' || s.k || '@example.net'
         else '2001:db8::' || to_hex(s.k) end as value) t
       on conflict (incident_id, type, value) do nothing`,
      [sizes.indicators, sizes.incidents],
    );

    await c.query('analyze incident, indicator');
    await step(
      'directives',
      `insert into directive (incident_id, issuer_org_id, recipient_org_id, action, instructions, tlp, pap, status, due_at,
         acknowledgement_due_at, issued_at, acknowledged_at, started_at, completed_at, declined_at, cancelled_at, result,
         decline_reason, cancel_reason, version, updated_at)
       select x.id, o.vncert, o.recipients[1 + floor(x.r_rec * array_length(o.recipients, 1))::int], x.action,
         'Act on the indicators of this incident and report back.', x.tlp, null, x.status,
         x.issued_at + x.due, x.issued_at + interval '2 hours', x.issued_at,
         case when x.status not in ('ISSUED','CANCELLED') then x.issued_at + interval '1 hour' end,
         case when x.status in ('IN_PROGRESS','COMPLETED') then x.issued_at + interval '3 hours' end,
         case when x.status = 'COMPLETED' then x.issued_at + interval '20 hours' end,
         case when x.status = 'DECLINED' then x.issued_at + interval '2 hours' end,
         case when x.status = 'CANCELLED' then x.issued_at + interval '5 hours' end,
         case when x.status = 'COMPLETED' then 'Done: blocked and confirmed.' end,
         case when x.status = 'DECLINED' then 'Outside our network.' end,
         case when x.status = 'CANCELLED' then 'No longer needed.' end,
         1 + (x.status <> 'ISSUED')::int, x.issued_at + interval '1 day'
       from (
         select b.id, b.tlp, s.r_rec,
           date_trunc('milliseconds', b.reported_at + interval '72 hours' * s.r_at) as issued_at,
           (array['BLOCK_IP','BLOCK_DOMAIN','SUSPEND_DOMAIN','TAKE_DOWN_CONTENT','PRESERVE_EVIDENCE','PROVIDE_INFORMATION',
                  'ISOLATE_SYSTEM','DEPLOY_RESPONSE_TEAM','PATCH_VULNERABILITY','INVESTIGATE','OTHER'])[1 + floor(s.r_action * 11)::int] as action,
           case when s.r_action < 0.55 then interval '24 hours' when s.r_action < 0.65 then interval '72 hours' else interval '120 hours' end as due,
           case when s.r_status < 0.15 then 'ISSUED' when s.r_status < 0.25 then 'ACKNOWLEDGED' when s.r_status < 0.40 then 'IN_PROGRESS'
                when s.r_status < 0.85 then 'COMPLETED' when s.r_status < 0.90 then 'DECLINED' else 'CANCELLED' end as status
         from (select 1 + floor(random() * $2::int)::int as n, random() as r_rec, random() as r_at, random() as r_action, random() as r_status
               from generate_series(1, $1::int)) s
         join bench_inc b on b.n = s.n
       ) x cross join bench_orgs o`,
      [sizes.directives, sizes.incidents],
    );
    await c.query('analyze directive');
    await step(
      'coordinator takes part where it issued directives',
      `update incident i set coordinator_org_id = o.vncert from bench_orgs o
       where i.coordinator_org_id is null and exists (select 1 from directive d where d.incident_id = i.id)`,
    );
    await step(
      'directive targets',
      `insert into directive_target (directive_id, type, value, display_value)
       select distinct on (d.id) d.id, x.type, x.value, x.display_value
       from (select id, incident_id from directive where random() < 0.6) d join indicator x on x.incident_id = d.incident_id
       order by d.id, x.id
       on conflict do nothing`,
    );
    await step(
      'shares and referrals',
      `insert into incident_participant (incident_id, organization_id, kind, reason, added_at)
       select b.id, case when s.r < 0.8 then o.sharees[1 + floor(s.r2 * array_length(o.sharees, 1))::int] else o.police end,
         case when s.r < 0.8 then 'SHARED' else 'REFERRED' end, 'Needs their help', b.reported_at + interval '1 day'
       from (select 1 + floor(random() * $2::int)::int as n, random() as r, random() as r2 from generate_series(1, $1::int)) s
       join bench_inc b on b.n = s.n cross join bench_orgs o
       where (case when s.r < 0.8 then o.sharees[1 + floor(s.r2 * array_length(o.sharees, 1))::int] else o.police end) <> b.handler_org_id
       on conflict do nothing`,
      [Math.round(sizes.incidents * 0.06), sizes.incidents],
    );
    await step(
      'notes',
      `insert into note (incident_id, author_account_id, author_org_id, visibility, body, created_at, redacted_at, redaction_reason)
       select x.id, a.account_id, x.author, x.visibility, 'Checked the logs; see attached evidence (' || x.n || ').', x.created_at,
         case when x.r_red < 0.02 then x.created_at + interval '1 hour' end, case when x.r_red < 0.02 then 'Personal data' end
       from (
         select b.id, b.n, s.r_red,
           case when s.r_who < 0.6 then b.handler_org_id when s.r_who < 0.9 then b.vncert else b.reporting_org_id end as author,
           case when s.r_vis < 0.3 then 'INTERNAL' when s.r_vis < 0.8 then 'PARTICIPANTS' else 'WITH_REPORTER' end as visibility,
           date_trunc('milliseconds', b.reported_at + interval '10 days' * s.r_at) as created_at
         from (select 1 + floor(random() * $2::int)::int as n, random() as r_who, random() as r_vis, random() as r_at, random() as r_red
               from generate_series(1, $1::int)) s
         join bench_inc b on b.n = s.n
       ) x left join bench_actor a on a.org_id = x.author`,
      [sizes.notes, sizes.incidents],
    );

    // The timeline: REPORTED for each incident, DIRECTIVE_ISSUED per directive, NOTE_ADDED per note,
    // and status changes and updates for the rest; positions from the sequence in time order.
    await c.query(`create temp table bench_ev (incident_id uuid, directive_id uuid, note_id uuid, type text, actor_org_id uuid,
      occurred_at timestamptz, data jsonb)`);
    await step(
      'timeline: REPORTED',
      `insert into bench_ev select b.id, null, null, 'REPORTED', b.reporting_org_id, b.reported_at,
         jsonb_build_object('reference', i.reference, 'status', 'REPORTED', 'handler', h.code, 'routing', 'DEFAULT', 'addressee', null, 'indicators', 1)
       from bench_inc b join incident i on i.id = b.id join organization h on h.id = b.handler_org_id`,
    );
    await step(
      'timeline: directives',
      `insert into bench_ev select d.incident_id, d.id, null, 'DIRECTIVE_ISSUED', d.issuer_org_id, d.issued_at,
         jsonb_build_object('action', d.action, 'recipient', r.code, 'dueAt', d.due_at)
       from directive d join organization r on r.id = d.recipient_org_id join bench_inc b on b.id = d.incident_id`,
    );
    await step(
      'timeline: notes',
      `insert into bench_ev select n.incident_id, null, n.id, 'NOTE_ADDED', n.author_org_id, n.created_at, jsonb_build_object('visibility', n.visibility)
       from note n join bench_inc b on b.id = n.incident_id`,
    );
    const rest = await c.query<{ n: string }>('select count(*)::text as n from bench_ev');
    await step(
      'timeline: status changes and updates',
      `insert into bench_ev select b.id, null, null, t.type, case when s.r_type < 0.9 then b.handler_org_id else b.vncert end,
         date_trunc('milliseconds', b.reported_at + (i.updated_at - b.reported_at) * s.r_at), t.data
       from (select 1 + floor(random() * $2::int)::int as n, random() as r_type, random() as r_at from generate_series(1, $1::int)) s
       join bench_inc b on b.n = s.n join incident i on i.id = b.id
       cross join lateral (select case
         when s.r_type < 0.25 then 'TRIAGED' when s.r_type < 0.45 then 'RESPONSE_STARTED' when s.r_type < 0.70 then 'UPDATED'
         when s.r_type < 0.85 then 'INDICATORS_ADDED' when s.r_type < 0.95 then 'RESOLVED' else 'CLOSED' end as type) ty
       cross join lateral (select ty.type, case ty.type
         when 'TRIAGED' then jsonb_build_object('from', 'REPORTED', 'to', 'TRIAGED', 'status', 'TRIAGED', 'severity', 'MEDIUM')
         when 'RESPONSE_STARTED' then jsonb_build_object('from', 'TRIAGED', 'to', 'RESPONDING', 'status', 'RESPONDING')
         when 'UPDATED' then jsonb_build_object('fields', jsonb_build_array('description'))
         when 'INDICATORS_ADDED' then jsonb_build_object('added', jsonb_build_array('DOMAIN extra-' || s.n || '.vn'))
         when 'RESOLVED' then jsonb_build_object('from', 'RESPONDING', 'to', 'RESOLVED', 'status', 'RESOLVED', 'summary', 'Contained')
         else jsonb_build_object('from', 'RESOLVED', 'to', 'CLOSED', 'status', 'CLOSED') end as data) t`,
      [Math.max(0, sizes.events - Number(rest.rows[0].n)), sizes.incidents],
    );
    await step(
      'timeline events',
      `insert into incident_event (position, incident_id, directive_id, note_id, type, actor_account_id, actor_org_id, occurred_at, data)
       select nextval('incident_event_position'), e.incident_id, e.directive_id, e.note_id, e.type, a.account_id, e.actor_org_id, e.occurred_at, e.data
       from (select * from bench_ev order by occurred_at) e left join bench_actor a on a.org_id = e.actor_org_id`,
    );

    // The registry feed projection of VNNIC, from the same visibility SQL the hub keeps it with.
    const vnnic = await orgByCode(c, 'VNNIC');
    const visible = incidentRepo.visibleIncidentsSql(orgViewer(vnnic)).toQuery();
    const feedViews = `{${views.FEED_VIEWS.join(',')}}`;
    const n = visible.values.length;
    await step(
      'registry feed (VNNIC)',
      `insert into domain_feed_entry (registry_org_id, incident_id, position, removed)
       select $${n + 1}::uuid, v.id, (select max(e.position) from incident_event e where e.incident_id = v.id), false
       from (${visible.text}) v
       where v.access_level = any($${n + 2}::text[])
         and exists (select 1 from indicator x where x.incident_id = v.id and x.type = 'DOMAIN')
       on conflict do nothing`,
      [...visible.values, vnnic.id, feedViews],
    );
    await step(
      'registry feed tombstones (cases that left the feed)',
      `insert into domain_feed_entry (registry_org_id, incident_id, position, removed)
       select $1::uuid, i.id, (select max(e.position) from incident_event e where e.incident_id = i.id), true
       from incident i
       where (i.confidential or i.status = 'REJECTED') and random() < 0.3
         and exists (select 1 from indicator x where x.incident_id = i.id and x.type = 'DOMAIN')
       on conflict do nothing`,
      [vnnic.id],
    );
    const t0 = Date.now();
    // As autovacuum leaves a table in steady state: statistics, and the visibility map for index-only scans.
    await c.query('vacuum (analyze)');
    log(`  vacuum (analyze): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await c.end();
  }
}
