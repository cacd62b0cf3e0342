import type { Db } from '../../db/db';
import { sql, raw, and, type Sql } from '../../db/sql';
import type { Channel, DeliveryStatus, Language, NotificationKind } from './notification.entity';
import type { OrganizationKind } from '../organizations/organization.entity';

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
  attempt_log:
    | {
        attempt: number;
        startedAt: string;
        finishedAt: string | null;
        statusCode: number | null;
        latencyMs: number | null;
        outcome: string | null;
        error: string | null;
      }[]
    | null;
};

const WEBHOOK_COLUMNS = raw(
  'w.id, w.organization_id, w.url, w.description, w.kinds, w.active, w.secret, w.previous_secret, w.previous_secret_until, w.disabled_reason, w.created_at',
);

/** The organization a settings change targets, with its country (the default language). */
export async function organizationCountry(db: Db, id: string): Promise<{ id: string; country: string } | undefined> {
  return db.one<{ id: string; country: string }>(sql`select id, country from organization o where o.id = ${id}`);
}

/** An active organization as a notification's reader (content.ts) sees it. */
export async function activeOrganization(
  db: Db,
  id: string,
): Promise<{ id: string; code: string; name: string; kind: OrganizationKind; person: boolean; zones: string[] } | undefined> {
  return db.one<{ id: string; code: string; name: string; kind: OrganizationKind; person: boolean; zones: string[] }>(
    sql`select id, code, name, kind, person, zones from organization where id = ${id} and active`,
  );
}

export async function settings(db: Db, organizationId: string): Promise<SettingsRow> {
  const row = await db.one<SettingsRow>(sql`select o.id as organization_id, s.email, o.contact->>'intakeEmail' as intake_email, s.language, s.kinds
    from organization o left join notification_settings s on s.organization_id = o.id where o.id = ${organizationId}`);
  return row!;
}

/** `undefined` leaves a setting as it is; `null` returns it to its default. */
export async function upsertSettings(
  db: Db,
  organizationId: string,
  change: { email?: string | null; language?: Language; kinds?: string[] | null },
  now: Date,
): Promise<SettingsRow> {
  await db.query(sql`insert into notification_settings (organization_id, email, language, kinds, updated_at)
    values (${organizationId}, ${change.email ?? null}, ${change.language ?? null}, ${change.kinds ?? null}::text[], ${now})
    on conflict (organization_id) do update set
      email = case when ${change.email !== undefined} then excluded.email else notification_settings.email end,
      language = case when ${change.language !== undefined} then excluded.language else notification_settings.language end,
      kinds = case when ${change.kinds !== undefined} then excluded.kinds else notification_settings.kinds end,
      updated_at = excluded.updated_at`);
  return settings(db, organizationId);
}

export async function insertWebhook(
  db: Db,
  w: { organizationId: string; url: string; kinds: string[] | null; description: string | null; secret: string },
  now: Date,
): Promise<WebhookRow> {
  const row = await db.one<WebhookRow>(sql`insert into webhook as w (organization_id, url, description, kinds, active, secret, created_at, updated_at)
    values (${w.organizationId}, ${w.url}, ${w.description}, ${w.kinds}::text[], true, ${w.secret}, ${now}, ${now}) returning ${WEBHOOK_COLUMNS}`);
  return row!;
}

export async function webhookById(db: Db, id: string, visible: Sql): Promise<WebhookRow | undefined> {
  return db.one<WebhookRow>(sql`select ${WEBHOOK_COLUMNS} from webhook w where w.id = ${id} and w.deleted_at is null and ${visible}`);
}

/** A keyset cursor of the lists below: [created_at, id] of the last row read (decodeKeyset checked both). */
export type CreatedCursor = readonly string[];

/** An organization's webhooks (not deleted) that `visible` lets the viewer see, newest first, after the cursor. */
export async function webhooks(
  db: Db,
  f: { organizationId: string; visible: Sql; after: CreatedCursor | null },
  limit: number,
): Promise<WebhookRow[]> {
  const conds: Sql[] = [sql`w.organization_id = ${f.organizationId}`, sql`w.deleted_at is null`, f.visible];
  if (f.after) conds.push(sql`(w.created_at, w.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`);
  return db.query<WebhookRow>(sql`select ${WEBHOOK_COLUMNS} from webhook w where ${and(conds)} order by w.created_at desc, w.id desc limit ${limit}`);
}

export async function updateWebhook(
  db: Db,
  id: string,
  change: { url: string | null; kinds?: string[] | null; active: boolean | null },
  now: Date,
): Promise<WebhookRow> {
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
  const row =
    await db.one<WebhookRow>(sql`update webhook w set previous_secret = secret, previous_secret_until = ${until}, secret = ${secret}, updated_at = ${now}
    where id = ${id} returning ${WEBHOOK_COLUMNS}`);
  return row!;
}

/** Kept (soft-deleted) so that the delivery log still names it; its pending deliveries are cancelled. */
export async function deleteWebhook(db: Db, id: string, now: Date): Promise<void> {
  await db.tx(async (q) => {
    await q.query(sql`update webhook set deleted_at = ${now}, active = false, updated_at = ${now} where id = ${id}`);
    await q.query(
      sql`update notification_delivery set status = 'CANCELLED', last_error = 'endpoint deleted', updated_at = ${now} where webhook_id = ${id} and status = 'PENDING'`,
    );
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

export interface DeliveryListFilter {
  organizationId: string;
  visible: Sql;
  kind?: NotificationKind | null;
  status?: DeliveryStatus | null;
  webhookId?: string | null;
  after: CreatedCursor | null;
}

/** An organization's deliveries that `visible` lets the viewer see, newest first, filtered, after the cursor. */
export async function deliveries(db: Db, f: DeliveryListFilter, limit: number): Promise<DeliveryRow[]> {
  const conds: Sql[] = [sql`w.organization_id = ${f.organizationId}`, f.visible];
  if (f.kind) conds.push(sql`n.kind = ${f.kind}`);
  if (f.status) conds.push(sql`w.status = ${f.status}`);
  if (f.webhookId) conds.push(sql`w.webhook_id = ${f.webhookId}`);
  if (f.after) conds.push(sql`(w.created_at, w.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`);
  return db.query<DeliveryRow>(sql`${DELIVERY_SELECT} where ${and(conds)} order by w.created_at desc, w.id desc limit ${limit}`);
}

/** Replay: pending again now, the retry schedule from its start; attempt numbers go on (the log keeps every try). */
export async function replay(db: Db, id: string, now: Date): Promise<void> {
  await db.query(
    sql`update notification_delivery set status = 'PENDING', retry_base = attempts, next_attempt_at = ${now}, updated_at = ${now} where id = ${id}`,
  );
}

// Delivery (notifier.ts): claiming due deliveries, one attempt's reads and writes, reminders.

/** A delivery as an attempt needs it: its intent, its endpoint's secrets, the recipient's language. */
export type DeliveryAttemptRow = {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  retry_base: number;
  channel: Channel;
  address: string;
  organization_id: string;
  kind: NotificationKind;
  incident_id: string | null;
  directive_id: string | null;
  webhook_id: string | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_until: Date | null;
  webhook_usable: boolean | null;
  language: Language | null;
  country: string;
};

/** What an attempt came to, as the attempt log and the delivery record it. */
export interface AttemptOutcome {
  outcome: string;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
  latencyMs: number | null;
}

/** Runs SQL text on the claiming transaction's connection (pg-boss inserts its jobs through it). */
export type ExecuteSql = (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;

/**
 * Claims the deliveries due at `now` (200 at most) for their next attempt (`queued_attempt`) and lets
 * `enqueue` write their jobs on the same connection before the one commit, so that no two instances
 * enqueue the same attempt. A pooled connection of its own: pg-boss needs the raw client.
 */
export async function claimDueDeliveries(
  db: Db,
  now: Date,
  enqueue: (claimed: { id: string; attempt: number }[], executeSql: ExecuteSql) => Promise<void>,
): Promise<void> {
  const client = await db.pool.connect();
  let broken = false;
  const onError = () => (broken = true);
  client.on('error', onError);
  try {
    await client.query('begin');
    const { rows } = await client.query<{ id: string; attempt: number }>(
      `update notification_delivery d set queued_attempt = d.attempts + 1
       where d.id in (select id from notification_delivery where status = 'PENDING' and next_attempt_at <= $1 and queued_attempt <= attempts
                      order by next_attempt_at limit 200 for update skip locked)
       returning d.id, d.queued_attempt as attempt`,
      [now],
    );
    await enqueue(rows, async (text, values) => client.query(text, values));
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => (broken = true));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

export async function deliveryForAttempt(db: Db, id: string): Promise<DeliveryAttemptRow | undefined> {
  return db.one<DeliveryAttemptRow>(sql`
      select d.id, d.status, d.attempts, d.retry_base, d.channel, d.address, d.organization_id, d.webhook_id,
        n.kind, n.incident_id, n.directive_id,
        w.secret, w.previous_secret, w.previous_secret_until, (w.active and w.deleted_at is null) as webhook_usable,
        s.language, o.country
      from notification_delivery d join notification n on n.id = d.notification_id
      join organization o on o.id = d.organization_id
      left join webhook w on w.id = d.webhook_id
      left join notification_settings s on s.organization_id = d.organization_id
      where d.id = ${id}`);
}

/** An attempt of this number that started and never finished was cut short (its worker died). */
export async function markAttemptInterrupted(db: Db, deliveryId: string, attempt: number, at: Date): Promise<void> {
  await db.query(sql`update notification_attempt set outcome = 'INTERRUPTED', finished_at = ${at}
      where delivery_id = ${deliveryId} and attempt = ${attempt} and finished_at is null`);
}

/** Logs the start of an attempt; returns the log row's id. */
export async function startAttempt(db: Db, deliveryId: string, attempt: number, at: Date, instance: string): Promise<string> {
  const row = await db.one<{ id: string }>(sql`insert into notification_attempt (delivery_id, attempt, started_at, instance)
      values (${deliveryId}, ${attempt}, ${at}, ${instance}) returning id`);
  return row!.id;
}

/** Logs how the attempt ended, then moves the delivery on (unless a later attempt was recorded already). */
export async function finishAttempt(
  db: Db,
  attemptId: string,
  deliveryId: string,
  attempt: number,
  outcome: AttemptOutcome,
  at: Date,
): Promise<void> {
  await db.query(sql`update notification_attempt set finished_at = ${at}, status_code = ${outcome.statusCode},
      latency_ms = ${outcome.latencyMs}, outcome = ${outcome.outcome}, error = ${outcome.error} where id = ${attemptId}`);
  await db.query(sql`update notification_delivery set attempts = ${attempt}, status = ${outcome.status},
        next_attempt_at = coalesce(${outcome.nextAttemptAt}::timestamptz, next_attempt_at), last_status_code = ${outcome.statusCode},
        last_error = ${outcome.error}, delivered_at = ${outcome.status === 'DELIVERED' ? at : null}, updated_at = ${at}
      where id = ${deliveryId} and attempts < ${attempt}`);
}

/** The receiver answered 410: the endpoint is off (an ADMIN can re-activate it) and its pending deliveries cancelled. */
export async function disableGoneWebhook(db: Db, webhookId: string, at: Date): Promise<void> {
  await db.query(
    sql`update webhook set active = false, disabled_reason = ${'the receiver answered 410 Gone'}, updated_at = ${at} where id = ${webhookId}`,
  );
  await db.query(sql`update notification_delivery set status = 'CANCELLED', last_error = 'endpoint disabled (410 Gone)', updated_at = ${at}
        where webhook_id = ${webhookId} and status = 'PENDING'`);
}

const OPEN_DIRECTIVE = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS'];

export type ReminderRow = { kind: NotificationKind; organization_id: string; incident_id: string; directive_id: string | null; key: string };

/**
 * The reminders whose threshold passed at `now` and that no notification has yet, each with its unique
 * key (the kind, the object, the threshold and the recipient): see writeReminders in notifier.ts.
 */
export async function dueReminders(db: Db, now: Date, soonHours: number, finalHours: number): Promise<ReminderRow[]> {
  return db.query<ReminderRow>(sql`
    with open_directives as (
      select d.id, d.incident_id, d.recipient_org_id, d.issuer_org_id, d.due_at from directive d
      where d.status = any(${OPEN_DIRECTIVE}::text[]) and d.due_at - make_interval(hours => ${soonHours}) <= ${now}
    ), candidates as (
      select 'DIRECTIVE_DUE_SOON' as kind, recipient_org_id as organization_id, incident_id, id as directive_id, due_at as threshold
        from open_directives where due_at > ${now}
      union all
      select 'DIRECTIVE_OVERDUE', recipient_org_id, incident_id, id, due_at from open_directives where due_at <= ${now}
      union all
      select 'DIRECTIVE_OVERDUE', issuer_org_id, incident_id, id, due_at from open_directives where due_at <= ${now}
      union all
      select 'FINAL_REPORT_DUE', i.handler_org_id, i.id, null, i.resolved_at + make_interval(hours => ${finalHours})
        from incident i where i.status = 'RESOLVED' and i.final_report is null
        and i.resolved_at + make_interval(hours => ${finalHours}) - interval '1 day' <= ${now}
      union all
      select 'FINAL_REPORT_OVERDUE', i.handler_org_id, i.id, null, i.resolved_at + make_interval(hours => ${finalHours})
        from incident i where i.status = 'RESOLVED' and i.final_report is null
        and i.resolved_at + make_interval(hours => ${finalHours}) + interval '1 day' <= ${now}
    )
    select c.kind, c.organization_id, c.incident_id, c.directive_id,
      c.kind || ':' || coalesce(c.directive_id, c.incident_id)::text || ':' || extract(epoch from c.threshold)::bigint || ':' || c.organization_id as key
    from candidates c
    where not exists (select 1 from notification n where n.reminder_key = c.kind || ':' || coalesce(c.directive_id, c.incident_id)::text || ':' || extract(epoch from c.threshold)::bigint || ':' || c.organization_id)`);
}

// Metrics (notifications.metrics.ts), read at scrape time.

export async function deliveryCountsByOutcome(db: Db): Promise<{ kind: string; channel: string; status: string; n: number }[]> {
  return db.query<{ kind: string; channel: string; status: string; n: number }>(sql`
        select n.kind, d.channel, d.status, count(*)::int as n from notification_delivery d join notification n on n.id = d.notification_id
        group by 1, 2, 3`);
}

export async function pendingDeliveryCount(db: Db): Promise<number | undefined> {
  const row = await db.one<{ n: number }>(sql`select count(*)::int as n from notification_delivery where status = 'PENDING'`);
  return row?.n;
}

export async function oldestPendingDeliveryAt(db: Db): Promise<Date | null | undefined> {
  const row = await db.one<{ at: Date | null }>(sql`select min(created_at) as at from notification_delivery where status = 'PENDING'`);
  return row?.at;
}
