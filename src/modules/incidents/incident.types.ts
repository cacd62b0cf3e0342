import { Field, ObjectType, InputType, Int, ID, Directive as SchemaDirective, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { IsOptional, Length, MaxLength, Min, Max, ArrayMaxSize, ValidateNested, IsInt } from 'class-validator';
import { IsEmailAddress } from '../../graphql/validators';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import { AccessLevelEnum, enumOf } from '../../graphql/enums';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
  TLPS,
  PAPS,
  SCOPES,
  type IncidentStatus,
  type Severity,
  type Tlp,
  type Pap,
  type IncidentScope,
} from './incident.entity';
import { INDICATOR_TYPES, type IndicatorType } from '../indicators/normalize';
import type { AccessLevel, IncidentFacts } from '../../auth/views';
import type { IncidentSubject } from '../../auth/decide';
import { project } from '../../auth/projection';
import type { Viewer } from '../../auth/viewer';
import type { IncidentRow } from './incident.repo';
// Defines ctx.loaders.incident and ctx.loaders.indicators for whoever presents incidents.
import './incident.loaders';

export const IncidentStatusEnum = enumOf(INCIDENT_STATUSES);
export const SeverityEnum = enumOf(SEVERITIES);
export const TlpEnum = enumOf(TLPS);
export const PapEnum = enumOf(PAPS);
export const IncidentScopeEnum = enumOf(SCOPES);
export const IndicatorTypeEnum = enumOf(INDICATOR_TYPES);
export const IncidentOrderEnum = enumOf(['REPORTED_AT_DESC', 'REPORTED_AT_ASC', 'UPDATED_AT_DESC', 'SEVERITY_DESC'] as const);
registerEnumType(IncidentStatusEnum, { name: 'IncidentStatus' });
registerEnumType(SeverityEnum, { name: 'Severity' });
registerEnumType(TlpEnum, { name: 'Tlp', description: 'Traffic Light Protocol 2.0 (FIRST)' });
registerEnumType(PapEnum, { name: 'Pap', description: 'Permissible Actions Protocol' });
registerEnumType(IncidentScopeEnum, { name: 'IncidentScope' });
registerEnumType(IndicatorTypeEnum, { name: 'IndicatorType' });
registerEnumType(IncidentOrderEnum, { name: 'IncidentOrder' });

@ObjectType()
export class Classification {
  @Field(() => String, { nullable: true }) rsitClass!: string | null;
  @Field(() => String, { nullable: true }) rsitType!: string | null;
  @Field(() => String, { nullable: true, description: 'Row of the national form 05' }) nationalCategory!: string | null;
}

@ObjectType()
export class Contact {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) organizationName!: string | null;
}

@ObjectType()
export class AffectedSystemInfo {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Int, { nullable: true, description: 'System level 1–5' }) level!: number | null;
  @Field(() => String, { nullable: true }) operator!: string | null;
  @Field(() => [String]) publicIps!: string[];
  @Field(() => String, { nullable: true, description: 'Organization code of the connectivity provider' }) connectivityProvider!: string | null;
}

@ObjectType()
export class Indicator {
  @Field(() => IndicatorTypeEnum) type!: IndicatorType;
  @Field({ description: 'Normalized value (punycode for IDNs)' }) value!: string;
  @Field({ description: 'For display (Unicode for IDNs)' }) displayValue!: string;
}

@SchemaDirective('@key(fields: "id")')
@ObjectType({ implements: Node })
export class Incident extends Node {
  /** The row and the facts field resolvers need; not exposed. */
  row!: IncidentRow;
  /** The fields the rulebook's projection shows this viewer: relations resolve only those. */
  shown!: ReadonlySet<string>;

  @Field({ description: 'Receipt number VN-YYYY-NNNNNN' }) reference!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => IncidentStatusEnum) status!: IncidentStatus;
  @Field(() => SeverityEnum, { nullable: true }) severity!: Severity | null;
  @Field(() => IncidentScopeEnum) scope!: IncidentScope;
  @Field({ description: 'National emergency tier (Decision 05/2017)' }) serious!: boolean;
  @Field(() => TlpEnum) tlp!: Tlp;
  @Field(() => PapEnum, { nullable: true }) pap!: Pap | null;
  @Field() confidential!: boolean;
  @Field(() => Classification, { nullable: true }) classification!: Classification | null;
  @Field(() => Contact, { nullable: true, description: 'Personal data: null where the viewer is not entitled' }) reporterContact!: Contact | null;
  @Field(() => AffectedSystemInfo, { nullable: true }) affectedSystem!: AffectedSystemInfo | null;
  @Field(() => Boolean, { description: 'Reported more than 120 h after detection' }) lateNotification!: boolean;
  @Field(() => AccessLevelEnum) accessLevel!: AccessLevel;
  @Field(() => GraphQLDateTime) detectedAt!: Date;
  @Field(() => GraphQLDateTime, { nullable: true }) occurredAt!: Date | null;
  @Field(() => GraphQLDateTime) reportedAt!: Date;
  @Field(() => GraphQLDateTime) updatedAt!: Date;
  @Field(() => Int) version!: number;
}

export const IncidentConnection = ConnectionType('Incident', Incident);

@SchemaDirective('@key(fields: "name")')
@ObjectType({ description: 'A DOMAIN indicator as an entity a registry subgraph can extend.' })
export class Domain {
  @Field({ description: 'ASCII (punycode) name' }) name!: string;
  @Field({ description: 'Unicode name for display' }) unicodeName!: string;
}

export function incidentFacts(row: IncidentRow): IncidentFacts {
  return {
    handlerOrgId: row.handler_org_id,
    reportingOrgId: row.reporting_org_id,
    reportingOrgKind: row.reporting_org_kind,
    reportingOrgPerson: row.reporting_org_person,
    coordinatorOrgId: row.coordinator_org_id,
  };
}

/** What the rulebook's decisions need about an incident. */
export function incidentSubject(row: IncidentRow): IncidentSubject {
  return { ...incidentFacts(row), status: row.status, tlp: row.tlp, coordinatorOwns: row.coordinator_owns, hasFinalReport: !!row.final_report };
}

/** The incident through the rulebook's projection for the viewer: what its view and the field rules do not show is null. */
export function toIncident(viewer: Viewer, row: IncidentRow, lateNotificationHours: number): Incident {
  const view = row.access_level;
  const system = row.affected_system;
  const projected = project(
    'Incident',
    { viewer, view, facts: incidentFacts(row) },
    {
      id: toGlobalId('Incident', row.id),
      reference: row.reference,
      title: row.title,
      status: row.status,
      scope: row.scope,
      tlp: row.tlp,
      confidential: row.confidential,
      version: row.version,
      detectedAt: row.detected_at,
      reportedAt: row.reported_at,
      updatedAt: row.updated_at,
      accessLevel: view,
      description: row.description as string | null,
      severity: row.severity,
      serious: row.serious,
      pap: row.pap,
      classification: { rsitClass: row.rsit_class, rsitType: row.rsit_type, nationalCategory: row.national_category } as Classification | null,
      reporterContact: {
        name: row.reporter_contact.name,
        email: row.reporter_contact.email ?? null,
        phone: row.reporter_contact.phone ?? null,
        organizationName: row.reporter_contact.organizationName ?? null,
      } as Contact | null,
      affectedSystem: (system
        ? {
            name: system.name ?? null,
            level: system.level ?? null,
            operator: system.operator ?? null,
            publicIps: system.publicIps ?? [],
            connectivityProvider: system.connectivityProvider ?? null,
          }
        : null) as AffectedSystemInfo | null,
      occurredAt: row.occurred_at,
      lateNotification: row.reported_at.getTime() - row.detected_at.getTime() > lateNotificationHours * 3_600_000,
    },
    { serious: false, lateNotification: false },
    new Incident(),
  );
  return Object.assign(projected, { row });
}

// ---- inputs ----

@InputType()
export class IndicatorInput {
  @Field(() => IndicatorTypeEnum) type!: IndicatorType;
  @Field() @MaxLength(2048) value!: string;
}

@InputType()
export class ContactInput {
  @Field() @Length(1, 200) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsEmailAddress() @MaxLength(254) email?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(3, 40) phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(300) organizationName?: string | null;
}

@InputType()
export class AffectedSystemInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(300) name?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(5) level?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(300) operator?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(256) publicIps?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Organization code of the ISP' }) @IsOptional() @MaxLength(32) connectivityProvider?:
    string | null;
}

@InputType()
export class ReportIncidentInput {
  @Field() @Length(1, 300) title!: string;
  @Field() @Length(1, 20000) description!: string;
  @Field(() => GraphQLDateTime) detectedAt!: Date;
  @Field(() => GraphQLDateTime, { nullable: true }) occurredAt?: Date | null;
  @Field(() => IncidentScopeEnum, { defaultValue: 'LOCAL' }) scope!: IncidentScope;
  @Field(() => String, { nullable: true, description: 'Organization code: an ISP, an agency unit or VNCERT; omitted → routed' })
  @IsOptional()
  @MaxLength(32)
  reportTo?: string | null;
  @Field(() => [IndicatorInput], { defaultValue: [] })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  indicators!: IndicatorInput[];
  @Field(() => ContactInput) @ValidateNested() reporterContact!: ContactInput;
  @Field(() => AffectedSystemInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  affectedSystem?: AffectedSystemInput | null;
  @Field(() => TlpEnum, { defaultValue: 'AMBER' }) tlp!: Tlp;
  @Field({ defaultValue: false, description: 'Form 03 "keep confidential"' }) confidential!: boolean;
  @Field(() => String, { nullable: true, description: 'Scoped to the account or API key; same key + other input → CONFLICT' })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@ObjectType()
export class ReportIncidentPayload {
  @Field(() => Incident, {
    nullable: true,
    description:
      'The report in your view; null for a principal that may report but not read incidents (a report-only API key), whose receipt is reference, incidentId, status and duplicate',
  })
  incident!: Incident | null;
  @Field(() => ID, { description: 'The incident’s global id (the receipt)' }) incidentId!: string;
  @Field(() => IncidentStatusEnum, { description: 'The incident’s status now (REPORTED on the first call)' }) status!: IncidentStatus;
  @Field() reference!: string;
  @Field({ description: 'true when an idempotent retry returned the first report' }) duplicate!: boolean;
}

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatusEnum], { nullable: true }) status?: IncidentStatus[] | null;
  @Field(() => [SeverityEnum], { nullable: true }) severity?: Severity[] | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) rsitClass?: string | null;
  @Field(() => [TlpEnum], { nullable: true }) tlp?: Tlp[] | null;
  @Field(() => String, { nullable: true, description: 'Handling organization code' }) @IsOptional() @MaxLength(32) handler?: string | null;
  @Field(() => GraphQLDateTime, { nullable: true }) reportedFrom?: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true }) reportedTo?: Date | null;
  @Field(() => String, { nullable: true, description: 'Title or reference' }) @IsOptional() @MaxLength(200) text?: string | null;
}
