import { Field, ObjectType, registerEnumType, ID, Ctx } from 'type-graphql';
import { Incident, incidentFacts } from '../incidents/incident.types';
import { presentIncident } from '../incidents/incident.service';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Node, ConnectionType, toGlobalId, decodeId } from '../../graphql/relay';
import { STATUS_EVENT_TYPES, FULL_EVENT_TYPES, type AccessLevel, type IncidentFacts } from '../../auth/views';
import { project, fieldShown, projectEventPayload, PARTICIPANT_EVENT_TYPES } from '../../auth/projection';
import { Organization, toOrganization } from '../organizations/organization.types';
import type { IncidentRow } from '../incidents/incident.repo';
import type { EventRow } from './timeline.repo';

export const EVENT_TYPES = [
  ...STATUS_EVENT_TYPES,
  ...FULL_EVENT_TYPES,
  'NOTE_ADDED',
  'NOTE_REDACTED',
  'DIRECTIVE_ISSUED',
  'DIRECTIVE_ACKNOWLEDGED',
  'DIRECTIVE_STARTED',
  'DIRECTIVE_COMPLETED',
  'DIRECTIVE_DECLINED',
  'DIRECTIVE_CANCELLED',
  // Only subscriptions deliver these two (DESIGN.md §4).
  'ACCESS_REVOKED',
  'ACCESS_GRANTED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
const EventTypeEnum = Object.fromEntries(EVENT_TYPES.map((t) => [t, t])) as Record<EventType, EventType>;
registerEnumType(EventTypeEnum, { name: 'IncidentEventType' });

@ObjectType({ implements: Node, description: 'One entry of the append-only timeline (the audit trail)' })
export class IncidentEvent extends Node {
  incidentUuid!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'The incident (its global id), also for ACCESS_REVOKED; null where you have no view of it (a directive’s history on a confidential incident)',
  })
  incidentId!: string | null;
  actorOrgId!: string | null;
  @Field({ description: 'Commit-ordered position (resume subscriptions from it)' }) cursor!: string;
  @Field(() => EventTypeEnum) type!: EventType;
  @Field(() => GraphQLDateTime) occurredAt!: Date;
  @Field(() => GraphQLJSONObject, { description: 'What changed, masked by your view' }) changes!: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'Actor account e-mail: your own organization and the coordinator only' }) actorAccountEmail!:
    string | null;
  /** The view the event is read in. */
  access: AccessLevel | null = null;
  /** The fields the rulebook's projection shows this viewer. */
  shown: ReadonlySet<string> = new Set();
  /** The incident as the viewer reads it, for the field rules of actors and payloads: given, or loaded when first needed. */
  incidentRow: IncidentRow | null | undefined = undefined;

  async facts(ctx: Context): Promise<IncidentFacts | null> {
    if (this.incidentRow === undefined) this.incidentRow = this.access ? ((await ctx.loaders.incident.load(this.incidentUuid)) ?? null) : null;
    return this.incidentRow ? incidentFacts(this.incidentRow) : null;
  }

  /**
   * Loaded only when asked for (through the request's organization loader): a subscription event
   * that does not select it costs no statement per subscriber.
   */
  @Field(() => Organization, { nullable: true })
  async actorOrganization(@Ctx() ctx: Context): Promise<Organization | null> {
    if (!this.actorOrgId) return null;
    const viewer = viewerOf(ctx);
    const org = await ctx.loaders.organization.load(this.actorOrgId);
    if (!org) return null;
    // A constituent actor is under the reporting-organization rule, which needs the incident's facts.
    const facts = org.kind === 'CONSTITUENT' ? await this.facts(ctx) : null;
    return fieldShown('IncidentEvent', { viewer, view: this.access, facts, organization: org }, 'actorOrganization')
      ? toOrganization(viewer, org)
      : null;
  }

  @Field(() => Incident, { nullable: true, description: 'null when you have no view of it (ACCESS_REVOKED)' })
  async incident(@Ctx() ctx: Context): Promise<Incident | null> {
    if (!this.shown.has('incident')) return null;
    const row = await ctx.loaders.incident.load(this.incidentUuid);
    return row ? presentIncident(ctx, row) : null;
  }
}

export const IncidentEventConnection = ConnectionType('IncidentEvent', IncidentEvent);

/**
 * `duplicateOf` in a REJECTED payload names another incident: like `Incident.duplicateOf`, it is shown
 * only to viewers who can see that incident (DESIGN.md §3), as its canonical global id. Returns a copy:
 * the row's payload is shared (a subscription batch serves many subscribers).
 */
async function withVisibleDuplicate(ctx: Context, changes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const target = changes.duplicateOf;
  if (typeof target !== 'string') return changes;
  const { duplicateOf: _hidden, ...rest } = changes;
  const id = decodeId(target, 'Incident');
  const row = id ? await ctx.loaders.incident.load(id) : null;
  return row ? { ...rest, duplicateOf: toGlobalId('Incident', row.id) } : rest;
}

/**
 * One event as the viewer may read it: payload masked by the view and the field rules, actor account by
 * its rule. `incident` is the incident's row as the viewer reads it when the caller has it (else it is
 * loaded if a rule needs it); `access` null means no view of the incident (a directive's history).
 */
export async function presentEvent(
  ctx: Context,
  r: EventRow,
  incidentId: string,
  access: AccessLevel | null,
  incident?: IncidentRow | null,
): Promise<IncidentEvent> {
  const viewer = viewerOf(ctx);
  const ev = new IncidentEvent();
  ev.incidentUuid = incidentId;
  ev.actorOrgId = r.actor_org_id;
  ev.access = access;
  if (incident !== undefined) ev.incidentRow = incident;
  // Only share and referral payloads need the incident's facts (the participants rule).
  const facts = PARTICIPANT_EVENT_TYPES.includes(r.type) ? await ev.facts(ctx) : null;
  const projected = project(
    'IncidentEvent',
    { viewer, view: access, facts, organization: r.actor_org_id ? { id: r.actor_org_id } : null },
    {
      id: toGlobalId('IncidentEvent', r.id),
      incidentId: toGlobalId('Incident', incidentId) as string | null,
      cursor: r.position,
      type: r.type,
      occurredAt: r.occurred_at,
      changes: await withVisibleDuplicate(ctx, projectEventPayload(viewer, access, facts, r.type, r.data)),
      actorAccountEmail: r.actor_email ?? (r.actor_key_name ? `api key: ${r.actor_key_name}` : null),
    },
    { changes: {} },
  );
  return Object.assign(ev, projected);
}
