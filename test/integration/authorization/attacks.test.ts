import crypto from 'node:crypto';
import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

/**
 * Attacks on the views (DESIGN.md §3): guessed ids, aliases, walking from visible objects to
 * invisible ones, search/filter/order side channels, crafted cursors, mutations on invisible objects.
 * Invisible must read exactly like missing.
 */
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

function report(email: string, input: Record<string, unknown>): Promise<{ id: string; reference: string; version: number }> {
  return reportIncident(
    t,
    email,
    {
      title: 'Attack fixture',
      description: 'secret description',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'Secret Person', email: 'secret@acme.test' },
      ...input,
    },
    'id reference version',
  );
}

test('guessed ids, other types’ ids and references of invisible incidents all read as missing', async () => {
  const amber = await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'AMBER' });
  const q = `query($id: ID!) { incident(id: $id) { id } node(id: $id) { id } }`;
  for (const id of [
    amber.id,
    gid('Incident', crypto.randomUUID()),
    gid('Organization', uuidOf(amber.id)),
    'AAAA',
    "'; drop table incident; --",
    '',
  ]) {
    const res = await t.as<{ incident: unknown; node: unknown }>('handler@fpt.test', q, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ incident: null, node: null });
  }
  const byRef = await t.as<{ incidentByReference: unknown }>('handler@fpt.test', `query($r: String!) { incidentByReference(reference: $r) { id } }`, {
    r: amber.reference,
  });
  expect(byRef.data!.incidentByReference).toBeNull();
});

test('30 aliases of node(id) on invisible objects answer 30 nulls, nothing else', async () => {
  const fixtures = await Promise.all(Array.from({ length: 5 }, () => report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'AMBER_STRICT' })));
  const ids = Array.from({ length: 30 }, (_, i) => (i % 2 ? fixtures[i % 5].id : gid('Incident', crypto.randomUUID())));
  const query = `{ ${ids.map((id, i) => `a${i}: node(id: "${id}") { id ... on Incident { title description reporterContact { name } } }`).join(' ')} }`;
  const res = await t.as<Record<string, unknown>>('handler@viettel.test', query);
  // A refusal before execution (query limits) would also be acceptable; without limits, every alias is null.
  if (res.errors) expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
  else expect(Object.values(res.data!).every((v) => v === null)).toBe(true);
});

test('walking from a visible incident never reaches an invisible object or hidden field', async () => {
  // GREEN: FPT has the SUMMARY view. The report carries a directive to VIETTEL, a note, and a person reporter.
  const inc = await report('reporter@person-0001.test', {
    reportTo: 'VNPT',
    tlp: 'GREEN',
    indicators: [{ type: 'DOMAIN', value: 'walk-secret.vn' }],
  });
  await t.as('handler@vncert.test', `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`, {
    i: { incidentId: inc.id, recipient: 'VIETTEL', action: 'BLOCK_IP', instructions: 'Block it', targets: [{ type: 'IPV4', value: '198.51.100.7' }] },
  });
  await t.as('handler@vnpt.test', `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
    i: { incidentId: inc.id, body: 'participants only', visibility: 'PARTICIPANTS' },
  });
  const walk = `query($id: ID!) { incident(id: $id) { accessLevel description reporterContact { name } reportingOrganization { code }
    indicators { value } domains { name } participants { code } finalReport { result }
    directives(first: 10) { edges { node { id recipient { code } targets { value } } } }
    notes(first: 10) { edges { node { body } } }
    timeline(first: 50) { edges { node { type actorAccountEmail changes } } }
    handler { code accounts(first: 10) { edges { node { email } } } } } }`;
  const fpt = await t.as<{
    incident: Record<string, unknown> & {
      handler: { accounts: { edges: unknown[] } };
      directives: { edges: unknown[] };
      notes: { edges: unknown[] };
      timeline: { edges: { node: { type: string; actorAccountEmail: string | null } }[] };
    };
  }>('handler@fpt.test', walk, { id: inc.id });
  expect(fpt.errors).toBeUndefined();
  const i = fpt.data!.incident;
  expect(i.accessLevel).toBe('SUMMARY');
  expect([i.description, i.reporterContact, i.reportingOrganization, i.finalReport]).toEqual([null, null, null, null]);
  expect([i.indicators, i.domains, i.participants]).toEqual([[], [], []]);
  expect(i.directives.edges).toEqual([]);
  expect(i.notes.edges).toEqual([]);
  expect(i.handler.accounts.edges).toEqual([]); // VNPT's accounts are VNPT's and the coordinator's to see
  expect(i.timeline.edges.map((e) => e.node.type)).toEqual(['REPORTED', 'COORDINATION_STARTED']);
  expect(i.timeline.edges.every((e) => e.node.actorAccountEmail === null)).toBe(true);

  // VIETTEL is a directive recipient: RECIPIENT view, its own directive with targets; nothing of the rest.
  const viettel = await t.as<{
    incident: {
      accessLevel: string;
      reporterContact: unknown;
      reportingOrganization: unknown;
      notes: { edges: unknown[] };
      directives: { edges: { node: { recipient: { code: string }; targets: { value: string }[] } }[] };
    };
  }>('handler@viettel.test', walk, { id: inc.id });
  const v = viettel.data!.incident;
  expect(v.accessLevel).toBe('RECIPIENT');
  expect([v.reporterContact, v.reportingOrganization]).toEqual([null, null]);
  expect(v.notes.edges).toEqual([]);
  expect(v.directives.edges.map((e) => [e.node.recipient.code, e.node.targets.map((x) => x.value)])).toEqual([['VIETTEL', ['198.51.100.7']]]);

  // The person who reported is visible to itself, the coordinator and the handling organization only.
  const personAs = async (email: string) =>
    (
      await t.as<{ incident: { reportingOrganization: { code: string } | null } }>(
        email,
        `query($id: ID!) { incident(id: $id) { reportingOrganization { code } } }`,
        { id: inc.id },
      )
    ).data!.incident.reportingOrganization;
  expect(await personAs('handler@vnpt.test')).toEqual({ code: 'PERSON-0001' });
  expect(await personAs('handler@vncert.test')).toEqual({ code: 'PERSON-0001' });
  expect(await personAs('reporter@person-0001.test')).toEqual({ code: 'PERSON-0001' });
  const personOrg = await t.sql<{ id: string }>(`select id from organization where code = 'PERSON-0001'`);
  const node = await t.as<{ node: unknown }>('handler@fpt.test', `query($id: ID!) { node(id: $id) { id } }`, {
    id: gid('Organization', personOrg[0].id),
  });
  expect(node.data!.node).toBeNull();
  const orgs = await t.as<{ organizations: { edges: { node: { code: string } }[] } }>(
    'handler@fpt.test',
    `{ organizations(first: 100) { edges { node { code } } } }`,
  );
  expect(orgs.data!.organizations.edges.map((e) => e.node.code)).not.toContain('PERSON-0001');
  expect(orgs.data!.organizations.edges.map((e) => e.node.code)).not.toContain('ACME');
});

test('search, filters and ordering reveal neither invisible incidents nor hidden fields', async () => {
  const marker = `Side-channel ${Date.now()}`;
  await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'AMBER', title: `${marker} amber` });
  const visible = await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'GREEN', title: `${marker} green` });
  const titles = async (email: string, filter: Record<string, unknown>, orderBy = 'REPORTED_AT_DESC') =>
    (
      await t.as<{ incidents: { edges: { node: { title: string } }[] } }>(
        email,
        `query($f: IncidentFilter, $o: IncidentOrder) { incidents(filter: $f, first: 100, orderBy: $o) { edges { node { title } } } }`,
        { f: filter, o: orderBy },
      )
    ).data!.incidents.edges.map((e) => e.node.title);
  expect(await titles('handler@fpt.test', { text: marker })).toEqual([`${marker} green`]);
  expect(await titles('handler@fpt.test', { text: marker, tlp: ['AMBER'] })).toEqual([]);
  expect(await titles('handler@fpt.test', { text: marker, handler: 'VNPT' })).toEqual([`${marker} green`]);
  // A reference prefix search lists only what the viewer may see.
  const refs = await t.as<{ incidents: { edges: { node: { reference: string } }[] } }>(
    'handler@fpt.test',
    `{ incidents(filter: { text: "VN-" }, first: 100) { edges { node { reference } } } }`,
  );
  const [{ n }] = await t.sql<{ n: number }>(
    `select count(*)::int as n from incident where (tlp in ('CLEAR','GREEN') and not confidential) or handler_org_id = (select id from organization where code = 'FPT') or reporting_org_id = (select id from organization where code = 'FPT')`,
  );
  expect(refs.data!.incidents.edges.length).toBe(n);

  // The REPORTER view hides severity: ordering by it must not reveal it (ties fall back to reported time).
  const v = await t.as<{ incident: { version: number } }>('handler@vnpt.test', `query($id: ID!) { incident(id: $id) { version } }`, {
    id: visible.id,
  });
  await t.as('handler@vnpt.test', `mutation($i: TriageIncidentInput!) { triageIncident(input: $i) { incident { id } } }`, {
    i: { id: visible.id, expectedVersion: v.data!.incident.version, severity: 'CRITICAL', rsitClass: 'fraud', rsitType: 'phishing' },
  });
  const bySeverity = await titles('reporter@acme.test', {}, 'SEVERITY_DESC');
  const byTime = await titles('reporter@acme.test', {}, 'REPORTED_AT_DESC');
  expect(bySeverity).toEqual(byTime);
  expect(await titles('reporter@acme.test', { severity: ['CRITICAL'] })).toEqual([]);
});

test('pages with invisible rows interleaved stay full; crafted cursors land nowhere hidden', async () => {
  const marker = `Interleaved ${Date.now()}`;
  const made: { title: string; visible: boolean }[] = [];
  for (let i = 0; i < 12; i++) {
    const visible = i % 3 !== 0;
    await report('reporter@acme.test', { reportTo: 'VNPT', tlp: visible ? 'GREEN' : 'RED', title: `${marker} ${String(i).padStart(2, '0')}` });
    made.push({ title: `${marker} ${String(i).padStart(2, '0')}`, visible });
  }
  const expected = made
    .filter((m) => m.visible)
    .map((m) => m.title)
    .reverse();
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const res: {
      data?: { incidents: { edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
    } = await t.as(
      'handler@fpt.test',
      `query($a: String) { incidents(filter: { text: "${marker}" }, first: 3, after: $a) { edges { node { title } } pageInfo { hasNextPage endCursor } } }`,
      { a: after },
    );
    const conn = res.data!.incidents;
    if (conn.pageInfo.hasNextPage) expect(conn.edges).toHaveLength(3); // full pages despite hidden rows in between
    seen.push(...conn.edges.map((e) => e.node.title));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  expect(seen).toEqual(expected);

  // A cursor crafted at the position of an invisible (RED) incident continues among visible ones only.
  const [red] = await t.sql<{ id: string; reported_at: Date }>(`select id, reported_at from incident where title = $1`, [made[6].title]);
  const crafted = Buffer.from(JSON.stringify([red.reported_at.toISOString(), red.id])).toString('base64url');
  const fromRed = await t.as<{ incidents: { edges: { node: { title: string } }[] } }>(
    'handler@fpt.test',
    `query($a: String) { incidents(filter: { text: "${marker}" }, first: 100, after: $a) { edges { node { title } } } }`,
    { a: crafted },
  );
  expect(fromRed.data!.incidents.edges.map((e) => e.node.title)).toEqual(expected.filter((title) => title < made[6].title));
  for (const bad of [
    'not-a-cursor',
    Buffer.from('{"x":1}').toString('base64url'),
    Buffer.from(JSON.stringify(["x'); drop table incident; --", 'y'])).toString('base64url'),
  ]) {
    const res = await t.as('handler@fpt.test', `query($a: String) { incidents(first: 3, after: $a) { edges { cursor } } }`, { a: bad });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  }
});

test('mutations on invisible objects answer NOT_FOUND with the same text as missing ones', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'AMBER' });
  const note = await t.as<{ addNote: { note: { id: string } } }>(
    'handler@vnpt.test',
    `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`,
    { i: { incidentId: inc.id, body: 'internal', visibility: 'INTERNAL' } },
  );
  const missingIncident = gid('Incident', crypto.randomUUID());
  const cases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'addNote',
      'AddNoteInput',
      { incidentId: inc.id, body: 'x', visibility: 'WITH_REPORTER' },
      { incidentId: missingIncident, body: 'x', visibility: 'WITH_REPORTER' },
    ],
    [
      'addIndicators',
      'AddIndicatorsInput',
      { incidentId: inc.id, indicators: [{ type: 'DOMAIN', value: 'x.vn' }] },
      { incidentId: missingIncident, indicators: [{ type: 'DOMAIN', value: 'x.vn' }] },
    ],
    ['setIncidentTlp', 'SetTlpInput', { id: inc.id, expectedVersion: 1, tlp: 'RED' }, { id: missingIncident, expectedVersion: 1, tlp: 'RED' }],
    ['redactNote', 'RedactNoteInput', { id: note.data!.addNote.note.id, reason: 'x' }, { id: gid('Note', crypto.randomUUID()), reason: 'x' }],
    [
      'withdrawReport',
      'EscalateIncidentInput',
      { id: inc.id, expectedVersion: 1, reason: 'x' },
      { id: missingIncident, expectedVersion: 1, reason: 'x' },
    ],
  ];
  for (const [mutation, type, invisible, missing] of cases) {
    const q = `mutation($i: ${type}!) { ${mutation}(input: $i) { __typename } }`;
    const a = await t.as('handler@fpt.test', q, { i: invisible });
    const b = await t.as('handler@fpt.test', q, { i: missing });
    expect([mutation, codes(a)]).toEqual([mutation, ['NOT_FOUND']]);
    expect(a.errors![0].message).toBe(b.errors![0].message);
  }
  // Another organization's account: missing and not-yours read the same to a non-coordinator admin.
  const [acc] = await t.sql<{ id: string }>(`select id from account where email = 'handler@vnpt.test'`);
  const q = `mutation($i: SetAccountActiveInput!) { setAccountActive(input: $i) { __typename } }`;
  const a = await t.as('admin@fpt.test', q, { i: { id: gid('Account', acc.id), active: false } });
  const b = await t.as('admin@fpt.test', q, { i: { id: gid('Account', crypto.randomUUID()), active: false } });
  expect(codes(a)).toEqual(['NOT_FOUND']);
  expect(a.errors![0].message).toBe(b.errors![0].message);
});
