import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Viewer } from './viewer';
import type { OrganizationKind } from '../modules/organizations/organization.entity';
import { ACCESS_LEVELS, NETWORK_MEMBER_KINDS, canSeeOrganization, type AccessLevel, type IncidentFacts } from './views';

/**
 * The projection of the rulebook (DESIGN.md §3 views and field rules, §6 "One rulebook, one
 * projection"): for every protected type, each field with the views that show it and the field rule
 * it is under. `project` applies it — "project object O for viewer V" — and every exit of data
 * (GraphQL, subscriptions, the feed, and the exports to come) reads records through it. It fails
 * closed: a field of a protected type with no entry fails the schema build (`unprojectedFields`).
 *
 * The table is data so that it can be compiled into SQL (the views become `access_level in (…)`,
 * the rules their SQL counterparts in views.ts) and so that the mutation check can flip entries.
 */

/** Every view: the field goes wherever the object itself goes. */
const ANY: readonly AccessLevel[] = ACCESS_LEVELS;
/** The SUMMARY fields a constituent reporter's view leaves out (no severity or classification, §3 row 3). */
const NOT_REPORTER: readonly AccessLevel[] = ['FULL', 'RECIPIENT', 'DOMAIN_FEED', 'SUMMARY'];
const FULL_REPORTER: readonly AccessLevel[] = ['FULL', 'REPORTER'];
const FULL: readonly AccessLevel[] = ['FULL'];

/**
 * Field rules: predicates on top of the views. A field under a rule is shown only when its view
 * shows it and the rule admits the viewer.
 */
export type FieldRule =
  | 'REPORTER_IDENTITY'
  | 'REPORTING_ORGANIZATION'
  | 'ACTOR_ACCOUNT'
  | 'ACTOR_ORGANIZATION'
  | 'ORGANIZATION_CONTACT'
  | 'OWN_ORGANIZATION'
  | 'INCIDENT_VIEW';

/**
 * Item rules: a list field whose items each pass a rule of their own — per item here (`filterItems`)
 * or in SQL (views.ts: `noteVisibleSql`, `eventVisibleSql`, `directiveVisibleSql`, the incident views).
 */
export type ItemRule =
  'PARTICIPANTS' | 'INDICATORS' | 'NOTE_AUDIENCE' | 'EVENT_CLASS' | 'DIRECTIVES' | 'INCIDENT_VISIBLE' | 'ACCOUNTS_VISIBLE' | 'EVENT_PAYLOAD';

export interface FieldEntry {
  views: readonly AccessLevel[];
  rule?: FieldRule;
  items?: ItemRule;
}

/** Incident (§3 views table and field rules). */
const INCIDENT: Record<string, FieldEntry> = {
  id: { views: ANY },
  reference: { views: ANY },
  version: { views: ANY },
  title: { views: ANY },
  status: { views: ANY },
  tlp: { views: ANY },
  confidential: { views: ANY },
  scope: { views: ANY },
  handler: { views: ANY },
  detectedAt: { views: ANY },
  reportedAt: { views: ANY },
  updatedAt: { views: ANY },
  accessLevel: { views: ANY },
  viewerCan: { views: ANY },
  severity: { views: NOT_REPORTER },
  serious: { views: NOT_REPORTER },
  pap: { views: NOT_REPORTER },
  classification: { views: NOT_REPORTER },
  description: { views: FULL_REPORTER },
  occurredAt: { views: FULL_REPORTER },
  affectedSystem: { views: FULL_REPORTER },
  lateNotification: { views: FULL_REPORTER },
  rejectionReason: { views: FULL_REPORTER },
  resolutionSummary: { views: FULL_REPORTER },
  reporterContact: { views: FULL_REPORTER, rule: 'REPORTER_IDENTITY' },
  reportingOrganization: { views: FULL_REPORTER, rule: 'REPORTING_ORGANIZATION' },
  indicators: { views: ['FULL', 'REPORTER', 'DOMAIN_FEED'], items: 'INDICATORS' },
  domains: { views: ['FULL', 'REPORTER', 'DOMAIN_FEED'], items: 'INDICATORS' },
  // A recipient's own directives reach it in the RECIPIENT view; the directive rule filters the items.
  directives: { views: ['FULL', 'RECIPIENT'], items: 'DIRECTIVES' },
  // Event classes and note audiences decide per item (a RECIPIENT sees its directive's events).
  timeline: { views: ANY, items: 'EVENT_CLASS' },
  notes: { views: ANY, items: 'NOTE_AUDIENCE' },
  coordinator: { views: FULL },
  participants: { views: FULL, items: 'PARTICIPANTS' },
  participantRoles: { views: FULL, items: 'PARTICIPANTS' },
  finalReport: { views: FULL },
  finalReportDueAt: { views: FULL },
  escalationReason: { views: FULL },
  duplicateOf: { views: FULL, items: 'INCIDENT_VISIBLE' },
  // The STIX bundle (§8) reads every field through this table itself, so it goes wherever the incident goes.
  stix: { views: ANY },
};

/** Objects seen whole once their row is visible (by its own rule in SQL); only some fields have a rule of their own. */
const DIRECTIVE: Record<string, FieldEntry> = {
  ...whole([
    'id',
    'action',
    'instructions',
    'targets',
    'tlp',
    'pap',
    'status',
    'issuedAt',
    'dueAt',
    'acknowledgementDueAt',
    'acknowledgedAt',
    'startedAt',
    'completedAt',
    'declinedAt',
    'cancelledAt',
    'overdue',
    'acknowledgementOverdue',
    'result',
    'declineReason',
    'cancelReason',
    'version',
    'viewerCan',
    'issuer',
    'recipient',
  ]),
  // A recipient of a confidential incident sees its directive, not the incident (§3).
  incident: { views: ANY, items: 'INCIDENT_VISIBLE' },
  history: { views: ANY, items: 'EVENT_PAYLOAD' },
};

const NOTE: Record<string, FieldEntry> = {
  ...whole(['id', 'body', 'visibility', 'createdAt', 'redacted', 'redactedAt', 'redactionReason']),
  authorEmail: { views: ANY, rule: 'ACTOR_ACCOUNT' },
  authorOrganization: { views: ANY, rule: 'ACTOR_ORGANIZATION' },
};

const INCIDENT_EVENT: Record<string, FieldEntry> = {
  ...whole(['id', 'cursor', 'type', 'occurredAt']),
  incidentId: { views: ANY, rule: 'INCIDENT_VIEW' },
  incident: { views: ANY, items: 'INCIDENT_VISIBLE' },
  changes: { views: ANY, items: 'EVENT_PAYLOAD' },
  actorAccountEmail: { views: ANY, rule: 'ACTOR_ACCOUNT' },
  actorOrganization: { views: ANY, rule: 'ACTOR_ORGANIZATION' },
};

const ORGANIZATION: Record<string, FieldEntry> = {
  ...whole(['id', 'code', 'name', 'kind', 'country', 'active', 'person', 'ipRanges', 'asns', 'zones']),
  contact: { views: ANY, rule: 'ORGANIZATION_CONTACT' },
  accounts: { views: ANY, rule: 'OWN_ORGANIZATION', items: 'ACCOUNTS_VISIBLE' },
};

export const PROJECTIONS = {
  Incident: INCIDENT,
  Directive: DIRECTIVE,
  Note: NOTE,
  IncidentEvent: INCIDENT_EVENT,
  Participant: whole(['organization', 'role']),
  Organization: ORGANIZATION,
  OrganizationContactInfo: whole(['focalPoint', 'phone', 'email', 'intakeEmail']),
  Account: whole(['id', 'email', 'displayName', 'active', 'role', 'organization']),
  ApiKey: whole(['id', 'name', 'capabilities', 'hint', 'expiresAt', 'createdAt', 'lastUsedAt', 'revokedAt']),
  DomainCase: {
    ...whole(['cursor', 'removed', 'incidentId']),
    incident: { views: ANY, items: 'INCIDENT_VISIBLE' },
    domains: { views: ANY, items: 'INDICATORS' },
  },
} satisfies Record<string, Record<string, FieldEntry>>;
export type ProtectedType = keyof typeof PROJECTIONS;

function whole(fields: readonly string[]): Record<string, FieldEntry> {
  return Object.fromEntries(fields.map((f) => [f, { views: ANY }]));
}

// ---- the rules ----

/** What the rules need to know about the object and its incident. */
export interface ProjectionSubject {
  viewer: Viewer;
  /** The viewer's view of the incident the object belongs to; null when it has none; 'FULL' for objects outside any incident. */
  view: AccessLevel | null;
  facts: IncidentFacts | null;
  /**
   * The organization the object is, or the actor/author it names (an event's actor, a note's author):
   * its id for the account rule, its kind too for the organization rule (loaded only when that field is asked for).
   */
  organization?: { id: string; kind?: OrganizationKind } | null;
}

/** Whether one field of `type` is shown (for a relation resolved after the record was projected). */
export function fieldShown(type: ProtectedType, subject: ProjectionSubject, field: string): boolean {
  return shownFields(type, subject).has(field);
}

/** Reporter contact and a person reporter: the coordinator, the handling organization, the reporting organization itself. */
function reporterIdentity(viewer: Viewer, facts: IncidentFacts): boolean {
  const org = viewer.organization;
  return org.kind === 'COORDINATOR' || org.id === facts.handlerOrgId || org.id === facts.reportingOrgId;
}

/** `reportingOrganization`: FULL (or the reporter itself); a person only to those entitled to its identity. */
function reportingOrganization(viewer: Viewer, view: AccessLevel, facts: IncidentFacts): boolean {
  if (facts.reportingOrgPerson) return reporterIdentity(viewer, facts);
  return view === 'FULL' || viewer.organization.id === facts.reportingOrgId;
}

const FIELD_RULES: Record<FieldRule, (s: ProjectionSubject) => boolean> = {
  REPORTER_IDENTITY: (s) => s.facts !== null && reporterIdentity(s.viewer, s.facts),
  REPORTING_ORGANIZATION: (s) => s.facts !== null && s.view !== null && reportingOrganization(s.viewer, s.view, s.facts),
  // Actor and author accounts: their own organization and the coordinator; others see the organization only.
  ACTOR_ACCOUNT: (s) => s.viewer.organization.kind === 'COORDINATOR' || (!!s.organization && s.organization.id === s.viewer.organization.id),
  // Any organization the viewer may see (§2); a constituent actor — it acts only on its own reports — under the
  // reporting-organization rule, so a person is shown only to itself, the coordinator and the handling organization.
  ACTOR_ORGANIZATION: (s) =>
    !!s.organization?.kind &&
    (canSeeOrganization(s.viewer, { id: s.organization.id, kind: s.organization.kind }) ||
      (s.view !== null && s.facts !== null && s.organization.id === s.facts.reportingOrgId && reportingOrganization(s.viewer, s.view, s.facts))),
  // Contact fields of an organization: to network members (and itself).
  ORGANIZATION_CONTACT: (s) =>
    !!s.organization && (NETWORK_MEMBER_KINDS.includes(s.viewer.organization.kind) || s.organization.id === s.viewer.organization.id),
  OWN_ORGANIZATION: (s) => !!s.organization && (s.viewer.organization.kind === 'COORDINATOR' || s.organization.id === s.viewer.organization.id),
  // No path gives a viewer without a view of the incident its id (§3, confidential incidents).
  INCIDENT_VIEW: (s) => s.view !== null,
};

/**
 * What one type's table decides, worked out once per combination of view and field-rule outcomes (a
 * page of 50 incidents has a handful): the table's entries as they were when it was worked out, and
 * the distinct rules they use. Checked against the table on every call — an entry replaced (as the
 * mutation check flips them, in the running hub) starts a new one — so the table stays the data that
 * decides; entries are frozen, so none can change in place.
 */
interface WorkedTable {
  entries: readonly (readonly [string, FieldEntry])[];
  rules: readonly FieldRule[];
  shown: Map<string, ReadonlySet<string>>;
}
const WORKED = new Map<ProtectedType, WorkedTable>();

function workedTable(type: ProtectedType): WorkedTable {
  const table: Record<string, FieldEntry> = PROJECTIONS[type];
  const known = WORKED.get(type);
  if (known) {
    let same = true;
    let fields = 0;
    for (const field in table) {
      fields++;
      if (fields > known.entries.length || known.entries[fields - 1]![0] !== field || known.entries[fields - 1]![1] !== table[field]) {
        same = false;
        break;
      }
    }
    if (same && fields === known.entries.length) return known;
  }
  const entries = Object.entries(table);
  for (const [, entry] of entries) Object.freeze(entry);
  const worked: WorkedTable = {
    entries,
    rules: [...new Set(entries.flatMap(([, e]) => (e.rule ? [e.rule] : [])))],
    shown: new Map(),
  };
  WORKED.set(type, worked);
  return worked;
}

/** The fields of `type` the viewer may read, by the table above (a shared set: read it, never change it). */
export function shownFields(type: ProtectedType, subject: ProjectionSubject): ReadonlySet<string> {
  const worked = workedTable(type);
  let key = subject.view ?? '';
  for (const rule of worked.rules) key += FIELD_RULES[rule](subject) ? '+' : '-';
  const known = worked.shown.get(key);
  if (known) return known;
  const outcomes = key.slice(key.length - worked.rules.length);
  const admitted = new Set(worked.rules.filter((_, i) => outcomes[i] === '+'));
  const shown = new Set<string>();
  for (const [field, entry] of worked.entries) {
    // Without a view of the incident, only what goes wherever the object goes (a directive's history).
    if (subject.view === null ? entry.views.length < ACCESS_LEVELS.length : !entry.views.includes(subject.view)) continue;
    if (entry.rule && !admitted.has(entry.rule)) continue;
    shown.add(field);
  }
  worked.shown.set(key, shown);
  return shown;
}

/** A projected record: every field of the table, hidden ones replaced by `null` (or [] / false, as `hidden` says). */
export type Projected<T> = T & { readonly shown: ReadonlySet<string> };

/**
 * "Project object O for viewer V": the record with every field the viewer may not read masked.
 * `record` carries the raw values of the fields the caller has; relation fields (resolved later from
 * loaders) need no value here and are read from `shown`. Fields missing from the table are dropped,
 * so a value the rulebook does not know never leaves (fail closed).
 */
export function project<T extends Record<string, unknown>>(
  type: ProtectedType,
  subject: ProjectionSubject,
  record: T,
  hidden: Partial<Record<keyof T, unknown>> = {},
  /** The object to fill (a GraphQL type's instance), instead of a new one. */
  into: object = {},
): Projected<T> {
  const shown = shownFields(type, subject);
  const table: Record<string, FieldEntry> = PROJECTIONS[type];
  const out = into as Record<string, unknown>;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key) || !(key in table)) continue;
    out[key] = shown.has(key) ? record[key] : (hidden[key as keyof T] ?? null);
  }
  out.shown = shown;
  return out as Projected<T>;
}

/**
 * The schema check (fail closed): every field of a protected type must have an entry, and every entry
 * must name a field of the type. Returns the offenders, as `Type.field`.
 */
export function unprojectedFields(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const [name, table] of Object.entries(PROJECTIONS) as [string, Record<string, FieldEntry>][]) {
    const type = schema.getType(name);
    if (!type || !isObjectType(type)) {
      problems.push(`${name} (not an object type of the schema)`);
      continue;
    }
    const fields = Object.keys(type.getFields());
    for (const f of fields) if (!(f in table)) problems.push(`${name}.${f}`);
    for (const f of Object.keys(table)) if (!fields.includes(f)) problems.push(`${name}.${f} (no such field)`);
  }
  return problems;
}

/**
 * ACCESS_REVOKED / ACCESS_GRANTED, which only subscriptions deliver, about an incident the subscriber
 * followed or received events for (so it knew the id): no actor, no payload; `incident` by its own rule.
 */
export function projectAccessEvent<T extends Record<string, unknown>>(record: T): Projected<T> {
  const shown = new Set(['id', 'cursor', 'type', 'occurredAt', 'incidentId', 'incident', 'changes']);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (key in PROJECTIONS.IncidentEvent) out[key] = shown.has(key) ? record[key] : null;
  return Object.assign(out as T, { shown });
}

// ---- item rules applied in code (the others are SQL in views.ts) ----

export type ParticipantRole = 'REPORTING' | 'HANDLING' | 'COORDINATOR' | 'SHARED' | 'REFERRED' | 'RECIPIENT';

/**
 * `participants` (§3): the coordinator and the handling organization see all; others see the reporting
 * organization (unless a person), the handling organization, the coordinator and themselves. A referral
 * is visible to the coordinator and the referred organization only.
 */
export function participantShown(
  viewer: Viewer,
  facts: IncidentFacts,
  p: { organizationId: string; role: ParticipantRole; person: boolean },
): boolean {
  const org = viewer.organization;
  if (p.role === 'REFERRED') return org.kind === 'COORDINATOR' || org.id === p.organizationId;
  if (org.kind === 'COORDINATOR' || org.id === facts.handlerOrgId) return true;
  if (p.organizationId === org.id) return true;
  if (p.role === 'REPORTING') return !p.person;
  return p.role === 'HANDLING' || p.role === 'COORDINATOR';
}

/**
 * Which indicators a view shows: FULL all; REPORTER those of its report ("what it submitted", not those
 * added later by others); DOMAIN_FEED the DOMAIN indicators; the others none.
 */
export function indicatorShown(view: AccessLevel | null, indicator: { type: string; reported: boolean }): boolean {
  if (view === 'FULL') return true;
  if (view === 'REPORTER') return indicator.reported;
  if (view === 'DOMAIN_FEED') return indicator.type === 'DOMAIN';
  return false;
}

/** What an item rule reads of one item: an indicator (type, reported) or a participant (organization, role, person). */
export type ProjectedItem = { type: string; reported: boolean } | { organizationId: string; role: ParticipantRole; person: boolean };

/**
 * The item rules applied here, per item; the others (notes, events, directives, incidents, accounts) are
 * conditions of the SQL that loads the items (views.ts), so every item that reaches a resolver passed them.
 */
const ITEM_RULES: Partial<Record<ItemRule, (s: ProjectionSubject, item: ProjectedItem) => boolean>> = {
  INDICATORS: (s, item) => 'reported' in item && indicatorShown(s.view, item),
  PARTICIPANTS: (s, item) => 'organizationId' in item && s.facts !== null && participantShown(s.viewer, s.facts, item),
};

/**
 * The items of a list field the viewer may read: none where the field is hidden, else those its item
 * rule admits (by the table, so that the rule in force is the one the table names).
 */
export function projectItems<I extends ProjectedItem>(type: ProtectedType, field: string, subject: ProjectionSubject, items: readonly I[]): I[] {
  if (!fieldShown(type, subject, field)) return [];
  const entry: FieldEntry | undefined = (PROJECTIONS[type] as Record<string, FieldEntry>)[field];
  const rule = entry?.items ? ITEM_RULES[entry.items] : undefined;
  return rule ? items.filter((item) => rule(subject, item)) : [...items];
}

// ---- event payloads (§3: "an event's what-changed payload is masked by the field rules of the object it describes") ----

/** The keys of an event's payload each view may read; FULL reads everything. */
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
 * Masks an event payload by the rules of the object it describes: the view's keys (rejection reason
 * and resolution summary also reach REPORTER; escalation reasons do not), the participants rule for
 * the organization a share or referral names (`facts` are needed for those), and no raw ids.
 * Directive events reach only those who may see the directive: its result and reasons are its fields.
 */
export function projectEventPayload(
  viewer: Viewer,
  view: AccessLevel | null,
  facts: IncidentFacts | null,
  type: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const directive = type.startsWith('DIRECTIVE_');
  if (view === null && !directive) return {};
  let keys = Object.keys(data).filter((k) => !RAW_ID_KEYS.includes(k));
  if (view !== null && view !== 'FULL' && !directive) {
    // A reason on a status event is a rejection/withdrawal reason only for those types.
    const allowed = EVENT_PAYLOAD_KEYS[view].filter((k) => k !== 'reason' || ['REJECTED', 'WITHDRAWN'].includes(type));
    keys = keys.filter((k) => allowed.includes(k));
  }
  if (PARTICIPANT_EVENT_TYPES.includes(type)) {
    const role: ParticipantRole = data.participation === 'REFERRED' ? 'REFERRED' : 'SHARED';
    const named =
      facts !== null &&
      typeof data.organizationId === 'string' &&
      participantShown(viewer, facts, { organizationId: data.organizationId, role, person: false });
    if (!named) keys = keys.filter((k) => k !== 'organization' && k !== 'reason');
  }
  return Object.fromEntries(keys.map((k) => [k, data[k]]));
}
