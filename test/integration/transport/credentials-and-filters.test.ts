import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { generateApiKey, hashApiKey, apiKeyHint } from '../../../src/auth/apiKeys';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

test('graphql-ws on the same port and path: credentials in connection_init', async () => {
  const token = await t.token('handler@vncert.test');
  const client = createClient({
    url: t.url.replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  try {
    const result = await new Promise<{ data?: { viewer: { organization: { code: string } } } }>((resolve, reject) => {
      let value: { data?: { viewer: { organization: { code: string } } } } = {};
      client.subscribe(
        { query: '{ viewer { organization { code } } }' },
        { next: (v) => (value = v as typeof value), error: reject, complete: () => resolve(value) },
      );
    });
    expect(result.data?.viewer.organization.code).toBe('VNCERT');
  } finally {
    await client.dispose();
  }
});

test('graphql-ws refuses a connection without valid credentials', async () => {
  const closed = await new Promise<number>((resolve) => {
    const client = createClient({
      url: t.url.replace('http://', 'ws://'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer nope' },
      retryAttempts: 0,
      on: { closed: (e) => resolve((e as { code: number }).code) },
    });
    client.subscribe({ query: '{ viewer { capabilities } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  });
  expect(closed).toBe(4401); // retrying the same credentials cannot succeed: clients give up on 4401
});

test('an API key authenticates as its organization with its own capabilities; revoked and expired keys do not', async () => {
  const [vnnic] = await t.sql<{ id: string }>(`select id from organization where code = 'VNNIC'`);
  const secret = generateApiKey();
  expect(secret).toMatch(/^hubk_[0-9A-Za-z]{38}$/);
  await t.sql(`insert into api_key (organization_id, name, secret_hash, hint, capabilities, created_at) values ($1, 'sync', $2, $3, $4, now())`, [
    vnnic.id,
    hashApiKey(secret),
    apiKeyHint(secret),
    ['INCIDENT_READ', 'DOMAIN_FEED_READ', 'ORG_ADMIN'],
  ]);
  const res = await t.gql<{ viewer: { account: null; organization: { code: string }; role: { memberRole: string }; capabilities: string[] } }>(
    secret,
    '{ viewer { account { email } organization { code } role { memberRole } capabilities } }',
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.viewer.account).toBeNull();
  expect(res.data!.viewer.organization.code).toBe('VNNIC');
  expect(res.data!.viewer.role.memberRole).toBe('HANDLER');
  // ORG_ADMIN is never a key's capability, even if stored.
  expect(res.data!.viewer.capabilities).toEqual(['DOMAIN_FEED_READ', 'INCIDENT_READ']);
  const [{ last_used_at }] = await t.sql<{ last_used_at: Date | null }>(`select last_used_at from api_key where hint = $1`, [apiKeyHint(secret)]);
  expect(last_used_at).not.toBeNull();

  // A key without INCIDENT_REPORT may not report.
  const report = await t.gql(
    secret,
    `mutation { reportIncident(input: { title: "x", description: "y", detectedAt: "2026-01-01T00:00:00Z", reporterContact: { name: "z" } }) { reference } }`,
  );
  expect(codes(report)).toEqual(['FORBIDDEN']);

  // One changed character breaks the checksum; revoked and expired keys are refused.
  const typo = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
  expect(codes(await t.gql(typo, '{ viewer { capabilities } }'))).toEqual(['UNAUTHENTICATED']);
  await t.sql(`update api_key set revoked_at = now() where hint = $1`, [apiKeyHint(secret)]);
  expect(codes(await t.gql(secret, '{ viewer { capabilities } }'))).toEqual(['UNAUTHENTICATED']);
  await t.sql(`update api_key set revoked_at = null, expires_at = now() - interval '1 second' where hint = $1`, [apiKeyHint(secret)]);
  expect(codes(await t.gql(secret, '{ viewer { capabilities } }'))).toEqual(['UNAUTHENTICATED']);
});

test('a deactivated account is refused on its next request', async () => {
  const token = await t.token('analyst@fpt.test');
  expect(codes(await t.gql(token, '{ viewer { capabilities } }'))).toEqual([]);
  await t.sql(`update account set active = false where email = 'analyst@fpt.test'`);
  expect(codes(await t.gql(token, '{ viewer { capabilities } }'))).toEqual(['UNAUTHENTICATED']);
});

const LIST = `query($filter: IncidentFilter, $orderBy: IncidentOrder) {
  incidents(filter: $filter, first: 100, orderBy: $orderBy) { edges { node { reference status severity tlp handler { code } } } } }`;
type ListData = {
  incidents: { edges: { node: { reference: string; status: string; severity: string | null; tlp: string; handler: { code: string } } }[] };
};
const refs = (r: { data?: ListData | null }) => r.data!.incidents.edges.map((e) => e.node.reference.slice(-6));

test('filters and orders over the demo incidents, as the coordinator', async () => {
  const all = await t.as<ListData>('handler@vncert.test', LIST, {});
  expect(refs(all)).toEqual(['000005', '000004', '000003', '000002', '000001']);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { orderBy: 'REPORTED_AT_ASC' }))).toEqual([
    '000001',
    '000002',
    '000003',
    '000004',
    '000005',
  ]);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { status: ['TRIAGED'] } }))).toEqual(['000001']);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { severity: ['HIGH', 'MEDIUM'] }, orderBy: 'SEVERITY_DESC' }))).toEqual([
    '000001',
    '000005',
  ]);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { rsitClass: 'fraud' } }))).toEqual(['000001']);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { tlp: ['GREEN', 'CLEAR'] } }))).toEqual(['000005', '000003', '000002']);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { handler: 'VNCERT' } }))).toEqual(['000004', '000003']);
  expect(refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { text: 'phishing' } }))).toEqual(['000001']);
  expect(
    refs(await t.as<ListData>('handler@vncert.test', LIST, { filter: { reportedFrom: '2000-01-01T00:00:00Z', reportedTo: '2000-01-02T00:00:00Z' } })),
  ).toEqual([]);
  expect(codes(await t.as('handler@vncert.test', LIST, { filter: { handler: 'NOPE' } }))).toEqual(['BAD_USER_INPUT']);
});

test('a constituent cannot find its own report by severity, which its view does not show', async () => {
  // ACME's report is triaged HIGH, but the REPORTER view has no severity: filtering on it must not reveal it.
  expect(refs(await t.as<ListData>('reporter@acme.test', LIST, {}))).toEqual(['000001']);
  expect(refs(await t.as<ListData>('reporter@acme.test', LIST, { filter: { severity: ['HIGH'] } }))).toEqual([]);
  expect(refs(await t.as<ListData>('reporter@acme.test', LIST, { filter: { rsitClass: 'fraud' } }))).toEqual([]);
});

test('other organizations see CLEAR/GREEN summaries only, never AMBER, RED or confidential incidents', async () => {
  expect(refs(await t.as<ListData>('handler@secpartner.test', LIST, {}))).toEqual(['000005', '000003', '000002']);
  expect(refs(await t.as<ListData>('reporter@person-0001.test', LIST, {}))).toEqual(['000003']);
  expect(refs(await t.as<ListData>('handler@mof-it.test', LIST, {}))).toEqual(['000005', '000004', '000003', '000002']);
});

test('security review leak 3: a code the viewer may not see reads exactly like an unknown code wherever a code is accepted', async () => {
  type E = { message: string; extensions: { code: string; field?: string } };
  const error = async (email: string, query: string, variables: Record<string, unknown>): Promise<E | null> => {
    const res = await t.as(email, query, variables);
    return (res.errors?.[0] as E | undefined) ?? null;
  };
  const INCIDENTS = `query($h: String) { incidents(filter: { handler: $h }) { edges { node { id } } } }`;
  const DIRECTIVES = `query($r: String) { directives(filter: { recipient: $r }) { edges { node { id } } } }`;
  const unknown = (field: string, code: string) => ({
    message: `unknown organization "${code}"`,
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
  });
  // FPT may see no constituent (§2): ACME and PERSON-0001 answer like NO-SUCH-ORG.
  expect(await error('handler@fpt.test', INCIDENTS, { h: 'NO-SUCH-ORG' })).toMatchObject(unknown('filter.handler', 'NO-SUCH-ORG'));
  expect(await error('handler@fpt.test', INCIDENTS, { h: 'ACME' })).toMatchObject(unknown('filter.handler', 'ACME'));
  expect(await error('handler@fpt.test', DIRECTIVES, { r: 'NO-SUCH-ORG' })).toMatchObject(unknown('filter.recipient', 'NO-SUCH-ORG'));
  expect(await error('handler@fpt.test', DIRECTIVES, { r: 'PERSON-0001' })).toMatchObject(unknown('filter.recipient', 'PERSON-0001'));
  // Another constituent is as unknown to ACME; ACME itself and every organization to the coordinator are known (empty pages).
  expect(await error('reporter@acme.test', INCIDENTS, { h: 'PERSON-0001' })).toMatchObject(unknown('filter.handler', 'PERSON-0001'));
  expect(await error('reporter@acme.test', INCIDENTS, { h: 'ACME' })).toBeNull();
  expect(await error('handler@vncert.test', INCIDENTS, { h: 'ACME' })).toBeNull();
  expect(await error('handler@vncert.test', DIRECTIVES, { r: 'PERSON-0001' })).toBeNull();
  // Inputs: a report addressed to a constituent reads like one addressed to an unknown code.
  const REPORT = `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference } }`;
  const reportTo = (code: string) => ({
    i: { title: 't', description: 'd', detectedAt: new Date(Date.now() - 60_000).toISOString(), reporterContact: { name: 'R' }, reportTo: code },
  });
  const toPerson = await error('handler@fpt.test', REPORT, reportTo('PERSON-0001'));
  const toNobody = await error('handler@fpt.test', REPORT, reportTo('NO-SUCH-ORG'));
  expect(toPerson?.extensions).toEqual(toNobody?.extensions);
  expect(toPerson?.message.replace('PERSON-0001', 'X')).toBe(toNobody?.message.replace('NO-SUCH-ORG', 'X'));
});
