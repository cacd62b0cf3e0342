import { sql, raw, or, Sql, FALSE, TRUE } from '../db/sql';
import type { Viewer } from './viewer';
import type { OrganizationKind } from '../modules/organizations/organization.entity';
import type { IncidentActor } from '../modules/incidents/workflow';
import { directiveVisibleSql } from './directive-policy';
import type { Capability } from './capabilities';

/**
 * The rulebook's views (DESIGN.md §3). Pure: it yields SQL conditions over an incident row aliased
 * `i`, and decisions over rows already fetched; it never queries the database itself.
 */
export const ACCESS_LEVELS = ['FULL', 'REPORTER', 'RECIPIENT', 'DOMAIN_FEED', 'SUMMARY'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Kinds that see SUMMARY views of CLEAR/GREEN incidents (row 7). */
export const SUMMARY_KINDS: readonly OrganizationKind[] = ['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER', 'LAW_ENFORCEMENT', 'REGULATOR'];
/** Network members: every kind but the constituents and the regulator. */
export const NETWORK_MEMBER_KINDS: readonly OrganizationKind[] = ['COORDINATOR', 'REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER', 'LAW_ENFORCEMENT'];

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

/** A DOMAIN indicator of incident `i` matching one of `zones`, label-aligned (`evil.vn` ∉ `devil.vn`). */
export function domainInZonesSql(zones: readonly string[]): Sql {
  if (zones.length === 0) return FALSE;
  return sql`exists (select 1 from indicator x where x.incident_id = i.id and x.type = 'DOMAIN'
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

/** Incident fields each view shows (DESIGN.md §3). Relations and rule-bound fields are decided below. */
const SUMMARY_FIELDS = [
  'id', 'reference', 'title', 'classification', 'severity', 'serious', 'scope', 'status', 'tlp', 'pap',
  'confidential', 'handler', 'detectedAt', 'reportedAt', 'updatedAt', 'version',
] as const;
const REPORTER_FIELDS = [
  'id', 'reference', 'version', 'title', 'description', 'indicators', 'domains', 'reporterContact', 'affectedSystem',
  'tlp', 'confidential', 'scope', 'status', 'handler', 'detectedAt', 'occurredAt', 'reportedAt', 'updatedAt',
  'resolvedAt', 'closedAt', 'rejectionReason', 'resolutionSummary', 'notes', 'timeline', 'lateNotification',
] as const;
export type IncidentField =
  | (typeof SUMMARY_FIELDS)[number]
  | (typeof REPORTER_FIELDS)[number]
  | 'reportingOrganization' | 'coordinator' | 'participants' | 'directives' | 'finalReport' | 'escalationReason'
  | 'duplicateOf' | 'triagedAt' | 'escalatedAt' | 'finalReportDueAt' | 'affectedSystem';

const VIEW_FIELDS: Record<Exclude<AccessLevel, 'FULL'>, ReadonlySet<string>> = {
  SUMMARY: new Set<string>([...SUMMARY_FIELDS, 'timeline']),
  RECIPIENT: new Set<string>([...SUMMARY_FIELDS, 'directives']),
  DOMAIN_FEED: new Set<string>([...SUMMARY_FIELDS, 'domains', 'indicators']),
  REPORTER: new Set<string>(REPORTER_FIELDS),
};

/** Whether the view shows the field at all (field rules then narrow FULL further). */
export function viewShows(access: AccessLevel, field: IncidentField): boolean {
  return access === 'FULL' || VIEW_FIELDS[access].has(field);
}

/** The facts about one incident that field rules need. */
export interface IncidentFacts {
  handlerOrgId: string;
  reportingOrgId: string;
  reportingOrgKind: OrganizationKind;
  reportingOrgPerson: boolean;
  coordinatorOrgId: string | null;
}

/** Reporter contact and a person reporter: coordinator, handling organization, the reporting organization itself. */
export function canSeeReporterIdentity(viewer: Viewer, facts: IncidentFacts): boolean {
  const org = viewer.organization;
  return org.kind === 'COORDINATOR' || org.id === facts.handlerOrgId || org.id === facts.reportingOrgId;
}

/** `reportingOrganization`: FULL (or the reporter itself); a person only to those entitled to its identity. */
export function canSeeReportingOrganization(viewer: Viewer, access: AccessLevel, facts: IncidentFacts): boolean {
  if (facts.reportingOrgPerson) return canSeeReporterIdentity(viewer, facts);
  return access === 'FULL' || viewer.organization.id === facts.reportingOrgId;
}

/** Whether a view shows any indicator at all (SUMMARY and RECIPIENT show none on the incident). */
export function viewShowsIndicators(access: AccessLevel): boolean {
  return access === 'FULL' || access === 'REPORTER' || access === 'DOMAIN_FEED';
}

/**
 * Which indicators a view shows: FULL all; REPORTER those of its report ("what it submitted", not those
 * added later by others); DOMAIN_FEED the DOMAIN indicators; the others none.
 */
export function indicatorShown(access: AccessLevel, indicator: { type: string; reported: boolean }): boolean {
  if (access === 'FULL') return true;
  if (access === 'REPORTER') return indicator.reported;
  if (access === 'DOMAIN_FEED') return indicator.type === 'DOMAIN';
  return false;
}

/** The same rule over an indicator row `x` of an incident row `v` (with access_level), for searches on indicators. */
export const INDICATOR_SHOWN_SQL = raw(`(v.access_level in ('FULL','DOMAIN_FEED') or (v.access_level = 'REPORTER' and x.reported))`);

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

/** Contact fields of an organization: to network members only. */
export function canSeeOrganizationContact(viewer: Viewer, org: { id: string }): boolean {
  return NETWORK_MEMBER_KINDS.includes(viewer.organization.kind) || org.id === viewer.organization.id;
}

/** Accounts: within their own organization and to the coordinator. */
export function accountVisibleSql(viewer: Viewer): Sql {
  if (viewer.organization.kind === 'COORDINATOR') return raw('true');
  return sql`a.organization_id = ${viewer.organization.id}`;
}

/** Actor and author accounts: their own organization and the coordinator; others see the organization only. */
export function canSeeActorAccount(viewer: Viewer, actorOrgId: string | null): boolean {
  return viewer.organization.kind === 'COORDINATOR' || actorOrgId === viewer.organization.id;
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

/** The parts the viewer plays in an incident, for the workflow table (DESIGN.md §3 "Who may act"). */
export function incidentActors(viewer: Viewer, facts: IncidentFacts & { coordinatorOwns: boolean }): Set<IncidentActor> {
  const actors = new Set<IncidentActor>();
  const org = viewer.organization;
  const handler = org.id === facts.handlerOrgId && viewer.capabilities.has('INCIDENT_HANDLE');
  const coordinator = org.kind === 'COORDINATOR' && viewer.capabilities.has('INCIDENT_COORDINATE');
  if (handler) actors.add('HANDLER');
  if (handler && org.kind !== 'COORDINATOR') actors.add('HANDLER_NOT_COORDINATOR');
  if (coordinator) actors.add('COORDINATOR');
  if (facts.coordinatorOwns ? coordinator : handler) actors.add('OWNER');
  if (org.id === facts.reportingOrgId && viewer.capabilities.has('INCIDENT_REPORT')) actors.add('REPORTER');
  return actors;
}

// ---- notes, timeline, participants (DESIGN.md §2 "Timeline, notes", §3 field rules) ----

export const NOTE_AUDIENCE_VIEWS: Record<'INTERNAL' | 'PARTICIPANTS' | 'WITH_REPORTER', readonly AccessLevel[]> = {
  INTERNAL: ['FULL', 'REPORTER'],
  PARTICIPANTS: ['FULL'],
  WITH_REPORTER: ['FULL', 'REPORTER'],
};

/** A note row aliased `n` on an incident row `v` (with access_level) is visible to the viewer. */
export function noteVisibleSql(viewer: Viewer): Sql {
  return sql`((n.visibility = 'INTERNAL' and n.author_org_id = ${viewer.organization.id})
    or (n.visibility = 'PARTICIPANTS' and v.access_level = 'FULL')
    or (n.visibility = 'WITH_REPORTER' and v.access_level in ('FULL','REPORTER')))`;
}

/**
 * Who may add a note of this visibility: HANDLER, ADMIN and REPORTER accounts (NOTE_ADD) of an
 * organization that belongs to the note's audience; constituents only WITH_REPORTER.
 */
export function mayAddNote(viewer: Viewer, access: AccessLevel, visibility: keyof typeof NOTE_AUDIENCE_VIEWS): boolean {
  if (!viewer.capabilities.has('NOTE_ADD')) return false;
  if (viewer.organization.kind === 'CONSTITUENT' && visibility !== 'WITH_REPORTER') return false;
  if (visibility === 'INTERNAL') return access === 'FULL';
  return NOTE_AUDIENCE_VIEWS[visibility].includes(access);
}

/** Redaction: the author's organization or the coordinator (among those who can see the note). */
export function mayRedactNote(viewer: Viewer, authorOrgId: string): boolean {
  return viewer.capabilities.has('NOTE_ADD') && (viewer.organization.kind === 'COORDINATOR' || viewer.organization.id === authorOrgId);
}

/** Timeline event classes (§3). Status changes reach every view but DOMAIN_FEED and RECIPIENT. */
export const STATUS_EVENT_TYPES = [
  'REPORTED', 'TRIAGED', 'RESPONSE_STARTED', 'ESCALATED', 'COORDINATION_STARTED', 'RETURNED', 'REJECTED', 'WITHDRAWN',
  'REOPENED', 'RESOLVED', 'CLOSED',
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

/** The keys of an event's "what changed" payload each view may read; FULL reads everything. */
const EVENT_PAYLOAD_KEYS: Record<Exclude<AccessLevel, 'FULL'>, readonly string[]> = {
  REPORTER: ['from', 'to', 'reference', 'status', 'handler', 'summary', 'reason'],
  SUMMARY: ['from', 'to', 'reference', 'status', 'handler'],
  RECIPIENT: ['from', 'to', 'status'],
  DOMAIN_FEED: [],
};

/** Events that name a participant in their payload (`organization`, `organizationId`, `participation`). */
export const PARTICIPANT_EVENT_TYPES: readonly string[] = ['SHARED', 'UNSHARED', 'REFERRED'];
/** Payload keys holding raw database ids: kept for the rulebook's SQL (eventVisibleSql), never shown. */
const RAW_ID_KEYS: readonly string[] = ['organizationId'];

/**
 * Masks an event payload by the rules of the object it describes (§3): the view's keys (rejection
 * reason and resolution summary also reach REPORTER; escalation reasons do not), the participants rule
 * for the organization a share or referral names (`facts` are needed for those), and no raw ids.
 */
export function maskEventData(
  viewer: Viewer,
  access: AccessLevel | null,
  facts: IncidentFacts | null,
  type: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  // Directive events reach only those who may see the directive, and its result and reasons are directive fields.
  const directive = type.startsWith('DIRECTIVE_');
  if (access === null && !directive) return {};
  let keys = Object.keys(data).filter((k) => !RAW_ID_KEYS.includes(k));
  if (access !== null && access !== 'FULL' && !directive) {
    // A reason on a status event is a rejection/withdrawal reason only for those types.
    const allowed = EVENT_PAYLOAD_KEYS[access].filter((k) => k !== 'reason' || ['REJECTED', 'WITHDRAWN'].includes(type));
    keys = keys.filter((k) => allowed.includes(k));
  }
  if (PARTICIPANT_EVENT_TYPES.includes(type) && !participantShown(viewer, facts, data)) {
    keys = keys.filter((k) => k !== 'organization' && k !== 'reason');
  }
  return Object.fromEntries(keys.map((k) => [k, data[k]]));
}

function participantShown(viewer: Viewer, facts: IncidentFacts | null, data: Record<string, unknown>): boolean {
  const role = data.participation === 'REFERRED' ? 'REFERRED' : 'SHARED';
  return facts !== null && typeof data.organizationId === 'string'
    && visibleParticipant(viewer, facts, { organizationId: data.organizationId, role, person: false });
}

/**
 * An event's actor organization: any organization the viewer may see (§2); a constituent actor — it
 * acts only on its own reports — under the reporting-organization rule, so a person is shown only to
 * itself, the coordinator and the handling organization (`facts` are needed for constituents only).
 */
export function canSeeActorOrganization(
  viewer: Viewer,
  access: AccessLevel | null,
  facts: IncidentFacts | null,
  actor: { id: string; kind: OrganizationKind },
): boolean {
  if (canSeeOrganization(viewer, actor)) return true;
  return access !== null && facts !== null && actor.id === facts.reportingOrgId && canSeeReportingOrganization(viewer, access, facts);
}

/** Participants (§3): coordinator and handling organization see all; others see the public core and themselves. */
export function visibleParticipant(
  viewer: Viewer,
  facts: IncidentFacts,
  p: { organizationId: string; role: 'REPORTING' | 'HANDLING' | 'COORDINATOR' | 'SHARED' | 'REFERRED' | 'RECIPIENT'; person: boolean },
): boolean {
  const org = viewer.organization;
  if (p.role === 'REFERRED') return org.kind === 'COORDINATOR' || org.id === p.organizationId;
  if (org.kind === 'COORDINATOR' || org.id === facts.handlerOrgId) return true;
  if (p.organizationId === org.id) return true;
  if (p.role === 'REPORTING') return !p.person;
  return p.role === 'HANDLING' || p.role === 'COORDINATOR';
}

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
