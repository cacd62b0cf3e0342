import { OptionalProps, Entity, PrimaryKey, Property, Enum, ManyToOne, Index } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';
import { IncidentEntity, TLPS, PAPS, type Tlp, type Pap } from '../incidents/incident.entity';

export const DIRECTIVE_ACTIONS = [
  'BLOCK_IP',
  'BLOCK_DOMAIN',
  'SUSPEND_DOMAIN',
  'TAKE_DOWN_CONTENT',
  'PRESERVE_EVIDENCE',
  'PROVIDE_INFORMATION',
  'ISOLATE_SYSTEM',
  'DEPLOY_RESPONSE_TEAM',
  'PATCH_VULNERABILITY',
  'INVESTIGATE',
  'OTHER',
] as const;
export type DirectiveAction = (typeof DIRECTIVE_ACTIONS)[number];
export const DIRECTIVE_STATUSES = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'COMPLETED', 'DECLINED', 'CANCELLED'] as const;
export type DirectiveStatus = (typeof DIRECTIVE_STATUSES)[number];
/** A directive still to be answered (acknowledged, started, completed or declined) or cancelled. */
export const OPEN_DIRECTIVE_STATUSES: readonly DirectiveStatus[] = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS'];

/** A coordination order. `version` is its optimistic lock (a directive's moves bump only its own). */
@Entity({ tableName: 'directive' })
@Index({ name: 'directive_incident', properties: ['incidentId', 'issuedAt', 'id'] })
@Index({ name: 'directive_recipient', properties: ['recipientOrgId', 'status', 'dueAt'] })
@Index({
  name: 'directive_open_due',
  expression: "create index directive_open_due on directive (due_at) where status in ('ISSUED','ACKNOWLEDGED','IN_PROGRESS')",
})
@Index({ name: 'directive_due', properties: ['dueAt', 'id'] })
@Index({ name: 'directive_recipient_due', properties: ['recipientOrgId', 'dueAt', 'id'] })
export class DirectiveEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'version';
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @ManyToOne(() => IncidentEntity, { ...FK, fieldName: 'incident_id', foreignKeyName: 'directive_incident_id_fkey' })
  incidentId!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'issuer_org_id', foreignKeyName: 'directive_issuer_org_id_fkey' })
  issuerOrgId!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'recipient_org_id', foreignKeyName: 'directive_recipient_org_id_fkey' })
  recipientOrgId!: string;
  @Property({ type: 'text' }) action!: DirectiveAction;
  @Property({ type: 'text' }) instructions!: string;
  @Enum({ items: [...TLPS], columnType: 'text' }) tlp!: Tlp;
  @Enum({ items: [...PAPS], columnType: 'text', nullable: true }) pap?: Pap | null;
  @Enum({ items: [...DIRECTIVE_STATUSES], columnType: 'text' }) status!: DirectiveStatus;
  @Property({ type: 'Date', columnType: 'timestamptz' }) dueAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) acknowledgementDueAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) issuedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) acknowledgedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) startedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) completedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) declinedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) cancelledAt?: Date | null;
  @Property({ type: 'text', nullable: true }) result?: string | null;
  @Property({ type: 'text', nullable: true }) declineReason?: string | null;
  @Property({ type: 'text', nullable: true }) cancelReason?: string | null;
  @Property({ type: 'integer', version: true, default: 1 }) version = 1;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

/** An indicator a directive is about (also added to the incident). */
@Entity({ tableName: 'directive_target' })
export class DirectiveTargetEntity {
  @ManyToOne(() => DirectiveEntity, { ...FK, primary: true, fieldName: 'directive_id', foreignKeyName: 'directive_target_directive_id_fkey' })
  directiveId!: string;
  @PrimaryKey({ type: 'text' }) type!: string;
  @PrimaryKey({ type: 'text' }) value!: string;
  @Property({ type: 'text' }) displayValue!: string;
}
