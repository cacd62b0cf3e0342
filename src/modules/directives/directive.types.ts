import DataLoader from 'dataloader';
import { IncidentEvent, presentEvent } from '../timeline/timeline.types';
import type { EventRow } from '../timeline/timeline.repo';
import { requestLoader, groupBy } from '../../graphql/loaders';
import { Field, ObjectType, InputType, Int, ID, Ctx, Directive as SchemaDirective, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { ArrayMaxSize, IsOptional, MaxLength, Min, ValidateNested, Length } from 'class-validator';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import { enumOf } from '../../graphql/enums';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Viewer } from '../../auth/viewer';
import { directivePermissions as permissionsOf } from '../../auth/decide';
import { project } from '../../auth/projection';
import { Incident, Indicator, IndicatorInput, TlpEnum, PapEnum } from '../incidents/incident.types';
import { presentIncident } from '../incidents/incident.service';
import { Organization, toOrganization } from '../organizations/organization.types';
import type { Tlp, Pap } from '../incidents/incident.entity';
import { DIRECTIVE_ACTIONS, DIRECTIVE_STATUSES, type DirectiveAction, type DirectiveStatus } from './directive.entity';
import { eventsByDirectiveIds, type DirectiveRow } from './directive.repo';

/** The histories of every directive of a request in one statement (not one per directive). */
function historyLoader(ctx: Context): DataLoader<string, EventRow[]> {
  return requestLoader(
    ctx,
    'directiveHistory',
    () => new DataLoader<string, EventRow[]>(async (ids) => groupBy(await eventsByDirectiveIds(ctx.db, ids), (r) => r.directive_id, ids)),
  );
}

export const DirectiveActionEnum = enumOf(DIRECTIVE_ACTIONS);
export const DirectiveStatusEnum = enumOf(DIRECTIVE_STATUSES);
registerEnumType(DirectiveActionEnum, { name: 'DirectiveAction' });
registerEnumType(DirectiveStatusEnum, { name: 'DirectiveStatus' });

@ObjectType({ description: 'What the viewer may do now with this directive, from the rulebook and the directive state machine' })
export class DirectivePermissions {
  @Field() acknowledge!: boolean;
  @Field() start!: boolean;
  @Field() complete!: boolean;
  @Field() decline!: boolean;
  @Field() cancel!: boolean;
}

/** `viewerCan`: the rulebook's decisions for this directive now; records that the object rule was evaluated. */
export function directivePermissions(ctx: Context, row: DirectiveRow): DirectivePermissions {
  ctx.authz.applied('directiveParts');
  return permissionsOf(viewerOf(ctx), { recipientOrgId: row.recipient_org_id, status: row.status });
}

/**
 * A coordination order. Only viewers the directive field rule admits ever get one (the rows come from
 * `visibleDirectivesSql`), and such a viewer sees all of it. Relations resolve through the per-request
 * loaders; they are methods here (type-graphql field resolvers on the type) so no extra resolver class
 * has to be registered.
 */
@SchemaDirective('@key(fields: "id")')
@ObjectType({ implements: Node, description: 'A coordination order of the coordinator to one organization (DESIGN.md §2)' })
export class Directive extends Node {
  /** The row the fields come from; not exposed. */
  row!: DirectiveRow;
  /** The fields the rulebook's projection shows this viewer. */
  shown!: ReadonlySet<string>;

  @Field(() => DirectiveActionEnum) action!: DirectiveAction;
  @Field() instructions!: string;
  @Field(() => [Indicator], { description: 'The indicators the order is about (also on the incident)' }) targets!: Indicator[];
  @Field(() => TlpEnum) tlp!: Tlp;
  @Field(() => PapEnum, { nullable: true }) pap!: Pap | null;
  @Field(() => DirectiveStatusEnum) status!: DirectiveStatus;
  @Field(() => GraphQLDateTime) issuedAt!: Date;
  @Field(() => GraphQLDateTime) dueAt!: Date;
  @Field(() => GraphQLDateTime) acknowledgementDueAt!: Date;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Also set when completed or declined straight from ISSUED' })
  acknowledgedAt!: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true }) completedAt!: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true }) declinedAt!: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true }) cancelledAt!: Date | null;
  @Field({ description: 'Open (ISSUED, ACKNOWLEDGED, IN_PROGRESS) and past dueAt' }) overdue!: boolean;
  @Field({ description: 'Still ISSUED and past acknowledgementDueAt' }) acknowledgementOverdue!: boolean;
  @Field(() => String, { nullable: true }) result!: string | null;
  @Field(() => String, { nullable: true }) declineReason!: string | null;
  @Field(() => String, { nullable: true }) cancelReason!: string | null;
  @Field(() => Int) version!: number;

  @Field(() => Incident, { nullable: true, description: 'null when the incident is not visible to you (a recipient of a confidential incident)' })
  async incident(@Ctx() ctx: Context): Promise<Incident | null> {
    if (!this.shown.has('incident')) return null;
    const row = await ctx.loaders.incident.load(this.row.incident_id);
    return row ? presentIncident(ctx, row) : null;
  }

  @Field(() => Organization, { description: 'Always the coordinator' })
  async issuer(@Ctx() ctx: Context): Promise<Organization> {
    const org = await ctx.loaders.organization.load(this.row.issuer_org_id);
    if (!org) throw new Error(`issuer organization ${this.row.issuer_org_id} missing`);
    return toOrganization(viewerOf(ctx), org);
  }

  @Field(() => Organization)
  async recipient(@Ctx() ctx: Context): Promise<Organization> {
    const org = await ctx.loaders.organization.load(this.row.recipient_org_id);
    if (!org) throw new Error(`recipient organization ${this.row.recipient_org_id} missing`);
    return toOrganization(viewerOf(ctx), org);
  }

  @Field(() => DirectivePermissions)
  viewerCan(@Ctx() ctx: Context): DirectivePermissions {
    return directivePermissions(ctx, this.row);
  }

  @Field(() => [IncidentEvent], { description: 'The directive’s history, read from the incident timeline' })
  async history(@Ctx() ctx: Context): Promise<IncidentEvent[]> {
    if (!this.shown.has('history')) return [];
    const rows = await historyLoader(ctx).load(this.row.id);
    const incident = await ctx.loaders.incident.load(this.row.incident_id);
    return Promise.all(rows.map((r) => presentEvent(ctx, r, this.row.incident_id, incident?.access_level ?? null, incident ?? null)));
  }
}

export const DirectiveConnection = ConnectionType('Directive', Directive);

/** A directive as the viewer reads it: its row is visible by the directive rule (SQL); the projection does the rest. */
export function toDirective(viewer: Viewer, row: DirectiveRow): Directive {
  const projected = project(
    'Directive',
    { viewer, view: 'FULL', facts: null },
    {
      id: toGlobalId('Directive', row.id),
      action: row.action,
      instructions: row.instructions,
      targets: row.targets.map((t) => ({ type: t.type, value: t.value, displayValue: t.displayValue })) as Indicator[],
      tlp: row.tlp,
      pap: row.pap,
      status: row.status,
      issuedAt: row.issued_at,
      dueAt: row.due_at,
      acknowledgementDueAt: row.acknowledgement_due_at,
      acknowledgedAt: row.acknowledged_at,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      declinedAt: row.declined_at,
      cancelledAt: row.cancelled_at,
      overdue: row.overdue,
      acknowledgementOverdue: row.acknowledgement_overdue,
      result: row.result,
      declineReason: row.decline_reason,
      cancelReason: row.cancel_reason,
      version: row.version,
    },
    { targets: [], overdue: false, acknowledgementOverdue: false },
  );
  return Object.assign(new Directive(), projected, { row });
}

// ---- inputs and payloads ----

@InputType()
export class IssueDirectiveInput {
  @Field(() => ID) incidentId!: string;
  @Field({ description: 'Organization code of an active REGISTRY, ISP, AGENCY_IT or RESPONSE_PARTNER' }) @Length(1, 32) recipient!: string;
  @Field(() => DirectiveActionEnum) action!: DirectiveAction;
  @Field() @MaxLength(20000) instructions!: string;
  @Field(() => [IndicatorInput], { nullable: true, defaultValue: [], description: 'Indicators not yet on the incident are added to it' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  targets?: IndicatorInput[] | null;
  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: 'Default by action (24 h takedown/blocking/suspension/preservation, 72 h information, 120 h otherwise)',
  })
  @IsOptional()
  dueAt?: Date | null;
  @Field(() => TlpEnum, { nullable: true, description: "Default: the incident's TLP" }) @IsOptional() tlp?: Tlp | null;
  @Field(() => PapEnum, { nullable: true, description: "Default: the incident's PAP" }) @IsOptional() pap?: Pap | null;
}

@InputType()
export class DirectiveActionInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) @Min(1) expectedVersion!: number;
}

@InputType()
export class CompleteDirectiveInput extends DirectiveActionInput {
  @Field() @MaxLength(20000) result!: string;
}

@InputType()
export class DeclineDirectiveInput extends DirectiveActionInput {
  @Field() @MaxLength(5000) reason!: string;
}

@InputType()
export class CancelDirectiveInput extends DirectiveActionInput {
  @Field() @MaxLength(5000) reason!: string;
}

@ObjectType()
export class DirectivePayload {
  @Field(() => Directive) directive!: Directive;
}

@InputType()
export class DirectiveFilter {
  @Field(() => [DirectiveStatusEnum], { nullable: true }) status?: DirectiveStatus[] | null;
  @Field(() => String, { nullable: true, description: 'Recipient organization code' }) @IsOptional() @MaxLength(32) recipient?: string | null;
  @Field(() => ID, { nullable: true, description: 'Directives of this incident' }) incident?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Open and past due (true), or not (false)' }) overdue?: boolean | null;
}
