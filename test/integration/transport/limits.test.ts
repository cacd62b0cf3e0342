import crypto from 'node:crypto';
import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { subscribe } from '../../harness/ws';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

test('a query deeper than the limit is refused before execution, with its depth', async () => {
  const deep = `{ incidents(first: 1) { edges { node { directives(first: 1) { edges { node { incident { directives(first: 1) { edges { node { incident {
    directives(first: 1) { edges { node { incident { id } } } } } } } } } } } } } } } }`;
  const res = await t.as('handler@vncert.test', deep);
  expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(res.errors![0].extensions).toMatchObject({ depth: expect.any(Number), limits: { maxDepth: 12 } });
  expect(res.errors![0].extensions!.depth as number).toBeGreaterThan(12);
  expect(res.status).toBe(400);
});

test('cost: first multiplies; an expensive query is refused with its computed cost', async () => {
  const expensive = `{ incidents(first: 100) { edges { node { directives(first: 100) { edges { node { history { type } targets { value } } } }
    timeline(first: 100) { edges { node { type } } } } } } }`;
  const res = await t.as('handler@vncert.test', expensive);
  expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(res.errors![0].extensions!.cost as number).toBeGreaterThan(25_000);
  // The same shape with small pages is fine.
  const cheap = await t.as('handler@vncert.test', expensive.replace(/first: 100/g, 'first: 5'));
  expect(cheap.errors).toBeUndefined();
});

test('a measure is remembered per document and cost variables only: other values of them are measured again', async () => {
  // Expensive with first 100, cheap with 5; $id never changes the cost (a new id each time reuses the measure).
  const query = `query Pages($n: Int = 100, $id: ID!, $deep: Boolean! = false) {
    node(id: $id) { id }
    incidents(first: $n) { edges { node { directives(first: $n) { edges { node { history { type } targets { value } } } } } } }
    more: incidents(first: 100) @include(if: $deep) { edges { node { timeline(first: 100) { edges { node { type } } }
      directives(first: 100) { edges { node { history { type } } } } } } } }`;
  const as = (variables: Record<string, unknown>) => t.as('handler@vncert.test', query, variables);
  expect(codes(await as({ n: 5, id: 'a' }))).toEqual([]);
  expect(codes(await as({ n: 5, id: 'b' }))).toEqual([]);
  // The same document, a cost variable changed: refused, whatever was remembered for the other values.
  const big = await as({ n: 100, id: 'a' });
  expect(codes(big)).toEqual(['QUERY_TOO_COMPLEX']);
  // Absent is not null: the default (100) applies when $n is absent, the default page size when it is null.
  expect(codes(await as({ id: 'a' }))).toEqual(['QUERY_TOO_COMPLEX']);
  expect(codes(await as({ n: null, id: 'a' }))).toEqual([]);
  // A directive's variable decides what is counted.
  expect(codes(await as({ n: 5, id: 'c', deep: false }))).toEqual([]);
  const deep = await as({ n: 5, id: 'c', deep: true });
  expect(codes(deep)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(deep.errors![0].extensions!.cost as number).toBeGreaterThan(25_000);
});

test('alias and root-field limits', async () => {
  const aliases = `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: viewer { capabilities }`).join(' ')} }`;
  const res = await t.as('handler@vncert.test', aliases);
  expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(res.errors![0].extensions).toMatchObject({ aliases: 21 });
  const roots = `{ viewer { capabilities } roles { memberRole } organizations(first: 1) { edges { cursor } } incidents(first: 1) { edges { cursor } }
    directives(first: 1) { edges { cursor } } a: roles { memberRole } b: roles { memberRole } c: roles { memberRole } d: roles { memberRole }
    e: roles { memberRole } f: roles { memberRole } }`;
  expect(codes(await t.as('handler@vncert.test', roots))).toEqual(['QUERY_TOO_COMPLEX']);
});

test('the maximum page size is 100', async () => {
  expect(codes(await t.as('handler@vncert.test', `{ incidents(first: 101) { edges { cursor } } }`))).toEqual(['BAD_USER_INPUT']);
  expect(codes(await t.as('handler@vncert.test', `{ incidents(first: 100) { edges { cursor } } }`))).toEqual([]);
});

test('automatic persisted queries: a hash alone works once the query was registered', async () => {
  const query = '{ viewer { organization { code } } }';
  const sha256Hash = crypto.createHash('sha256').update(query).digest('hex');
  const send = async (body: Record<string, unknown>) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('handler@vnpt.test')}` },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { data?: { viewer: { organization: { code: string } } }; errors?: { extensions?: { code?: string } }[] };
  };
  const ext = { persistedQuery: { version: 1, sha256Hash } };
  expect((await send({ extensions: ext })).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  expect((await send({ query, extensions: ext })).data?.viewer.organization.code).toBe('VNPT');
  expect((await send({ extensions: ext })).data?.viewer.organization.code).toBe('VNPT');
});

test('the same limits apply over WebSocket', async () => {
  const s = subscribe(
    t.url,
    await t.token('handler@vncert.test'),
    `subscription { incidentEvents { incident { directives(first: 1) { edges { node { incident { directives(first: 1) { edges { node { incident {
      directives(first: 1) { edges { node { incident { id } } } } } } } } } } } } } } }`,
  );
  await s.waitFor(() => s.errors.length > 0);
  expect(JSON.stringify(s.errors)).toContain('QUERY_TOO_COMPLEX');
  await s.dispose();
});
