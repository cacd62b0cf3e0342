import { startTestHub, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { subscribe, INCIDENT_EVENTS } from '../../harness/ws';
import { Db } from '../../../src/db/db';
import { sql } from '../../../src/db/sql';
import { appendEvents } from '../../../src/modules/incidents/events';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

function report(email: string, input: Record<string, unknown> = {}): Promise<{ id: string; reference: string; version: number }> {
  return reportIncident(
    t,
    email,
    {
      title: 'Live case',
      description: 'd',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      reportTo: 'VNPT',
      ...input,
    },
    'id reference version',
  );
}
const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('events reach entitled subscribers only; a marker proves nothing else was sent', async () => {
  const vnpt = subscribe(t.url, await t.token('handler@vnpt.test'), INCIDENT_EVENTS);
  const fpt = subscribe(t.url, await t.token('handler@fpt.test'), INCIDENT_EVENTS);
  await sleep(300);
  const amber = await report('reporter@acme.test', { tlp: 'AMBER' });
  const marker = await report('reporter@acme.test', { tlp: 'AMBER', reportTo: 'FPT' });
  await vnpt.waitFor((e) => e.some((x) => x.reference === amber.reference));
  await fpt.waitFor((e) => e.some((x) => x.reference === marker.reference));
  // FPT got its own report's event and nothing about VNPT's AMBER incident (it came first).
  expect(fpt.events.map((e) => e.reference)).toEqual([marker.reference]);
  expect(vnpt.events.map((e) => e.reference)).not.toContain(marker.reference);
  await Promise.all([vnpt.dispose(), fpt.dispose()]);
});

test('a client that disconnects, misses changes and resumes with after gets exactly the missed events, in order', async () => {
  const token = await t.token('handler@vncert.test');
  const first = subscribe(t.url, token, INCIDENT_EVENTS);
  await sleep(300);
  const a = await report('reporter@acme.test');
  await first.waitFor((e) => e.some((x) => x.reference === a.reference));
  const last = first.events[first.events.length - 1].cursor;
  await first.dispose();
  const missed = [await report('reporter@acme.test'), await report('reporter@acme.test'), await report('reporter@acme.test')];
  const resumed = subscribe(t.url, token, INCIDENT_EVENTS, { after: last });
  const live = await (async () => {
    await resumed.waitFor((e) => e.filter((x) => x.type === 'REPORTED').length >= 3);
    return report('reporter@acme.test');
  })();
  await resumed.waitFor((e) => e.some((x) => x.reference === live.reference));
  expect(resumed.events.map((e) => e.reference)).toEqual([...missed.map((m) => m.reference), live.reference]);
  const cursors = resumed.events.map((e) => BigInt(e.cursor));
  expect([...cursors].sort((x, y) => (x < y ? -1 : 1))).toEqual(cursors);
  expect(new Set(cursors).size).toBe(cursors.length);
  await resumed.dispose();
});

/** Transaction A appends an UPDATED event titled 'A' and holds its position lock until `releaseA`. */
async function appendAndHold(db: Db, incidentId: string): Promise<{ txA: Promise<void>; releaseA: () => void }> {
  let releaseA: () => void = () => undefined;
  const aHolds = new Promise<void>((r) => (releaseA = r));
  let aHasPosition: () => void = () => undefined;
  const aTook = new Promise<void>((r) => (aHasPosition = r));
  const txA = db.tx(async (q) => {
    await appendEvents(q, null, new Date(), [{ incidentId: uuidOf(incidentId), type: 'UPDATED', data: { title: 'A' } }]);
    aHasPosition();
    await aHolds;
  });
  await aTook;
  return { txA, releaseA };
}

test('commit order: A takes its position and waits, B tries to commit, the subscriber reads, A commits: A’s event arrives exactly once', async () => {
  const token = await t.token('handler@vncert.test');
  const sub = subscribe(t.url, token, INCIDENT_EVENTS);
  await sleep(300);
  const incA = await report('reporter@acme.test');
  const incB = await report('reporter@acme.test');
  await sub.waitFor((e) => e.some((x) => x.reference === incB.reference));
  const before = sub.events.length;
  const db = new Db(t.databaseUrl);
  const { txA, releaseA } = await appendAndHold(db, incA.id);
  const txB = db.tx((q) => appendEvents(q, null, new Date(), [{ incidentId: uuidOf(incB.id), type: 'UPDATED', data: { title: 'B' } }]));
  await sleep(500); // B waits for A's position lock; the subscriber's reader runs meanwhile and finds nothing new
  expect(sub.events.length).toBe(before);
  releaseA();
  await Promise.all([txA, txB]);
  await sub.waitFor((e) => e.length >= before + 2);
  await sleep(300);
  const updates = sub.events.slice(before);
  expect(updates.map((e) => [e.type, e.reference])).toEqual([
    ['UPDATED', incA.reference],
    ['UPDATED', incB.reference],
  ]);
  await sub.dispose();
  await db.close();
});

test('positions are taken after the position lock: a writer waiting for it takes no number before it has it', async () => {
  // appendEvents takes the lock and its positions in one statement (events.repo.ts); a position taken
  // before the lock would be below one another connection takes while the writer waits.
  const inc = await report('reporter@acme.test');
  const db = new Db(t.databaseUrl);
  const { txA, releaseA } = await appendAndHold(db, inc.id);
  let bPositions: string[] = [];
  const txB = db.tx(async (q) => {
    await appendEvents(q, null, new Date(), [
      { incidentId: uuidOf(inc.id), type: 'UPDATED', data: { title: 'B1' } },
      { incidentId: uuidOf(inc.id), type: 'UPDATED', data: { title: 'B2' } },
    ]);
    bPositions = (
      await q.query<{ position: string }>(sql`select position::text from incident_event where incident_id = ${uuidOf(inc.id)}
        and data->>'title' in ('B1', 'B2') order by position`)
    ).map((r) => r.position);
  });
  await sleep(300); // B now waits for the lock
  const [{ position: taken }] = await db.query<{ position: string }>(sql`select nextval('incident_event_position')::text as position`);
  releaseA();
  await Promise.all([txA, txB]);
  expect(bPositions).toHaveLength(2);
  for (const p of bPositions) expect(BigInt(p) > BigInt(taken)).toBe(true);
  // In the order they were given.
  const titles = await db.query<{ title: string }>(
    sql`select data->>'title' as title from incident_event where incident_id = ${uuidOf(inc.id)} and data ? 'title' order by position`,
  );
  expect(titles.map((r) => r.title)).toEqual(['A', 'B1', 'B2']);
  await db.close();
});

test('the same interleaving with a plain sequence (no position lock) makes a reader skip A’s event', async () => {
  // Demonstrates why positions are taken under the lock: this writer does what a plain sequence does.
  const inc = await report('reporter@acme.test');
  const db = new Db(t.databaseUrl);
  const plain = (q: Parameters<Parameters<Db['tx']>[0]>[0], title: string) =>
    q.query<{ position: string }>(sql`insert into incident_event (position, incident_id, type, occurred_at, data)
      values (nextval('incident_event_position'), ${uuidOf(inc.id)}, 'UPDATED', now(), ${JSON.stringify({ title })}::jsonb) returning position::text`);
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let took: () => void = () => undefined;
  const tookP = new Promise<void>((r) => (took = r));
  let aPos = '';
  const txA = db.tx(async (q) => {
    aPos = (await plain(q, 'A'))[0].position;
    took();
    await held;
  });
  await tookP;
  const bPos = await db.tx(async (q) => (await plain(q, 'B'))[0].position); // B commits first
  // A reader that has seen B resumes after B's position...
  const seen = await db.query<{ position: string }>(
    sql`select position::text from incident_event where position > ${aPos}::bigint - 1 order by position`,
  );
  expect(seen.map((r) => r.position)).toEqual([bPos]);
  release();
  await txA;
  const afterB = await db.query<{ position: string }>(sql`select position::text from incident_event where position > ${bPos}::bigint`);
  expect(afterB.map((r) => r.position)).not.toContain(aPos); // ...and never sees A: with a plain sequence the event is lost to it
  expect(BigInt(aPos) < BigInt(bPos)).toBe(true);
  await db.close();
});

test('ACCESS_REVOKED after unshareIncident and after a TLP change; an incident subscription then completes', async () => {
  // AMBER, shared with SECPARTNER: unsharing removes its only view.
  const shared = await report('reporter@acme.test', { tlp: 'AMBER' });
  const v1 = (
    await t.as<{ shareIncident: { incident: { version: number } } }>(
      'handler@vncert.test',
      `mutation($i: ShareIncidentInput!) { shareIncident(input: $i) { incident { version } } }`,
      { i: { id: shared.id, expectedVersion: shared.version, organization: 'SECPARTNER' } },
    )
  ).data!.shareIncident.incident.version;
  // GREEN: FPT has a SUMMARY view and follows it by id; raising the TLP removes it.
  const green = await report('reporter@acme.test', { tlp: 'GREEN' });
  const partner = subscribe(t.url, await t.token('handler@secpartner.test'), INCIDENT_EVENTS);
  const follower = subscribe(t.url, await t.token('handler@fpt.test'), INCIDENT_EVENTS, { incidentId: green.id });
  await sleep(300);
  await t.as('handler@vnpt.test', `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
    i: { incidentId: shared.id, body: 'hello', visibility: 'PARTICIPANTS' },
  });
  await partner.waitFor((e) => e.some((x) => x.type === 'NOTE_ADDED'));
  await t.as('handler@vncert.test', `mutation($i: ShareIncidentInput!) { unshareIncident(input: $i) { incident { version } } }`, {
    i: { id: shared.id, expectedVersion: v1, organization: 'SECPARTNER' },
  });
  await partner.waitFor((e) => e.some((x) => x.type === 'ACCESS_REVOKED'));
  // After the revocation, nothing more about it.
  await t.as('handler@vnpt.test', `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
    i: { incidentId: shared.id, body: 'again', visibility: 'PARTICIPANTS' },
  });
  await t.as('handler@vncert.test', `mutation($i: SetTlpInput!) { setIncidentTlp(input: $i) { incident { tlp } } }`, {
    i: { id: green.id, expectedVersion: green.version, tlp: 'RED' },
  });
  await follower.completed;
  expect(follower.events.map((e) => [e.type, e.incidentId])).toEqual([['ACCESS_REVOKED', green.id]]); // SUMMARY shows no TLP change, then the view is gone
  await sleep(300);
  expect(partner.events.filter((e) => e.incidentId === shared.id).map((e) => e.type)).toEqual(['NOTE_ADDED', 'ACCESS_REVOKED']);
  // Resuming an incident subscription for an incident still invisible: ACCESS_REVOKED again, then done.
  const resumed = subscribe(t.url, await t.token('handler@fpt.test'), INCIDENT_EVENTS, { incidentId: green.id, after: '1' });
  await resumed.completed;
  expect(resumed.events.map((e) => e.type)).toEqual(['ACCESS_REVOKED']);
  // Access gained later shows as ACCESS_GRANTED followed by new events only.
  const v2 = (
    await t.as<{ incident: { version: number } }>('handler@vncert.test', `query($id: ID!) { incident(id: $id) { version } }`, { id: shared.id })
  ).data!.incident.version;
  await t.as('handler@vncert.test', `mutation($i: ShareIncidentInput!) { shareIncident(input: $i) { incident { version } } }`, {
    i: { id: shared.id, expectedVersion: v2, organization: 'SECPARTNER' },
  });
  await partner.waitFor((e) => e.some((x) => x.type === 'SHARED'));
  expect(partner.events.filter((e) => e.incidentId === shared.id).map((e) => e.type)).toEqual([
    'NOTE_ADDED',
    'ACCESS_REVOKED',
    'ACCESS_GRANTED',
    'SHARED',
  ]);
  await Promise.all([partner.dispose(), follower.dispose(), resumed.dispose()]);
});

test('subscribing to an invisible incident is NOT_FOUND; bad cursors are BAD_USER_INPUT', async () => {
  const amber = await report('reporter@acme.test', { tlp: 'AMBER' });
  const s = subscribe(t.url, await t.token('handler@fpt.test'), INCIDENT_EVENTS, { incidentId: amber.id });
  await s.waitFor((_e) => s.errors.length > 0);
  expect(JSON.stringify(s.errors)).toContain('NOT_FOUND');
  const bad = subscribe(t.url, await t.token('handler@fpt.test'), INCIDENT_EVENTS, { after: 'abc' });
  await bad.waitFor((_e) => bad.errors.length > 0);
  expect(JSON.stringify(bad.errors)).toContain('BAD_USER_INPUT');
  await Promise.all([s.dispose(), bad.dispose()]);
});

test('an expiring token closes the socket at expiry with no message sent', async () => {
  const token = await t.token('handler@vncert.test', { expiresInSeconds: 2 });
  const s = subscribe(t.url, token, INCIDENT_EVENTS);
  const started = Date.now();
  expect(await s.closed).toBe(4403);
  expect(Date.now() - started).toBeGreaterThan(1000);
  expect(s.events).toEqual([]);
});
