/** `Directive.history` is read for a whole page in one statement, not one per directive (DESIGN.md §6). */
import { startTestHub, type TestHub } from '../../harness/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  const reporter = await t.token('reporter@acme.test');
  const coordinator = await t.token('handler@vncert.test');
  for (let i = 0; i < 6; i++) {
    const r = await t.gql<{ reportIncident: { incident: { id: string } } }>(
      reporter,
      `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id } } }`,
      {
        i: {
          title: `History ${i}`,
          description: 'd',
          detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
          reporterContact: { name: 'R' },
          reportTo: 'VNPT',
        },
      },
    );
    expect(r.errors).toBeUndefined();
    const d = await t.gql(coordinator, `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`, {
      i: {
        incidentId: r.data!.reportIncident.incident.id,
        recipient: 'VIETTEL',
        action: 'BLOCK_IP',
        instructions: 'block',
        targets: [{ type: 'IPV4', value: `198.51.100.${i + 1}` }],
      },
    });
    expect(d.errors).toBeUndefined();
  }
}, 120_000);
afterAll(async () => {
  await t.close();
});

async function statementsFor(n: number): Promise<{ count: number; histories: number[] }> {
  const token = await t.token('handler@vncert.test');
  const before = t.hub.services.db.statements.count;
  const res = await t.gql<{ directives: { edges: { node: { history: { type: string }[] } }[] } }>(
    token,
    `query($n: Int) { directives(first: $n) { edges { node { id history { type actorOrganization { code } } } } } }`,
    { n },
  );
  const count = t.hub.services.db.statements.count - before;
  expect(res.errors).toBeUndefined();
  return { count, histories: res.data!.directives.edges.map((e) => e.node.history.length) };
}

test('directives(first: 1) and directives(first: 6) with their histories cost the same number of statements', async () => {
  // Once, so that the organizations are in the process's cache for both counts (organization.loaders.ts).
  await statementsFor(6);
  const one = await statementsFor(1);
  const six = await statementsFor(6);
  expect(one.histories).toEqual([1]);
  expect(six.histories).toEqual([1, 1, 1, 1, 1, 1]);
  expect(six.count).toBe(one.count);
});
