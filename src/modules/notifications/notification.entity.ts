import { Entity, PrimaryKey, Property, ArrayType } from '@mikro-orm/core';

/** DESIGN.md §7: the notification kinds (what notifies whom). PING is a test delivery of `testWebhook`. */
export const NOTIFICATION_KINDS = [
  'REPORT_RECEIVED', 'INCIDENT_ASSIGNED', 'DIRECTIVE_ISSUED', 'DIRECTIVE_DUE_SOON', 'DIRECTIVE_OVERDUE', 'DIRECTIVE_ANSWERED',
  'FINAL_REPORT_DUE', 'FINAL_REPORT_OVERDUE', 'INCIDENT_SHARED', 'INCIDENT_REFERRED', 'REPORT_STATUS_CHANGED', 'PING',
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
  @PrimaryKey({ type: 'uuid', autoincrement: false }) organizationId!: string;
  @Property({ type: 'text', nullable: true }) email?: string | null;
  @Property({ type: 'text', nullable: true }) language?: Language | null;
  @Property({ type: ArrayType, columnType: 'text[]', nullable: true }) kinds?: string[] | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ tableName: 'webhook' })
export class WebhookEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'uuid' }) organizationId!: string;
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
export class NotificationEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'text' }) kind!: NotificationKind;
  @Property({ type: 'uuid' }) organizationId!: string;
  @Property({ type: 'uuid', nullable: true }) incidentId?: string | null;
  @Property({ type: 'uuid', nullable: true }) directiveId?: string | null;
  @Property({ type: 'bigint', nullable: true }) eventPosition?: string | null;
  @Property({ type: 'text', nullable: true, unique: true }) reminderKey?: string | null;
  @Property({ type: 'text', nullable: true }) email?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
}

@Entity({ tableName: 'notification_delivery' })
export class NotificationDeliveryEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'uuid' }) notificationId!: string;
  @Property({ type: 'uuid' }) organizationId!: string;
  @Property({ type: 'text' }) channel!: Channel;
  @Property({ type: 'uuid', nullable: true }) webhookId?: string | null;
  @Property({ type: 'text' }) address!: string;
  @Property({ type: 'text' }) status!: DeliveryStatus;
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
export class NotificationAttemptEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'uuid' }) deliveryId!: string;
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
  NotificationSettingsEntity, WebhookEntity, NotificationEntity, NotificationDeliveryEntity, NotificationAttemptEntity,
];
