/**
 * Per-instance delivery counters on /metrics (prom-client): the attempts this hub makes, by channel,
 * kind and outcome, and their latency histogram, against a real receiver that fails once.
 */
import { startTestHub, type TestHub } from '../../harness/hub';
import { WebhookReceiver, MailReceiver, waitFor, databaseWithoutPendingDeliveries } from './receivers';

let t: TestHub;
const hook = new WebhookReceiver();
const mail = new MailReceiver();

beforeAll(async () => {
  await Promise.all([hook.start(), mail.start()]);
  const url = await databaseWithoutPendingDeliveries();
  t = await startTestHub(
    {
      NOTIFICATIONS: 'on',
      SMTP_URL: mail.url,
      NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
      NOTIFY_POLL_MS: '100',
      NOTIFY_RETRY_SCHEDULE: '1,1,1',
      NOTIFY_MAINTENANCE_SECONDS: '1',
    },
    {},
    url,
  );
}, 60_000);
afterAll(async () => {
  await t.close();
  await Promise.all([hook.close(), mail.close()]);
});

/** One sample of the exposition (0 when the series does not exist yet). */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(t.url.replace(/\/graphql$/, '/metrics'))).text();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

test('a webhook answered 500 then 200: one RETRY and one DELIVERED attempt counted, two latencies observed; e-mail attempts counted apart', async () => {
  const webhook = (outcome: string) => ({ channel: 'WEBHOOK', kind: 'INCIDENT_ASSIGNED', outcome });
  const histogram = { channel: 'WEBHOOK' };
  expect(await sample('hub_notification_attempts_total', webhook('DELIVERED'))).toBe(0);
  expect(await sample('hub_notification_attempts_total', webhook('RETRY'))).toBe(0);
  expect(await sample('hub_notification_attempt_duration_seconds_count', { ...histogram, outcome: 'DELIVERED' })).toBe(0);

  const created = await t.as<{ createWebhook: { webhook: { id: string } } }>(
    'admin@vnpt.test',
    `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }`,
    { i: { url: hook.url('/assigned'), kinds: ['INCIDENT_ASSIGNED'] } },
  );
  expect(created.errors).toBeUndefined();
  hook.script('/assigned', [{ status: 500 }]);
  const res = await t.as<{ reportIncident: { incident: { reference: string } } }>(
    'reporter@acme.test',
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { reference } } }`,
    {
      i: {
        title: 'Counted case',
        description: 'd',
        detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        reportTo: 'VNPT',
        tlp: 'GREEN',
      },
    },
  );
  expect(res.errors).toBeUndefined();

  await waitFor(() => hook.at('/assigned').length >= 2, 'the retried webhook');
  // The counter moves after the receiver answered: wait for the exposition to show it.
  await waitFor(async () => (await sample('hub_notification_attempts_total', webhook('DELIVERED'))) === 1, 'the DELIVERED counter');
  expect(await sample('hub_notification_attempts_total', webhook('RETRY'))).toBe(1);
  expect(await sample('hub_notification_attempt_duration_seconds_count', { ...histogram, outcome: 'DELIVERED' })).toBe(1);
  expect(await sample('hub_notification_attempt_duration_seconds_count', { ...histogram, outcome: 'RETRY' })).toBe(1);
  const sum = await sample('hub_notification_attempt_duration_seconds_sum', { ...histogram, outcome: 'DELIVERED' });
  expect(sum).toBeGreaterThan(0);
  expect(sum).toBeLessThan(15);
  expect(hook.at('/assigned')).toHaveLength(2);

  // The reporter's receipt goes by e-mail to a real SMTP server: counted under its own channel and kind.
  await waitFor(
    () => mail.to('reporter@acme.test').some((m) => m.subject?.includes(res.data!.reportIncident.incident.reference)),
    'the receipt e-mail',
  );
  await waitFor(
    async () => (await sample('hub_notification_attempts_total', { channel: 'EMAIL', kind: 'REPORT_RECEIVED', outcome: 'DELIVERED' })) === 1,
    'the e-mail counter',
  );
});
