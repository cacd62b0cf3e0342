import { OptionalProps, Entity, PrimaryKey, Property, JsonType, Enum, ManyToOne, Check, Index, Unique } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';
import { AccountEntity, ApiKeyEntity } from '../accounts/account.entity';

export const INCIDENT_STATUSES = ['REPORTED', 'TRIAGED', 'RESPONDING', 'ESCALATED', 'COORDINATING', 'RESOLVED', 'CLOSED', 'REJECTED'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const OPEN_STATUSES: readonly IncidentStatus[] = ['REPORTED', 'TRIAGED', 'RESPONDING', 'ESCALATED', 'COORDINATING'];
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Tlp = (typeof TLPS)[number];
export const PAPS = ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const;
export type Pap = (typeof PAPS)[number];
export const SCOPES = ['LOCAL', 'WIDESPREAD'] as const;
export type IncidentScope = (typeof SCOPES)[number];
export const PARTICIPATION_KINDS = ['SHARED', 'REFERRED'] as const;
export type ParticipationKind = (typeof PARTICIPATION_KINDS)[number];
export const INDICATOR_TYPES = ['DOMAIN', 'IPV4', 'IPV6', 'CIDR', 'URL', 'EMAIL', 'ASN', 'FILE_HASH'] as const;

export interface ReporterContact {
  name: string;
  email?: string | null;
  phone?: string | null;
  organizationName?: string | null;
}
export interface AffectedSystem {
  name?: string | null;
  level?: number | null;
  operator?: string | null;
  publicIps: string[];
  connectivityProvider?: string | null;
}

/** Form 04 as stored (`final_report`). */
export interface FinalReport {
  result: string;
  remediation: string;
  prevention: string;
  estimatedDamage: string | null;
  reference: string;
}

/**
 * The incident row. `version` is the optimistic lock: a flush updates with `where version = <loaded>`
 * and bumps it. The list indexes are written as SQL (descending keys, partial and trigram indexes).
 */
@Entity({ tableName: 'incident' })
@Check({ name: 'incident_check', expression: '((idempotency_key IS NULL) = (idempotency_principal IS NULL))' })
@Index({
  name: 'incident_idempotency',
  expression: 'create unique index incident_idempotency on incident (idempotency_principal, idempotency_key) where idempotency_key is not null',
})
@Index({ name: 'incident_handler', expression: 'create index incident_handler on incident (handler_org_id, reported_at desc, id desc)' })
@Index({ name: 'incident_reporting', expression: 'create index incident_reporting on incident (reporting_org_id, reported_at desc, id desc)' })
@Index({ name: 'incident_reported', expression: 'create index incident_reported on incident (reported_at desc, id desc)' })
@Index({ name: 'incident_updated', expression: 'create index incident_updated on incident (updated_at desc, id desc)' })
@Index({ name: 'incident_severity', expression: 'create index incident_severity on incident (severity_rank desc, reported_at desc, id desc)' })
@Index({ name: 'incident_status', expression: 'create index incident_status on incident (status, reported_at desc)' })
@Index({ name: 'incident_tlp_open', expression: 'create index incident_tlp_open on incident (tlp, reported_at desc) where not confidential' })
@Index({ name: 'incident_reference_lower', expression: 'create index incident_reference_lower on incident (lower(reference) text_pattern_ops)' })
@Index({ name: 'incident_title_trgm', expression: 'create index incident_title_trgm on incident using gin (title gin_trgm_ops)' })
@Index({ name: 'incident_reference_trgm', expression: 'create index incident_reference_trgm on incident using gin (reference gin_trgm_ops)' })
export class IncidentEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'serious' | 'confidential' | 'coordinatorOwns' | 'version';
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'text', unique: 'incident_reference_key' }) reference!: string;
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text' }) description!: string;
  @Property({ type: 'text', nullable: true }) rsitClass?: string | null;
  @Property({ type: 'text', nullable: true }) rsitType?: string | null;
  @Property({ type: 'text', nullable: true }) nationalCategory?: string | null;
  @Enum({ items: [...SEVERITIES], columnType: 'text', nullable: true }) severity?: Severity | null;
  /** Sort key of `severity` (indexed); computed by PostgreSQL. */
  @Property({
    type: 'smallint',
    generated:
      "CASE severity\n    WHEN 'LOW'::text THEN 1\n    WHEN 'MEDIUM'::text THEN 2\n    WHEN 'HIGH'::text THEN 3\n    WHEN 'CRITICAL'::text THEN 4\n    ELSE 0\nEND stored",
    lazy: true,
  })
  severityRank?: number;
  @Property({ type: 'boolean', default: false }) serious = false;
  @Enum({ items: [...SCOPES], columnType: 'text' }) scope!: IncidentScope;
  @Enum({ items: [...INCIDENT_STATUSES], columnType: 'text' }) status!: IncidentStatus;
  @Enum({ items: [...TLPS], columnType: 'text' }) tlp!: Tlp;
  @Enum({ items: [...PAPS], columnType: 'text', nullable: true }) pap?: Pap | null;
  @Property({ type: 'boolean', default: false }) confidential = false;
  @Property({ type: JsonType }) reporterContact!: ReporterContact;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'reporting_org_id', foreignKeyName: 'incident_reporting_org_id_fkey' })
  reportingOrgId!: string;
  @ManyToOne(() => AccountEntity, { ...FK, fieldName: 'reporter_account_id', foreignKeyName: 'incident_reporter_account_id_fkey', nullable: true })
  reporterAccountId?: string | null;
  @ManyToOne(() => ApiKeyEntity, { ...FK, fieldName: 'reporter_api_key_id', foreignKeyName: 'incident_reporter_api_key_id_fkey', nullable: true })
  reporterApiKeyId?: string | null;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'handler_org_id', foreignKeyName: 'incident_handler_org_id_fkey' })
  handlerOrgId!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'addressee_org_id', foreignKeyName: 'incident_addressee_org_id_fkey', nullable: true })
  addresseeOrgId?: string | null;
  /** Set for good once the coordinator takes part (DESIGN.md §2). */
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'coordinator_org_id', foreignKeyName: 'incident_coordinator_org_id_fkey', nullable: true })
  coordinatorOrgId?: string | null;
  /** The coordinator owns the incident once it was routed to it or has been COORDINATING. */
  @Property({ type: 'boolean', default: false }) coordinatorOwns = false;
  @Property({ type: JsonType, nullable: true }) affectedSystem?: AffectedSystem | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) occurredAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) detectedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) reportedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) triagedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) escalatedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) resolvedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) closedAt?: Date | null;
  @Property({ type: 'text', nullable: true }) rejectionReason?: string | null;
  @ManyToOne(() => IncidentEntity, { ...FK, fieldName: 'duplicate_of_id', foreignKeyName: 'incident_duplicate_of_id_fkey', nullable: true })
  duplicateOfId?: string | null;
  @Property({ type: 'text', nullable: true }) escalationReason?: string | null;
  @Property({ type: 'text', nullable: true }) resolutionSummary?: string | null;
  @Property({ type: JsonType, nullable: true }) finalReport?: FinalReport | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) finalReportAt?: Date | null;
  @Property({ type: 'text', nullable: true }) idempotencyPrincipal?: string | null;
  @Property({ type: 'text', nullable: true }) idempotencyKey?: string | null;
  @Property({ type: 'text', nullable: true }) requestHash?: string | null;
  @Property({ type: 'integer', version: true, default: 1 }) version = 1;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

/** An organization the incident was shared with or referred to. */
@Entity({ tableName: 'incident_participant' })
@Index({ name: 'incident_participant_org', properties: ['organizationId', 'incidentId'] })
export class IncidentParticipantEntity {
  @ManyToOne(() => IncidentEntity, { ...FK, primary: true, fieldName: 'incident_id', foreignKeyName: 'incident_participant_incident_id_fkey' })
  incidentId!: string;
  @ManyToOne(() => OrganizationEntity, {
    ...FK,
    primary: true,
    fieldName: 'organization_id',
    foreignKeyName: 'incident_participant_organization_id_fkey',
  })
  organizationId!: string;
  @Enum({ items: [...PARTICIPATION_KINDS], columnType: 'text' }) kind!: ParticipationKind;
  @Property({ type: 'text', nullable: true }) reason?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) addedAt!: Date;
}

@Entity({ tableName: 'indicator' })
@Unique({ name: 'indicator_incident_id_type_value_key', properties: ['incidentId', 'type', 'value'] })
// Label-aligned suffix matching of domains against zones: reverse(value) like reverse(zone) || '.%'.
@Index({
  name: 'indicator_domain_reversed',
  expression: "create index indicator_domain_reversed on indicator (reverse(value) text_pattern_ops) where type = 'DOMAIN'",
})
@Index({ name: 'indicator_value', properties: ['type', 'value'] })
export class IndicatorEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'reported';
  @PrimaryKey({ type: 'bigint', autoincrement: true, generated: 'identity' }) id!: string;
  @ManyToOne(() => IncidentEntity, { ...FK, fieldName: 'incident_id', foreignKeyName: 'indicator_incident_id_fkey' })
  incidentId!: string;
  @Enum({ items: [...INDICATOR_TYPES], columnType: 'text' }) type!: string;
  @Property({ type: 'text' }) value!: string;
  @Property({ type: 'text' }) displayValue!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) addedAt!: Date;
  /** Came with the report (the REPORTER view shows only these). */
  @Property({ type: 'boolean', default: false }) reported: boolean = false;
}

/** The receipt numbers taken per year (the row lock keeps them gap-free). */
@Entity({ tableName: 'reference_counter' })
export class ReferenceCounterEntity {
  @PrimaryKey({ type: 'integer', autoincrement: false }) year!: number;
  @Property({ type: 'integer' }) lastValue!: number;
}
