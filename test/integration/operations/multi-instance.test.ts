import { startTestHub, cloneDatabase, TEST_JWT_SECRET, type TestHub } from '../../harness/hub';
import { startHubProcess, type HubProcess } from '../../harness/process';
import { subscribe, INCIDENT_EVENTS } from '../../harness/ws';

/**
 * Two hub instances in separate processes on one PostgreSQL: events and principal changes cross
 * between them through PostgreSQL only (LISTEN/NOTIFY and the event table).
 */
jest.setTimeout(180_000);

let t: TestHub; // used for tokens and SQL on the same database; its own server is a third instance
let a: HubProcess;
let b: HubProcess;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const databaseUrl = await cloneDatabase();
  t = await startTestHub({}, {}, databaseUrl);
  const env = { DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'test', LOAD_DEMO_DATA: 'false' };
  [a, b] = await Promise.all([startHubProcess(env), startHubProcess(env)]);
});
afterAll(async () => {
  for (const p of [a, b])
    if (p) {
      process.kill(-p.child.pid!, 'SIGTERM');
      await p.exited;
    }
  await t.close();
});

async function reportVia(url: string, email: string, input: Record<string, unknown> = {}, key?: string) {
  const token = await t.token(email);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference incident { id } } }`,
      variables: {
        i: {
          title: 'Cross-instance',
          description: 'd',
          detectedAt: new Date(Date.now() - 60_000).toISOString(),
          reporterContact: { name: 'R' },
          reportTo: 'VNPT',
          idempotencyKey: key,
          ...input,
        },
      },
    }),
  });
  const body = (await res.json()) as { data?: { reportIncident: { reference: string; incident: { id: string } } }; errors?: unknown[] };
  return body;
}

test('an event written on instance B reaches the entitled subscriber on instance A and nobody else', async () => {
  const vnpt = subscribe(a.url, await t.token('handler@vnpt.test'), INCIDENT_EVENTS);
  const fpt = subscribe(a.url, await t.token('handler@fpt.test'), INCIDENT_EVENTS);
  await sleep(500);
  const amber = await reportVia(b.url, 'reporter@acme.test', { tlp: 'AMBER' });
  const marker = await reportVia(b.url, 'reporter@acme.test', { tlp: 'AMBER', reportTo: 'FPT' });
  const ref = amber.data!.reportIncident.reference;
  await vnpt.waitFor((e) => e.some((x) => x.reference === ref));
  await fpt.waitFor((e) => e.some((x) => x.reference === marker.data!.reportIncident.reference));
  expect(fpt.events.map((e) => e.reference)).toEqual([marker.data!.reportIncident.reference]);
  await Promise.all([vnpt.dispose(), fpt.dispose()]);
});

test('under 200 mutations from 10 concurrent connections on both instances, a subscriber that resumes repeatedly ends with every event exactly once', async () => {
  const token = await t.token('handler@vncert.test');
  const [{ start }] = await t.sql<{ start: string }>(`select coalesce(max(position), 0)::text as start from incident_event`);
  // Writers retry with their idempotency key until they get an answer, as real clients do under load.
  const runId = Date.now();
  const writeOnce = async (i: number) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await reportVia(
        attempt % 2 === i % 2 ? a.url : b.url,
        i % 3 ? 'reporter@acme.test' : 'handler@fpt.test',
        { title: `Burst ${i}` },
        `burst-${runId}-${i}`,
      );
      if (r.data) return r;
      await sleep(200);
    }
    throw new Error(`report ${i} never succeeded`);
  };
  // 200 mutations from 10 concurrent connections (20 each, alternating instances): concurrent without
  // queueing 200 requests on one reference-counter row lock at once.
  const writers = Array.from({ length: 10 }, async (_, w) => {
    for (let k = 0; k < 20; k++) await writeOnce(w * 20 + k);
  });
  const received: string[] = [];
  let cursor = start;
  let done = false;
  const allWritten = Promise.all(writers).then(() => (done = true));
  // Reconnect every 300 ms, alternating instances, always resuming from the last cursor received.
  for (let round = 0; !done || round < 2; round++) {
    const s = subscribe(round % 2 ? a.url : b.url, token, INCIDENT_EVENTS, { after: cursor });
    await sleep(300);
    await s.dispose().catch(() => undefined); // a 1013 close just means: resume from the last cursor
    for (const e of s.events) {
      received.push(e.cursor);
      cursor = e.cursor;
    }
    if (done && round > 200) break;
  }
  await allWritten;
  // Drain what remains; a close with 1013 ("try again later") is a request to resume with after, so resume.
  const [{ total }] = await t.sql<{ total: number }>(`select count(*)::int as total from incident_event where position > $1::bigint`, [start]);
  for (let round = 0; received.length < total && round < 30; round++) {
    const s = subscribe(round % 2 ? b.url : a.url, token, INCIDENT_EVENTS, { after: cursor });
    await Promise.race([s.waitFor((e) => received.length + e.length >= total, 20_000).catch(() => undefined), s.closed]);
    await s.dispose().catch(() => undefined);
    for (const e of s.events) {
      received.push(e.cursor);
      cursor = e.cursor;
    }
  }
  const expected = (
    await t.sql<{ position: string }>(`select e.position::text as position from incident_event e where e.position > $1::bigint order by e.position`, [
      start,
    ])
  ).map((r) => r.position);
  expect(received).toEqual(expected); // every event, exactly once, in commit order
  expect(expected.length).toBe(200);
});

test('a key revoked on instance B closes its socket on instance A (4401: clients do not retry)', async () => {
  const created = await t.as<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    'admin@vnpt.test',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
    { i: { name: 'dashboard', capabilities: ['INCIDENT_READ'] } },
  );
  const { secret, apiKey } = created.data!.createApiKey;
  const s = subscribe(a.url, secret, INCIDENT_EVENTS);
  await sleep(500);
  const adminToken = await t.token('admin@vnpt.test');
  const res = await fetch(b.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      query: `mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { __typename } }`,
      variables: { i: { id: apiKey.id } },
    }),
  });
  expect(res.status).toBe(200);
  expect(await s.closed).toBe(4401);
});

test('a deactivated account’s socket is closed on another instance (4401)', async () => {
  const s = subscribe(a.url, await t.token('analyst@viettel.test'), INCIDENT_EVENTS);
  await sleep(500);
  await t.as('admin@viettel.test', `mutation($i: SetAccountActiveInput!) { setAccountActive(input: $i) { __typename } }`, {
    i: {
      id: Buffer.from(`Account:${(await t.sql<{ id: string }>(`select id from account where email = 'analyst@viettel.test'`))[0].id}`).toString(
        'base64url',
      ),
      active: false,
    },
  });
  expect(await s.closed).toBe(4401);
});

test('an organization changed on instance B reads changed on instance A, whose cache of organizations heard the NOTIFY', async () => {
  const reported = await reportVia(a.url, 'reporter@acme.test', { reportTo: 'FPT' });
  const id = reported.data!.reportIncident.incident.id;
  const token = await t.token('handler@fpt.test');
  const handlerName = async (url: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query($id: ID!) { incident(id: $id) { handler { code name } } }', variables: { id } }),
    });
    const body = (await res.json()) as { data: { incident: { handler: { name: string } } } };
    return body.data.incident.handler.name;
  };
  // Read twice on A: its cache now holds FPT.
  const before = await handlerName(a.url);
  expect(await handlerName(a.url)).toBe(before);
  const adminToken = await t.token('admin@vncert.test');
  const res = await fetch(b.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      query: 'mutation($i: OrganizationInput!) { updateOrganization(input: $i) { organization { name } } }',
      variables: { i: { code: 'FPT', name: 'FPT Telecom (renamed on B)' } },
    }),
  });
  expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
  // The NOTIFY arrives within milliseconds; without it A would answer the old name for as long as it runs.
  let seen = before;
  for (let i = 0; i < 50 && seen !== 'FPT Telecom (renamed on B)'; i++) {
    await sleep(100);
    seen = await handlerName(a.url);
  }
  expect(seen).toBe('FPT Telecom (renamed on B)');
});
