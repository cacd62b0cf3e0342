/**
 * Durable delivery (DESIGN.md §7, issue 17 "Faults") with hub processes (`node dist/main.js`) on a
 * dedicated PostgreSQL the test can stop: two instances share the queue and each attempt is made by
 * one of them; a hub killed mid-delivery loses no attempt (the job expires and is made again, with the
 * same webhook-id); PostgreSQL stopped and restarted while deliveries are pending delivers them all.
 */
import pg from 'pg';
import { TEST_JWT_SECRET } from '../../harness/hub';
import { startHubProcess, type HubProcess } from '../../harness/process';
import { startDedicatedPostgres, sqlOnce as sqlOnceOn, type DedicatedPostgres } from '../../harness/postgres';
import { signDevToken } from '../../../src/auth/tokens';
import { WebhookReceiver, MailReceiver, waitFor } from './receivers';

jest.setTimeout(150_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pgServer: DedicatedPostgres;
let databaseUrl = '';
const hubs: (HubProcess | null)[] = [null, null];
const hook = new WebhookReceiver();
const mail = new MailReceiver();
let env: Record<string, string> = {};

/** Statements on a short-lived connection (the harness's `sqlOnce`) against this file's database. */
function sqlOnce<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return sqlOnceOn<T>(databaseUrl, text, values, 20000);
}

async function gql<T>(
  hub: HubProcess,
  email: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: { message: string }[] }> {
  const [row] = await sqlOnce<{ id: string }>('select id from account where email = $1', [email]);
  const token = await signDevToken({ secret: new TextEncoder().encode(TEST_JWT_SECRET), accountId: row.id, expiresInSeconds: 3600 });
  const res = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string }[] };
}

async function kill(i: number): Promise<void> {
  const h = hubs[i];
  if (!h || h.child.exitCode !== null) return;
  process.kill(-h.child.pid!, 'SIGKILL');
  await h.exited;
  hubs[i] = null;
}

beforeAll(async () => {
  await Promise.all([hook.start(), mail.start()]);
  pgServer = await startDedicatedPostgres();
  databaseUrl = await pgServer.createDatabase('hub_notify_faults');
  env = {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    NODE_ENV: 'test',
    LOAD_DEMO_DATA: 'true',
    LOG_LEVEL: 'error',
    NOTIFICATIONS: 'on',
    SMTP_URL: mail.url,
    NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
    NOTIFY_POLL_MS: '100',
    NOTIFY_RETRY_SCHEDULE: Array(20).fill('1').join(','),
    NOTIFY_WEBHOOK_TIMEOUT_MS: '3000',
    NOTIFY_JOB_EXPIRE_SECONDS: '5',
    NOTIFY_MAINTENANCE_SECONDS: '1',
  };
  hubs[0] = await startHubProcess(env);
  hubs[1] = await startHubProcess({ ...env, LOAD_DEMO_DATA: 'false' });
}, 150_000);

afterAll(async () => {
  for (const h of hubs)
    if (h && h.child.exitCode === null) {
      process.kill(-h.child.pid!, 'SIGTERM');
      await Promise.race([h.exited, sleep(15_000)]);
      if (h.child.exitCode === null) process.kill(-h.child.pid!, 'SIGKILL');
    }
  hook.release();
  await Promise.all([hook.close(), mail.close()]);
  await pgServer?.close();
}, 60_000);

async function webhookFor(admin: string, path: string, kinds: string[]): Promise<void> {
  const res = await gql<{ createWebhook: { secret: string } }>(
    hubs[0] ?? hubs[1]!,
    admin,
    `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }`,
    { i: { url: hook.url(path), kinds } },
  );
  expect(res.errors).toBeUndefined();
}

async function incident(hub: HubProcess): Promise<string> {
  const res = await gql<{ reportIncident: { incident: { id: string } } }>(
    hub,
    'handler@vncert.test',
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id } } }`,
    {
      i: {
        title: 'Delivery fault case',
        description: 'd',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        tlp: 'AMBER',
      },
    },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.reportIncident.incident.id;
}

async function issue(hub: HubProcess, incidentId: string, recipient: string): Promise<string> {
  const res = await gql<{ issueDirective: { directive: { id: string } } }>(
    hub,
    'handler@vncert.test',
    `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`,
    { i: { incidentId, recipient, action: 'PROVIDE_INFORMATION', instructions: 'Send the logs' } },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.issueDirective.directive.id;
}

const idsAt = (path: string) => hook.at(path).map((r) => r.headers['webhook-id']);

test('two hub processes: each attempt is made by one of them (one request per webhook-id)', async () => {
  await webhookFor('admin@vnpt.test', '/multi', ['DIRECTIVE_ISSUED']);
  const inc = await incident(hubs[0]!);
  for (let i = 0; i < 20; i++) await issue(hubs[i % 2]!, inc, 'VNPT');
  await waitFor(() => new Set(idsAt('/multi')).size === 20, '20 deliveries', 60_000);
  await sleep(1500);
  // No crash and no failure here, so at-least-once forces no duplicate: exactly one request per webhook-id.
  expect(idsAt('/multi')).toHaveLength(20);
  const made = await sqlOnce<{
    instance: string;
    n: number;
  }>(`select a.instance, count(*)::int as n from notification_attempt a join notification_delivery d on d.id = a.delivery_id
    where d.address like '%/multi' group by 1`);
  expect(made.reduce((s, r) => s + r.n, 0)).toBe(20);
});

test('the hub killed mid-delivery and restarted: delivered, and the cut attempt is logged', async () => {
  await webhookFor('admin@vnpt.test', '/slow', ['DIRECTIVE_ISSUED']);
  hook.script('/slow', [{ status: 0 }]); // the first request hangs: the delivery is in flight
  const inc = await incident(hubs[0]!);
  await issue(hubs[0]!, inc, 'VNPT');
  await waitFor(() => hook.at('/slow').length === 1, 'the request in flight');
  const [inFlight] = await sqlOnce<{
    instance: string;
    delivery_id: string;
  }>(`select a.instance, a.delivery_id from notification_attempt a join notification_delivery d on d.id = a.delivery_id
    where d.address like '%/slow' and a.finished_at is null`);
  const pid = Number(inFlight.instance.split(':').pop());
  const which = hubs.findIndex((h) => h?.child.pid === pid);
  expect(which).toBeGreaterThanOrEqual(0);
  await kill(which);
  hook.release();
  hubs[which] = await startHubProcess({ ...env, LOAD_DEMO_DATA: 'false' });
  await waitFor(
    async () => (await sqlOnce(`select 1 from notification_delivery where id = $1 and status = 'DELIVERED'`, [inFlight.delivery_id])).length === 1,
    'delivered after the restart',
    60_000,
  );
  const ids = idsAt('/slow');
  // At least once: the cut request and its repetition carry the same webhook-id, so the receiver drops the duplicate.
  expect(ids.length).toBe(2);
  expect(new Set(ids).size).toBe(1);
  const attempts = await sqlOnce<{ attempt: number; outcome: string }>(
    `select attempt, outcome from notification_attempt where delivery_id = $1 order by id`,
    [inFlight.delivery_id],
  );
  expect(attempts).toEqual([
    { attempt: 1, outcome: 'INTERRUPTED' },
    { attempt: 1, outcome: 'DELIVERED' },
  ]);
});

test('PostgreSQL stopped and restarted while deliveries are pending: all delivered', async () => {
  await webhookFor('admin@vnpt.test', '/pg', ['DIRECTIVE_ISSUED']);
  hook.script('/pg', Array(10).fill({ status: 500 }));
  const inc = await incident(hubs[0]!);
  for (let i = 0; i < 10; i++) await issue(hubs[0]!, inc, 'VNPT');
  await waitFor(() => hook.at('/pg').length >= 10, 'first attempts');
  await pgServer.stop();
  await sleep(4000);
  await pgServer.start();
  await waitFor(
    async () =>
      (await sqlOnce<{ n: number }>(`select count(*)::int as n from notification_delivery where address like '%/pg' and status = 'DELIVERED'`))[0]
        .n === 10,
    'all delivered',
    90_000,
  ).catch(async (err) => {
    process.stderr.write(
      JSON.stringify(
        await sqlOnce(`select status, attempts, queued_attempt, next_attempt_at, last_error from notification_delivery where address like '%/pg'`),
        null,
        1,
      ),
    );
    process.stderr.write(
      JSON.stringify(await sqlOnce(`select state, retry_count, data, output from pgboss.job order by created_on desc limit 15`), null, 1),
    );
    process.stderr.write(hubs.map((h) => h?.output().slice(-3000)).join('\n----\n'));
    throw err;
  });
  expect(new Set(idsAt('/pg')).size).toBe(10);
  for (const h of hubs)
    if (h && h.child.exitCode !== null) process.stderr.write(`hub exited with ${h.child.exitCode}:\n${h.output().slice(-5000)}\n`);
  expect(hubs.every((h) => h && h.child.exitCode === null)).toBe(true);
});
