import { startTestHub, codes, type TestHub } from '../../harness/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({}, { captureLogs: true });
});
afterAll(async () => {
  await t.close();
});

test('denied attempts are structured log lines (viewer, organization, operation, target), with no credentials', async () => {
  const token = await t.token('handler@fpt.test');
  const vnpt = await t.as<{ incidents: { edges: { node: { id: string; version: number } }[] } }>(
    'handler@vnpt.test',
    `{ incidents(filter: { handler: "VNPT" }, first: 1) { edges { node { id version } } } }`,
  );
  const target = vnpt.data!.incidents.edges[0].node;
  const uuid = Buffer.from(target.id, 'base64url').toString().split(':')[1];
  const events = async () => (await t.sql<{ n: number }>(`select count(*)::int as n from incident_event where incident_id = $1`, [uuid]))[0].n;
  const before = await events();
  const res = await t.gql(token, `mutation($i: IncidentActionInput!) { startResponse(input: $i) { incident { id } } }`, {
    i: { id: target.id, expectedVersion: target.version },
  });
  expect(codes(res)).toEqual(['NOT_FOUND']);
  const denied = t.logs().filter((l) => l.event === 'authorization_denied');
  expect(denied).toHaveLength(1);
  expect(denied[0]).toMatchObject({ code: 'NOT_FOUND', organization: 'FPT', operation: 'Mutation.startResponse', target: target.id });
  expect(String(denied[0].principal)).toMatch(/^ACCOUNT:/);
  expect(JSON.stringify(t.logs())).not.toContain(token);
  // The timeline records no denied attempt.
  expect(await events()).toBe(before);
});
