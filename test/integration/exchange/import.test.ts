/**
 * importStix (DESIGN.md §8): the indicators of OASIS's example bundles import where their patterns are
 * a single comparison of an observable the hub keeps; a bundle with one unsupported pattern adds nothing
 * and names it; the decision is addIndicators'; a re-export after a change keeps every id and moves
 * `modified`. Expectations are written from the examples by hand (which pattern is which), not from the
 * importer's code.
 */
import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { exampleBundles } from './conformance';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ RATE_LIMIT: 'false' });
}, 120_000);
afterAll(async () => t?.close());

const IMPORT = `mutation($i: ImportStixInput!) { importStix(input: $i) { incident { id version indicators { type value } } } }`;
const READ = `query($id: ID!) { incident(id: $id) { version updatedAt indicators { type value } stix } }`;
type Read = {
  incident: {
    version: number;
    updatedAt: string;
    indicators: { type: string; value: string }[];
    stix: { objects: { id: string; type: string; modified?: string }[] };
  };
};

async function newIncident(): Promise<string> {
  const r = await t.as<{ reportIncident: { incident: { id: string } } }>(
    'reporter@acme.test',
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id } } }`,
    {
      i: {
        title: 'Import case',
        description: 'd',
        detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        scope: 'WIDESPREAD',
      },
    },
  );
  return r.data!.reportIncident.incident.id;
}

const read = async (id: string) => (await t.as<Read>('handler@vncert.test', READ, { id })).data!.incident;
const pairs = (xs: { type: string; value: string }[]) => xs.map((x) => `${x.type} ${x.value}`).sort();
const example = (name: string) => exampleBundles().find((e) => e.name === name)!.bundle;

/** Written by hand from each example file: what it imports, or which of its objects are refused. */
const EXAMPLES: { name: string; imports?: string[]; refuses?: string[] }[] = [
  { name: 'indicator-for-c2-ip-address.json', imports: ['IPV4 10.0.0.0'] },
  { name: 'indicator-to-campaign-relationship.json', imports: ['IPV4 10.0.0.0'] },
  {
    name: 'indicators-for-C2-with-COA.json',
    imports: ['FILE_HASH ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c', 'IPV4 10.0.0.0'],
  },
  // No indicator: its observables (SCOs) are what it holds.
  { name: 'infrastructure.json', imports: ['DOMAIN example.com', 'IPV4 198.51.100.3'] },
  // Both patterns are MATCHES on email-message: not a simple comparison of a kept observable.
  {
    name: 'malicious-email-indicator-with-attachment.json',
    refuses: ['indicator--2e17f6fe-3a4d-438a-911a-e509ba1b9933', 'indicator--8cf9236f-1b96-493d-98be-0c1c1e8b62d7'],
  },
];

describe("OASIS's examples", () => {
  test.each(EXAMPLES)('$name', async ({ name, imports, refuses }) => {
    const id = await newIncident();
    const before = await read(id);
    const r = await t.as<{ importStix: { incident: { indicators: { type: string; value: string }[] } } }>('handler@vncert.test', IMPORT, {
      i: { incidentId: id, bundle: example(name) },
    });
    if (imports) {
      expect(r.errors).toBeUndefined();
      expect(pairs(r.data!.importStix.incident.indicators)).toEqual(imports);
    } else {
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect((r.errors![0].extensions!.objects as string[]).sort()).toEqual(refuses);
      expect(r.errors![0].extensions!.field).toBe('input.bundle');
      const after = await read(id);
      expect([after.version, after.indicators]).toEqual([before.version, before.indicators]);
    }
  });

  test('the threat reports (apt1, poisonivy): refused whole, naming exactly the compound or unsupported patterns; their simple ones import', async () => {
    // A single comparison `[type:value = '…']` of domain-name/ipv4-addr/url, or `[file:hashes.md5 = '…']`: the kinds these reports use.
    const simple =
      /^\[\s*(?:(?:domain-name|ipv4-addr|ipv6-addr|url|email-addr):value = '[^' ]+'|file:hashes\.(?:md5|'SHA-256'|'SHA-1') = '[0-9a-f]+')\s*\]$/i;
    for (const name of ['threat-reports/apt1.json', 'threat-reports/poisonivy.json']) {
      const bundle = example(name);
      const indicators = bundle.objects.filter((o) => o.type === 'indicator') as { id: string; pattern: string }[];
      const unsupported = indicators
        .filter((o) => !simple.test(o.pattern))
        .map((o) => o.id)
        .sort();
      expect(unsupported.length).toBeGreaterThan(0);
      const id = await newIncident();
      const before = await read(id);
      const refused = await t.as('handler@vncert.test', IMPORT, { i: { incidentId: id, bundle } });
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect((refused.errors![0].extensions!.objects as string[]).sort()).toEqual(unsupported);
      expect((await read(id)).version).toBe(before.version);
      const supported = { ...bundle, objects: bundle.objects.filter((o) => !unsupported.includes(String(o.id))) };
      const ok = await t.as<{ importStix: { incident: { indicators: { type: string; value: string }[] } } }>('handler@vncert.test', IMPORT, {
        i: { incidentId: id, bundle: supported },
      });
      expect(ok.errors).toBeUndefined();
      const values = new Set(ok.data!.importStix.incident.indicators.map((i) => i.value));
      for (const o of indicators.filter((x) => simple.test(x.pattern))) {
        const value = /= '([^']+)'/.exec(o.pattern)![1].toLowerCase();
        expect([o.id, values.has(value)]).toEqual([o.id, true]);
      }
    }
  }, 60_000);
});

test('one unsupported pattern: nothing is added, it is named', async () => {
  const id = await newIncident();
  const before = await read(id);
  const events = await t.sql(`select count(*)::int as n from incident_event`);
  const bundle = {
    type: 'bundle',
    id: 'bundle--6b3c8e1e-3f0a-4c4c-9b7e-5c1d7d0f4a11',
    objects: [
      {
        type: 'indicator',
        spec_version: '2.1',
        id: 'indicator--11111111-1111-4111-8111-111111111111',
        created: '2024-01-01T00:00:00Z',
        modified: '2024-01-01T00:00:00Z',
        pattern: "[domain-name:value = 'good.example']",
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
      },
      {
        type: 'indicator',
        spec_version: '2.1',
        id: 'indicator--22222222-2222-4222-8222-222222222222',
        created: '2024-01-01T00:00:00Z',
        modified: '2024-01-01T00:00:00Z',
        pattern: "[ipv4-addr:value = '198.51.100.1' AND ipv4-addr:value = '198.51.100.2']",
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
      },
      {
        type: 'indicator',
        spec_version: '2.1',
        id: 'indicator--33333333-3333-4333-8333-333333333333',
        created: '2024-01-01T00:00:00Z',
        modified: '2024-01-01T00:00:00Z',
        pattern: "[url:value = 'http://also-good.example/x']",
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
      },
    ],
  };
  const r = await t.as('handler@vncert.test', IMPORT, { i: { incidentId: id, bundle } });
  expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  expect(r.errors![0].extensions!.objects).toEqual(['indicator--22222222-2222-4222-8222-222222222222']);
  expect(r.errors![0].message).toContain('indicator--22222222-2222-4222-8222-222222222222');
  const after = await read(id);
  expect([after.version, after.indicators]).toEqual([before.version, before.indicators]);
  expect(await t.sql(`select count(*)::int as n from incident_event`)).toEqual(events);
  // A pattern type other than STIX, a value that does not normalize, a pattern that does not parse: each named.
  const others = {
    ...bundle,
    objects: [
      { ...bundle.objects[0], id: 'indicator--44444444-4444-4444-8444-444444444444', pattern_type: 'sigma', pattern: 'title: x' },
      { ...bundle.objects[0], id: 'indicator--55555555-5555-4555-8555-555555555555', pattern: "[domain-name:value = 'a..b']" },
      { ...bundle.objects[0], id: 'indicator--66666666-6666-4666-8666-666666666666', pattern: "[domain-name:value = 'x'" },
    ],
  };
  const r2 = await t.as('handler@vncert.test', IMPORT, { i: { incidentId: id, bundle: others } });
  expect(codes(r2)).toEqual(['BAD_USER_INPUT']);
  expect(r2.errors![0].extensions!.objects).toEqual(others.objects.map((o) => o.id));
  expect(codes(await t.as('handler@vncert.test', IMPORT, { i: { incidentId: id, bundle: { type: 'report' } } }))).toEqual(['BAD_USER_INPUT']);
});

test('authorization is addIndicators’ decision: the same answer for every demo account', async () => {
  const id = await newIncident();
  const bundle = {
    type: 'bundle',
    id: 'bundle--6b3c8e1e-3f0a-4c4c-9b7e-5c1d7d0f4a12',
    objects: [{ type: 'domain-name', id: 'domain-name--0e3b2e2e-5c3f-5d1e-9b7e-5c1d7d0f4a12', value: 'same-decision.example' }],
  };
  const ADD = `mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { incident { id } } }`;
  for (const email of [
    'handler@vncert.test',
    'analyst@vncert.test',
    'handler@vnpt.test',
    'handler@vnnic.test',
    'reporter@acme.test',
    'admin@acme.test',
    'analyst@mic.test',
    'handler@mps-a05.test',
  ]) {
    const viaImport = codes(await t.as(email, IMPORT, { i: { incidentId: id, bundle } }));
    const viaAdd = codes(await t.as(email, ADD, { i: { incidentId: id, indicators: [{ type: 'DOMAIN', value: 'same-decision.example' }] } }));
    expect([email, viaImport]).toEqual([email, viaAdd]);
  }
  // Missing is NOT_FOUND, like addIndicators.
  expect(
    codes(await t.as('handler@vncert.test', IMPORT, { i: { incidentId: 'SW5jaWRlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw', bundle } })),
  ).toEqual(['NOT_FOUND']);
});

test('re-export after a change keeps every id and moves modified', async () => {
  const id = await newIncident();
  await t.as('handler@vncert.test', IMPORT, { i: { incidentId: id, bundle: example('indicator-for-c2-ip-address.json') } });
  const first = await read(id);
  t.clock.advance(5 * 60_000);
  const changed = await t.as('handler@vncert.test', `mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { incident { version } } }`, {
    i: { id, expectedVersion: first.version, title: 'Import case, renamed' },
  });
  expect(changed.errors).toBeUndefined();
  const second = await read(id);
  const ids = (b: Read['incident']) => b.stix.objects.map((o) => o.id).sort();
  expect(ids(second)).toEqual(ids(first));
  const incident = (b: Read['incident']) =>
    b.stix.objects.find((o) => o.type === 'incident') as unknown as { id: string; modified: string; name: string };
  expect(incident(second).name).toBe('Import case, renamed');
  expect(new Date(incident(second).modified).getTime()).toBeGreaterThan(new Date(incident(first).modified).getTime());
  expect(incident(second).modified).toBe(new Date(second.updatedAt).toISOString());
  // A second import adds an indicator: the old objects keep their ids, the new one joins.
  await t.as('handler@vncert.test', IMPORT, { i: { incidentId: id, bundle: example('indicators-for-C2-with-COA.json') } });
  const third = await read(id);
  expect(ids(third)).toEqual(expect.arrayContaining(ids(second)));
  expect(third.stix.objects.filter((o) => o.type === 'indicator')).toHaveLength(2);
});
