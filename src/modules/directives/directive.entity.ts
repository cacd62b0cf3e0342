import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

export const DIRECTIVE_ACTIONS = [
  'BLOCK_IP', 'BLOCK_DOMAIN', 'SUSPEND_DOMAIN', 'TAKE_DOWN_CONTENT', 'PRESERVE_EVIDENCE', 'PROVIDE_INFORMATION',
  'ISOLATE_SYSTEM', 'DEPLOY_RESPONSE_TEAM', 'PATCH_VULNERABILITY', 'INVESTIGATE', 'OTHER',
] as const;
export type DirectiveAction = (typeof DIRECTIVE_ACTIONS)[number];
export const DIRECTIVE_STATUSES = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'COMPLETED', 'DECLINED', 'CANCELLED'] as const;
export type DirectiveStatus = (typeof DIRECTIVE_STATUSES)[number];
/** A directive still to be answered (acknowledged, started, completed or declined) or cancelled. */
export const OPEN_DIRECTIVE_STATUSES: readonly DirectiveStatus[] = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS'];

@Entity({ tableName: 'directive' })
export class DirectiveEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'uuid' }) incidentId!: string;
  @Property({ type: 'uuid' }) issuerOrgId!: string;
  @Property({ type: 'uuid' }) recipientOrgId!: string;
  @Property({ type: 'text' }) action!: DirectiveAction;
  @Property({ type: 'text' }) instructions!: string;
  @Property({ type: 'text' }) tlp!: string;
  @Property({ type: 'text', nullable: true }) pap?: string | null;
  @Property({ type: 'text' }) status!: DirectiveStatus;
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
  @Property({ type: 'integer' }) version = 1;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}
