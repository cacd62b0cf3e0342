import os from 'node:os';
import PgBoss from 'pg-boss';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../../graphql/context';
import type { DeliveryStatus, Language, NotificationKind } from './notification.entity';
import { insertIntents, type Intent } from './outbox.repo';
import {
  claimDueDeliveries,
  deliveryForAttempt,
  disableGoneWebhook,
  dueReminders,
  finishAttempt,
  markAttemptInterrupted,
  startAttempt,
  type DeliveryAttemptRow,
} from './notifications.repo';
import { loadViewerOrganization, readContent, type NotificationData } from './content';
import { createMailer, type Mailer } from './mail';
import { renderMessage, formatDue } from './messages';
import { postWebhook, sign, type WebhookResult } from './webhook';

export const DELIVERY_QUEUE = 'notification-delivery';
const WORKERS_PER_INSTANCE = 4;

interface DeliveryJob {
  deliveryId: string;
  attempt: number;
}

/** What an attempt came to: the delivery's next state. */
interface Outcome {
  outcome: 'DELIVERED' | 'RETRY' | 'GONE' | 'DEAD' | 'SKIPPED' | 'CANCELLED' | 'REFUSED';
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
  latencyMs: number | null;
}

/** Exponential backoff from the configured schedule, with ±20 % jitter so that retries do not arrive in waves. */
export function retryDelayMs(schedule: readonly number[], attempt: number, random = Math.random): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

/**
 * Delivers the outbox (DESIGN.md §7) with pg-boss on the hub's PostgreSQL. Each instance, every
 * NOTIFY_POLL_MS: (1) claims the deliveries due by the injected clock and, in the same transaction,
 * enqueues one job per attempt (`queued_attempt`), so that no two instances enqueue the same attempt;
 * (2) writes reminder intents whose threshold passed (a unique key per threshold). pg-boss hands each
 * job to one worker (SKIP LOCKED); a worker that dies mid-attempt leaves its job active until it
 * expires, and the retry performs the attempt again (at least once; the same `webhook-id`).
 */
export class Notifier {
  private boss: PgBoss | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private current: Promise<void> | null = null;
  private stopped = false;
  readonly mailer: Mailer;
  private readonly instance = `${os.hostname()}:${process.pid}`;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly services: Services,
    private readonly schema: GraphQLSchema,
    private readonly databaseUrl: string,
  ) {
    this.mailer = createMailer(services.config.notifications);
  }

  async start(): Promise<void> {
    const cfg = this.services.config.notifications;
    const boss = new PgBoss({
      connectionString: this.databaseUrl,
      max: WORKERS_PER_INSTANCE + 1,
      application_name: 'incident-hub-queue',
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: Math.max(1, cfg.maintenanceSeconds),
    });
    // The queue's own connection errors (database restarting) must not end the process; it reconnects.
    boss.on('error', (err: Error) => this.services.log.warn({ err: err.message }, 'notification queue error'));
    await boss.start();
    await boss.createQueue(DELIVERY_QUEUE, { name: DELIVERY_QUEUE, retryLimit: 100, retryDelay: 1, expireInSeconds: cfg.jobExpireSeconds });
    this.boss = boss;
    // Our own fetch loops rather than boss.work(): pg-boss 10's work() does not await complete()/fail(),
    // so a database restart between a job and its completion is an unhandled rejection that ends the process.
    for (let i = 0; i < WORKERS_PER_INSTANCE; i++) this.loops.push(this.workLoop(boss));
    this.timer = setInterval(() => void this.tick(), Math.max(50, cfg.pollMs));
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    // The round in progress and the attempts in flight finish before the queue and the pools close.
    await this.current?.catch(() => undefined);
    await Promise.all(this.loops);
    const boss = this.boss;
    this.boss = null;
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 5000 }).catch(() => undefined);
    this.mailer.close();
  }

  /**
   * Takes one job at a time (SKIP LOCKED in pg-boss: one worker per job across instances), makes the
   * attempt, completes the job. Any error (the database away) leaves the job active: it expires and is
   * retried, and `perform` is idempotent per attempt.
   */
  private async workLoop(boss: PgBoss): Promise<void> {
    while (!this.stopped) {
      let jobs: PgBoss.Job<DeliveryJob>[] = [];
      try {
        jobs = await boss.fetch<DeliveryJob>(DELIVERY_QUEUE, { batchSize: 1 });
      } catch (err) {
        this.services.log.warn({ err: (err as Error).message }, 'notification queue unavailable');
      }
      if (jobs.length === 0) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      for (const job of jobs) {
        try {
          await this.perform(job.data);
          await boss.complete(DELIVERY_QUEUE, job.id);
        } catch (err) {
          this.services.log.warn(
            { err: (err as Error).message, deliveryId: job.data.deliveryId },
            'delivery attempt failed to run; the job will be retried',
          );
          await boss.fail(DELIVERY_QUEUE, job.id, { message: (err as Error).message }).catch(() => undefined);
        }
      }
    }
  }

  /** One round: reminders, then due deliveries. Errors (database down) wait for the next round. */
  tick(): Promise<void> {
    if (this.ticking || this.stopped) return Promise.resolve();
    this.current = this.round();
    return this.current;
  }

  private async round(): Promise<void> {
    this.ticking = true;
    try {
      await writeReminders(this.services);
      await this.enqueueDue();
    } catch (err) {
      this.services.log.warn({ err: (err as Error).message }, 'notification round failed; retrying next round');
    } finally {
      this.ticking = false;
    }
  }

  /** Claims due deliveries and inserts their jobs in one transaction (pg-boss takes the transaction's connection). */
  private async enqueueDue(): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    const cfg = this.services.config.notifications;
    const now = this.services.clock.now();
    await claimDueDeliveries(this.services.db, now, async (rows, executeSql) => {
      if (rows.length) {
        await boss.insert(
          rows.map((r) => ({
            name: DELIVERY_QUEUE,
            data: { deliveryId: r.id, attempt: r.attempt },
            retryLimit: 100,
            retryDelay: 1,
            expireInSeconds: cfg.jobExpireSeconds,
          })),
          { db: { executeSql } },
        );
      }
    });
  }

  /** One attempt of one delivery. Idempotent: an attempt already recorded is not made again. */
  async perform(job: DeliveryJob): Promise<void> {
    const { db, clock, config } = this.services;
    const row = await deliveryForAttempt(db, job.deliveryId);
    if (!row || row.status !== 'PENDING' || row.attempts >= job.attempt) return;
    const startedAt = clock.now();
    // An attempt of this number that started and never finished was cut short (its worker died).
    await markAttemptInterrupted(db, row.id, job.attempt, startedAt);
    const attemptId = await startAttempt(db, row.id, job.attempt, startedAt, this.instance);
    let outcome: Outcome;
    try {
      outcome = await this.attempt(row, job.attempt);
    } catch (err) {
      outcome = this.failure(job.attempt - row.retry_base, null, (err as Error).message, null);
    }
    this.services.notificationAttempts?.observe(row.channel, row.kind, outcome.outcome, outcome.latencyMs);
    const finishedAt = clock.now();
    await finishAttempt(db, attemptId, row.id, job.attempt, outcome, finishedAt);
    if (outcome.outcome === 'GONE' && row.webhook_id) {
      // 410: the receiver says the endpoint is gone for good; stop using it (an ADMIN can re-activate it).
      await disableGoneWebhook(db, row.webhook_id, finishedAt);
    }
    void config;
  }

  /** `attempt` counts from the last replay (1 = the first try since). */
  private failure(
    attempt: number,
    statusCode: number | null,
    error: string | null,
    latencyMs: number | null,
    retryAfterSeconds?: number | null,
  ): Outcome {
    const now = this.services.clock.now();
    const schedule = this.services.config.notifications.retrySchedule;
    if (attempt > schedule.length) return { outcome: 'DEAD', status: 'DEAD', nextAttemptAt: null, statusCode, error, latencyMs };
    const delay = retryAfterSeconds != null ? retryAfterSeconds * 1000 : retryDelayMs(schedule, attempt)!;
    return { outcome: 'RETRY', status: 'PENDING', nextAttemptAt: new Date(now.getTime() + delay), statusCode, error, latencyMs };
  }

  private async attempt(row: DeliveryAttemptRow, attempt: number): Promise<Outcome> {
    const services = this.services;
    const cfg = services.config.notifications;
    const none = (outcome: Outcome['outcome'], status: DeliveryStatus, error: string): Outcome => ({
      outcome,
      status,
      nextAttemptAt: null,
      statusCode: null,
      error,
      latencyMs: null,
    });
    if (row.channel === 'WEBHOOK' && !row.webhook_usable) return none('CANCELLED', 'CANCELLED', 'the endpoint is inactive or deleted');
    const org = await loadViewerOrganization(services, row.organization_id);
    if (!org) return none('SKIPPED', 'SKIPPED', 'the organization is inactive');
    const data: NotificationData | null =
      row.kind === 'PING' ? {} : await readContent(services, this.schema, org, { incidentId: row.incident_id, directiveId: row.directive_id });
    // The recipient can no longer see the object: nothing of it is sent.
    if (data === null) return none('SKIPPED', 'SKIPPED', 'the recipient can no longer see the object');
    const now = services.clock.now();
    if (row.channel === 'WEBHOOK') {
      const body = JSON.stringify({ type: row.kind, timestamp: now.toISOString(), data });
      const id = `msg_${row.id}`;
      // The signature's timestamp is the receiver's replay window (wall time), not the hub's domain clock.
      const timestamp = Math.floor(Date.now() / 1000);
      const signatures = [sign(row.secret!, id, timestamp, body)];
      if (row.previous_secret && row.previous_secret_until && row.previous_secret_until > now)
        signatures.push(sign(row.previous_secret, id, timestamp, body));
      const result: WebhookResult = await postWebhook({
        url: row.address,
        body,
        headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') },
        timeoutMs: cfg.timeoutMs,
        allowPrivate: cfg.allowPrivate,
        now,
      });
      const code = result.statusCode;
      if (result.refused)
        return { outcome: 'REFUSED', status: 'DEAD', nextAttemptAt: null, statusCode: null, error: result.error, latencyMs: result.latencyMs };
      if (code !== null && code >= 200 && code < 300)
        return { outcome: 'DELIVERED', status: 'DELIVERED', nextAttemptAt: null, statusCode: code, error: null, latencyMs: result.latencyMs };
      if (code === 410)
        return {
          outcome: 'GONE',
          status: 'CANCELLED',
          nextAttemptAt: null,
          statusCode: code,
          error: 'the receiver answered 410 Gone',
          latencyMs: result.latencyMs,
        };
      const retryAfter = code === 429 || code === 503 ? result.retryAfterSeconds : null;
      return this.failure(attempt - row.retry_base, code, result.error ?? `HTTP ${code}`, result.latencyMs, retryAfter);
    }
    const language: Language = row.language ?? (row.country === 'VN' ? 'VI' : 'EN');
    const message = emailMessage(language, row.kind, data, `${cfg.publicUrl}/graphql`);
    const started = Date.now();
    try {
      await this.mailer.send({
        to: row.address,
        subject: message.subject,
        text: message.text,
        messageId: `<${row.id}@incident-hub>`,
        language: language === 'VI' ? 'vi' : 'en',
      });
    } catch (err) {
      return this.failure(
        attempt - row.retry_base,
        (err as { responseCode?: number }).responseCode ?? null,
        (err as Error).message,
        Date.now() - started,
      );
    }
    return { outcome: 'DELIVERED', status: 'DELIVERED', nextAttemptAt: null, statusCode: null, error: null, latencyMs: Date.now() - started };
  }
}

const RESTRICTED_TLPS = new Set(['RED', 'AMBER_STRICT']);

/**
 * E-mails carry less than webhooks (DESIGN.md §7): the kind, the reference, the title where the view
 * shows it, due times and a link; TLP:RED and AMBER+STRICT only the reference and the link.
 */
export function emailMessage(language: Language, kind: NotificationKind, data: NotificationData, link: string): { subject: string; text: string } {
  const incident =
    ('incident' in data ? data.incident : 'directive' in data ? (data.directive.incident as Record<string, unknown> | null) : null) ?? null;
  const directive = 'directive' in data ? data.directive : null;
  const ref = typeof incident?.reference === 'string' ? incident.reference : '';
  const tlps = [incident?.tlp, directive?.tlp].filter((t): t is string => typeof t === 'string');
  const args = { ref, title: '', action: '', due: '', status: '', link };
  if (tlps.some((t) => RESTRICTED_TLPS.has(t))) return renderMessage(language, 'restricted', args);
  args.title = typeof incident?.title === 'string' ? incident.title : '';
  args.action = typeof directive?.action === 'string' ? directive.action : '';
  args.status = String(directive?.status ?? incident?.status ?? '');
  const due = directive?.dueAt ?? incident?.finalReportDueAt;
  args.due = typeof due === 'string' ? formatDue(language, new Date(due)) : due instanceof Date ? formatDue(language, due) : '';
  return renderMessage(language, kind, args);
}

/**
 * Reminders (DESIGN.md §7), by the injected clock: DIRECTIVE_DUE_SOON at due − NOTIFY_DUE_SOON_HOURS,
 * DIRECTIVE_OVERDUE past due (recipient and coordinator), FINAL_REPORT_DUE a day before the final
 * report's due time and FINAL_REPORT_OVERDUE a day after. The key names the object, the threshold
 * (its due time) and the recipient, so any number of instances write each reminder once.
 */
export async function writeReminders(services: Services): Promise<number> {
  const { db, clock, config } = services;
  const now = clock.now();
  const soonHours = config.notifications.dueSoonHours;
  const finalHours = config.deadlines.finalReportHours;
  const rows = await dueReminders(db, now, soonHours, finalHours);
  if (rows.length === 0) return 0;
  const intents: Intent[] = rows.map((r) => ({
    kind: r.kind,
    organizationId: r.organization_id,
    incidentId: r.incident_id,
    directiveId: r.directive_id,
    position: null,
    email: null,
    reminderKey: r.key,
  }));
  return db.tx((q) => insertIntents(q, now, intents));
}
