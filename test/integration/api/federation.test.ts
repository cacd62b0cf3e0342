import crypto from 'node:crypto';
import { execute, parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { startTestHub, codes, type GqlResult, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { buildHubSchema } from '../../../src/app/schema';
import { createContext } from '../../../src/graphql/context';

/**
 * The hub as an Apollo Federation 2 subgraph (issue 7, DESIGN.md §4): composed with a registry subgraph
 * written here, behind a real @apollo/gateway, and `_entities` attacked directly. Real servers, no mocks.
 */
let t: TestHub;
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

/** Ids of the demo data, looked up through the API as the coordinator. */
const ids = { phishing: '', spam: '', malware: '', confidential: '', directive: '', note: '', person: '', acme: '', vnpt: '' };

async function ok<T>(email: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await t.as<T>(email, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

beforeAll(async () => {
  t = await startTestHub();
  const incidents = await ok<{ incidents: { edges: { node: { id: string; title: string } }[] } }>(
    'handler@vncert.test',
    `{ incidents(first: 50) { edges { node { id title } } } }`,
  );
  const byTitle = (prefix: string) => incidents.incidents.edges.find((e) => e.node.title.startsWith(prefix))!.node.id;
  ids.phishing = byTitle('Phishing site');
  ids.spam = byTitle('Spam campaign');
  ids.malware = byTitle('Malware spreading');
  ids.confidential = byTitle('Suspected intrusion');
  const directives = await ok<{ directives: { edges: { node: { id: string; recipient: { code: string } } }[] } }>(
    'handler@vncert.test',
    `{ directives(first: 10) { edges { node { id recipient { code } } } } }`,
  );
  ids.directive = directives.directives.edges.find((e) => e.node.recipient.code === 'VNNIC')!.node.id;
  const orgs = await ok<{ organizations: { edges: { node: { id: string; code: string } }[] } }>(
    'handler@vncert.test',
    `{ organizations(first: 50) { edges { node { id code } } } }`,
  );
  const org = (code: string) => orgs.organizations.edges.find((e) => e.node.code === code)!.node.id;
  ids.person = org('PERSON-0001');
  ids.acme = org('ACME');
  ids.vnpt = org('VNPT');
  const note = await ok<{ addNote: { note: { id: string } } }>(
    'handler@vnpt.test',
    `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`,
    { i: { incidentId: ids.phishing, body: 'VNPT internal: takedown requested from the hosting provider', visibility: 'INTERNAL' } },
  );
  ids.note = note.addNote.note.id;
}, 60_000);
afterAll(async () => {
  await t.close();
});

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename
  ... on Incident { id title description accessLevel reporterContact { name email } reportingOrganization { code } handler { code }
                    participants { code } indicators { type value } domains { name } directives(first: 5) { edges { node { id } } } }
  ... on Directive { id action instructions recipient { code } }
  ... on Organization { id code name contact { email } }
  ... on Domain { name unicodeName cases(first: 5) { edges { node { id title } } } }
} }`;

type Entity = Record<string, unknown> | null;
async function entities(email: string | null, representations: unknown[]): Promise<GqlResult<{ _entities: Entity[] }>> {
  return t.gql<{ _entities: Entity[] }>(email ? await t.token(email) : null, ENTITIES, { r: representations });
}
async function entitiesOk(email: string, representations: unknown[]): Promise<Entity[]> {
  const res = await entities(email, representations);
  expect(res.errors).toBeUndefined();
  return res.data!._entities;
}

describe('a subgraph in a supergraph, behind a real gateway', () => {
  const REGISTRY = {
    'acme-verify.vn': { registrar: 'PA Vietnam', registrant: 'Le Van Gia Mao' },
    'update-trinhduyet.vn': { registrar: 'Mat Bao', registrant: 'Unknown holder' },
    'mail.khachhang-demo.vn': { registrar: 'Nhan Hoa', registrant: 'Khach Hang JSC' },
  } as const;
  const REGISTRY_SDL = `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Domain @key(fields: "name") {
      name: String!
      registrar: String
      registrant: String
    }
  `;
  /** What the registry subgraph received: the names it was asked about and the Authorization headers. */
  const registrySaw: { names: string[]; authorization: (string | undefined)[] } = { names: [], authorization: [] };
  let registry: ApolloServer<{ authorization?: string }>;
  let gateway: ApolloServer<{ authorization?: string }>;
  let gatewayUrl = '';
  let supergraphSdl = '';

  beforeAll(async () => {
    registry = new ApolloServer<{ authorization?: string }>({
      plugins: [ApolloServerPluginInlineTraceDisabled()],
      schema: buildSubgraphSchema({
        typeDefs: parse(REGISTRY_SDL),
        resolvers: {
          Domain: {
            __resolveReference(ref: { name: string }, context: { authorization?: string }) {
              registrySaw.names.push(ref.name);
              registrySaw.authorization.push(context.authorization);
              const data = (REGISTRY as Record<string, { registrar: string; registrant: string }>)[ref.name];
              return { name: ref.name, registrar: data?.registrar ?? null, registrant: data?.registrant ?? null };
            },
          },
        },
      }),
    });
    const { url: registryUrl } = await startStandaloneServer(registry, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    });

    // The hub's SDL comes from `_service` — which, like every field, needs credentials.
    const service = await ok<{ _service: { sdl: string } }>('analyst@vnnic.test', `{ _service { sdl } }`);
    const composed = composeServices([
      { name: 'hub', url: t.url, typeDefs: parse(service._service.sdl) },
      { name: 'registry', url: registryUrl, typeDefs: parse(REGISTRY_SDL) },
    ]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    supergraphSdl = composed.supergraphSdl;

    const apolloGateway = new ApolloGateway({
      supergraphSdl,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          // The gateway forwards the caller's credentials: the hub decides with the caller's rights, not the gateway's.
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    gateway = new ApolloServer<{ authorization?: string }>({ gateway: apolloGateway });
    const started = await startStandaloneServer(gateway, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    });
    gatewayUrl = started.url;
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await registry?.stop();
  });

  let lastAuthorization = '';
  async function viaGateway<T>(email: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (email) headers.authorization = lastAuthorization = `Bearer ${await t.token(email)}`;
    const res = await fetch(gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { ...((await res.json()) as GqlResult<T>), status: res.status };
  }

  const INCIDENTS_WITH_REGISTRARS = `{ incidents(first: 50) { edges { node { id title accessLevel domains { name registrar registrant } } } } }`;
  type Page = {
    incidents: {
      edges: {
        node: { id: string; title: string; accessLevel: string; domains: { name: string; registrar: string | null; registrant: string | null }[] };
      }[];
    };
  };

  test('the composed supergraph has the hub’s entities and the registry’s Domain fields', () => {
    expect(supergraphSdl).toMatch(/type Domain[\s\S]*@join__type\(graph: HUB, key: "name"\)[\s\S]*@join__type\(graph: REGISTRY, key: "name"\)/);
    expect(supergraphSdl).toMatch(/type Incident[^{]*@join__type\(graph: HUB, key: "id"\)/);
    expect(supergraphSdl).toMatch(/registrar: String @join__field\(graph: REGISTRY\)/);
  });

  test('a subgraph cannot redefine hub fields: none is @shareable, so composition refuses', async () => {
    const service = await ok<{ _service: { sdl: string } }>('analyst@vnnic.test', `{ _service { sdl } }`);
    const rogue = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Incident @key(fields: "id") { id: ID! title: String! description: String }
    `;
    const composed = composeServices([
      { name: 'hub', url: t.url, typeDefs: parse(service._service.sdl) },
      { name: 'rogue', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(rogue) },
    ]);
    expect(composed.errors?.map((e) => e.extensions.code)).toContain('INVALID_FIELD_SHARING');
    expect(composed.errors?.map((e) => e.message).join('\n')).toMatch(/Incident\.title/);
  });

  test('incidents → domains → registrar with the caller’s token: entitled data comes back (VNPT handles the phishing case)', async () => {
    registrySaw.names.length = 0;
    registrySaw.authorization.length = 0;
    const res = await viaGateway<Page>('handler@vnpt.test', INCIDENTS_WITH_REGISTRARS);
    expect(res.errors).toBeUndefined();
    const phishing = res.data!.incidents.edges.find((e) => e.node.id === ids.phishing)!.node;
    expect(phishing.accessLevel).toBe('FULL');
    // The phishing URL's host is a DOMAIN indicator too; the registry knows only acme-verify.vn.
    expect(phishing.domains).toEqual([
      { name: 'acme-login.com.vn', registrar: null, registrant: null },
      { name: 'acme-verify.vn', registrar: 'PA Vietnam', registrant: 'Le Van Gia Mao' },
    ]);
    // The gateway forwarded the caller's Authorization to the subgraphs (here the registry's view of it).
    expect(registrySaw.authorization.length).toBeGreaterThan(0);
    expect(registrySaw.authorization.every((a) => a === lastAuthorization)).toBe(true);
  });

  test('an incident the caller cannot see is absent through the gateway, and its domain never reaches the registry', async () => {
    registrySaw.names.length = 0;
    const res = await viaGateway<Page>('handler@fpt.test', INCIDENTS_WITH_REGISTRARS);
    expect(res.errors).toBeUndefined();
    const edges = res.data!.incidents.edges;
    expect(edges.map((e) => e.node.id)).not.toContain(ids.phishing);
    expect(edges.map((e) => e.node.id)).toContain(ids.spam);
    expect(registrySaw.names).not.toContain('acme-verify.vn');
    // FPT's own case comes with the registry's data.
    expect(edges.find((e) => e.node.id === ids.spam)!.node.domains).toEqual([
      { name: 'mail.khachhang-demo.vn', registrar: 'Nhan Hoa', registrant: 'Khach Hang JSC' },
    ]);

    const one = await viaGateway<{ incident: unknown; node: unknown }>(
      'handler@fpt.test',
      `query($id: ID!) { incident(id: $id) { title domains { registrar } } node(id: $id) { id } }`,
      { id: ids.phishing },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data).toEqual({ incident: null, node: null });
  });

  test('a registry view of a domain: Domain.cases shows only what the caller may see, whichever subgraph is asked first', async () => {
    const q = `query($n: String!) { domain(name: $n) { name registrar cases { edges { node { id } } } } }`;
    const vnpt = await viaGateway<{ domain: { registrar: string; cases: { edges: { node: { id: string } }[] } } }>('handler@vnpt.test', q, {
      n: 'acme-verify.vn',
    });
    expect(vnpt.errors).toBeUndefined();
    expect(vnpt.data!.domain.registrar).toBe('PA Vietnam');
    expect(vnpt.data!.domain.cases.edges.map((e) => e.node.id)).toEqual([ids.phishing]);
    const fpt = await viaGateway<{ domain: { registrar: string; cases: { edges: unknown[] } } }>('handler@fpt.test', q, { n: 'acme-verify.vn' });
    expect(fpt.errors).toBeUndefined();
    expect(fpt.data!.domain.cases.edges).toEqual([]);
  });

  test('the invisible incident’s entity is null on the hub for the caller it is invisible to', async () => {
    expect(await entitiesOk('handler@fpt.test', [{ __typename: 'Incident', id: ids.phishing }])).toEqual([null]);
    const [vnpt] = await entitiesOk('handler@vnpt.test', [{ __typename: 'Incident', id: ids.phishing }]);
    expect(vnpt).toMatchObject({
      __typename: 'Incident',
      id: ids.phishing,
      accessLevel: 'FULL',
      domains: [{ name: 'acme-login.com.vn' }, { name: 'acme-verify.vn' }],
    });
  });

  test('through the gateway without credentials nothing comes back: the hub refuses the forwarded request', async () => {
    const res = await viaGateway<Page>(null, INCIDENTS_WITH_REGISTRARS);
    expect(res.data?.incidents ?? null).toBeNull();
    expect(JSON.stringify(res.errors)).toMatch(/UNAUTHENTICATED|401/);
  });
});

describe('_entities applies the rulebook', () => {
  const INCIDENT_FIELDS = `id title description accessLevel reporterContact { name email } reportingOrganization { code } handler { code }
    participants { code } indicators { type value } domains { name } directives(first: 5) { edges { node { id } } }`;

  test('each viewer gets exactly what incident(id) gives it — same view, same field rules — for every demo incident', async () => {
    const viewers = [
      'handler@vncert.test',
      'handler@vnpt.test',
      'handler@fpt.test',
      'analyst@vnnic.test',
      'analyst@mic.test',
      'reporter@acme.test',
      'reporter@person-0001.test',
      'handler@mof-it.test',
    ];
    const incidents = [ids.phishing, ids.spam, ids.malware, ids.confidential];
    for (const email of viewers) {
      const got = await entitiesOk(
        email,
        incidents.map((id) => ({ __typename: 'Incident', id })),
      );
      for (const [i, id] of incidents.entries()) {
        const direct = await ok<{ incident: Record<string, unknown> | null }>(email, `query($id: ID!) { incident(id: $id) { ${INCIDENT_FIELDS} } }`, {
          id,
        });
        expect({ email, id, entity: got[i] }).toEqual({ email, id, entity: direct.incident ? { __typename: 'Incident', ...direct.incident } : null });
      }
    }
  });

  test('other organizations’ incidents: null, whatever extra fields the representation claims', async () => {
    const forged = {
      __typename: 'Incident',
      id: ids.phishing,
      title: 'forged',
      accessLevel: 'FULL',
      description: 'forged',
      reporterContact: { name: 'x' },
    };
    for (const email of ['handler@fpt.test', 'reporter@person-0001.test', 'analyst@mic.test', 'handler@mps-a05.test', 'handler@viettel.test']) {
      expect(await entitiesOk(email, [forged, { __typename: 'Incident', id: ids.confidential }])).toEqual([null, null]);
    }
    // The registry sees the AMBER case in its feed view (a .vn domain): the view, not the representation, decides.
    const [feed] = await entitiesOk('analyst@vnnic.test', [forged]);
    expect(feed).toMatchObject({ accessLevel: 'DOMAIN_FEED', description: null, reporterContact: null, reportingOrganization: null });
    // Where visible, the data is the hub's, never the representation's.
    const [real] = await entitiesOk('handler@vnpt.test', [forged]);
    expect(real).toMatchObject({ title: 'Phishing site imitating our customer portal', accessLevel: 'FULL' });
    expect(real!.description).not.toBe('forged');
  });

  test('directives: only the coordinator, the recipient and the handling organization', async () => {
    const rep = { __typename: 'Directive', id: ids.directive };
    for (const email of ['handler@fpt.test', 'handler@vnpt.test', 'reporter@acme.test', 'analyst@mic.test']) {
      expect(await entitiesOk(email, [rep])).toEqual([null]);
    }
    for (const email of ['handler@vncert.test', 'analyst@vnnic.test']) {
      const [d] = await entitiesOk(email, [rep]);
      expect(d).toMatchObject({ __typename: 'Directive', id: ids.directive, action: 'SUSPEND_DOMAIN', recipient: { code: 'VNNIC' } });
      const node = await ok<{ node: Record<string, unknown> }>(
        email,
        `query($id: ID!) { node(id: $id) { ... on Directive { id action instructions recipient { code } } } }`,
        { id: ids.directive },
      );
      expect(d).toEqual({ __typename: 'Directive', ...node.node });
    }
  });

  test('notes are not entities: a representation of a note is BAD_USER_INPUT, never the note', async () => {
    for (const email of ['handler@vnpt.test', 'handler@fpt.test']) {
      const res = await entities(email, [{ __typename: 'Note', id: ids.note }]);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.data ?? null).toBeNull();
      expect(JSON.stringify(res)).not.toContain('takedown requested');
    }
  });

  test('organizations: a person is visible only to itself and the coordinator; network members to everyone', async () => {
    const reps = [
      { __typename: 'Organization', id: ids.person },
      { __typename: 'Organization', id: ids.acme },
      { __typename: 'Organization', id: ids.vnpt },
    ];
    const fpt = await entitiesOk('handler@fpt.test', reps);
    expect(fpt[0]).toBeNull();
    expect(fpt[1]).toBeNull();
    expect(fpt[2]).toMatchObject({ code: 'VNPT', contact: { email: null } });
    // VNPT handles ACME's report, yet the person (and ACME) stay out of reach by id, as with node(id).
    expect((await entitiesOk('handler@vnpt.test', reps)).slice(0, 2)).toEqual([null, null]);
    expect((await entitiesOk('reporter@person-0001.test', reps))[0]).toMatchObject({ code: 'PERSON-0001' });
    expect((await entitiesOk('handler@vncert.test', reps)).map((o) => o && o.code)).toEqual(['PERSON-0001', 'ACME', 'VNPT']);
    // A constituent never sees contact fields of the network.
    expect((await entitiesOk('reporter@acme.test', reps))[2]).toMatchObject({ code: 'VNPT', contact: null });
  });

  test('domains: any valid name, with only the cases the viewer may see; an invalid name is null', async () => {
    const [fpt, bad] = await entitiesOk('handler@fpt.test', [
      { __typename: 'Domain', name: 'ACME-VERIFY.VN' },
      { __typename: 'Domain', name: 'a..b' },
    ]);
    expect(fpt).toEqual({ __typename: 'Domain', name: 'acme-verify.vn', unicodeName: 'acme-verify.vn', cases: { edges: [] } });
    expect(bad).toBeNull();
    const [vnpt] = await entitiesOk('handler@vnpt.test', [{ __typename: 'Domain', name: 'acme-verify.vn' }]);
    expect(vnpt).toMatchObject({ cases: { edges: [{ node: { id: ids.phishing } }] } });
  });

  test('well-formed keys that name nothing visible are null: other types’ ids, random ids, garbage', async () => {
    const uuid = (g: string) => Buffer.from(g, 'base64url').toString().split(':')[1];
    const reps = [
      { __typename: 'Incident', id: ids.directive },
      { __typename: 'Directive', id: ids.phishing },
      { __typename: 'Organization', id: ids.phishing },
      { __typename: 'Incident', id: gid('Incident', crypto.randomUUID()) },
      { __typename: 'Incident', id: gid('Note', uuid(ids.note)) },
      { __typename: 'Incident', id: "'; drop table incident; --" },
      { __typename: 'Directive', id: 'AAAA' },
    ];
    expect(await entitiesOk('handler@vncert.test', reps)).toEqual(reps.map(() => null));
  });

  test('malformed representations are a clear BAD_USER_INPUT, never an internal error or data', async () => {
    const malformed: unknown[][] = [
      [{ __typename: 'Incident' }],
      [{ __typename: 'Incident', id: 42 }],
      [{ __typename: 'Incident', id: '' }],
      [{ __typename: 'Domain', id: ids.phishing }],
      [{ id: ids.phishing }],
      [{ __typename: 'Node', id: ids.phishing }],
      [{ __typename: 'Query', id: ids.phishing }],
      [{ __typename: 'Account', id: ids.phishing }],
      [{ __typename: '_Service', sdl: 'x' }],
      [{ __typename: 'IncidentConnection' }],
      ['Incident'],
      [[{ __typename: 'Incident', id: ids.phishing }]],
      [
        { __typename: 'Incident', id: ids.phishing },
        { __typename: 'Incident', id: 'x'.repeat(10_000) },
      ],
    ];
    for (const reps of malformed) {
      const res = await entities('handler@vncert.test', reps);
      expect({ reps, codes: codes(res) }).toEqual({ reps, codes: ['BAD_USER_INPUT'] });
      expect(res.data ?? null).toBeNull();
      expect(JSON.stringify(res)).not.toContain('Phishing site');
    }
    const named = await entities('handler@vncert.test', [
      { __typename: 'Incident', id: ids.phishing },
      { __typename: 'Note', id: ids.note },
    ]);
    expect(named.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'representations[1]' });
    expect(named.errors![0].message).toMatch(/"Note" is not an entity of this subgraph/);
  });

  test('a null representation is refused by variable coercion as BAD_USER_INPUT', async () => {
    const res = await entities('handler@vncert.test', [{ __typename: 'Incident', id: ids.phishing }, null]);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.data ?? null).toBeNull();
  });

  test('no inline traces (ftv1) for whoever asks: per-field timings are not handed out', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await t.token('handler@fpt.test')}`,
        'apollo-federation-include-trace': 'ftv1',
      },
      body: JSON.stringify({ query: ENTITIES, variables: { r: [{ __typename: 'Incident', id: ids.phishing }] } }),
    });
    const body = (await res.json()) as { data: unknown; extensions?: Record<string, unknown> };
    expect(body.data).toEqual({ _entities: [null] });
    expect(body.extensions?.ftv1).toBeUndefined();
  });

  test('SQL statements do not grow with the number of representations (2 vs 20, visible, invisible and missing)', async () => {
    const report = async (title: string, reportTo: string) =>
      (
        await reportIncident<{ id: string }>(
          t,
          'reporter@acme.test',
          {
            title,
            description: 'd',
            detectedAt: new Date(Date.now() - 60_000).toISOString(),
            reporterContact: { name: 'R' },
            reportTo,
            tlp: 'AMBER',
            indicators: [{ type: 'DOMAIN', value: `${title.toLowerCase().replace(/\s+/g, '-')}.example.vn` }],
          },
          'id',
        )
      ).id;
    const visible: string[] = [];
    const invisible: string[] = [];
    for (let i = 0; i < 10; i++) visible.push(await report(`Fed visible ${i}`, 'VNPT'));
    for (let i = 0; i < 6; i++) invisible.push(await report(`Fed hidden ${i}`, 'FPT'));
    const missing = Array.from({ length: 4 }, () => gid('Incident', crypto.randomUUID()));
    const rep = (id: string) => ({ __typename: 'Incident', id });

    const token = await t.token('handler@vnpt.test');
    // The reports above wake the live-event machinery, which reads the timeline on the same pool:
    // wait until the counter has been still for a while, so only this request's statements are counted.
    const quiet = async () => {
      for (let last = -1; last !== t.hub.services.db.statements.count;) {
        last = t.hub.services.db.statements.count;
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    const run = async (reps: { __typename: string; id: string }[]) => {
      await quiet();
      const before = t.hub.services.db.statements.count;
      const res = await t.gql<{ _entities: Entity[] }>(token, ENTITIES, { r: reps });
      const count = t.hub.services.db.statements.count - before;
      expect(res.errors).toBeUndefined();
      return { count, result: res.data!._entities };
    };
    const two = await run([rep(visible[0]), rep(invisible[0])]);
    expect(two.result.map((e) => e !== null)).toEqual([true, false]);
    // Interleaved: visible, invisible and missing alternate in the batch.
    const hidden = [...invisible, ...missing];
    const twentyReps = visible.flatMap((id, i) => [rep(id), rep(hidden[i])]);
    const twenty = await run(twentyReps);
    expect(twenty.result.filter((e) => e !== null)).toHaveLength(10);
    expect(twenty.result.map((e) => (e ? String(e.id) : null))).toEqual(twentyReps.map((r) => (visible.includes(r.id) ? r.id : null)));
    expect(twenty.count).toBe(two.count);
    expect(two.count).toBeLessThanOrEqual(12);
  });

  test('representations count toward the query cost: enough of them is QUERY_TOO_COMPLEX before anything runs', async () => {
    const heavy = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { timeline(first: 100) { edges { node { type } } } } } }`;
    const small = await t.as<{ _entities: unknown[] }>('handler@vnpt.test', heavy, {
      r: [
        { __typename: 'Incident', id: ids.phishing },
        { __typename: 'Incident', id: ids.spam },
      ],
    });
    expect(small.errors).toBeUndefined();
    // Each representation costs at least its selection (100 timeline items): this many exceed the limit.
    const n = Math.ceil(t.config.limits.maxCost / 100) + 1;
    const reps = Array.from({ length: n }, () => ({ __typename: 'Incident', id: gid('Incident', crypto.randomUUID()) }));
    const before = t.hub.services.db.statements.count;
    const big = await t.as<{ _entities: unknown[] }>('handler@vnpt.test', heavy, { r: reps });
    expect(codes(big)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(big.data ?? null).toBeNull();
    // Refused before execution: no statement beyond authentication.
    expect(t.hub.services.db.statements.count - before).toBeLessThanOrEqual(2);
  });
});

describe('_service and _entities need authentication like every other field', () => {
  test('over HTTP without credentials: 401 UNAUTHENTICATED', async () => {
    for (const query of [
      `{ _service { sdl } }`,
      `{ _entities(representations: [{ __typename: "Incident", id: "${ids.phishing}" }]) { __typename } }`,
    ]) {
      const res = await t.gql(null, query);
      expect(res.status).toBe(401);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.data ?? null).toBeNull();
    }
  });

  test('executed on the schema without a viewer (as a WebSocket or an in-process call could): UNAUTHENTICATED', async () => {
    const schema = await buildHubSchema();
    const document = parse(`query($r: [_Any!]!) { _service { sdl } _entities(representations: $r) { __typename } }`);
    const variableValues = { r: [{ __typename: 'Incident', id: ids.phishing }] };
    for (const contextValue of [createContext(t.hub.services, null, 'federation-test'), undefined, {}]) {
      const res = await execute({ schema, document, variableValues, contextValue });
      expect(res.data ?? null).toBeNull();
      const found = (res.errors ?? []).map((e) => e.extensions.code);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((c) => c === 'UNAUTHENTICATED')).toBe(true);
    }
  });

  test('with credentials, _service gives the Federation 2 SDL with the keys', async () => {
    const { _service } = await ok<{ _service: { sdl: string } }>('reporter@acme.test', `{ _service { sdl } }`);
    expect(_service.sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    for (const [type, key] of [
      ['Incident', 'id'],
      ['Organization', 'id'],
      ['Directive', 'id'],
      ['Domain', 'name'],
    ]) {
      expect(_service.sdl).toMatch(new RegExp(`type ${type}[^{]*@key\\(fields: "${key}"\\)`));
    }
  });

  test('with INTROSPECTION=none the SDL is not served either', async () => {
    const closed = await startTestHub({ INTROSPECTION: 'none' }, {}, t.databaseUrl);
    try {
      const res = await closed.as(`analyst@vnnic.test`, `{ _service { sdl } }`);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(res)).not.toContain('@key');
    } finally {
      await closed.close();
    }
  });
});
