import { Entity, PrimaryKey, Property, JsonType } from '@mikro-orm/core';

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

@Entity({ tableName: 'incident' })
export class IncidentEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'text', unique: true }) reference!: string;
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text' }) description!: string;
  @Property({ type: 'text', nullable: true }) rsitClass?: string | null;
  @Property({ type: 'text', nullable: true }) rsitType?: string | null;
  @Property({ type: 'text', nullable: true }) nationalCategory?: string | null;
  @Property({ type: 'text', nullable: true }) severity?: Severity | null;
  @Property({ type: 'boolean' }) serious = false;
  @Property({ type: 'text' }) scope!: IncidentScope;
  @Property({ type: 'text' }) status!: IncidentStatus;
  @Property({ type: 'text' }) tlp!: Tlp;
  @Property({ type: 'text', nullable: true }) pap?: Pap | null;
  @Property({ type: 'boolean' }) confidential = false;
  @Property({ type: JsonType }) reporterContact!: ReporterContact;
  @Property({ type: 'uuid' }) reportingOrgId!: string;
  @Property({ type: 'uuid', nullable: true }) reporterAccountId?: string | null;
  @Property({ type: 'uuid', nullable: true }) reporterApiKeyId?: string | null;
  @Property({ type: 'uuid' }) handlerOrgId!: string;
  @Property({ type: 'uuid', nullable: true }) addresseeOrgId?: string | null;
  @Property({ type: 'uuid', nullable: true }) coordinatorOrgId?: string | null;
  @Property({ type: 'boolean' }) coordinatorOwns = false;
  @Property({ type: JsonType, nullable: true }) affectedSystem?: AffectedSystem | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) occurredAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) detectedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) reportedAt!: Date;
  @Property({ type: 'text', nullable: true }) idempotencyPrincipal?: string | null;
  @Property({ type: 'text', nullable: true }) idempotencyKey?: string | null;
  @Property({ type: 'text', nullable: true }) requestHash?: string | null;
  @Property({ type: 'integer' }) version = 1;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ tableName: 'indicator' })
export class IndicatorEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'uuid' }) incidentId!: string;
  @Property({ type: 'text' }) type!: string;
  @Property({ type: 'text' }) value!: string;
  @Property({ type: 'text' }) displayValue!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) addedAt!: Date;
  /** Came with the report (the REPORTER view shows only these). */
  @Property({ type: 'boolean', default: false }) reported!: boolean;
}

@Entity({ tableName: 'reference_counter' })
export class ReferenceCounterEntity {
  @PrimaryKey({ type: 'integer', autoincrement: false }) year!: number;
  @Property({ type: 'integer' }) lastValue!: number;
}
