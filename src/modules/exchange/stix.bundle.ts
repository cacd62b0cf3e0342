import crypto from 'node:crypto';
import { parse, execute, type GraphQLSchema, type DocumentNode } from 'graphql';
import type { Context } from '../../graphql/context';
import type { Tlp } from '../incidents/incident.entity';
import { quote } from './stix.pattern';
import { stixId, scoId, tlpMarking, tlpMarkingId, HUB_IDENTITY, INCIDENT_CORE_EXTENSION, TASK_EXTENSION } from './stix.ids';

/**
 * The STIX 2.1 bundle of one incident for one viewer (DESIGN.md §8). Its content is read through the
 * hub's own GraphQL schema, in process, as the viewer: every value has passed the rulebook's projection
 * (`project`, the item rules, the row views) exactly as a GraphQL client would receive it, so a field the
 * viewer cannot read over GraphQL cannot appear here. The mapping below only renames.
 */

export type StixObject = Record<string, unknown> & { type: string; id: string };
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

interface OrgSource {
  id: string;
  code: string;
  name: string;
  kind: string;
  person: boolean;
}
interface IndicatorSource {
  type: string;
  value: string;
  displayValue?: string;
}
interface DirectiveSource {
  id: string;
  action: string;
  instructions: string;
  status: string;
  issuedAt: string;
  acknowledgedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  declinedAt: string | null;
  cancelledAt: string | null;
  dueAt: string;
  targets: IndicatorSource[];
  recipient: OrgSource;
}
interface NoteSource {
  id: string;
  body: string;
  createdAt: string;
  redactedAt: string | null;
  authorOrganization: OrgSource | null;
}
interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}
export interface IncidentSource {
  id: string;
  reference: string;
  title: string;
  description: string | null;
  status: string;
  severity: string | null;
  tlp: Tlp;
  classification: { rsitClass: string | null; rsitType: string | null; nationalCategory: string | null } | null;
  reportedAt: string;
  updatedAt: string;
  handler: OrgSource;
  reportingOrganization: OrgSource | null;
  coordinator: OrgSource | null;
  participants: OrgSource[];
  indicators: IndicatorSource[];
  directives: Page<DirectiveSource>;
  notes: Page<NoteSource>;
}

const ORG = 'id code name kind person';
const DIRECTIVES = `directives(first: $first, after: $directivesAfter) {
  pageInfo { hasNextPage endCursor }
  edges { node { id action instructions status issuedAt acknowledgedAt startedAt completedAt declinedAt cancelledAt dueAt
    targets { type value displayValue } recipient { ${ORG} } } } }`;
const NOTES = `notes(first: $first, after: $notesAfter) {
  pageInfo { hasNextPage endCursor }
  edges { node { id body createdAt redactedAt authorOrganization { ${ORG} } } } }`;

/** What the bundle reads: the same fields any GraphQL client could ask for. */
export const STIX_SOURCE_QUERY = `query StixSource($id: ID!, $first: Int!, $directivesAfter: String, $notesAfter: String) {
  incident(id: $id) {
    id reference title description status severity tlp reportedAt updatedAt
    classification { rsitClass rsitType nationalCategory }
    handler { ${ORG} } reportingOrganization { ${ORG} } coordinator { ${ORG} } participants { ${ORG} }
    indicators { type value displayValue }
    ${DIRECTIVES}
    ${NOTES}
  }
}`;
let parsed: { first: DocumentNode; directives: DocumentNode; notes: DocumentNode } | null = null;
function documents() {
  if (!parsed) {
    parsed = {
      first: parse(STIX_SOURCE_QUERY),
      directives: parse(`query StixDirectives($id: ID!, $first: Int!, $directivesAfter: String) { incident(id: $id) { ${DIRECTIVES} } }`),
      notes: parse(`query StixNotes($id: ID!, $first: Int!, $notesAfter: String) { incident(id: $id) { ${NOTES} } }`),
    };
  }
  return parsed;
}

async function run<T>(ctx: Context, schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): Promise<T> {
  const result = await execute({ schema, document, contextValue: ctx, variableValues: variables });
  if (result.errors?.length) throw result.errors[0];
  return result.data as T;
}

/** The viewer's GraphQL answer for the incident (every page of directives and notes), or null when it cannot see it. */
export async function readIncidentSource(ctx: Context, schema: GraphQLSchema, incidentId: string): Promise<IncidentSource | null> {
  const docs = documents();
  const first = ctx.config.maxPageSize;
  const data = await run<{ incident: IncidentSource | null }>(ctx, schema, docs.first, { id: incidentId, first });
  const incident = data.incident;
  if (!incident) return null;
  // Rarely more than a page: the rest page by page, through the same fields.
  let d = incident.directives;
  while (d.pageInfo.hasNextPage) {
    const more = await run<{ incident: { directives: Page<DirectiveSource> } | null }>(ctx, schema, docs.directives, {
      id: incidentId,
      first,
      directivesAfter: d.pageInfo.endCursor,
    });
    if (!more.incident) break;
    incident.directives.edges.push(...more.incident.directives.edges);
    d = more.incident.directives;
  }
  let n = incident.notes;
  while (n.pageInfo.hasNextPage) {
    const more = await run<{ incident: { notes: Page<NoteSource> } | null }>(ctx, schema, docs.notes, {
      id: incidentId,
      first,
      notesAfter: n.pageInfo.endCursor,
    });
    if (!more.incident) break;
    incident.notes.edges.push(...more.incident.notes.edges);
    n = more.incident.notes;
  }
  return incident;
}

// ---- mapping ----

const COMMON = { spec_version: '2.1' } as const;

/** STIX timestamps: RFC 3339 UTC with milliseconds. */
function ts(iso: string): string {
  return new Date(iso).toISOString();
}
function latest(...isos: (string | null | undefined)[]): string {
  return new Date(Math.max(...isos.filter((x): x is string => !!x).map((x) => new Date(x).getTime()))).toISOString();
}

const HASH_NAMES: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };

/** The observable (SCO) of an indicator value and the comparison that matches it. */
export function observableOf(type: string, value: string): { sco: Record<string, unknown> & { type: string }; pattern: string } | null {
  switch (type) {
    case 'DOMAIN':
      return { sco: { type: 'domain-name', value }, pattern: `[domain-name:value = ${quote(value)}]` };
    case 'IPV4':
      return { sco: { type: 'ipv4-addr', value }, pattern: `[ipv4-addr:value = ${quote(value)}]` };
    case 'IPV6':
      return { sco: { type: 'ipv6-addr', value }, pattern: `[ipv6-addr:value = ${quote(value)}]` };
    case 'CIDR': {
      const t = value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      return { sco: { type: t, value }, pattern: `[${t}:value = ${quote(value)}]` };
    }
    case 'URL':
      return { sco: { type: 'url', value }, pattern: `[url:value = ${quote(value)}]` };
    case 'EMAIL':
      return { sco: { type: 'email-addr', value }, pattern: `[email-addr:value = ${quote(value)}]` };
    case 'ASN': {
      const n = Number(value.replace(/^AS/i, ''));
      return { sco: { type: 'autonomous-system', number: n }, pattern: `[autonomous-system:number = ${n}]` };
    }
    case 'FILE_HASH': {
      const name = HASH_NAMES[value.length];
      if (!name) return null;
      return { sco: { type: 'file', hashes: { [name]: value } }, pattern: `[file:hashes.${quote(name)} = ${quote(value)}]` };
    }
    default:
      return null;
  }
}

/** The SCO's deterministic id from its ID-contributing properties (STIX 2.1 §6: value, number or hashes). */
function scoIdOf(sco: Record<string, unknown> & { type: string }): string {
  const { type, ...props } = sco;
  return scoId(type, props);
}

/** Incident Core Extension: determination and investigation status from the hub's status. */
const INVESTIGATION_STATUS: Record<string, string> = {
  REPORTED: 'new',
  TRIAGED: 'open',
  RESPONDING: 'open',
  ESCALATED: 'open',
  COORDINATING: 'open',
  RESOLVED: 'closed',
  CLOSED: 'closed',
  REJECTED: 'closed',
};
const CRITICALITY: Record<string, number> = { LOW: 25, MEDIUM: 50, HIGH: 75, CRITICAL: 100 };
const TASK_OUTCOME: Record<string, string> = {
  ISSUED: 'pending',
  ACKNOWLEDGED: 'pending',
  IN_PROGRESS: 'in-progress',
  COMPLETED: 'successful',
  DECLINED: 'declined',
  CANCELLED: 'cancelled',
};

export const HUB_SOURCE_NAME = 'incident-coordination-hub';

/** The bundle's objects, in a fixed order: markings, identities, the incident, indicators and observables, tasks, notes, relationships. */
export function bundleObjects(src: IncidentSource): StixObject[] {
  const marking = [tlpMarkingId(src.tlp)];
  const created = ts(src.reportedAt);
  const modified = latest(src.reportedAt, src.updatedAt);
  const base = { ...COMMON, created_by_ref: HUB_IDENTITY.id, object_marking_refs: marking };
  const incidentId = stixId('incident', src.id);

  const identities = new Map<string, StixObject>();
  const identity = (org: OrgSource): string => {
    const id = stixId('identity', org.id);
    if (!identities.has(id)) {
      identities.set(id, {
        type: 'identity',
        ...base,
        id,
        created: HUB_IDENTITY.created,
        modified: HUB_IDENTITY.modified,
        name: org.name,
        identity_class: org.person ? 'individual' : 'organization',
        external_references: [{ source_name: HUB_SOURCE_NAME, external_id: org.code }],
      });
    }
    return id;
  };
  const relationships: StixObject[] = [];
  const relate = (source: string, target: string, description: string, at: string) => {
    const id = stixId('relationship', `${source}|related-to|${target}|${description}`);
    if (relationships.some((r) => r.id === id)) return;
    relationships.push({
      type: 'relationship',
      ...base,
      id,
      created: at,
      modified: at,
      relationship_type: 'related-to',
      description,
      source_ref: source,
      target_ref: target,
    });
  };

  const ext: Record<string, unknown> = {
    extension_type: 'property-extension',
    determination: src.status === 'REJECTED' ? 'false-positive' : 'suspected',
    investigation_status: INVESTIGATION_STATUS[src.status] ?? 'open',
  };
  const types = [src.classification?.rsitClass, src.classification?.rsitType].filter((x): x is string => !!x);
  if (types.length) ext.incident_types = types;
  if (src.severity) ext.criticality = CRITICALITY[src.severity];
  const incident: StixObject = {
    type: 'incident',
    ...base,
    id: incidentId,
    created,
    modified,
    name: src.title,
    ...(src.description !== null ? { description: src.description } : {}),
    external_references: [{ source_name: HUB_SOURCE_NAME, external_id: src.reference }],
    extensions: { [INCIDENT_CORE_EXTENSION]: ext },
  };

  relate(incidentId, identity(src.handler), 'handling organization', created);
  if (src.reportingOrganization) relate(incidentId, identity(src.reportingOrganization), 'reporting organization', created);
  if (src.coordinator) relate(incidentId, identity(src.coordinator), 'coordinator', created);
  for (const p of src.participants) relate(incidentId, identity(p), 'participant', created);

  const indicators = new Map<string, StixObject>();
  const observables = new Map<string, StixObject>();
  const indicator = (i: IndicatorSource): string | null => {
    const o = observableOf(i.type, i.value);
    if (!o) return null;
    const id = stixId('indicator', `${src.id}|${i.type}|${i.value}`);
    if (!indicators.has(id)) {
      indicators.set(id, {
        type: 'indicator',
        ...base,
        id,
        created,
        modified: created,
        name: i.displayValue ?? i.value,
        pattern: o.pattern,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: created,
      });
      const sid = scoIdOf(o.sco);
      if (!observables.has(sid)) observables.set(sid, { ...o.sco, ...COMMON, id: sid, object_marking_refs: marking });
      relate(id, incidentId, 'indicator of the incident', created);
      relate(id, sid, 'observable the pattern matches', created);
    }
    return id;
  };
  for (const i of src.indicators) indicator(i);

  const tasks: StixObject[] = src.directives.edges.map(({ node: d }) => {
    const id = stixId('task', d.id);
    const at = latest(d.issuedAt, d.acknowledgedAt, d.startedAt, d.completedAt, d.declinedAt, d.cancelledAt);
    relate(id, incidentId, 'directive of the incident', ts(d.issuedAt));
    relate(id, identity(d.recipient), 'recipient', ts(d.issuedAt));
    for (const t of d.targets) {
      const target = indicator(t);
      if (target) relate(id, target, 'target', ts(d.issuedAt));
    }
    return {
      type: 'task',
      ...base,
      id,
      created: ts(d.issuedAt),
      modified: at,
      name: d.action,
      description: d.instructions,
      task_types: [d.action.toLowerCase().replace(/_/g, '-')],
      outcome: TASK_OUTCOME[d.status] ?? d.status.toLowerCase(),
      extensions: { [TASK_EXTENSION]: { extension_type: 'new-sdo' } },
    };
  });

  const notes: StixObject[] = src.notes.edges.map(({ node: n }) => ({
    type: 'note',
    ...base,
    id: stixId('note', n.id),
    created: ts(n.createdAt),
    modified: latest(n.createdAt, n.redactedAt),
    content: n.body,
    ...(n.authorOrganization ? { authors: [n.authorOrganization.name] } : {}),
    object_refs: [incidentId],
  }));

  return [
    tlpMarking(src.tlp) as StixObject,
    { ...HUB_IDENTITY } as StixObject,
    incident,
    ...identities.values(),
    ...indicators.values(),
    ...observables.values(),
    ...tasks,
    ...notes,
    ...relationships,
  ];
}

export function bundleOf(objects: StixObject[]): StixBundle {
  return { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects };
}

/** `Incident.stix` and TAXII: the viewer's bundle, or null when the incident is invisible or missing. */
export async function incidentBundle(ctx: Context, schema: GraphQLSchema, incidentId: string): Promise<StixBundle | null> {
  const src = await readIncidentSource(ctx, schema, incidentId);
  return src ? bundleOf(bundleObjects(src)) : null;
}
