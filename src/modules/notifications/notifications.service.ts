import type { GraphQLSchema } from 'graphql';
import type { Context, Services } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { badInput, notFound } from '../../graphql/errors';
import { decodeId, decodeKeyset, encodeCursor, pageOf, toGlobalId, type Connection } from '../../graphql/relay';
import { decideNotificationAdministration, enforce } from '../../auth/decide';
import { notificationRowsVisibleSql, ownOrganizationId } from '../../auth/views';
import { notificationStartupProblem, ConfigError } from '../../config';
import { clampFirst } from '../../graphql/relay';
import { NOTIFICATION_KINDS, type Language, type NotificationKind } from './notification.entity';
import { Notifier } from './notifier';
import { checkWebhookUrl } from './ssrf';
import { newWebhookSecret } from './webhook';
import * as repo from './notifications.repo';
import type {
  CreateWebhookInput,
  CreateWebhookPayload,
  NotificationDelivery,
  NotificationDeliveryFilter,
  NotificationSettings,
  UpdateNotificationSettingsInput,
  UpdateWebhookInput,
  Webhook,
} from './notifications.types';

/** Starts delivery when notifications are on; in production, refuses to start without SMTP_URL. */
export async function startNotifications(services: Services, schema: GraphQLSchema, databaseUrl: string): Promise<Notifier | null> {
  const problem = notificationStartupProblem(services.config);
  if (problem) throw new ConfigError(problem);
  if (!services.config.notifications.enabled) return null;
  const notifier = new Notifier(services, schema, databaseUrl);
  await notifier.start();
  if (notifier.mailer.mailbox)
    services.log.info({ mailbox: notifier.mailer.mailbox }, 'no SMTP_URL: e-mail goes to the local mailbox (npm run mailbox)');
  return notifier;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function toWebhook(row: repo.WebhookRow): Webhook {
  return {
    id: toGlobalId('Webhook', row.id),
    organizationId: toGlobalId('Organization', row.organization_id),
    url: row.url,
    description: row.description,
    kinds: (row.kinds ?? NOTIFICATION_KINDS.filter((k) => k !== 'PING')) as NotificationKind[],
    active: row.active,
    disabledReason: row.disabled_reason,
    previousSecretExpiresAt: row.previous_secret ? row.previous_secret_until : null,
    createdAt: row.created_at,
  };
}

function toDelivery(row: repo.DeliveryRow): NotificationDelivery {
  return {
    id: toGlobalId('NotificationDelivery', row.id),
    messageId: `msg_${row.id}`,
    kind: row.kind,
    channel: row.channel,
    webhookId: row.webhook_id ? toGlobalId('Webhook', row.webhook_id) : null,
    address: row.address,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'PENDING' ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    attemptLog: (row.attempt_log ?? []).map((a) => ({
      ...a,
      startedAt: new Date(a.startedAt),
      finishedAt: a.finishedAt ? new Date(a.finishedAt) : null,
    })),
  };
}

/** The organization a settings change targets: the caller's, or (coordinator's ADMINs) any; the rulebook decides. */
async function targetOrganization(ctx: Context, organizationId: string | null | undefined): Promise<{ id: string; country: string }> {
  const viewer = viewerOf(ctx);
  let id = ownOrganizationId(viewer);
  if (organizationId) {
    const decoded = decodeId(organizationId, 'Organization');
    if (!decoded) throw badInput('input.organizationId', 'unknown organization');
    id = decoded;
  }
  const org = await repo.organizationCountry(ctx.db, id);
  if (!org) throw badInput('input.organizationId', 'unknown organization');
  ctx.authz.require('ORG_ADMIN', 'managing notifications');
  enforce(decideNotificationAdministration(viewer, org.id));
  return org;
}

function checkKinds(kinds: readonly NotificationKind[] | null | undefined, field: string): string[] | null {
  if (!kinds) return null;
  if (kinds.length === 0) throw badInput(field, 'name at least one kind, or omit the list for all');
  return [...new Set(kinds)];
}

export async function updateNotificationSettings(ctx: Context, input: UpdateNotificationSettingsInput): Promise<NotificationSettings> {
  if (input.email != null && input.email !== '' && !EMAIL_RE.test(input.email)) throw badInput('input.email', 'not an e-mail address');
  const kinds = checkKinds(input.kinds, 'input.kinds');
  const org = await targetOrganization(ctx, input.organizationId);
  const now = ctx.clock.now();
  const row = await repo.upsertSettings(
    ctx.db,
    org.id,
    {
      email: input.email === undefined ? undefined : input.email || null,
      language: input.language ?? undefined,
      kinds: input.kinds === undefined ? undefined : kinds,
    },
    now,
  );
  return toSettings(row, org.country);
}

function toSettings(row: repo.SettingsRow, country: string): NotificationSettings {
  return {
    organizationId: toGlobalId('Organization', row.organization_id),
    email: row.email ?? row.intake_email ?? null,
    language: (row.language ?? (country === 'VN' ? 'VI' : 'EN')) as Language,
    kinds: (row.kinds ?? NOTIFICATION_KINDS.filter((k) => k !== 'PING')) as NotificationKind[],
  };
}

async function checkedUrl(ctx: Context, url: string, field: string): Promise<string> {
  const verdict = await checkWebhookUrl(url.trim(), ctx.config.notifications.allowPrivate);
  if (!verdict.ok) throw badInput(field, `webhook URL refused: ${verdict.reason}`);
  return verdict.url.toString();
}

export async function createWebhook(ctx: Context, input: CreateWebhookInput): Promise<CreateWebhookPayload> {
  const kinds = checkKinds(input.kinds, 'input.kinds');
  const url = await checkedUrl(ctx, input.url, 'input.url');
  const org = await targetOrganization(ctx, input.organizationId);
  const secret = newWebhookSecret();
  const row = await repo.insertWebhook(
    ctx.db,
    { organizationId: org.id, url, kinds, description: input.description ?? null, secret },
    ctx.clock.now(),
  );
  return { secret, webhook: toWebhook(row) };
}

/** A webhook the viewer manages, or NOT_FOUND (another organization's reads like a missing one). */
async function managedWebhook(ctx: Context, id: string): Promise<repo.WebhookRow> {
  const uuid = decodeId(id, 'Webhook');
  const row = uuid ? await repo.webhookById(ctx.db, uuid, notificationRowsVisibleSql(viewerOf(ctx))) : undefined;
  if (!row) throw notFound('Webhook');
  ctx.authz.require('ORG_ADMIN', 'managing webhooks');
  enforce(decideNotificationAdministration(viewerOf(ctx), row.organization_id));
  return row;
}

export async function updateWebhook(ctx: Context, input: UpdateWebhookInput): Promise<Webhook> {
  const kinds = checkKinds(input.kinds, 'input.kinds');
  const url = input.url != null ? await checkedUrl(ctx, input.url, 'input.url') : null;
  const row = await managedWebhook(ctx, input.id);
  const updated = await repo.updateWebhook(
    ctx.db,
    row.id,
    { url, kinds: input.kinds === undefined ? undefined : kinds, active: input.active ?? null },
    ctx.clock.now(),
  );
  return toWebhook(updated);
}

export async function rotateWebhookSecret(ctx: Context, id: string): Promise<CreateWebhookPayload> {
  const row = await managedWebhook(ctx, id);
  const secret = newWebhookSecret();
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + ctx.config.notifications.secretOverlapHours * 3_600_000);
  const updated = await repo.rotateSecret(ctx.db, row.id, secret, until, now);
  return { secret, webhook: toWebhook(updated) };
}

export async function deleteWebhook(ctx: Context, id: string): Promise<{ id: string; deleted: boolean }> {
  const row = await managedWebhook(ctx, id);
  await repo.deleteWebhook(ctx.db, row.id, ctx.clock.now());
  return { id, deleted: true };
}

/** A PING to the endpoint now: an intent and its delivery, then one attempt made in this request. */
export async function testWebhook(ctx: Context, id: string, schema: GraphQLSchema): Promise<NotificationDelivery> {
  const row = await managedWebhook(ctx, id);
  // Inserted as already queued for attempt 1, so no instance's round enqueues it while this request makes it.
  const deliveryId = await repo.insertPing(ctx.db, row, ctx.clock.now());
  const worker = new Notifier(ctx, schema, ctx.db.url);
  try {
    await worker.perform({ deliveryId, attempt: 1 });
  } finally {
    worker.mailer.close();
  }
  return toDelivery((await repo.deliveryById(ctx.db, deliveryId, notificationRowsVisibleSql(viewerOf(ctx))))!);
}

/** A dead (or any finished) delivery goes again, with the same webhook-id, from the first retry step. */
export async function replayNotification(ctx: Context, deliveryId: string): Promise<NotificationDelivery> {
  const uuid = decodeId(deliveryId, 'NotificationDelivery');
  const visible = notificationRowsVisibleSql(viewerOf(ctx));
  const row = uuid ? await repo.deliveryById(ctx.db, uuid, visible) : undefined;
  if (!row) throw notFound('NotificationDelivery');
  ctx.authz.require('ORG_ADMIN', 'replaying notifications');
  enforce(decideNotificationAdministration(viewerOf(ctx), row.organization_id));
  if (row.status === 'PENDING') throw badInput('deliveryId', 'the delivery is still pending');
  await repo.replay(ctx.db, row.id, ctx.clock.now());
  return toDelivery((await repo.deliveryById(ctx.db, row.id, visible))!);
}

export async function listWebhooks(
  ctx: Context,
  args: { first?: number | null; after?: string | null; organizationId?: string | null },
): Promise<Connection<Webhook>> {
  const org = await targetOrganization(ctx, args.organizationId);
  const first = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['timestamp', 'uuid']);
  const rows = await repo.webhooks(ctx.db, { organizationId: org.id, visible: notificationRowsVisibleSql(viewerOf(ctx)), after: cursor }, first + 1);
  const page = pageOf(rows, first, (r) => encodeCursor([r.created_at.toISOString(), r.id]));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toWebhook(e.node) })) };
}

export async function listDeliveries(
  ctx: Context,
  args: { first?: number | null; after?: string | null; filter?: NotificationDeliveryFilter | null; organizationId?: string | null },
): Promise<Connection<NotificationDelivery>> {
  const org = await targetOrganization(ctx, args.organizationId);
  const first = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['timestamp', 'uuid']);
  const visible = notificationRowsVisibleSql(viewerOf(ctx));
  const f = args.filter;
  let webhookId: string | null = null;
  if (f?.webhookId) {
    webhookId = decodeId(f.webhookId, 'Webhook');
    if (!webhookId) throw badInput('filter.webhookId', 'unknown webhook');
  }
  const rows = await repo.deliveries(
    ctx.db,
    { organizationId: org.id, visible, kind: f?.kind, status: f?.status, webhookId, after: cursor },
    first + 1,
  );
  const page = pageOf(rows, first, (r) => encodeCursor([r.created_at.toISOString(), r.id]));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toDelivery(e.node) })) };
}

export async function notificationSettings(ctx: Context, organizationId?: string | null): Promise<NotificationSettings> {
  const org = await targetOrganization(ctx, organizationId);
  const row = await repo.settings(ctx.db, org.id);
  return toSettings(row, org.country);
}
