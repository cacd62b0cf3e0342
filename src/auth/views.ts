import { sql, raw, or, Sql, FALSE, TRUE } from '../db/sql';
import type { Viewer } from './viewer';
import type { OrganizationKind } from '../modules/organizations/organization.entity';
import type { Capability } from './capabilities';

/**
 * The rulebook's views and row visibility (DESIGN.md §2 "Visibility of organizations and accounts",
 * §3 views, feed membership, and the SQL of the item rules: notes, events, directives). Pure: it yields
 * SQL conditions over rows aliased by the caller and decisions over rows already fetched; it never
 * queries the database itself. Which fields of a visible row a viewer reads is projection.ts.
 */
export const ACCESS_LEVELS = ['FULL', 'REPORTER', 'RECIPIENT', 'DOMAIN_FEED', 'SUMMARY'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Kinds that see SUMMARY views of CLEAR/GREEN incidents (row 7). */
export const SUMMARY_KINDS: readonly OrganizationKind[] = ['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER', 'LAW_ENFORCEMENT', 'REGULATOR'];
/** Network members: every kind but the constituents and the regulator. */
export const NETWORK_MEMBER_KINDS: readonly OrganizationKind[] = [
  'COORDINATOR',
  'REGISTRY',
  'ISP',
  'AGENCY_IT',
  'RESPONSE_PARTNER',
  'LAW_ENFORCEMENT',
];

interface ViewBranch {
  level: AccessLevel;
  when: Sql;
}

/**
 * Ends the EXISTS probes of the views below. `offset 0` keeps PostgreSQL from planning them as hashed
 * subplans, which read every matching row of the table (all of an organization's directives, every
 * DOMAIN indicator) to build a hash before a page's first row; probed per incident through the
 * index, a page costs a few index lookups per row it looks at (see `npm run bench`, EXPLAIN).
 */
const PER_ROW = raw('offset 0');

/**
 * A DOMAIN indicator of the incident (`i.id` unless another column is named) matching one of `zones`,
 * label-aligned (`evil.vn` ∉ `devil.vn`): the one SQL form of zone matching (its JavaScript twin,
 * `isDomainInZone` in src/modules/indicators/normalize.ts, is the tests' oracle).
 */
export function domainInZonesSql(zones: readonly string[], incidentId: Sql = sql`i.id`): Sql {
  if (zones.length === 0) return FALSE;
  return sql`exists (select 1 from indicator x where x.incident_id = ${incidentId} and x.type = 'DOMAIN'
    and (x.value = any(${zones}::text[]) or exists (select 1 from unnest(${zones}::text[]) z(zone) where reverse(x.value) like reverse(z.zone) || '.%')) ${PER_ROW})`;
}

/** The table of DESIGN.md §3, first matching row wins. */
function viewBranches(viewer: Viewer): ViewBranch[] {
  const org = viewer.organization;
  const kind = org.kind;
  // Row 1: the coordinator sees everything.
  if (kind === 'COORDINATOR') return [{ level: 'FULL', when: raw('true') }];
  // Constituents see only their own organization's reports (row 3), whatever the TLP.
  if (kind === 'CONSTITUENT') return [{ level: 'REPORTER', when: sql`i.reporting_org_id = ${org.id}` }];
  const branches: ViewBranch[] = [
    // Row 2: handling, shared, referred.
    {
      level: 'FULL',
      when: sql`(i.handler_org_id = ${org.id} or exists (select 1 from incident_participant p where p.incident_id = i.id and p.organization_id = ${org.id} ${PER_ROW}))`,
    },
    // Row 4: a network member that reported it (the REGULATOR is not a network member).
    ...(NETWORK_MEMBER_KINDS.includes(kind) ? [{ level: 'FULL' as const, when: sql`i.reporting_org_id = ${org.id}` }] : []),
    // Row 5: a directive recipient with no other link; confidential switches it off.
    {
      level: 'RECIPIENT',
      when: sql`(not i.confidential and exists (select 1 from directive d where d.incident_id = i.id and d.recipient_org_id = ${org.id} ${PER_ROW}))`,
    },
  ];
  // Row 6: the registry's domain feed.
  if (kind === 'REGISTRY') {
    const anyDomain = sql`exists (select 1 from indicator x where x.incident_id = i.id and x.type = 'DOMAIN' ${PER_ROW})`;
    branches.push({
      level: 'DOMAIN_FEED',
      when: sql`(not i.confidential and i.status <> 'REJECTED' and (
        (i.tlp in ('CLEAR','GREEN') and ${anyDomain}) or (i.tlp = 'AMBER' and ${domainInZonesSql(org.zones)})))`,
    });
  }
  // Row 7: summaries of CLEAR/GREEN incidents to other network members and the regulator.
  if (SUMMARY_KINDS.includes(kind)) {
    branches.push({ level: 'SUMMARY', when: raw(`(i.tlp in ('CLEAR','GREEN') and not i.confidential)`) });
  }
  return branches;
}

/** SQL expression: the viewer's access level to incident `i`, or NULL when it is invisible. */
export function incidentAccessSql(viewer: Viewer): Sql {
  const branches = viewBranches(viewer);
  const parts = branches.map((b) => sql`when ${b.when} then ${raw(`'${b.level}'`)}`);
  return sql`(case ${joinSpace(parts)} end)`;
}

/** SQL condition: incident `i` is visible to the viewer (in any view). */
export function incidentVisibleSql(viewer: Viewer): Sql {
  return or(viewBranches(viewer).map((b) => b.when));
}

function joinSpace(parts: Sql[]): Sql {
  return parts.reduce((acc, p) => sql`${acc} ${p}`, raw(''));
}

/** The facts about one incident that field rules need. */
export interface IncidentFacts {
  handlerOrgId: string;
  reportingOrgId: string;
  reportingOrgKind: OrganizationKind;
  reportingOrgPerson: boolean;
  coordinatorOrgId: string | null;
}

/**
 * Organization visibility (DESIGN.md §2): every non-constituent organization is visible to every
 * account; a constituent to itself and the coordinator (and, as a reporting organization, by the
 * incident field rule above). Returns a condition over an organization row aliased `o`.
 */
export function organizationVisibleSql(viewer: Viewer): Sql {
  if (viewer.organization.kind === 'COORDINATOR') return raw('true');
  return sql`(o.kind <> 'CONSTITUENT' or o.id = ${viewer.organization.id})`;
}

export function canSeeOrganization(viewer: Viewer, org: { id: string; kind: OrganizationKind }): boolean {
  return viewer.organization.kind === 'COORDINATOR' || org.kind !== 'CONSTITUENT' || org.id === viewer.organization.id;
}

/** Accounts: within their own organization and to the coordinator. */
export function accountVisibleSql(viewer: Viewer): Sql {
  if (viewer.organization.kind === 'COORDINATOR') return raw('true');
  return sql`a.organization_id = ${viewer.organization.id}`;
}

/**
 * Filters and orders may only use fields the row's view shows: severity and classification are not
 * in the REPORTER view, so over a row set aliased `v` (with `access_level`) they apply only where shown.
 * REPORTER is the constituents' only view and no one else's, so for a given viewer the condition is
 * a constant (which lets the planner use the severity index for SEVERITY_DESC).
 */
export function classificationShownSql(viewer?: Viewer): Sql {
  if (viewer) return viewer.organization.kind === 'CONSTITUENT' ? FALSE : TRUE;
  return raw(`v.access_level <> 'REPORTER'`);
}

/** A note row aliased `n` on an incident row `v` (with access_level) is visible to the viewer. */
export function noteVisibleSql(viewer: Viewer): Sql {
  return sql`((n.visibility = 'INTERNAL' and n.author_org_id = ${viewer.organization.id})
    or (n.visibility = 'PARTICIPANTS' and v.access_level = 'FULL')
    or (n.visibility = 'WITH_REPORTER' and v.access_level in ('FULL','REPORTER')))`;
}

/** Timeline event classes (§3). Status changes reach every view but DOMAIN_FEED and RECIPIENT. */
export const STATUS_EVENT_TYPES = [
  'REPORTED',
  'TRIAGED',
  'RESPONSE_STARTED',
  'ESCALATED',
  'COORDINATION_STARTED',
  'RETURNED',
  'REJECTED',
  'WITHDRAWN',
  'REOPENED',
  'RESOLVED',
  'CLOSED',
] as const;
export const FULL_EVENT_TYPES = ['SHARED', 'UNSHARED', 'REFERRED', 'TLP_CHANGED', 'INDICATORS_ADDED', 'FINAL_REPORT_SUBMITTED', 'UPDATED'] as const;

/**
 * An event row `e` of incident `v` (with access_level) is visible to the viewer. Referrals (and their
 * undoing) are visible to the coordinator and the referred organization only; directive events to
 * whoever may see the directive (coordinator, recipient, handling organization); note events to the
 * note's audience.
 */
export function eventVisibleSql(viewer: Viewer): Sql {
  const org = viewer.organization.id;
  const coordinator = viewer.organization.kind === 'COORDINATOR';
  const referral = coordinator ? raw('true') : sql`(e.data->>'organizationId') = ${org}`;
  return sql`(
    (e.type = any(${[...STATUS_EVENT_TYPES]}::text[]) and v.access_level in ('FULL','REPORTER','SUMMARY'))
    or (e.type = any(${[...FULL_EVENT_TYPES]}::text[]) and v.access_level = 'FULL'
        and (coalesce(e.data->>'participation', '') <> 'REFERRED' or ${referral}))
    or (e.type like 'NOTE\\_%' and exists (select 1 from note n where n.id = e.note_id and ${noteVisibleSql(viewer)}))
    or (e.type like 'DIRECTIVE\\_%' and exists (select 1 from directive d join incident i on i.id = d.incident_id
        where d.id = e.directive_id and ${directiveVisibleSql(viewer)})))`;
}

/**
 * Field rule "a directive: the coordinator, its recipient, the handling organization". It does not
 * depend on the incident's view: a recipient of a confidential incident still sees its own directive.
 * Recipients never see each other's directives, because only their own match `d.recipient_org_id`.
 */
export function directiveVisibleSql(viewer: Viewer): Sql {
  const org = viewer.organization;
  if (org.kind === 'COORDINATOR') return raw('true');
  return sql`(d.recipient_org_id = ${org.id} or i.handler_org_id = ${org.id})`;
}

/** Views in which a case is in a registry's feed: "the DOMAIN_FEED view or better" (§3 "Registry feed"). */
export const FEED_VIEWS: readonly AccessLevel[] = ['FULL', 'RECIPIENT', 'DOMAIN_FEED'];

/** Incident row `v` (with access_level) is in the viewer's domain feed: a feed view and a DOMAIN indicator. */
export function inFeedSql(): Sql {
  return sql`(v.access_level = any(${[...FEED_VIEWS]}::text[]) and exists (select 1 from indicator x where x.incident_id = v.id and x.type = 'DOMAIN'))`;
}

/** Incident row `v` is in a feed view (tombstones aside, the feed's entries are read through it). */
export function feedViewSql(): Sql {
  return sql`v.access_level = any(${[...FEED_VIEWS]}::text[])`;
}

/** `directiveEvents` (§3 subscriptions): the directives addressed to the viewer's organization; every directive to the coordinator. */
export function directiveStreamSql(viewer: Viewer): Sql {
  return viewer.organization.kind === 'COORDINATOR' ? TRUE : sql`d.recipient_org_id = ${viewer.organization.id}`;
}

/** The wildcard `incidentEvents` streams the incidents seen in a view other than SUMMARY; a SUMMARY one is followed by its id (§3). */
export function inWildcardStream(view: AccessLevel): boolean {
  return view !== 'SUMMARY';
}

/**
 * The TAXII `incidents` collection (DESIGN.md §8): the incidents seen in a view other than SUMMARY, as
 * the wildcard stream above, over an incident row `v` with access_level.
 */
export function inExchangeCollectionSql(): Sql {
  return raw(`v.access_level <> 'SUMMARY'`);
}

/**
 * The indicators rule (projection.ts `indicatorShown`) over an indicator row `x` of an incident row `v`
 * (with access_level): FULL all, REPORTER those of its report, DOMAIN_FEED the DOMAIN ones. For searches
 * on indicators and the compiled answers.
 */
export const INDICATOR_SHOWN_SQL = raw(
  `(v.access_level = 'FULL' or (v.access_level = 'REPORTER' and x.reported) or (v.access_level = 'DOMAIN_FEED' and x.type = 'DOMAIN'))`,
);

/**
 * The view an organization's readers have, without a particular account: views depend only on the
 * organization (DESIGN.md §3), so the registry feed projection and subscription fan-out evaluate
 * visibility once per organization and capability set.
 */
export function organizationViewer(org: Viewer['organization'], capabilities: ReadonlySet<Capability>): Viewer {
  return {
    principal: { type: 'API_KEY', id: '00000000-0000-0000-0000-000000000000', name: `${org.code} (organization view)`, expiresAt: null },
    organization: org,
    memberRole: org.kind === 'CONSTITUENT' ? 'REPORTER' : 'ANALYST',
    capabilities,
    credentialExpiresAt: null,
  };
}

/**
 * Webhooks and the delivery log (DESIGN.md §7) over a row aliased `w` with `organization_id`: the
 * viewer's own organization's; the coordinator's ADMINs manage every organization's. Anything else
 * reads like a missing object.
 */
export function notificationRowsVisibleSql(viewer: Viewer): Sql {
  if (viewer.organization.kind === 'COORDINATOR') return raw('true');
  return sql`w.organization_id = ${viewer.organization.id}`;
}

/** The organization whose notifications a request manages when it names none: the viewer's own. */
export function ownOrganizationId(viewer: Viewer): string {
  return viewer.organization.id;
}
