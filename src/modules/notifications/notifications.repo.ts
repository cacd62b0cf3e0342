import type { Db } from '../../db/db';
import { sql, raw, type Sql } from '../../db/sql';
import type { Channel, DeliveryStatus, Language, NotificationKind } from './notification.entity';

export type WebhookRow = {
  id: string;
  organization_id: string;
  url: string;
  description: string | null;
  kinds: string[] | null;
  active: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
  disabled_reason: string | null;
  created_at: Date;
};

export type SettingsRow = {
  organization_id: string;
  email: string | null;
  intake_email: string | null;
  language: Language | null;
  kinds: string[] | null;
};

export type DeliveryRow = {
  id: string;
  organization_id: string;
  kind: NotificationKind;
  channel: Channel;
  webhook_id: string | null;
  address: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  attempt_log: { attempt: number; startedAt: string; finishedAt: string | null; statusCode: number | null; latencyMs: number | null; outcome: string | null; error: string | null }[] | null;
};

const WEBHOOK_COLUMNS = raw('w.id, w.organization_id, w.url, w.description, w.kinds, w.active, w.secret, w.previous_secret, w.previous_secret_until, w.disabled_reason, w.created_at');

export async function settings(db: Db, organizationId: string): Promise<SettingsRow> {
  const row = await db.one<SettingsRow>(sql`select o.id as organization_id, s.email, o.contact->>'intakeEmail' as intake_email, s.language, s.kinds
    from organization o left join notification_settings s on s.organization_id = o.id where o.id = ${organizationId}`);
  return row!;
}

/** `undefined` leaves a setting as it is; `null` returns it to its default. */
export async function upsertSettings(db: Db, organizationId: string, change: { email?: string | null; language?: Language; kinds?: string[] | null }, now: Date): Promise<SettingsRow> {
  await db.query(sql`insert into notification_settings (organization_id, email, language, kinds, updated_at)
    values (${organizationId}, ${change.email ?? null}, ${change.language ?? null}, ${change.kinds ?? null}::text[], ${now})
    on conflict (organization_id) do update set
      email = case when ${change.email !== undefined} then excluded.email else notification_settings.email end,
      language = case when ${change.language !== undefined} then excluded.language else notification_settings.language end,
      kinds = case when ${change.kinds !== undefined} then excluded.kinds else notification_settings.kinds end,
      updated_at = excluded.updated_at`);
  return settings(db, organizationId);
}

export async function insertWebhook(db: Db, w: { organizationId: string; url: string; kinds: string[] | null; description: string | null; secret: string }, now: Date): Promise<WebhookRow> {
  const row = await db.one<WebhookRow>(sql`insert into webhook as w (organization_id, url, description, kinds, active, secret, created_at, updated_at)
    values (${w.organizationId}, ${w.url}, ${w.description}, ${w.kinds}::text[], true, ${w.secret}, ${now}, ${now}) returning ${WEBHOOK_COLUMNS}`);
  return row!;
}

export async function webhookById(db: Db, id: string, visible: Sql): Promise<WebhookRow | undefined> {
  return db.one<WebhookRow>(sql`select ${WEBHOOK_COLUMNS} from webhook w where w.id = ${id} and w.deleted_at is null and ${visible}`);
}

export async function webhooks(db: Db, where: Sql, limit: number): Promise<WebhookRow[]> {
  return db.query<WebhookRow>(sql`select ${WEBHOOK_COLUMNS} from webhook w where ${where} order by w.created_at desc, w.id desc limit ${limit}`);
}

export async function updateWebhook(db: Db, id: string, change: { url: string | null; kinds?: string[] | null; active: boolean | null }, now: Date): Promise<WebhookRow> {
  const row = await db.one<WebhookRow>(sql`update webhook w set
      url = coalesce(${change.url}, url),
      kinds = case when ${change.kinds !== undefined} then ${change.kinds ?? null}::text[] else kinds end,
      active = coalesce(${change.active}, active),
      disabled_reason = case when ${change.active === true} then null else disabled_reason end,
      updated_at = ${now}
    where id = ${id} returning ${WEBHOOK_COLUMNS}`);
  return row!;
}

/** The new secret signs from now on; the previous one signs too until `until` (the overlap). */
export async function rotateSecret(db: Db, id: string, secret: string, until: Date, now: Date): Promise<WebhookRow> {
  const row = await db.one<WebhookRow>(sql`update webhook w set previous_secret = secret, previous_secret_until = ${until}, secret = ${secret}, updated_at = ${now}
    where id = ${id} returning ${WEBHOOK_COLUMNS}`);
  return row!;
}

/** Kept (soft-deleted) so that the delivery log still names it; its pending deliveries are cancelled. */
export async function deleteWebhook(db: Db, id: string, now: Date): Promise<void> {
  await db.tx(async (q) => {
    await q.query(sql`update webhook set deleted_at = ${now}, active = false, updated_at = ${now} where id = ${id}`);
    await q.query(sql`update notification_delivery set status = 'CANCELLED', last_error = 'endpoint deleted', updated_at = ${now} where webhook_id = ${id} and status = 'PENDING'`);
  });
}

export async function insertPing(db: Db, webhook: WebhookRow, now: Date): Promise<string> {
  const row = await db.one<{ id: string }>(sql`
    with n as (insert into notification (kind, organization_id, created_at) values ('PING', ${webhook.organization_id}, ${now}) returning id)
    insert into notification_delivery (notification_id, organization_id, channel, webhook_id, address, status, attempts, queued_attempt, next_attempt_at, created_at, updated_at)
    select n.id, ${webhook.organization_id}, 'WEBHOOK', ${webhook.id}, ${webhook.url}, 'PENDING', 0, 1, ${now}, ${now}, ${now} from n returning id`);
  return row!.id;
}

const DELIVERY_SELECT = raw(`select w.id, w.organization_id, n.kind, w.channel, w.webhook_id, w.address, w.status, w.attempts, w.next_attempt_at,
    w.last_status_code, w.last_error, w.delivered_at, w.created_at,
    (select json_agg(json_build_object('attempt', a.attempt, 'startedAt', a.started_at, 'finishedAt', a.finished_at, 'statusCode', a.status_code,
       'latencyMs', a.latency_ms, 'outcome', a.outcome, 'error', a.error) order by a.id) from notification_attempt a where a.delivery_id = w.id) as attempt_log
  from notification_delivery w join notification n on n.id = w.notification_id`);

export async function deliveryById(db: Db, id: string, visible: Sql): Promise<DeliveryRow | undefined> {
  return db.one<DeliveryRow>(sql`${DELIVERY_SELECT} where w.id = ${id} and ${visible}`);
}

export async function deliveries(db: Db, where: Sql, limit: number): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(sql`${DELIVERY_SELECT} where ${where} order by w.created_at desc, w.id desc limit ${limit}`);
}

/** Replay: pending again now, the retry schedule from its start; attempt numbers go on (the log keeps every try). */
export async function replay(db: Db, id: string, now: Date): Promise<void> {
  await db.query(sql`update notification_delivery set status = 'PENDING', retry_base = attempts, next_attempt_at = ${now}, updated_at = ${now} where id = ${id}`);
}
