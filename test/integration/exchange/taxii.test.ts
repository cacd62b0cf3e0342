/**
 * TAXII 2.1 at /taxii2/ (DESIGN.md §8): content negotiation, authentication (API key as Bearer or as the
 * HTTP Basic password), per-viewer collections, paging with `next` over a collection larger than `limit`,
 * the match filters, one object and its versions, the manifest, the date headers, 404 for an invisible
 * incident exactly like a missing one, rate limits and metrics; and `added_after` while a transaction
 * holds an earlier date_added uncommitted: nothing skipped.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { startTestHub, type TestHub } from '../../harness/hub';
import { stixId } from '../../../src/modules/exchange/stix.ids';
import { taxiiClient, apiKey, bearer, basic, TAXII } from './taxii-client';

let t: TestHub;
const taxii = taxiiClient(() => t);
let vncert: string;
let vnnic: string;
let vnpt: string;

beforeAll(async () => {
  t = await startTestHub({ RATE_LIMIT: 'false' });
  vncert = await apiKey(t, 'admin@vncert.test', ['INCIDENT_READ']);
  vnnic = await apiKey(t, 'admin@vnnic.test', ['INCIDENT_READ', 'DOMAIN_FEED_READ']);
  vnpt = await apiKey(t, 'admin@vnpt.test', ['INCIDENT_READ']);
}, 120_000);
afterAll(async () => t?.close());

type Envelope = { more?: boolean; next?: string; objects?: { id: string; type: string; modified?: string; created?: string; pattern?: string }[] };
type Manifest = { more?: boolean; next?: string; objects?: { id: string; date_added: string; version: string; media_type: string }[] };

describe('status codes and headers', () => {
  test('discovery, API root and collections answer in TAXII 2.1 with the right media type', async () => {
    const d = await taxii<{ api_roots: string[]; default: string }>('/', { auth: bearer(vncert) });
    expect(d.status).toBe(200);
    expect(d.headers.get('content-type')).toBe(TAXII);
    expect(d.body.api_roots).toEqual([d.body.default]);
    expect(d.body.default).toMatch(/\/taxii2\/api\/$/);
    const root = await taxii<{ versions: string[] }>('/api/', { auth: bearer(vncert) });
    expect(root.status).toBe(200);
    expect(root.body.versions).toEqual([TAXII]);
  });

  test('406 without an Accept naming TAXII 2.1; 401 without credentials, with a challenge', async () => {
    expect((await taxii('/', { auth: bearer(vncert), accept: null })).status).toBe(406);
    expect((await taxii('/', { auth: bearer(vncert), accept: 'application/json' })).status).toBe(406);
    expect((await taxii('/', { auth: bearer(vncert), accept: 'application/taxii+json;version=2.0' })).status).toBe(406);
    expect((await taxii('/', { auth: bearer(vncert), accept: 'application/taxii+json; version=2.1' })).status).toBe(200);
    const anonymous = await taxii('/api/collections/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/Basic/);
    expect(anonymous.headers.get('content-type')).toBe(TAXII);
    expect((await taxii('/api/collections/', { auth: basic('hubk_not_a_key') })).status).toBe(401);
    expect((await taxii('/api/collections/', { auth: basic('wrong-password-not-a-key') })).status).toBe(401);
  });

  test('an API key works as a Bearer token and as the HTTP Basic password; collections are per viewer', async () => {
    const asBearer = await taxii<{ collections: { title: string; can_write: boolean }[] }>('/api/collections/', { auth: bearer(vnnic) });
    const asBasic = await taxii<{ collections: { title: string }[] }>('/api/collections/', { auth: basic(vnnic) });
    expect(asBearer.status).toBe(200);
    expect(asBasic.body).toEqual(asBearer.body);
    expect(asBearer.body.collections.map((c) => c.title)).toEqual(['incidents', 'domain-cases']);
    expect(asBearer.body.collections.every((c) => !c.can_write)).toBe(true);
    const isp = await taxii<{ collections: { title: string }[] }>('/api/collections/', { auth: bearer(vnpt) });
    expect(isp.body.collections.map((c) => c.title)).toEqual(['incidents']);
    // Another kind's collection reads like a missing one.
    expect((await taxii('/api/collections/domain-cases/objects/', { auth: bearer(vnpt) })).status).toBe(404);
    expect((await taxii('/api/collections/domain-cases/', { auth: bearer(vnpt) })).status).toBe(404);
    expect((await taxii('/api/collections/incidents/objects/', { auth: bearer(vnpt), method: 'POST' })).status).toBe(405);
  });

  test('bad parameters are 400', async () => {
    const bad: Record<string, string>[] = [
      { limit: '0' },
      { limit: 'x' },
      { added_after: 'yesterday' },
      { next: 'garbage' },
      { 'match[version]': 'sometime' },
    ];
    for (const query of bad) {
      expect([JSON.stringify(query), (await taxii('/api/collections/incidents/objects/', { auth: bearer(vncert), query })).status]).toEqual([
        JSON.stringify(query),
        400,
      ]);
    }
  });
});

async function readAll(
  auth: string,
  collection: string,
  query: Record<string, string>,
): Promise<{ pages: number; ids: string[]; headers: [string | null, string | null][] }> {
  const ids: string[] = [];
  const headers: [string | null, string | null][] = [];
  let next: string | undefined;
  let pages = 0;
  for (;;) {
    const r = await taxii<Envelope>(`/api/collections/${collection}/objects/`, { auth, query: { ...query, ...(next ? { next } : {}) } });
    expect(r.status).toBe(200);
    pages++;
    ids.push(...(r.body.objects ?? []).map((o) => `${o.id}@${o.modified ?? o.created ?? ''}`));
    headers.push([r.headers.get('x-taxii-date-added-first'), r.headers.get('x-taxii-date-added-last')]);
    if (!r.body.more) break;
    expect(r.body.next).toBeTruthy();
    next = r.body.next;
  }
  return { pages, ids, headers };
}

describe('objects', () => {
  test('paging with next over a collection larger than limit returns exactly the one-page answer, in order', async () => {
    const whole = await readAll(bearer(vncert), 'incidents', { limit: '1000' });
    expect(whole.pages).toBe(1);
    expect(whole.ids.length).toBeGreaterThan(30);
    const paged = await readAll(bearer(vncert), 'incidents', { limit: '7' });
    expect(paged.pages).toBe(Math.ceil(whole.ids.length / 7));
    expect(paged.ids).toEqual(whole.ids);
    // The date headers of each page are in commit order.
    for (const [first, last] of paged.headers) expect(first! <= last!).toBe(true);
    for (let i = 1; i < paged.headers.length; i++) expect(paged.headers[i - 1][1]! <= paged.headers[i][0]!).toBe(true);
  });

  test('match[type], match[id], match[version], the manifest, one object and its versions', async () => {
    const incidents = await taxii<Envelope>('/api/collections/incidents/objects/', {
      auth: bearer(vnpt),
      query: { 'match[type]': 'incident', limit: '1000' },
    });
    expect(incidents.body.objects!.length).toBeGreaterThan(0);
    expect(new Set(incidents.body.objects!.map((o) => o.type))).toEqual(new Set(['incident']));
    const one = incidents.body.objects![0];
    const byId = await taxii<Envelope>('/api/collections/incidents/objects/', { auth: bearer(vnpt), query: { 'match[id]': one.id } });
    expect(byId.body.objects!.map((o) => o.id)).toEqual([one.id]);
    const byVersion = await taxii<Envelope>('/api/collections/incidents/objects/', {
      auth: bearer(vnpt),
      query: { 'match[id]': one.id, 'match[version]': one.modified! },
    });
    expect(byVersion.body.objects!.length).toBe(1);
    const otherVersion = await taxii<Envelope>('/api/collections/incidents/objects/', {
      auth: bearer(vnpt),
      query: { 'match[id]': one.id, 'match[version]': '2001-01-01T00:00:00.000Z' },
    });
    expect(otherVersion.body.objects).toBeUndefined();
    const object = await taxii<Envelope>(`/api/collections/incidents/objects/${one.id}/`, { auth: bearer(vnpt) });
    expect(object.status).toBe(200);
    expect(object.body.objects).toEqual([one]);
    expect(object.headers.get('x-taxii-date-added-first')).toBeTruthy();
    const versions = await taxii<{ versions: string[] }>(`/api/collections/incidents/objects/${one.id}/versions/`, { auth: bearer(vnpt) });
    expect(versions.body.versions).toEqual([one.modified]);
    const manifest = await taxii<Manifest>('/api/collections/incidents/manifest/', {
      auth: bearer(vnpt),
      query: { 'match[type]': 'incident', limit: '1000' },
    });
    expect(manifest.body.objects!.map((m) => [m.id, m.version, m.media_type])).toEqual(
      incidents.body.objects!.map((o) => [o.id, o.modified, 'application/stix+json;version=2.1']),
    );
  });

  test('an invisible incident is 404 exactly like a missing one; a SUMMARY one is not in the collection', async () => {
    const all = await t.as<{ incidents: { edges: { node: { id: string } }[] } }>(
      'admin@vncert.test',
      '{ incidents(first: 100) { edges { node { id } } } }',
    );
    const seen = await t.as<{ incidents: { edges: { node: { id: string; accessLevel: string } }[] } }>(
      'admin@vnpt.test',
      '{ incidents(first: 100) { edges { node { id accessLevel } } } }',
    );
    const seenIds = new Set(seen.data!.incidents.edges.map((e) => e.node.id));
    const hidden = all.data!.incidents.edges.map((e) => e.node.id).find((id) => !seenIds.has(id))!;
    expect(hidden).toBeDefined();
    const invisible = await taxii(`/api/collections/incidents/objects/${stixId('incident', hidden)}/`, { auth: bearer(vnpt) });
    const missing = await taxii(`/api/collections/incidents/objects/incident--${crypto.randomUUID()}/`, { auth: bearer(vnpt) });
    expect(invisible.status).toBe(404);
    expect([invisible.status, invisible.body, invisible.headers.get('content-type')]).toEqual([
      missing.status,
      missing.body,
      missing.headers.get('content-type'),
    ]);
    const versions = await taxii(`/api/collections/incidents/objects/${stixId('incident', hidden)}/versions/`, { auth: bearer(vnpt) });
    expect(versions.status).toBe(404);
    // The coordinator sees it.
    expect((await taxii(`/api/collections/incidents/objects/${stixId('incident', hidden)}/`, { auth: bearer(vncert) })).status).toBe(200);
    const summary = seen.data!.incidents.edges.find((e) => e.node.accessLevel === 'SUMMARY');
    if (summary)
      expect((await taxii(`/api/collections/incidents/objects/${stixId('incident', summary.node.id)}/`, { auth: bearer(vnpt) })).status).toBe(404);
  });

  test('domain-cases: the registry feed, domain indicators only, no tasks or notes', async () => {
    const r = await taxii<Required<Envelope>>('/api/collections/domain-cases/objects/', { auth: basic(vnnic), query: { limit: '1000' } });
    expect(r.status).toBe(200);
    const types = new Set(r.body.objects.map((o) => o.type));
    expect(types.has('incident')).toBe(true);
    expect(types.has('task')).toBe(false);
    expect(types.has('note')).toBe(false);
    for (const o of r.body.objects.filter((x) => x.type === 'indicator')) expect(o.pattern).toMatch(/^\[domain-name:value = /);
    const feed = await t.as<{ domainCases: { edges: { node: { removed: boolean; incidentId: string } }[] } }>(
      'admin@vnnic.test',
      '{ domainCases(first: 100) { edges { node { removed incidentId } } } }',
    );
    const live = feed.data!.domainCases.edges.filter((e) => !e.node.removed).map((e) => stixId('incident', e.node.incidentId));
    expect(
      r.body.objects
        .filter((o) => o.type === 'incident')
        .map((o) => o.id)
        .sort(),
    ).toEqual([...live].sort());
  });
});

test('added_after while a transaction holds an earlier date_added uncommitted: nothing is skipped', async () => {
  const before = await taxii<Manifest>('/api/collections/incidents/manifest/', { auth: bearer(vncert), query: { limit: '1000' } });
  const last = before.headers.get('x-taxii-date-added-last')!;
  expect(last).toBeTruthy();
  const ids = (
    await t.as<{ incidents: { edges: { node: { id: string; reference: string } }[] } }>(
      'admin@vncert.test',
      '{ incidents(first: 2, orderBy: REPORTED_AT_ASC) { edges { node { id reference } } } }',
    )
  ).data!.incidents.edges.map((e) => e.node);
  const [a, b] = ids;
  const uuidOf = (gid: string) => Buffer.from(gid, 'base64').toString('utf8').split(':')[1];
  // Transaction A: an event of incident A, under the event-order lock (modules/incidents/events.ts), left uncommitted.
  const held = new pg.Client({ connectionString: t.databaseUrl });
  await held.connect();
  try {
    await held.query('begin');
    await held.query('select pg_advisory_xact_lock($1)', [0x1ec1de17]);
    await held.query(
      `insert into incident_event (position, incident_id, type, occurred_at, data)
      values (nextval('incident_event_position'), $1, 'UPDATED', $2, '{}')`,
      [uuidOf(a.id), t.clock.now()],
    );
    // Transaction B: a real mutation on incident B, which commits only after A (it waits for the lock).
    t.clock.advance(60_000);
    const mutation = t.as('handler@vncert.test', 'mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }', {
      i: { incidentId: b.id, body: 'B', visibility: 'PARTICIPANTS' },
    });
    await new Promise((r) => setTimeout(r, 300));
    // A reader polling now sees neither: A is uncommitted and B cannot take a later date_added before A commits.
    const during = await taxii<Manifest>('/api/collections/incidents/manifest/', {
      auth: bearer(vncert),
      query: { added_after: last, limit: '1000' },
    });
    expect(during.body.objects).toBeUndefined();
    await held.query('commit');
    expect((await mutation).errors).toBeUndefined();
  } finally {
    await held.end();
  }
  const after = await taxii<Manifest>('/api/collections/incidents/manifest/', {
    auth: bearer(vncert),
    query: { added_after: last, 'match[type]': 'incident', limit: '1000' },
  });
  const got = after.body.objects!.map((o) => [o.id, o.date_added] as const);
  expect(got.map(([id]) => id)).toEqual([stixId('incident', a.id), stixId('incident', b.id)]);
  expect(got[0][1] < got[1][1]).toBe(true);
  expect(got[0][1] > last).toBe(true);
}, 60_000);

test('rate limits and metrics like /graphql', async () => {
  const limited = await startTestHub({ RATE_LIMIT: 'true', RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '1' });
  try {
    const key = await apiKey(limited, 'admin@vnpt.test', ['INCIDENT_READ']);
    const client = taxiiClient(() => limited);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await client('/api/collections/', { auth: bearer(key) });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const metrics = await (await fetch(new URL('/metrics', new URL(limited.url).origin))).text();
    expect(metrics).toMatch(/hub_graphql_requests_total\{transport="http",operation="taxii:collections",outcome="ok"\} 3/);
    expect(metrics).toMatch(/hub_graphql_requests_total\{transport="http",operation="taxii:collections",outcome="429"\} 2/);
    expect(metrics).toMatch(/hub_rate_limited_total\{transport="http",principal="key"\} 2/);
  } finally {
    await limited.close();
  }
}, 120_000);
