import { Field, InputType, Int, ObjectType, ID, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { GraphQLDateTime } from 'graphql-scalars';
import { ConnectionType } from '../../graphql/relay';
import {
  CHANNELS,
  DELIVERY_STATUSES,
  LANGUAGES,
  NOTIFICATION_KINDS,
  type Channel,
  type DeliveryStatus,
  type Language,
  type NotificationKind,
} from './notification.entity';

function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
}
export const NotificationKindEnum = enumOf(NOTIFICATION_KINDS);
export const LanguageEnum = enumOf(LANGUAGES);
export const NotificationChannelEnum = enumOf(CHANNELS);
export const DeliveryStatusEnum = enumOf(DELIVERY_STATUSES);
registerEnumType(NotificationKindEnum, { name: 'NotificationKind', description: 'What a notification is about (DESIGN.md §7); PING is a test' });
registerEnumType(LanguageEnum, { name: 'Language' });
registerEnumType(NotificationChannelEnum, { name: 'NotificationChannel' });
registerEnumType(DeliveryStatusEnum, {
  name: 'NotificationDeliveryStatus',
  description: 'DEAD: retries exhausted (replayable); SKIPPED: the recipient could no longer see the object',
});

@ObjectType({ description: 'An organization’s notification settings' })
export class NotificationSettings {
  @Field(() => ID) organizationId!: string;
  @Field(() => String, { nullable: true, description: 'Where e-mail goes; default: the organization’s intake e-mail' }) email!: string | null;
  @Field(() => LanguageEnum) language!: Language;
  @Field(() => [NotificationKindEnum], { description: 'The kinds it wants (default: all)' }) kinds!: NotificationKind[];
}

@ObjectType()
export class NotificationSettingsPayload {
  @Field(() => NotificationSettings) settings!: NotificationSettings;
}

@InputType()
export class UpdateNotificationSettingsInput {
  @Field(() => ID, { nullable: true, description: 'Default: the caller’s organization (the coordinator’s ADMINs may name any)' })
  @IsOptional()
  organizationId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(254) email?: string | null;
  @Field(() => LanguageEnum, { nullable: true }) @IsOptional() language?: Language | null;
  @Field(() => [NotificationKindEnum], { nullable: true }) @IsOptional() @ArrayMaxSize(20) kinds?: NotificationKind[] | null;
}

@ObjectType({ description: 'A webhook endpoint; its deliveries follow the Standard Webhooks specification' })
export class Webhook {
  @Field(() => ID) id!: string;
  @Field(() => ID) organizationId!: string;
  @Field() url!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [NotificationKindEnum], { description: 'Kinds it receives (all when created without a list)' }) kinds!: NotificationKind[];
  @Field() active!: boolean;
  @Field(() => String, { nullable: true, description: 'Why the hub disabled it (410 Gone)' }) disabledReason!: string | null;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Until when the previous secret still signs (after a rotation)' })
  previousSecretExpiresAt!: Date | null;
  @Field(() => GraphQLDateTime) createdAt!: Date;
}

@ObjectType()
export class CreateWebhookPayload {
  @Field({ description: 'whsec_…; shown only here' }) secret!: string;
  @Field(() => Webhook) webhook!: Webhook;
}

@ObjectType()
export class WebhookPayload {
  @Field(() => Webhook) webhook!: Webhook;
}

@ObjectType()
export class DeletedPayload {
  @Field(() => ID) id!: string;
  @Field() deleted!: boolean;
}

@InputType()
export class CreateWebhookInput {
  @Field() @Length(1, 2048) url!: string;
  @Field(() => ID, { nullable: true, description: 'Default: the caller’s organization (the coordinator’s ADMINs may name any)' })
  @IsOptional()
  organizationId?: string | null;
  @Field(() => [NotificationKindEnum], { nullable: true }) @IsOptional() @ArrayMaxSize(20) kinds?: NotificationKind[] | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) description?: string | null;
}

@InputType()
export class UpdateWebhookInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 2048) url?: string | null;
  @Field(() => [NotificationKindEnum], { nullable: true }) @IsOptional() @ArrayMaxSize(20) kinds?: NotificationKind[] | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() active?: boolean | null;
}

@ObjectType({ description: 'One try of a delivery' })
export class NotificationAttempt {
  @Field(() => Int) attempt!: number;
  @Field(() => GraphQLDateTime) startedAt!: Date;
  @Field(() => GraphQLDateTime, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { nullable: true }) statusCode!: number | null;
  @Field(() => Int, { nullable: true }) latencyMs!: number | null;
  @Field(() => String, { nullable: true, description: 'DELIVERED, RETRY, GONE, DEAD, SKIPPED, CANCELLED, REFUSED, INTERRUPTED' }) outcome!:
    string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ description: 'A notification to one endpoint or address, with its attempts' })
export class NotificationDelivery {
  @Field(() => ID) id!: string;
  @Field({ description: 'The webhook-id header: stable for this notification to this endpoint (receivers drop duplicates by it)' })
  messageId!: string;
  @Field(() => NotificationKindEnum) kind!: NotificationKind;
  @Field(() => NotificationChannelEnum) channel!: Channel;
  @Field(() => ID, { nullable: true }) webhookId!: string | null;
  @Field() address!: string;
  @Field(() => DeliveryStatusEnum) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'When the next try is due (pending only)' }) nextAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => GraphQLDateTime, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => [NotificationAttempt]) attemptLog!: NotificationAttempt[];
}

@InputType()
export class NotificationDeliveryFilter {
  @Field(() => NotificationKindEnum, { nullable: true }) @IsOptional() kind?: NotificationKind | null;
  @Field(() => DeliveryStatusEnum, { nullable: true }) @IsOptional() status?: DeliveryStatus | null;
  @Field(() => ID, { nullable: true }) @IsOptional() webhookId?: string | null;
}

export const WebhookConnection = ConnectionType('Webhook', Webhook);
export const NotificationDeliveryConnection = ConnectionType('NotificationDelivery', NotificationDelivery);
