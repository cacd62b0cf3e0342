/**
 * Notifications (DESIGN.md §7, issue 17) against real servers: an SMTP server (smtp-server, parsed by
 * mailparser) and an HTTP receiver that verifies every webhook with the `standardwebhooks` package.
 */
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { DIRECTIVE_SELECTION, INCIDENT_SELECTION } from '../../../src/modules/notifications/content';
import { checkWebhookUrl } from '../../../src/modules/notifications/ssrf';
import { postWebhook } from '../../../src/modules/notifications/webhook';
import { WebhookReceiver, MailReceiver, waitFor, databaseWithoutPendingDeliveries } from './receivers';

let t: TestHub;
let t2: TestHub | null = null;
const hook = new WebhookReceiver();
const mail = new MailReceiver();
const HOUR = 3_600_000;

const ENV = (smtp: string): Record<string, string> => ({
  NOTIFICATIONS: 'on',
  SMTP_URL: smtp,
  NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
  NOTIFY_POLL_MS: '100',
  NOTIFY_RETRY_SCHEDULE: '1,1,1,1',
  NOTIFY_MAINTENANCE_SECONDS: '1',
  PUBLIC_URL: 'https://hub.example.vn',
});

beforeAll(async () => {
  await Promise.all([hook.start(), mail.start()]);
  const url = await databaseWithoutPendingDeliveries();
  t = await startTestHub(ENV(mail.url), {}, url);
}, 60_000);
afterAll(async () => {
  await t2?.close();
  await t.close();
  await Promise.all([hook.close(), mail.close()]);
});

async function orgId(code: string): Promise<string> {
  const [row] = await t.sql<{ id: string }>('select id from organization where code = $1', [code]);
  return Buffer.from(`Organization:${row.id}`).toString('base64url');
}

async function report(email: string, over: Record<string, unknown> = {}): Promise<{ id: string; reference: string; version: number }> {
  const res = await t.as<{ reportIncident: { incident: { id: string; reference: string; version: number } } }>(
    email,
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id reference version } } }`,
    {
      i: {
        title: 'Phishing site imitating a bank',
        description: 'd',
        detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
        reporterContact: { name: 'R', email: 'r@acme.test' },
        tlp: 'GREEN',
        ...over,
      },
    },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.reportIncident.incident;
}

async function createWebhook(admin: string, path: string, kinds?: string[]): Promise<{ id: string; secret: string }> {
  const res = await t.as<{ createWebhook: { secret: string; webhook: { id: string } } }>(
    admin,
    `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url active kinds } } }`,
    { i: { url: hook.url(path), kinds } },
  );
  expect(res.errors).toBeUndefined();
  return { id: res.data!.createWebhook.webhook.id, secret: res.data!.createWebhook.secret };
}

async function issue(incidentId: string, recipient: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.as<{ issueDirective: { directive: { id: string } } }>(
    'handler@vncert.test',
    `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`,
    { i: { incidentId, recipient, action: 'TAKE_DOWN_CONTENT', instructions: 'Take the phishing page down', ...over } },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.issueDirective.directive.id;
}

type Body = { type: string; timestamp: string; data: Record<string, unknown> };

test('the receipt reaches the reporter by e-mail with its reference, in its language', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT' });
  const got = await waitFor(() => mail.to('reporter@acme.test').find((m) => m.subject?.includes(inc.reference)), 'receipt e-mail');
  expect(got.subject).toBe(`Đã tiếp nhận báo cáo sự cố ${inc.reference}`);
  expect(got.text).toContain(inc.reference);
  expect(got.text).toContain('https://hub.example.vn');
  expect(got.headers.get('content-language')).toBe('vi');
});

test('directive e-mails: the recipient in Vietnamese, another organization (set to English) in English; TLP:RED only reference and link', async () => {
  const set = await t.as(
    'admin@vncert.test',
    `mutation($i: UpdateNotificationSettingsInput!) { updateNotificationSettings(input: $i) { settings { language email kinds } } }`,
    { i: { organizationId: await orgId('VIETTEL'), language: 'EN' } },
  );
  expect(set.errors).toBeUndefined();
  const inc = await report('handler@vncert.test', { title: 'Botnet C2 takedown' });
  await issue(inc.id, 'VNPT');
  await issue(inc.id, 'VIETTEL');
  // A takedown is due in 24 h, which is also the DUE_SOON threshold: that reminder comes too; here the order itself is read.
  const vi = await waitFor(
    () => mail.to('abuse@vnpt.test').find((m) => m.text?.includes(inc.reference) && m.subject?.includes('mới')),
    'VNPT directive e-mail',
  );
  const en = await waitFor(
    () => mail.to('abuse@viettel.test').find((m) => m.text?.includes(inc.reference) && m.subject?.startsWith('New')),
    'VIETTEL directive e-mail',
  );
  expect(vi.subject).toBe('Yêu cầu điều phối mới: TAKE_DOWN_CONTENT');
  expect(vi.text).toContain('Hạn hoàn thành');
  expect(en.subject).toBe('New coordination order: TAKE_DOWN_CONTENT');
  expect(en.text).toContain('Due:');

  const red = await report('handler@vncert.test', { title: 'Secret red title', tlp: 'RED' });
  await issue(red.id, 'FPT');
  const r = await waitFor(() => mail.to('abuse@fpt.test').find((m) => m.text?.includes(red.reference)), 'RED directive e-mail');
  // Every e-mail about a TLP:RED incident (the order and its reminder alike) carries the reference and the link only.
  await new Promise((res) => setTimeout(res, 500));
  for (const m of mail.to('abuse@fpt.test').filter((x) => x.text?.includes(red.reference)))
    expect(m.text).toBe(`Số tham chiếu: ${red.reference}\n\nXem chi tiết: https://hub.example.vn/graphql\n`);
  expect(r.text).not.toContain('Secret red title');
  expect(r.text).not.toContain('TAKE_DOWN_CONTENT');
  expect(r.subject).toBe(`Thông báo ${red.reference}`);
});

test('webhooks verify with standardwebhooks; data deep-equals the recipient HANDLER’s GraphQL read; tampering, old timestamps and rotated-out secrets fail', async () => {
  const { id, secret } = await createWebhook('admin@vnpt.test', '/vnpt', ['DIRECTIVE_ISSUED', 'INCIDENT_ASSIGNED']);
  const inc = await report('handler@vncert.test', { title: 'Defacement of a ministry site' });
  const directiveId = await issue(inc.id, 'VNPT', { targets: [{ type: 'DOMAIN', value: 'evil-bank.vn' }] });
  const msg = await waitFor(() => hook.at('/vnpt').find((r) => (JSON.parse(r.body) as Body).type === 'DIRECTIVE_ISSUED'), 'DIRECTIVE_ISSUED webhook');
  const verifier = new StandardWebhook(secret);
  const payload = verifier.verify(msg.body, msg.headers) as Body;
  expect(payload.type).toBe('DIRECTIVE_ISSUED');
  const read = await t.as<{ node: Record<string, unknown> }>('handler@vnpt.test', DIRECTIVE_SELECTION, { id: directiveId });
  expect(payload.data).toEqual({ directive: read.data!.node });
  expect((payload.data.directive as { incident: { reference: string } }).incident.reference).toBe(inc.reference);

  expect(() => verifier.verify(msg.body.replace('TAKE_DOWN_CONTENT', 'BLOCK_IP'), msg.headers)).toThrow();
  const old = new Date(Date.now() - 3600_000);
  const oldHeaders = {
    'webhook-id': msg.headers['webhook-id'],
    'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
    'webhook-signature': verifier.sign(msg.headers['webhook-id'], old, msg.body),
  };
  expect(() => verifier.verify(msg.body, oldHeaders)).toThrow(/too old/i);

  // Rotation: during the overlap both secrets verify; after it, only the new one.
  const rotated = await t.as<{ rotateWebhookSecret: { secret: string } }>(
    'admin@vnpt.test',
    `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { previousSecretExpiresAt } } }`,
    { id },
  );
  expect(rotated.errors).toBeUndefined();
  const newSecret = rotated.data!.rotateWebhookSecret.secret;
  const before = hook.at('/vnpt').length;
  const d2 = await issue(inc.id, 'VNPT', { action: 'BLOCK_DOMAIN' });
  const during = await waitFor(
    () =>
      hook
        .at('/vnpt')
        .slice(before)
        .find((r) => r.body.includes(Buffer.from(d2, 'base64url').toString().split(':')[1]) || r.body.includes(d2)),
    'webhook during rotation',
  );
  expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
  expect(() => new StandardWebhook(secret).verify(during.body, during.headers)).not.toThrow();
  expect(() => new StandardWebhook(newSecret).verify(during.body, during.headers)).not.toThrow();
  t.clock.advance(25 * HOUR);
  const after0 = hook.at('/vnpt').length;
  const d3 = await issue(inc.id, 'VNPT', { action: 'PRESERVE_EVIDENCE' });
  const afterMsg = await waitFor(
    () =>
      hook
        .at('/vnpt')
        .slice(after0)
        .find((r) => r.body.includes(d3)),
    'webhook after the overlap',
  );
  expect(afterMsg.headers['webhook-signature'].split(' ')).toHaveLength(1);
  expect(() => new StandardWebhook(newSecret).verify(afterMsg.body, afterMsg.headers)).not.toThrow();
  expect(() => new StandardWebhook(secret).verify(afterMsg.body, afterMsg.headers)).toThrow();

  // The delivery log: one delivery per notification and endpoint, its attempts, the stable webhook-id.
  const log = await t.as<{
    notificationDeliveries: { edges: { node: { messageId: string; status: string; attempts: number; attemptLog: { statusCode: number }[] } }[] };
  }>(
    'admin@vnpt.test',
    `query($w: ID) { notificationDeliveries(first: 50, filter: { webhookId: $w }) { edges { node { messageId status attempts attemptLog { statusCode outcome } } } } }`,
    { w: id },
  );
  expect(log.errors).toBeUndefined();
  const node = log.data!.notificationDeliveries.edges.find((e) => e.node.messageId === msg.headers['webhook-id'])!.node;
  expect(node).toMatchObject({ status: 'DELIVERED', attempts: 1 });
  expect(node.attemptLog[0].statusCode).toBe(200);
});

test('an incident shared and unshared before delivery sends nothing of it; a REPORTER receipt webhook is the REPORTER view', async () => {
  await createWebhook('admin@vnnic.test', '/vnnic', ['INCIDENT_SHARED']);
  // Hold VNNIC's deliveries back (a trigger in this test's database) until the incident is unshared.
  await t.sql(`create or replace function hold_vnnic() returns trigger language plpgsql as $$ begin
      if new.address like '%/vnnic' then new.next_attempt_at := new.next_attempt_at + interval '10 years'; end if; return new; end $$`);
  await t.sql(`create trigger hold_vnnic before insert on notification_delivery for each row execute function hold_vnnic()`);
  const inc = await report('handler@vncert.test', { title: 'Hidden after unsharing', tlp: 'AMBER' });
  const share = await t.as<{ shareIncident: { incident: { version: number } } }>(
    'handler@vncert.test',
    `mutation($i: ShareIncidentInput!) { shareIncident(input: $i) { incident { version } } }`,
    { i: { id: inc.id, expectedVersion: 1, organization: 'VNNIC' } },
  );
  expect(share.errors).toBeUndefined();
  const unshare = await t.as('handler@vncert.test', `mutation($i: ShareIncidentInput!) { unshareIncident(input: $i) { incident { version } } }`, {
    i: { id: inc.id, expectedVersion: share.data!.shareIncident.incident.version, organization: 'VNNIC' },
  });
  expect(unshare.errors).toBeUndefined();
  await t.sql(`drop trigger hold_vnnic on notification_delivery`);
  await t.sql(`update notification_delivery set next_attempt_at = $1 where address like '%/vnnic'`, [t.clock.now()]);
  await waitFor(
    async () => (await t.sql(`select 1 from notification_delivery where address like '%/vnnic' and status = 'SKIPPED'`)).length === 1,
    'skipped delivery',
  );
  expect(hook.at('/vnnic')).toHaveLength(0);

  // ACME's receipt webhook carries exactly its REPORTER view.
  const { secret } = await createWebhook('admin@acme.test', '/acme', ['REPORT_RECEIVED']);
  const mine = await report('reporter@acme.test', { reportTo: 'VNPT' });
  const msg = await waitFor(() => hook.at('/acme').find((r) => r.body.includes(mine.reference)), 'ACME receipt webhook');
  const payload = new StandardWebhook(secret).verify(msg.body, msg.headers) as Body;
  const read = await t.as<{ incident: Record<string, unknown> }>('reporter@acme.test', INCIDENT_SELECTION, { id: mine.id });
  expect(payload.data).toEqual({ incident: read.data!.incident });
  expect((payload.data.incident as { accessLevel: string; severity: unknown }).accessLevel).toBe('REPORTER');
});

test('faults: 500 three times then 200 is delivered with every attempt logged; 410 disables the endpoint; Retry-After is honoured by the clock', async () => {
  hook.script('/flaky', [{ status: 500 }, { status: 500 }, { status: 500 }]);
  const w = await createWebhook('admin@vnpt.test', '/flaky', ['DIRECTIVE_ISSUED']);
  const inc = await report('handler@vncert.test', { title: 'Retry case' });
  const d = await issue(inc.id, 'VNPT');
  const uuid = d; // bodies carry global ids
  // Retries come 1 s apart by the schedule (±20 %); the hub's clock moves them along.
  const advance = setInterval(() => t.clock.advance(2000), 200);
  try {
    await waitFor(() => hook.at('/flaky').filter((r) => r.body.includes(uuid)).length >= 4, 'four attempts', 30_000);
  } finally {
    clearInterval(advance);
  }
  const got = hook.at('/flaky').filter((r) => r.body.includes(uuid));
  expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
  const [delivery] = await t.sql<{ status: string; attempts: number; id: string }>(
    `select d.id, d.status, d.attempts from notification_delivery d where d.webhook_id = (select id from webhook where url like '%/flaky' and deleted_at is null order by created_at desc limit 1) and d.status <> 'CANCELLED'`,
  );
  await waitFor(
    async () => (await t.sql(`select 1 from notification_delivery where id = $1 and status = 'DELIVERED'`, [delivery.id])).length === 1,
    'delivered',
  );
  const attempts = await t.sql<{ attempt: number; status_code: number; outcome: string }>(
    `select attempt, status_code, outcome from notification_attempt where delivery_id = $1 order by attempt`,
    [delivery.id],
  );
  expect(attempts.map((a) => [a.attempt, a.status_code, a.outcome])).toEqual([
    [1, 500, 'RETRY'],
    [2, 500, 'RETRY'],
    [3, 500, 'RETRY'],
    [4, 200, 'DELIVERED'],
  ]);
  void w;

  // 410 Gone disables the endpoint.
  const gone = await createWebhook('admin@vnpt.test', '/gone', ['DIRECTIVE_ISSUED']);
  hook.script('/gone', [{ status: 410 }]);
  await issue(inc.id, 'VNPT', { action: 'BLOCK_IP' });
  await waitFor(async () => {
    const r = await t.as<{ webhooks: { edges: { node: { id: string; active: boolean; disabledReason: string | null } }[] } }>(
      'admin@vnpt.test',
      `{ webhooks(first: 50) { edges { node { id active disabledReason } } } }`,
    );
    return r.data!.webhooks.edges.find((e) => e.node.id === gone.id && !e.node.active);
  }, '410 disabling the endpoint');

  // 503 with Retry-After: 3600 waits an hour of the hub's clock, not a second.
  hook.script('/busy', [{ status: 503, headers: { 'retry-after': '3600' } }]);
  await createWebhook('admin@vnpt.test', '/busy', ['DIRECTIVE_ISSUED']);
  const busyDirective = await issue(inc.id, 'VNPT', { action: 'INVESTIGATE' });
  await waitFor(() => hook.at('/busy').length === 1, 'first busy attempt');
  const [pending] = await waitFor(async () => {
    const rows = await t.sql<{ next_attempt_at: Date; attempts: number }>(
      `select next_attempt_at, attempts from notification_delivery where address like '%/busy' and attempts = 1`,
    );
    return rows.length ? rows : null;
  }, 'retry scheduled');
  const wait = pending.next_attempt_at.getTime() - t.clock.now().getTime();
  expect(wait).toBeGreaterThan(3500_000);
  expect(wait).toBeLessThanOrEqual(3600_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(hook.at('/busy')).toHaveLength(1);
  t.clock.advance(3600_000);
  await waitFor(() => hook.at('/busy').length === 2, 'retry after an hour');
  expect(hook.at('/busy')[1].body).toContain(busyDirective);
});

test('SSRF: loopback, private and names resolving to them are refused unless allowed; link-local and metadata always', async () => {
  for (const url of ['http://127.0.0.1/x', 'http://[::1]/x', 'http://10.1.2.3/x', 'http://localhost/x', 'http://[::ffff:127.0.0.1]/x']) {
    const v = await checkWebhookUrl(url, false);
    expect(v.ok).toBe(false);
    expect((await checkWebhookUrl(url, true)).ok).toBe(true);
  }
  for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/x', 'http://[::ffff:169.254.169.254]/x']) {
    expect((await checkWebhookUrl(url, true)).ok).toBe(false);
  }
  // Over GraphQL, even with private addresses allowed: metadata is BAD_USER_INPUT on input.url, nothing stored.
  const res = await t.as('admin@vnpt.test', `mutation { createWebhook(input: { url: "http://169.254.169.254/" }) { secret } }`);
  expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  expect(res.errors![0].extensions!.field).toBe('input.url');
  // At delivery, on the address connected to: a name that resolves to loopback is refused when private addresses are not allowed.
  const refused = await postWebhook({
    url: `http://localhost:${hook.port}/never`,
    body: '{}',
    headers: {},
    timeoutMs: 5000,
    allowPrivate: false,
    now: new Date(),
  });
  expect(refused.refused).toBe(true);
  expect(hook.at('/never')).toHaveLength(0);
});

test('another organization’s webhooks read like missing ones; non-ADMINs are FORBIDDEN', async () => {
  const w = await createWebhook('admin@vnpt.test', '/private');
  const other = await t.as('admin@acme.test', `mutation($id: ID!) { deleteWebhook(id: $id) { deleted } }`, { id: w.id });
  expect(codes(other)).toEqual(['NOT_FOUND']);
  const handler = await t.as('handler@vnpt.test', `{ webhooks { edges { node { id } } } }`);
  expect(codes(handler)).toEqual(['FORBIDDEN']);
  const coordinator = await t.as<{ webhooks: { edges: { node: { id: string } }[] } }>(
    'admin@vncert.test',
    `query($o: ID) { webhooks(first: 50, organizationId: $o) { edges { node { id } } } }`,
    { o: await orgId('VNPT') },
  );
  expect(coordinator.data!.webhooks.edges.map((e) => e.node.id)).toContain(w.id);
});

test('reminders go out once per threshold across two instances, by the injected clock', async () => {
  t2 = await startTestHub(ENV(mail.url), {}, t.databaseUrl);
  const inc = await report('handler@vncert.test', { title: 'Reminder case' });
  const d = await issue(inc.id, 'VIETTEL', { dueAt: new Date(t.clock.now().getTime() + 48 * HOUR).toISOString() });
  const uuid = Buffer.from(d, 'base64url').toString().split(':')[1];
  const count = async (kind: string) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from notification where kind = $1 and directive_id = $2`, [kind, uuid]))[0].n;
  for (const hub of [t, t2]) hub.clock.advance(25 * HOUR); // due in 23 h: DUE_SOON
  await waitFor(async () => (await count('DIRECTIVE_DUE_SOON')) === 1, 'DUE_SOON');
  await new Promise((r) => setTimeout(r, 600));
  expect(await count('DIRECTIVE_DUE_SOON')).toBe(1);
  for (const hub of [t, t2]) hub.clock.advance(24 * HOUR); // past due: OVERDUE to the recipient and the coordinator
  await waitFor(async () => (await count('DIRECTIVE_OVERDUE')) === 2, 'OVERDUE');
  await new Promise((r) => setTimeout(r, 600));
  expect(await count('DIRECTIVE_OVERDUE')).toBe(2);

  // Final report: resolved, then a day before its due time (120 h) and a day after.
  const vncert = 'handler@vncert.test';
  const cur = await t.as<{ incident: { version: number } }>(vncert, `query($id: ID!) { incident(id: $id) { version } }`, { id: inc.id });
  const resolved = await t.as(vncert, `mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { incident { status } } }`, {
    i: { id: inc.id, expectedVersion: cur.data!.incident.version, summary: 'done', cancelOpenDirectives: true },
  });
  expect(resolved.errors).toBeUndefined();
  const fr = async (kind: string) =>
    (
      await t.sql<{ n: number }>(`select count(*)::int as n from notification where kind = $1 and incident_id = $2`, [
        kind,
        Buffer.from(inc.id, 'base64url').toString().split(':')[1],
      ])
    )[0].n;
  for (const hub of [t, t2]) hub.clock.advance(96 * HOUR + 60_000);
  await waitFor(async () => (await fr('FINAL_REPORT_DUE')) === 1, 'FINAL_REPORT_DUE');
  for (const hub of [t, t2]) hub.clock.advance(48 * HOUR);
  await waitFor(async () => (await fr('FINAL_REPORT_OVERDUE')) === 1, 'FINAL_REPORT_OVERDUE');
  await new Promise((r) => setTimeout(r, 600));
  expect([await fr('FINAL_REPORT_DUE'), await fr('FINAL_REPORT_OVERDUE')]).toEqual([1, 1]);
  // Each reminder is delivered once by e-mail, whichever instance made it.
  const mails = await t.sql<{ n: number }>(
    `select count(*)::int as n from notification_delivery d join notification n on n.id = d.notification_id
    where n.reminder_key is not null and (n.directive_id = $1) and d.channel = 'EMAIL'`,
    [uuid],
  );
  expect(mails[0].n).toBe(3);
  // The second instance's clock is its own: later tests move only the first one's.
  await t2.close();
  t2 = null;
}, 60_000);

test('GraphQL error messages follow Accept-Language (vi, en); codes and fields unchanged', async () => {
  const token = await t.token('admin@vnpt.test');
  const ask = async (lang: string | null, query: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    if (lang) headers['accept-language'] = lang;
    const res = await fetch(t.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
    return (await res.json()) as { errors: { message: string; extensions: { code: string; field?: string } }[] };
  };
  const missing = `mutation { deleteWebhook(id: "${Buffer.from('Webhook:00000000-0000-4000-8000-000000000000').toString('base64url')}") { deleted } }`;
  const vi = await ask('vi-VN,vi;q=0.9,en;q=0.8', missing);
  const en = await ask('en-US', missing);
  const none = await ask(null, missing);
  expect(vi.errors[0]).toMatchObject({ message: 'Webhook: không tìm thấy', extensions: { code: 'NOT_FOUND' } });
  expect(en.errors[0]).toMatchObject({ message: 'Webhook not found', extensions: { code: 'NOT_FOUND' } });
  expect(none.errors[0].message).toBe('Webhook not found');
  const bad = `mutation { createWebhook(input: { url: "ftp://example.vn/" }) { secret } }`;
  const badVi = await ask('vi', bad);
  expect(badVi.errors[0]).toMatchObject({
    message: 'URL webhook bị từ chối: only http and https URLs are accepted',
    extensions: { code: 'BAD_USER_INPUT', field: 'input.url' },
  });
  const kinds = await ask('vi', `mutation { updateNotificationSettings(input: { kinds: [] }) { settings { language } } }`);
  expect(kinds.errors[0]).toMatchObject({
    message: 'Dữ liệu không hợp lệ tại input.kinds',
    extensions: { code: 'BAD_USER_INPUT', field: 'input.kinds' },
  });
});

test('testWebhook sends a PING now; a dead delivery can be replayed with the same webhook-id', async () => {
  const { id, secret } = await createWebhook('admin@vnpt.test', '/ping', ['DIRECTIVE_ISSUED']);
  const ping = await t.as<{ testWebhook: { status: string; kind: string; attempts: number; messageId: string } }>(
    'admin@vnpt.test',
    `mutation($id: ID!) { testWebhook(id: $id) { status kind attempts messageId attemptLog { statusCode } } }`,
    { id },
  );
  expect(ping.errors).toBeUndefined();
  expect(ping.data!.testWebhook).toMatchObject({ status: 'DELIVERED', kind: 'PING', attempts: 1 });
  const [msg] = hook.at('/ping');
  expect((new StandardWebhook(secret).verify(msg.body, msg.headers) as Body).type).toBe('PING');

  // Every attempt fails (4 retries of the test schedule), the delivery is dead; replay sends it again.
  hook.script('/dead', Array(5).fill({ status: 500 }));
  await createWebhook('admin@vnpt.test', '/dead', ['DIRECTIVE_ISSUED']);
  const inc = await report('handler@vncert.test', { title: 'Dead letter' });
  await issue(inc.id, 'VNPT', { action: 'OTHER' });
  const advance = setInterval(() => t.clock.advance(2000), 200);
  let dead: { id: string; messageId: string };
  try {
    dead = await waitFor(
      async () => {
        const r = await t.as<{ notificationDeliveries: { edges: { node: { id: string; messageId: string; address: string } }[] } }>(
          'admin@vnpt.test',
          `{ notificationDeliveries(first: 50, filter: { status: DEAD }) { edges { node { id messageId address } } } }`,
        );
        return r.data!.notificationDeliveries.edges.map((e) => e.node).find((n) => n.address.endsWith('/dead'));
      },
      'a dead delivery',
      30_000,
    );
  } finally {
    clearInterval(advance);
  }
  expect(hook.at('/dead')).toHaveLength(5);
  // Replayed, it runs the retry schedule from its start: two more failures, then delivered.
  hook.script('/dead', [{ status: 500 }, { status: 500 }]);
  const replay = await t.as<{ replayNotification: { status: string } }>(
    'admin@vnpt.test',
    `mutation($d: ID!) { replayNotification(deliveryId: $d) { status } }`,
    { d: dead.id },
  );
  expect(replay.errors).toBeUndefined();
  const again = setInterval(() => t.clock.advance(2000), 200);
  try {
    await waitFor(() => hook.at('/dead').length === 8, 'the replayed delivery', 30_000);
  } finally {
    clearInterval(again);
  }
  const done = await t.as<{ node: null }>(
    'admin@vnpt.test',
    `{ notificationDeliveries(first: 50, filter: { status: DELIVERED }) { edges { node { id attempts } } } }`,
  );
  expect(JSON.stringify(done.data)).toContain(dead.id);
  expect(new Set(hook.at('/dead').map((r) => r.headers['webhook-id']))).toEqual(new Set([dead.messageId]));
});

test('every kind: the webhook data deep-equals what the recipient organization’s HANDLER reads over GraphQL at that moment', async () => {
  const READERS: Record<string, string> = {
    ACME: 'reporter@acme.test',
    VNPT: 'handler@vnpt.test',
    VNCERT: 'handler@vncert.test',
    SECPARTNER: 'handler@secpartner.test',
    'MPS-A05': 'handler@mps-a05.test',
    VIETTEL: 'handler@viettel.test',
  };
  for (const code of Object.keys(READERS)) {
    const res = await t.as('admin@vncert.test', `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }`, {
      i: { url: hook.url(`/all/${code}`), organizationId: await orgId(code) },
    });
    expect(res.errors).toBeUndefined();
  }
  const seen = new Set<string>();
  const kindsChecked = new Set<string>();
  /** Waits for `kind` to `code` about the object, then compares its data with the HANDLER's read now. */
  const expectKind = async (code: string, kind: string, objectId: string) => {
    const msg = await waitFor(
      () =>
        hook
          .at(`/all/${code}`)
          .find((r) => !seen.has(r.headers['webhook-id']) && (JSON.parse(r.body) as Body).type === kind && r.body.includes(objectId)),
      `${kind} to ${code}`,
      30_000,
    );
    seen.add(msg.headers['webhook-id']);
    const payload = JSON.parse(msg.body) as Body;
    const query = 'directive' in payload.data ? DIRECTIVE_SELECTION : INCIDENT_SELECTION;
    const read = await t.as<Record<string, unknown>>(READERS[code], query, { id: objectId });
    expect(read.errors).toBeUndefined();
    expect(payload.data).toEqual('directive' in payload.data ? { directive: read.data!.node } : { incident: read.data!.incident });
    kindsChecked.add(kind);
  };
  const incMove = async (email: string, name: string, type: string, input: Record<string, unknown>) => {
    const v = await t.as<{ incident: { version: number } }>('handler@vncert.test', `query($id: ID!) { incident(id: $id) { version } }`, {
      id: input.id,
    });
    const res = await t.as(email, `mutation($i: ${type}!) { ${name}(input: $i) { incident { id } } }`, {
      i: { ...input, expectedVersion: v.data!.incident.version },
    });
    expect(res.errors).toBeUndefined();
  };
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT', title: 'Every kind', indicators: [{ type: 'DOMAIN', value: 'every-kind.vn' }] });
  await expectKind('ACME', 'REPORT_RECEIVED', inc.id);
  await expectKind('VNPT', 'INCIDENT_ASSIGNED', inc.id);
  await incMove('handler@vnpt.test', 'triageIncident', 'TriageIncidentInput', {
    id: inc.id,
    severity: 'HIGH',
    rsitClass: 'fraud',
    rsitType: 'phishing',
  });
  await expectKind('ACME', 'REPORT_STATUS_CHANGED', inc.id);
  await incMove('handler@vnpt.test', 'escalateIncident', 'EscalateIncidentInput', { id: inc.id, reason: 'Beyond our capacity' });
  await expectKind('VNCERT', 'INCIDENT_ASSIGNED', inc.id);
  await expectKind('ACME', 'REPORT_STATUS_CHANGED', inc.id);
  await incMove('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', { id: inc.id, organization: 'SECPARTNER' });
  await expectKind('SECPARTNER', 'INCIDENT_SHARED', inc.id);
  await incMove('handler@vncert.test', 'referIncident', 'ReferIncidentInput', { id: inc.id, organization: 'MPS-A05', reason: 'Fraud' });
  await expectKind('MPS-A05', 'INCIDENT_REFERRED', inc.id);
  const d = await issue(inc.id, 'VIETTEL', { action: 'BLOCK_DOMAIN', dueAt: new Date(t.clock.now().getTime() + 48 * HOUR).toISOString() });
  await expectKind('VIETTEL', 'DIRECTIVE_ISSUED', d);
  await expectKind('ACME', 'REPORT_STATUS_CHANGED', inc.id);
  t.clock.advance(25 * HOUR);
  await expectKind('VIETTEL', 'DIRECTIVE_DUE_SOON', d);
  t.clock.advance(24 * HOUR);
  await expectKind('VIETTEL', 'DIRECTIVE_OVERDUE', d);
  await expectKind('VNCERT', 'DIRECTIVE_OVERDUE', d);
  const dv = async () =>
    (
      await t.as<{ node: { version: number } }>('handler@vncert.test', `query($id: ID!) { node(id: $id) { ... on Directive { version } } }`, {
        id: d,
      })
    ).data!.node.version;
  const ack = await t.as('handler@viettel.test', `mutation($i: DirectiveActionInput!) { acknowledgeDirective(input: $i) { directive { id } } }`, {
    i: { id: d, expectedVersion: await dv() },
  });
  expect(ack.errors).toBeUndefined();
  await expectKind('VNCERT', 'DIRECTIVE_ANSWERED', d);
  const done = await t.as('handler@viettel.test', `mutation($i: CompleteDirectiveInput!) { completeDirective(input: $i) { directive { id } } }`, {
    i: { id: d, expectedVersion: await dv(), result: 'Blocked' },
  });
  expect(done.errors).toBeUndefined();
  await expectKind('VNCERT', 'DIRECTIVE_ANSWERED', d);
  await incMove('handler@vncert.test', 'resolveIncident', 'ResolveIncidentInput', { id: inc.id, summary: 'Blocked and taken down' });
  await expectKind('ACME', 'REPORT_STATUS_CHANGED', inc.id);
  t.clock.advance(97 * HOUR);
  await expectKind('VNPT', 'FINAL_REPORT_DUE', inc.id);
  t.clock.advance(48 * HOUR);
  await expectKind('VNPT', 'FINAL_REPORT_OVERDUE', inc.id);
  expect([...kindsChecked].sort()).toEqual([
    'DIRECTIVE_ANSWERED',
    'DIRECTIVE_DUE_SOON',
    'DIRECTIVE_ISSUED',
    'DIRECTIVE_OVERDUE',
    'FINAL_REPORT_DUE',
    'FINAL_REPORT_OVERDUE',
    'INCIDENT_ASSIGNED',
    'INCIDENT_REFERRED',
    'INCIDENT_SHARED',
    'REPORT_RECEIVED',
    'REPORT_STATUS_CHANGED',
  ]);
}, 120_000);

test('metrics: deliveries by kind, channel and outcome, queue depth, age of the oldest pending delivery', async () => {
  const text = await (await fetch(t.url.replace(/\/graphql$/, '/metrics'))).text();
  expect(text).toMatch(/^hub_notification_deliveries\{kind="DIRECTIVE_ISSUED",channel="WEBHOOK",outcome="DELIVERED"\} [1-9]\d*$/m);
  expect(text).toMatch(/^hub_notification_deliveries\{kind="REPORT_RECEIVED",channel="EMAIL",outcome="DELIVERED"\} [1-9]\d*$/m);
  expect(text).toMatch(/^hub_notification_queue_depth \d+$/m);
  expect(text).toMatch(/^hub_notification_oldest_pending_seconds [\d.e+]+$/m);
});
