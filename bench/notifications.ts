import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { ROOT } from './dist';
import { post, startHub, type HubProcess } from './hub';
import { HANDLERS, percentile, sleep } from './subscriptions';
import { writeDueReminders } from './setup';
import { CpuMeter } from './cpu';

/**
 * Notifications (DESIGN.md §7, issue 17): signed webhooks to receivers that verify them, as the hub
 * delivers them through its outbox and pg-boss queue.
 *
 * Receivers: `endpoints` HTTP servers in this process on 127.0.0.1 (free ports), each verifying every
 * request with the `standardwebhooks` package, registered across constituent organizations with the
 * coordinator ADMIN's `createWebhook` (kind REPORT_RECEIVED: each report reaches its reporter's
 * endpoints). Mail goes to an SMTP sink in this process (receipts and assignments go by e-mail too).
 *
 * 1. Backlog: `backlog` reports through the request hub, which does not deliver (NOTIFICATIONS=off),
 *    then a delivering hub starts and drains them as fast as it can: deliveries per second, from the
 *    first attempt to the last (notification_attempt), all channels and webhooks alone.
 * 2. Steady: reports at `rate` per second for `seconds` through the delivering hub (which serves
 *    requests and delivers, as one instance does), and the latency from each REPORTED event's
 *    `occurredAt` (the hub's clock, same machine) to the webhook's receipt, p50/p99.
 * Both count what did not arrive, duplicates (a `webhook-id` received again after a 2xx) and
 * signatures that did not verify.
 */

export interface NotificationPhase {
  reports: number;
  failedReports: number;
  expectedWebhooks: number;
  receivedWebhooks: number;
  duplicates: number;
  badSignatures: number;
  /** Deliveries of the phase's notifications not DELIVERED at the end, by status. */
  undelivered: Record<string, number>;
  /** Attempts that did not deliver (retries, refusals …), by outcome. */
  failedAttempts: Record<string, number>;
  /** Reports the hub refused, by error code. */
  refusedReports: Record<string, number>;
}

export interface NotificationResult {
  endpoints: number;
  organizations: number;
  pollMs: number;
  backlog: NotificationPhase & {
    notifications: number;
    deliveries: { webhook: number; email: number };
    drainSeconds: number;
    deliveriesPerSecond: number;
    webhooksPerSecond: number;
    /** CPU per delivery while draining, of the delivering hub and of PostgreSQL: independent of the machine's other load. */
    cpuMsPerDelivery: { hub: number; db: number | null };
  };
  /** sentPerSecond: reports sent; eventsPerSecond: reports accepted (each a REPORTED event). */
  steady: NotificationPhase & { sentPerSecond: number; eventsPerSecond: number; seconds: number; p50Ms: number; p99Ms: number; maxMs: number };
  mails: number;
}

interface Receipt {
  endpoint: number;
  id: string;
  reference: string;
  at: number;
}

const REPORT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { incident { reference } } }`;
const CREATE_WEBHOOK = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id } } }`;
const DESCRIPTION = 'bench receiver';

const round = (x: number, d = 1) => Number(x.toFixed(d));

/** What went wrong in a phase, for its log line (empty when nothing did). */
function problems(p: NotificationPhase): string {
  const parts: [string, Record<string, number>][] = [
    ['refused reports', p.refusedReports],
    ['not delivered', p.undelivered],
    ['failed attempts', p.failedAttempts],
  ];
  return parts
    .filter(([, counts]) => Object.keys(counts).length)
    .map(([what, counts]) => `; ${what} ${JSON.stringify(counts)}`)
    .join('');
}

/** One webhook endpoint: verifies each request with its secret and answers 204; a bad signature gets 400. */
class Receiver {
  secret = '';
  port = 0;
  private readonly server: http.Server;

  constructor(
    readonly index: number,
    private readonly onReceipt: (r: Receipt) => void,
    private readonly onBadSignature: () => void,
  ) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = Date.now();
        const body = Buffer.concat(chunks).toString();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        try {
          const payload = new StandardWebhook(this.secret).verify(body, headers) as { data?: { incident?: { reference?: string } } };
          this.onReceipt({ endpoint: this.index, id: headers['webhook-id'], reference: payload.data?.incident?.reference ?? '', at });
          res.writeHead(204).end();
        } catch {
          this.onBadSignature();
          res.writeHead(400).end();
        }
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Receipts and assignments go by e-mail too: an SMTP server that accepts and counts them. */
async function smtpSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let mails = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      stream.on('end', () => {
        mails++;
        callback();
      });
      stream.resume();
    },
  });
  // A hub stopped in the middle of a mail transaction makes smtp-server emit 'error' (ECONNRESET): not the bench's end.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, count: () => mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface NotificationBenchOptions {
  databaseUrl: string;
  /** The request hub (NOTIFICATIONS=off): registration and the backlog's reports. */
  hub: HubProcess;
  adminToken: string;
  /** Tokens of constituents' REPORTER accounts, by organization code. */
  reporters: { org: string; orgId: string; token: string }[];
  endpoints: number;
  backlog: number;
  rate: number;
  seconds: number;
  /** The embedded PostgreSQL's postmaster (its backends' CPU), or null. */
  postmaster: number | null;
  log: (msg: string) => void;
}

export async function notificationBench(o: NotificationBenchOptions): Promise<NotificationResult> {
  const { log } = o;
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  const receipts: Receipt[] = [];
  let badSignatures = 0;
  const receivers = Array.from(
    { length: o.endpoints },
    (_, i) =>
      new Receiver(
        i,
        (r) => receipts.push(r),
        () => badSignatures++,
      ),
  );
  const mail = await smtpSink();
  let deliverer: HubProcess | null = null;
  try {
    await Promise.all(receivers.map((r) => r.start()));
    // Earlier runs' receivers (BENCH_REUSE) and every delivery still pending (demo data, the other
    // sections' reports, reminders already due) are not this section's: it measures its own notifications only.
    await db.query(`update webhook set active = false, deleted_at = now() where description = $1 and deleted_at is null`, [DESCRIPTION]);
    const reminders = await writeDueReminders(o.databaseUrl);
    await db.query(`update notification_delivery set status = 'CANCELLED' where status = 'PENDING'`);
    if (reminders) log(`  ${reminders} reminders already due in the generated data set aside (cancelled)`);

    // Endpoints across organizations, in turn: organization i % n gets endpoint i.
    const orgs = o.reporters;
    const endpointsOf = new Map<string, number>();
    for (const r of receivers) {
      const org = orgs[r.index % orgs.length];
      const res = await post<{ createWebhook: { secret: string; webhook: { id: string } } }>(o.hub.url, o.adminToken, CREATE_WEBHOOK, {
        i: {
          url: `http://127.0.0.1:${r.port}/hook`,
          organizationId: Buffer.from(`Organization:${org.orgId}`).toString('base64url'),
          kinds: ['REPORT_RECEIVED'],
          description: DESCRIPTION,
        },
      });
      if (res.errors || !res.data) throw new Error(`createWebhook: ${JSON.stringify(res.errors)}`);
      r.secret = res.data.createWebhook.secret;
      endpointsOf.set(org.org, (endpointsOf.get(org.org) ?? 0) + 1);
    }
    log(`  ${receivers.length} webhook endpoints registered across ${endpointsOf.size} organizations (createWebhook as the coordinator's ADMIN)`);

    let sequence = 0;
    const refusals = new Map<string, number>();
    const reportAs = async (hub: HubProcess, reporter: (typeof orgs)[number]) => {
      const i = sequence++;
      const res = await post<{ reportIncident: { incident: { reference: string } } }>(hub.url, reporter.token, REPORT, {
        input: {
          title: `Notification benchmark report ${i}`,
          description: 'A phishing domain in the .vn zone.',
          detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
          reportTo: HANDLERS[i % HANDLERS.length],
          tlp: 'GREEN',
          indicators: [{ type: 'DOMAIN', value: `notify-bench-${i}.com.vn` }],
          reporterContact: { name: 'Bench reporter', email: 'bench@example.test' },
        },
      });
      if (res.errors || !res.data) {
        const code = String((res.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code ?? 'NO_DATA');
        refusals.set(code, (refusals.get(code) ?? 0) + 1);
        return null;
      }
      return { reference: res.data.reportIncident.incident.reference, org: reporter.org };
    };

    /** What the phase's reports should have brought, against what arrived, and the database's account of its deliveries. */
    const account = async (refs: { reference: string; org: string }[], failedReports: number, badBefore: number): Promise<NotificationPhase> => {
      const refusedReports = Object.fromEntries(refusals);
      refusals.clear();
      const wanted = new Set(refs.map((r) => r.reference));
      const mine = receipts.filter((r) => wanted.has(r.reference));
      const ids = new Set(mine.map((r) => r.id));
      const deliveries = await db.query<{ status: string; n: number }>(
        `select d.status, count(*)::int as n from notification_delivery d join notification n on n.id = d.notification_id join incident i on i.id = n.incident_id
         where i.reference = any($1) and d.status <> 'DELIVERED' group by 1`,
        [[...wanted]],
      );
      const attempts = await db.query<{ outcome: string; n: number }>(
        `select coalesce(a.outcome, 'UNFINISHED') as outcome, count(*)::int as n from notification_attempt a join notification_delivery d on d.id = a.delivery_id
         join notification n on n.id = d.notification_id join incident i on i.id = n.incident_id
         where i.reference = any($1) and a.outcome is distinct from 'DELIVERED' group by 1`,
        [[...wanted]],
      );
      return {
        reports: refs.length + failedReports,
        failedReports,
        expectedWebhooks: refs.reduce((n, r) => n + (endpointsOf.get(r.org) ?? 0), 0),
        receivedWebhooks: ids.size,
        duplicates: mine.length - ids.size,
        badSignatures: badSignatures - badBefore,
        undelivered: Object.fromEntries(deliveries.rows.map((r) => [r.status, r.n])),
        failedAttempts: Object.fromEntries(attempts.rows.map((r) => [r.outcome, r.n])),
        refusedReports,
      };
    };

    /** Until `done`, or nothing new arrived for `quietMs`. */
    const drain = async (done: () => boolean, quietMs: number) => {
      let last = -1;
      let quietSince = Date.now();
      while (!done() && Date.now() - quietSince < quietMs) {
        await sleep(200);
        if (receipts.length !== last) {
          last = receipts.length;
          quietSince = Date.now();
        }
      }
    };

    // ---- 1. backlog, drained ----
    const backlogRefs: { reference: string; org: string }[] = [];
    let backlogFailed = 0;
    const backlogBad = badSignatures;
    const t0 = Date.now();
    const producers = Array.from({ length: 8 }, async () => {
      while (sequence < o.backlog) {
        const r = await reportAs(o.hub, orgs[sequence % orgs.length]);
        if (r) backlogRefs.push(r);
        else backlogFailed++;
      }
    });
    await Promise.all(producers);
    const pending = await db.query<{ channel: string; n: number }>(
      `select channel, count(*)::int as n from notification_delivery where status = 'PENDING' group by 1`,
    );
    const by = (channel: string) => pending.rows.find((r) => r.channel === channel)?.n ?? 0;
    const notifications = (
      await db.query<{ n: number }>(
        `select count(*)::int as n from notification n join incident i on i.id = n.incident_id where i.reference = any($1)`,
        [backlogRefs.map((r) => r.reference)],
      )
    ).rows[0].n;
    log(
      `  backlog: ${backlogRefs.length} reports in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${notifications} notifications, ${by('WEBHOOK')} webhook and ${by('EMAIL')} e-mail deliveries pending`,
    );

    deliverer = await startHub(o.databaseUrl, {
      env: {
        NOTIFICATIONS: 'on',
        SMTP_URL: mail.url,
        NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
        HUB_DATA_DIR: path.join(ROOT, '.data', 'bench', 'hub-notify'),
      },
    });
    const backlogExpected = backlogRefs.reduce((n, r) => n + (endpointsOf.get(r.org) ?? 0), 0);
    const drainStarted = Date.now();
    const meter = new CpuMeter(deliverer.pid, o.postmaster);
    meter.start();
    const stillPending = async () =>
      (
        await db.query<{ n: number }>(
          `select count(*)::int as n from notification_delivery d join notification n on n.id = d.notification_id join incident i on i.id = n.incident_id
           where d.status = 'PENDING' and i.reference = any($1)`,
          [backlogRefs.map((r) => r.reference)],
        )
      ).rows[0].n;
    // Until the backlog is drained, or nothing moved for 30 s (a failed delivery's next retry is minutes away).
    let left = await stillPending();
    for (let moved = Date.now(); left > 0 && Date.now() - moved < 30_000;) {
      await sleep(500);
      const now = await stillPending();
      if (now !== left) moved = Date.now();
      left = now;
    }
    const span = await db.query<{ first: Date | null; last: Date | null; delivered: number }>(
      `select min(a.started_at) as first, max(a.finished_at) as last, count(*) filter (where a.outcome = 'DELIVERED')::int as delivered
       from notification_attempt a join notification_delivery d on d.id = a.delivery_id join notification n on n.id = d.notification_id
       join incident i on i.id = n.incident_id where i.reference = any($1)`,
      [backlogRefs.map((r) => r.reference)],
    );
    const cpu = meter.stop();
    // The deliveries whose attempts the meter saw (a few start while the hub boots, before it listens).
    const metered = (
      await db.query<{ n: number }>(`select count(*)::int as n from notification_attempt where outcome = 'DELIVERED' and started_at >= $1`, [
        new Date(drainStarted),
      ])
    ).rows[0].n;
    const s = span.rows[0];
    const drainSeconds = s.first && s.last ? (s.last.getTime() - s.first.getTime()) / 1000 : 0;
    const backlogReceipts = receipts.filter((r) => r.at >= drainStarted);
    const webhookSpan =
      backlogReceipts.length > 1 ? (Math.max(...backlogReceipts.map((r) => r.at)) - Math.min(...backlogReceipts.map((r) => r.at))) / 1000 : 0;
    const backlogPhase = await account(backlogRefs, backlogFailed, backlogBad);
    const backlog = {
      ...backlogPhase,
      notifications,
      deliveries: { webhook: by('WEBHOOK'), email: by('EMAIL') },
      drainSeconds: round(drainSeconds),
      deliveriesPerSecond: round(s.delivered / Math.max(0.001, drainSeconds)),
      webhooksPerSecond: round(backlogReceipts.length / Math.max(0.001, webhookSpan)),
      cpuMsPerDelivery: { hub: round(cpu.appMs / Math.max(1, metered), 2), db: cpu.dbMs === null ? null : round(cpu.dbMs / Math.max(1, metered), 2) },
    };
    log(
      `  drained: ${s.delivered} deliveries in ${backlog.drainSeconds} s = ${backlog.deliveriesPerSecond}/s (webhooks alone ${backlog.webhooksPerSecond}/s), CPU ms per delivery: hub ${backlog.cpuMsPerDelivery.hub} + db ${backlog.cpuMsPerDelivery.db ?? '?'}; ` +
        `webhooks ${backlog.receivedWebhooks}/${backlogExpected}, ${backlog.duplicates} duplicates, ${backlog.badSignatures} bad signatures` +
        problems(backlog),
    );

    // ---- 2. steady rate through the delivering hub ----
    const steadyRefs: { reference: string; org: string }[] = [];
    let steadyFailed = 0;
    const steadyBad = badSignatures;
    const count = Math.round(o.rate * o.seconds);
    const started = Date.now();
    const sent: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = started + (i * 1000) / o.rate - Date.now();
      if (wait > 0) await sleep(wait);
      const hub = deliverer;
      sent.push(
        reportAs(hub, orgs[i % orgs.length]).then((r) => {
          if (r) steadyRefs.push(r);
          else steadyFailed++;
        }),
      );
    }
    const sendSeconds = (Date.now() - started) / 1000;
    await Promise.all(sent);
    const steadyExpected = steadyRefs.reduce((n, r) => n + (endpointsOf.get(r.org) ?? 0), 0);
    const wanted = new Set(steadyRefs.map((r) => r.reference));
    const firstReceipts = () => {
      const seen = new Map<string, Receipt>();
      for (const r of receipts) if (wanted.has(r.reference) && !seen.has(r.id)) seen.set(r.id, r);
      return seen;
    };
    await drain(() => firstReceipts().size >= steadyExpected, 15_000);
    // Let retries that are already due and duplicates show before counting.
    await sleep(2000);
    const occurred = await db.query<{ reference: string; at: Date }>(
      `select i.reference, e.occurred_at as at from incident_event e join incident i on i.id = e.incident_id where e.type = 'REPORTED' and i.reference = any($1)`,
      [[...wanted]],
    );
    const occurredAt = new Map(occurred.rows.map((r) => [r.reference, r.at.getTime()]));
    const latencies = [...firstReceipts().values()].map((r) => r.at - (occurredAt.get(r.reference) ?? r.at)).sort((a, b) => a - b);
    const steadyPhase = await account(steadyRefs, steadyFailed, steadyBad);
    const steady = {
      ...steadyPhase,
      sentPerSecond: round(count / sendSeconds),
      eventsPerSecond: round(steadyRefs.length / sendSeconds),
      seconds: o.seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? 0,
    };
    log(
      `  steady: ${count} reports sent at ${steady.sentPerSecond}/s, ${steadyRefs.length} accepted (${steady.eventsPerSecond} events/s) → webhooks ${steady.receivedWebhooks}/${steadyExpected}, ` +
        `event → receipt p50 ${steady.p50Ms} ms p99 ${steady.p99Ms} ms max ${steady.maxMs} ms; ${steady.duplicates} duplicates, ${steady.badSignatures} bad signatures` +
        problems(steady),
    );
    return {
      endpoints: receivers.length,
      organizations: endpointsOf.size,
      pollMs: Number(process.env.NOTIFY_POLL_MS ?? 1000),
      backlog,
      steady,
      mails: mail.count(),
    };
  } finally {
    if (deliverer) await deliverer.stop().catch(() => undefined);
    await Promise.all(receivers.map((r) => r.close().catch(() => undefined)));
    await mail.close();
    await db.end();
  }
}
