import { startTestHub, type TestHub } from '../../harness/hub';
import { subscribe, INCIDENT_EVENTS, type LiveSubscription } from '../../harness/ws';

/**
 * Live deliveries per group (issue 16): subscribers that read events alike (same organization,
 * capabilities and role) and ask the same selection get an event's answer computed once for all of
 * them. Counted at the driver: the incident the selection names (`incident { reference }`) is read by
 * one statement per group and event, however many subscribers the group has; another group reads its own.
 */
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Statements that read incidents by id for a delivery's `incident` field (the incident loader's batch). */
function countIncidentReads(): { stop(): number } {
  const pool = t.hub.services.db.pool as unknown as { query: (...a: unknown[]) => unknown };
  const original = pool.query;
  let n = 0;
  pool.query = (...a: unknown[]) => {
    if (/^select v\.\* from \(select i\.id/.test(String(a[0]).trim())) n++;
    return original.apply(pool, a);
  };
  return {
    stop: () => {
      pool.query = original;
      return n;
    },
  };
}

async function reportAndDeliver(subs: LiveSubscription[], title: string): Promise<number> {
  const counter = countIncidentReads();
  const res = await t.as<{ reportIncident: { reference: string } }>(
    'reporter@acme.test',
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference } }`,
    { i: { title, description: 'd', detectedAt: new Date(Date.now() - 60_000).toISOString(), reporterContact: { name: 'R' }, reportTo: 'VNPT' } },
  );
  expect(res.errors).toBeUndefined();
  const reference = res.data!.reportIncident.reference;
  await Promise.all(subs.map((s) => s.waitFor((e) => e.some((x) => x.reference === reference))));
  await sleep(200);
  return counter.stop();
}

test('one execution per group and event: four subscribers of one group cost what one costs; another group adds its own', async () => {
  const handler = await t.token('handler@vnpt.test');
  const first = subscribe(t.url, handler, INCIDENT_EVENTS);
  await sleep(300);
  // Warm up (the reporting mutation's own reads are the same each time).
  await reportAndDeliver([first], 'Warm-up');
  const one = await reportAndDeliver([first], 'One subscriber');

  const more = [subscribe(t.url, handler, INCIDENT_EVENTS), subscribe(t.url, handler, INCIDENT_EVENTS), subscribe(t.url, handler, INCIDENT_EVENTS)];
  await sleep(300);
  const group = [first, ...more];
  const four = await reportAndDeliver(group, 'Four subscribers, one group');
  expect(four).toBe(one);
  // Each received the same answer.
  const last = group.map((s) => JSON.stringify(s.events[s.events.length - 1]));
  expect(new Set(last).size).toBe(1);

  // An analyst of the same organization has other capabilities: a group of its own, one more read.
  const analyst = subscribe(t.url, await t.token('analyst@vnpt.test'), INCIDENT_EVENTS);
  await sleep(300);
  const twoGroups = await reportAndDeliver([...group, analyst], 'Two groups');
  expect(twoGroups).toBe(one + 1);
  await Promise.all([...group, analyst].map((s) => s.dispose()));
});
