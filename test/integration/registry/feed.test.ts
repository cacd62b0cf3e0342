import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

interface Case {
  cursor: string;
  removed: boolean;
  incidentId: string;
  incident: { reference: string } | null;
  domains: { value: string }[];
}
const FEED = `query($f: DomainCaseFilter, $a: String, $n: Int) { domainCases(filter: $f, first: $n, after: $a) {
  edges { node { cursor removed incidentId incident { reference } domains { value } } } pageInfo { hasNextPage endCursor } } }`;

function report(email: string, input: Record<string, unknown>): Promise<{ id: string; reference: string; version: number }> {
  return reportIncident(
    t,
    email,
    {
      title: 'Feed case',
      description: 'd',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      reportTo: 'VNPT',
      ...input,
    },
    'id reference version',
  );
}

/** A sync client: applies pages (upserts and tombstones) and keeps its cursor, like examples/registry-sync. */
class SyncClient {
  cases = new Map<string, string[]>(); // incidentId → domains
  refs = new Map<string, string>();
  cursor: string | null = null;
  constructor(
    private auth: string,
    private filter: Record<string, unknown> | null = null,
  ) {}
  async page(size = 2): Promise<boolean> {
    const res = await t.gql<{ domainCases: { edges: { node: Case }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      this.auth,
      FEED,
      { f: this.filter, a: this.cursor, n: size },
    );
    expect(res.errors).toBeUndefined();
    for (const { node } of res.data!.domainCases.edges) {
      if (node.removed) this.cases.delete(node.incidentId);
      else {
        this.cases.set(
          node.incidentId,
          node.domains.map((d) => d.value),
        );
        this.refs.set(node.incidentId, node.incident!.reference);
      }
      this.cursor = node.cursor;
    }
    return res.data!.domainCases.pageInfo.hasNextPage;
  }
  async drain(size = 2): Promise<void> {
    while (await this.page(size));
  }
  references(): string[] {
    return [...this.cases.keys()].map((id) => this.refs.get(id)!).sort();
  }
}

test('a sync client ends with exactly the right set while cases change and one leaves between page fetches', async () => {
  const token = await t.token('handler@vnnic.test');
  // The demo data already has four cases for VNNIC: 000001 (AMBER, .vn), 000002 (GREEN), 000003 (a directive to VNNIC), 000005 (GREEN).
  const inZoneAmber = await report('reporter@acme.test', { tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'a.evil.vn' }] });
  await report('reporter@acme.test', { tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'x.example.com' }] }); // AMBER outside its zones: no
  const greenCom = await report('reporter@acme.test', { tlp: 'GREEN', indicators: [{ type: 'DOMAIN', value: 'y.example.com' }] });
  await report('reporter@acme.test', { tlp: 'GREEN', confidential: true, indicators: [{ type: 'DOMAIN', value: 'z.vn' }] }); // confidential: no
  await report('reporter@acme.test', { tlp: 'RED', indicators: [{ type: 'DOMAIN', value: 'q.vn' }] }); // RED: no
  await report('reporter@acme.test', { tlp: 'GREEN', indicators: [{ type: 'IPV4', value: '192.0.2.1' }] }); // no domain: no
  const toReject = await report('reporter@acme.test', { tlp: 'GREEN', indicators: [{ type: 'DOMAIN', value: 'reject-me.vn' }] });

  const client = new SyncClient(token);
  await client.page(2);
  await client.page(2);
  // Between page fetches: a case changes, one leaves (TLP raised), one is rejected, a new one arrives.
  const v = (
    await t.as<{ incident: { version: number } }>('handler@vnpt.test', `query($id: ID!) { incident(id: $id) { version } }`, { id: greenCom.id })
  ).data!.incident.version;
  expect(
    codes(
      await t.as('handler@vnpt.test', `mutation($i: SetTlpInput!) { setIncidentTlp(input: $i) { incident { tlp } } }`, {
        i: { id: greenCom.id, expectedVersion: v, tlp: 'AMBER_STRICT' },
      }),
    ),
  ).toEqual([]);
  expect(
    codes(
      await t.as('handler@vnpt.test', `mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { incident { id } } }`, {
        i: { incidentId: inZoneAmber.id, indicators: [{ type: 'DOMAIN', value: 'b.evil.vn' }] },
      }),
    ),
  ).toEqual([]);
  expect(
    codes(
      await t.as('handler@vnpt.test', `mutation($i: RejectIncidentInput!) { rejectIncident(input: $i) { incident { status } } }`, {
        i: { id: toReject.id, expectedVersion: toReject.version, reason: 'not an incident' },
      }),
    ),
  ).toEqual([]);
  const late = await report('reporter@acme.test', { tlp: 'CLEAR', indicators: [{ type: 'URL', value: 'http://late.example.org/x' }] });
  await client.drain(2);

  const demo = (
    await t.sql<{ reference: string }>(`select reference from incident where title not in ('Feed case') and reference like 'VN-%' and reference in
    (select reference from incident order by reported_at limit 5)`)
  )
    .map((r) => r.reference)
    .sort();
  const expected = [...demo.filter((r) => !r.endsWith('000004')), inZoneAmber.reference, late.reference].sort();
  expect(client.references()).toEqual(expected);
  expect(client.cases.get(inZoneAmber.id)).toEqual(['a.evil.vn', 'b.evil.vn']);
  expect(client.cases.get(late.id)).toEqual(['late.example.org']);

  // A second client starting from scratch now gets the same set and no tombstone it never needed.
  const fresh = new SyncClient(token);
  await fresh.drain(3);
  expect(fresh.references()).toEqual(expected);
});

test('zone filtering is label-aligned: evil.vn never matches devil.vn', async () => {
  const devil = await report('reporter@acme.test', { tlp: 'GREEN', indicators: [{ type: 'DOMAIN', value: 'devil.vn' }] });
  const evil = await report('reporter@acme.test', { tlp: 'GREEN', indicators: [{ type: 'DOMAIN', value: 'www.evil.vn' }] });
  const token = await t.token('analyst@vnnic.test');
  const inZone = new SyncClient(token, { zone: 'EVIL.vn.' });
  await inZone.drain(50);
  expect(inZone.cases.has(devil.id)).toBe(false);
  expect(inZone.cases.has(evil.id)).toBe(true);
  const gov = new SyncClient(token, { zone: 'gov.vn' });
  await gov.drain(50);
  expect([...gov.cases.values()].flat().every((d) => d === 'gov.vn' || d.endsWith('.gov.vn'))).toBe(true);
  expect(gov.cases.size).toBe(1); // the demo defacement of quan-demo.hanoi.gov.vn
  expect(codes(await t.gql(token, FEED, { f: { zone: 'a..b' } }))).toEqual(['BAD_USER_INPUT']);
});

test('only the registry reads the feed; a VNNIC API key works', async () => {
  expect(codes(await t.as('handler@vnpt.test', FEED, {}))).toEqual(['FORBIDDEN']);
  expect(codes(await t.as('handler@vncert.test', FEED, {}))).toEqual(['FORBIDDEN']);
  const key = await t.as<{ createApiKey: { secret: string } }>(
    'admin@vnnic.test',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`,
    { i: { name: 'registry sync', capabilities: ['DOMAIN_FEED_READ', 'INCIDENT_READ'] } },
  );
  expect(key.errors).toBeUndefined();
  const client = new SyncClient(key.data!.createApiKey.secret);
  await client.drain(100);
  expect(client.cases.size).toBeGreaterThanOrEqual(4);
});

test('domain(name): any valid name, Unicode or punycode, with only the cases you may see', async () => {
  const amber = await report('reporter@acme.test', { tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'bücher-shop.vn' }] });
  const q = `query($n: String!) { domain(name: $n) { name unicodeName cases(first: 10) { edges { node { reference accessLevel } } } } }`;
  const asVnpt = await t.as<{ domain: { name: string; unicodeName: string; cases: { edges: { node: { reference: string } }[] } } }>(
    'handler@vnpt.test',
    q,
    { n: 'BÜCHER-SHOP.vn' },
  );
  expect(asVnpt.data!.domain.name).toBe('xn--bcher-shop-9db.vn');
  expect(asVnpt.data!.domain.unicodeName).toBe('bücher-shop.vn');
  expect(asVnpt.data!.domain.cases.edges.map((e) => e.node.reference)).toEqual([amber.reference]);
  const asFpt = await t.as<{ domain: { cases: { edges: unknown[] } } }>('handler@fpt.test', q, { n: 'xn--bcher-shop-9db.vn' });
  expect(asFpt.data!.domain.cases.edges).toEqual([]);
  const asVnnic = await t.as<{ domain: { cases: { edges: { node: { accessLevel: string } }[] } } }>('handler@vnnic.test', q, { n: 'bücher-shop.vn' });
  expect(asVnnic.data!.domain.cases.edges.map((e) => e.node.accessLevel)).toEqual(['DOMAIN_FEED']);
  expect(codes(await t.as('handler@vnpt.test', q, { n: 'a..b' }))).toEqual(['BAD_USER_INPUT']);
  const nothing = await t.as<{ domain: { cases: { edges: unknown[] } } }>('handler@vnpt.test', q, { n: 'never-reported.example' });
  expect(nothing.data!.domain.cases.edges).toEqual([]);
});
