import { Entity, PrimaryKey, Property, ArrayType, Enum, ManyToOne, Index } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';
import { IncidentEntity } from '../incidents/incident.entity';
import { DirectiveEntity } from '../directives/directive.entity';

/** DESIGN.md §7: the notification kinds (what notifies whom). PING is a test delivery of `testWebhook`. */
export const NOTIFICATION_KINDS = [
  'REPORT_RECEIVED',
  'INCIDENT_ASSIGNED',
  'DIRECTIVE_ISSUED',
  'DIRECTIVE_DUE_SOON',
  'DIRECTIVE_OVERDUE',
  'DIRECTIVE_ANSWERED',
  'FINAL_REPORT_DUE',
  'FINAL_REPORT_OVERDUE',
  'INCIDENT_SHARED',
  'INCIDENT_REFERRED',
  'REPORT_STATUS_CHANGED',
  'PING',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const LANGUAGES = ['VI', 'EN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const CHANNELS = ['EMAIL', 'WEBHOOK'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'DEAD', 'SKIPPED', 'CANCELLED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity({ tableName: 'notification_settings' })
export class NotificationSettingsEntity {
  @ManyToOne(() => OrganizationEntity, {
    ...FK,
    primary: true,
    fieldName: 'organization_id',
    foreignKeyName: 'notification_settings_organization_id_fkey',
  })
  organizationId!: string;
  @Property({ type: 'text', nullable: true }) email?: string | null;
  @Enum({ items: [...LANGUAGES], columnType: 'text', nullable: true }) language?: Language | null;
  @Property({ type: ArrayType, columnType: 'text[]', nullable: true }) kinds?: string[] | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ tableName: 'webhook' })
@Index({ name: 'webhook_organization', expression: 'create index webhook_organization on webhook (organization_id) where deleted_at is null' })
export class WebhookEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'organization_id', foreignKeyName: 'webhook_organization_id_fkey' })
  organizationId!: string;
  @Property({ type: 'text' }) url!: string;
  @Property({ type: 'text', nullable: true }) description?: string | null;
  @Property({ type: ArrayType, columnType: 'text[]', nullable: true }) kinds?: string[] | null;
  @Property({ type: 'boolean', default: true }) active = true;
  @Property({ type: 'text' }) secret!: string;
  @Property({ type: 'text', nullable: true }) previousSecret?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) previousSecretUntil?: Date | null;
  @Property({ type: 'text', nullable: true }) disabledReason?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) deletedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

/** The outbox: one intent per recipient organization and event (or reminder threshold). */
@Entity({ tableName: 'notification' })
@Index({ name: 'notification_organization', expression: 'create index notification_organization on notification (organization_id, created_at desc)' })
export class NotificationEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'text' }) kind!: NotificationKind;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'organization_id', foreignKeyName: 'notification_organization_id_fkey' })
  organizationId!: string;
  @ManyToOne(() => IncidentEntity, { ...FK, fieldName: 'incident_id', foreignKeyName: 'notification_incident_id_fkey', nullable: true })
  incidentId?: string | null;
  @ManyToOne(() => DirectiveEntity, { ...FK, fieldName: 'directive_id', foreignKeyName: 'notification_directive_id_fkey', nullable: true })
  directiveId?: string | null;
  @Property({ type: 'bigint', nullable: true }) eventPosition?: string | null;
  @Property({ type: 'text', nullable: true, unique: 'notification_reminder_key_key' }) reminderKey?: string | null;
  @Property({ type: 'text', nullable: true }) email?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
}

@Entity({ tableName: 'notification_delivery' })
@Index({
  name: 'notification_delivery_due',
  expression: "create index notification_delivery_due on notification_delivery (next_attempt_at) where status = 'PENDING'",
})
@Index({
  name: 'notification_delivery_organization',
  expression: 'create index notification_delivery_organization on notification_delivery (organization_id, created_at desc, id desc)',
})
export class NotificationDeliveryEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @ManyToOne(() => NotificationEntity, { ...FK, fieldName: 'notification_id', foreignKeyName: 'notification_delivery_notification_id_fkey' })
  notificationId!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'organization_id', foreignKeyName: 'notification_delivery_organization_id_fkey' })
  organizationId!: string;
  @Enum({ items: [...CHANNELS], columnType: 'text' }) channel!: Channel;
  @ManyToOne(() => WebhookEntity, { ...FK, fieldName: 'webhook_id', foreignKeyName: 'notification_delivery_webhook_id_fkey', nullable: true })
  webhookId?: string | null;
  @Property({ type: 'text' }) address!: string;
  @Enum({ items: [...DELIVERY_STATUSES], columnType: 'text' }) status!: DeliveryStatus;
  @Property({ type: 'integer', default: 0 }) attempts = 0;
  @Property({ type: 'integer', default: 0 }) queuedAttempt = 0;
  @Property({ type: 'integer', default: 0 }) retryBase = 0;
  @Property({ type: 'Date', columnType: 'timestamptz' }) nextAttemptAt!: Date;
  @Property({ type: 'integer', nullable: true }) lastStatusCode?: number | null;
  @Property({ type: 'text', nullable: true }) lastError?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) deliveredAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ tableName: 'notification_attempt' })
@Index({ name: 'notification_attempt_delivery', properties: ['deliveryId', 'attempt'] })
export class NotificationAttemptEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true, generated: 'identity' }) id!: string;
  @ManyToOne(() => NotificationDeliveryEntity, { ...FK, fieldName: 'delivery_id', foreignKeyName: 'notification_attempt_delivery_id_fkey' })
  deliveryId!: string;
  @Property({ type: 'integer' }) attempt!: number;
  @Property({ type: 'Date', columnType: 'timestamptz' }) startedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) finishedAt?: Date | null;
  @Property({ type: 'integer', nullable: true }) statusCode?: number | null;
  @Property({ type: 'integer', nullable: true }) latencyMs?: number | null;
  @Property({ type: 'text', nullable: true }) outcome?: string | null;
  @Property({ type: 'text', nullable: true }) error?: string | null;
  @Property({ type: 'text' }) instance!: string;
}

export const NOTIFICATION_ENTITIES = [
  NotificationSettingsEntity,
  WebhookEntity,
  NotificationEntity,
  NotificationDeliveryEntity,
  NotificationAttemptEntity,
];
