/**
 * DESIGN.md rules about live state that no other test proved: a role change reaching an open
 * graphql-ws connection (§2), and the registry feed's change cursor following commit order (§3).
 * Expected values are written by hand from DESIGN.md.
 */
import pg from 'pg';
import { connect as connectWs } from '../../harness/ws';
import { startTestHub, type TestHub } from '../../harness/hub';
import { incidentHelpers } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const { report, mutate } = incidentHelpers(() => t);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];

/** Polls until `check` holds, for at most `ms` ("within seconds"). */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await check()) return;
  throw new Error('condition not reached in time');
}

/** One operation's result over graphql-ws (its last `next`). */
type Result<T> = { data?: T | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };
const codesOf = (r: Result<unknown>) => (r.errors ?? []).map((e) => String(e.extensions?.code));

/** One graphql-ws connection that runs queries, mutations and subscriptions on the same socket. */
function connection(token: string) {
  let closedCode: number | null = null;
  const client = connectWs(t.url, token, (code) => (closedCode = code));
  const once = <T>(query: string, variables: Record<string, unknown> = {}) =>
    new Promise<Result<T>>((resolve, reject) => {
      let last: Result<T> = {};
      client.subscribe<T>({ query, variables }, { next: (v) => (last = v), error: reject, complete: () => resolve(last) });
    });
  const stream = <T>(query: string) => {
    const payloads: T[] = [];
    client.subscribe<Record<string, T>>(
      { query },
      { next: (v) => v.data && payloads.push(Object.values(v.data)[0]), error: () => undefined, complete: () => undefined },
    );
    return payloads;
  };
  return { once, stream, closedCode: () => closedCode, dispose: () => Promise.resolve(client.dispose()).catch(() => undefined) };
}

test('§2: a changed role takes effect on open subscriptions', async () => {
  // A fresh VNPT HANDLER, so the demo accounts other tests rely on keep their roles.
  const created = await t.as<{ createAccount: { account: { id: string } } }>(
    'admin@vnpt.test',
    `mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }`,
    { i: { email: 'live.role@vnpt.test', displayName: 'Live role', role: 'HANDLER' } },
  );
  expect(created.errors).toBeUndefined();
  const ws = connection(await t.token('live.role@vnpt.test'));
  type Perms = Record<'triage' | 'reject' | 'escalate' | 'addIndicators' | 'withdraw' | 'coordinate', boolean>;
  type Ev = { type: string; incidentId: string; incident: { viewerCan: Perms } | null };
  const events = ws.stream<Ev>(
    `subscription { incidentEvents { type incidentId incident { viewerCan { triage reject escalate addIndicators withdraw coordinate } } } }`,
  );
  const VIEWER = `{ viewer { role { memberRole } capabilities } }`;
  type V = { viewer: { role: { memberRole: string }; capabilities: string[] } };
  expect((await ws.once<V>(VIEWER)).data!.viewer.role.memberRole).toBe('HANDLER');
  await sleep(300);

  // As a HANDLER it may report over this very socket; VNPT then both reports and handles the incident.
  const REPORT = `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id } } }`;
  const input = {
    title: 'Role change',
    description: 'd',
    detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
    reporterContact: { name: 'R' },
    reportTo: 'VNPT',
  };
  const reported = await ws.once<{ reportIncident: { incident: { id: string } } }>(REPORT, { i: input });
  expect(reported.errors).toBeUndefined();
  const id = reported.data!.reportIncident.incident.id;
  await until(async () => events.some((e) => e.type === 'REPORTED' && e.incidentId === id));
  // Handling organization on REPORTED: triage, reject, escalate (not the coordinator), add indicators; reporting organization: withdraw.
  expect(events.find((e) => e.type === 'REPORTED' && e.incidentId === id)!.incident!.viewerCan).toEqual({
    triage: true,
    reject: true,
    escalate: true,
    addIndicators: true,
    withdraw: true,
    coordinate: false,
  });

  const demoted = await t.as('admin@vnpt.test', `mutation($i: SetAccountRoleInput!) { setAccountRole(input: $i) { account { id } } }`, {
    i: { id: created.data!.createAccount.account.id, role: 'ANALYST' },
  });
  expect(demoted.errors).toBeUndefined();
  // The server keeps the socket and swaps its viewer (NOTIFY): within seconds the same socket acts as an ANALYST.
  await until(async () => (await ws.once<V>(VIEWER)).data?.viewer.role.memberRole === 'ANALYST');
  expect((await ws.once<V>(VIEWER)).data!.viewer.capabilities).toEqual(['INCIDENT_READ']);
  // ANALYSTs read only: reporting and adding a note are refused on the same socket.
  expect(codesOf(await ws.once(REPORT, { i: input }))).toEqual(['FORBIDDEN']);
  const NOTE = `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`;
  expect(codesOf(await ws.once(NOTE, { i: { incidentId: id, body: 'x', visibility: 'INTERNAL' } }))).toEqual(['FORBIDDEN']);

  // The subscription opened as a HANDLER now delivers under the ANALYST role: no move is offered.
  const note = await t.as('handler@vnpt.test', NOTE, { i: { incidentId: id, body: 'after the demotion', visibility: 'PARTICIPANTS' } });
  expect(note.errors).toBeUndefined();
  await until(async () => events.some((e) => e.type === 'NOTE_ADDED' && e.incidentId === id));
  expect(events.find((e) => e.type === 'NOTE_ADDED' && e.incidentId === id)!.incident!.viewerCan).toEqual({
    triage: false,
    reject: false,
    escalate: false,
    addIndicators: false,
    withdraw: false,
    coordinate: false,
  });
  expect(ws.closedCode()).toBeNull(); // deliveries continued on the same connection
  await ws.dispose();
});

test('§3 registry feed: the change cursor follows commit order', async () => {
  type Case = { cursor: string; removed: boolean; incidentId: string; domains: { value: string }[] };
  const page = async (after: string | null): Promise<Case[]> => {
    const res = await t.as<{ domainCases: { edges: { node: Case }[] } }>(
      'handler@vnnic.test',
      `query($a: String) { domainCases(filter: { zone: "order-live.vn" }, first: 50, after: $a) { edges { node { cursor removed incidentId domains { value } } } } }`,
      { a: after },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.domainCases.edges.map((e) => e.node);
  };
  // AMBER with a DOMAIN in `vn`, reported to VNPT: in VNNIC's feed (row 6).
  const amber = (d: string) => report('reporter@acme.test', { tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: d }] });
  const a = await amber('a.order-live.vn');
  const b = await amber('b.order-live.vn');
  const start = (await page(null)).at(-1)!.cursor;
  const c = await amber('c.order-live.vn'); // committed after `start`, before A and B change

  const add = (id: string, d: string) =>
    mutate('handler@vnpt.test', 'addIndicators', 'AddIndicatorsInput', { incidentId: id, indicators: [{ type: 'DOMAIN', value: d }] });
  // Some server connection is blocked by `pid` (its query text is too long for pg_stat_activity to match on).
  const blockedBy = async (pid: number) =>
    (await t.sql(`select 1 from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))`, [pid])).length > 0;

  // A row lock on A's feed entry, from outside: A takes its event position, then waits before commit.
  const locker = new pg.Client({ connectionString: t.databaseUrl });
  await locker.connect();
  await locker.query('begin');
  const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
  await locker.query('select 1 from domain_feed_entry where incident_id = $1 for update', [uuidOf(a.id)]);
  const txA = add(a.id, 'a2.order-live.vn');
  let txB: ReturnType<typeof add> | null = null;
  let between: Case[] = [];
  try {
    await until(() => blockedBy(lockerPid)); // A's feed upsert, after its event position was taken
    txB = add(b.id, 'b2.order-live.vn');
    await sleep(500); // B may wait behind A's position (it does here) or commit first: either way A must not be skipped
    // The sync client reads in between: C is committed, A's change is not; it saves the last cursor.
    between = await page(start);
  } finally {
    await locker.query('rollback'); // releases A (and B behind it) even when an expectation fails
    await locker.end();
  }
  expect(between.map((x) => x.incidentId)).toContain(c.id);
  expect(between.map((x) => x.incidentId)).not.toContain(a.id);
  const saved = between.at(-1)!.cursor;
  const results = await Promise.all([txA, txB]);
  expect(results.map((r) => r?.errors)).toEqual([undefined, undefined]);
  // Paging on from the saved cursor: A's change exactly once (nothing skipped); every case once in all.
  const after = await page(saved);
  expect(after.filter((x) => x.incidentId === a.id).map((x) => [x.removed, x.domains.map((d) => d.value).sort()])).toEqual([
    [false, ['a.order-live.vn', 'a2.order-live.vn']],
  ]);
  expect([...between, ...after].map((x) => x.incidentId).sort()).toEqual([a.id, b.id, c.id].sort());
  expect(await page(after.at(-1)!.cursor)).toEqual([]);
});
