import { Resolver, Query, Mutation, Arg, Ctx, Info, Int, ID } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import * as service from './notifications.service';
import {
  CreateWebhookInput,
  CreateWebhookPayload,
  DeletedPayload,
  NotificationDelivery,
  NotificationDeliveryConnection,
  NotificationDeliveryFilter,
  NotificationSettings,
  NotificationSettingsPayload,
  UpdateNotificationSettingsInput,
  UpdateWebhookInput,
  WebhookConnection,
  WebhookPayload,
} from './notifications.types';

/** DESIGN.md §7: an organization's ADMINs (the coordinator's for any organization) manage its notifications. */
const ADMINS = { capability: 'ORG_ADMIN' } as const;

@Resolver()
export class NotificationsResolver {
  @Mutation(() => NotificationSettingsPayload)
  @Rule(ADMINS)
  async updateNotificationSettings(
    @Arg('input', () => UpdateNotificationSettingsInput) input: UpdateNotificationSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<NotificationSettingsPayload> {
    return { settings: await service.updateNotificationSettings(ctx, input) };
  }

  @Mutation(() => CreateWebhookPayload, { description: 'The secret (whsec_…) is returned only here and by rotateWebhookSecret' })
  @Rule(ADMINS)
  createWebhook(@Arg('input', () => CreateWebhookInput) input: CreateWebhookInput, @Ctx() ctx: Context): Promise<CreateWebhookPayload> {
    return service.createWebhook(ctx, input);
  }

  @Mutation(() => WebhookPayload)
  @Rule(ADMINS)
  async updateWebhook(@Arg('input', () => UpdateWebhookInput) input: UpdateWebhookInput, @Ctx() ctx: Context): Promise<WebhookPayload> {
    return { webhook: await service.updateWebhook(ctx, input) };
  }

  @Mutation(() => CreateWebhookPayload, {
    description: 'A new secret; the previous one keeps signing during the overlap (NOTIFY_SECRET_OVERLAP_HOURS)',
  })
  @Rule(ADMINS)
  rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CreateWebhookPayload> {
    return service.rotateWebhookSecret(ctx, id);
  }

  @Mutation(() => DeletedPayload)
  @Rule(ADMINS)
  deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DeletedPayload> {
    return service.deleteWebhook(ctx, id);
  }

  @Mutation(() => NotificationDelivery, { description: 'Sends a PING now and reports the attempt' })
  @Rule(ADMINS)
  testWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<NotificationDelivery> {
    return service.testWebhook(ctx, id, info.schema);
  }

  @Mutation(() => NotificationDelivery, {
    description: 'Sends a finished (dead, skipped, cancelled or delivered) delivery again, with the same webhook-id',
  })
  @Rule(ADMINS)
  replayNotification(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: Context): Promise<NotificationDelivery> {
    return service.replayNotification(ctx, deliveryId);
  }

  @Query(() => NotificationSettings, { description: 'The caller’s organization’s (the coordinator’s ADMINs: any organization’s)' })
  @Rule(ADMINS)
  notificationSettings(
    @Ctx() ctx: Context,
    @Arg('organizationId', () => ID, { nullable: true }) organizationId?: string,
  ): Promise<NotificationSettings> {
    return service.notificationSettings(ctx, organizationId);
  }

  @Query(() => WebhookConnection, {
    description: 'The caller’s organization’s webhooks (the coordinator’s ADMINs: any organization’s), newest first',
  })
  @Rule(ADMINS)
  webhooks(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('organizationId', () => ID, { nullable: true }) organizationId?: string,
  ) {
    return service.listWebhooks(ctx, { first, after, organizationId });
  }

  @Query(() => NotificationDeliveryConnection, { description: 'The delivery log of the caller’s organization, newest first, with every attempt' })
  @Rule(ADMINS)
  notificationDeliveries(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('filter', () => NotificationDeliveryFilter, { nullable: true }) filter?: NotificationDeliveryFilter,
    @Arg('organizationId', () => ID, { nullable: true }) organizationId?: string,
  ) {
    return service.listDeliveries(ctx, { first, after, filter, organizationId });
  }
}
