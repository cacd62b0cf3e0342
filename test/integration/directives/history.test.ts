import { startTestHub, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { subscribePayloads } from '../../harness/ws';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ DEADLINE_DIRECTIVE_HOURS: '{"SUSPEND_DOMAIN": 12}', DEADLINE_ACKNOWLEDGEMENT_HOURS: '1' });
});
afterAll(async () => {
  await t.close();
});

async function ok<T>(email: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await t.as<T>(email, query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

test('a directive’s history is read from the timeline; configured deadlines apply', async () => {
  const { id } = await reportIncident<{ id: string }>(
    t,
    'reporter@acme.test',
    {
      title: 'Domain abuse',
      description: 'd',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      scope: 'WIDESPREAD',
    },
    'id',
  );
  const issued = await ok<{
    issueDirective: { directive: { id: string; version: number; dueAt: string; acknowledgementDueAt: string; issuedAt: string } };
  }>(
    'handler@vncert.test',
    `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id version dueAt acknowledgementDueAt issuedAt } } }`,
    {
      i: {
        incidentId: id,
        recipient: 'VNNIC',
        action: 'SUSPEND_DOMAIN',
        instructions: 'Suspend the domain',
        targets: [{ type: 'DOMAIN', value: 'abuse-demo.vn' }],
      },
    },
  );
  const d = issued.issueDirective.directive;
  const hours = (a: string) => (Date.parse(a) - Date.parse(d.issuedAt)) / 3_600_000;
  expect(hours(d.dueAt)).toBe(12);
  expect(hours(d.acknowledgementDueAt)).toBe(1);
  const ack = await ok<{ acknowledgeDirective: { directive: { version: number } } }>(
    'handler@vnnic.test',
    `mutation($i: DirectiveActionInput!) { acknowledgeDirective(input: $i) { directive { version } } }`,
    { i: { id: d.id, expectedVersion: d.version } },
  );
  await ok('handler@vnnic.test', `mutation($i: CompleteDirectiveInput!) { completeDirective(input: $i) { directive { status } } }`, {
    i: { id: d.id, expectedVersion: ack.acknowledgeDirective.directive.version, result: 'Domain suspended at 10:05' },
  });
  const h = await ok<{ node: { history: { type: string; changes: Record<string, unknown>; actorOrganization: { code: string } }[] } }>(
    'handler@vnnic.test',
    `query($id: ID!) { node(id: $id) { ... on Directive { history { type changes actorOrganization { code } } } } }`,
    { id: d.id },
  );
  expect(h.node.history.map((e) => `${e.type}:${e.actorOrganization.code}`)).toEqual([
    'DIRECTIVE_ISSUED:VNCERT',
    'DIRECTIVE_ACKNOWLEDGED:VNNIC',
    'DIRECTIVE_COMPLETED:VNNIC',
  ]);
  expect(h.node.history[2].changes).toMatchObject({ result: 'Domain suspended at 10:05' });
  const other = await t.as<{ node: unknown }>('handler@viettel.test', `query($id: ID!) { node(id: $id) { id } }`, { id: d.id });
  expect(other.data!.node).toBeNull();
});

test('security review leak 4: no path gives a directive recipient of a confidential incident the incident’s id (history, its events, the live stream)', async () => {
  const { id: incidentId } = await reportIncident<{ id: string }>(
    t,
    'reporter@acme.test',
    {
      title: 'Keep it quiet',
      description: 'd',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      confidential: true,
      scope: 'WIDESPREAD',
    },
    'id',
  );
  const uuid = Buffer.from(incidentId, 'base64url').toString().split(':')[1];
  type Payload = { event: { incidentId: string | null; incident: unknown }; directive: { id: string } | null };
  const stream = subscribePayloads<Payload>(
    t.url,
    await t.token('handler@vnnic.test'),
    `subscription { directiveEvents { event { incidentId incident { id } } directive { id } } }`,
  );
  await new Promise((res) => setTimeout(res, 500));
  const issued = await ok<{ issueDirective: { directive: { id: string; version: number } } }>(
    'handler@vncert.test',
    `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id version } } }`,
    {
      i: {
        incidentId,
        recipient: 'VNNIC',
        action: 'SUSPEND_DOMAIN',
        instructions: 'Suspend it',
        targets: [{ type: 'DOMAIN', value: 'quiet-case.vn' }],
      },
    },
  );
  const d = issued.issueDirective.directive;
  await ok('handler@vnnic.test', `mutation($i: DirectiveActionInput!) { acknowledgeDirective(input: $i) { directive { version } } }`, {
    i: { id: d.id, expectedVersion: d.version },
  });
  const Q = `query($id: ID!) { node(id: $id) { ... on Directive { incident { id } history { id type incidentId changes incident { id } } } } }`;
  type H = {
    node: {
      incident: unknown;
      history: { id: string; type: string; incidentId: string | null; changes: Record<string, unknown>; incident: unknown }[];
    };
  };
  const seen = await t.as<H>('handler@vnnic.test', Q, { id: d.id });
  expect(seen.errors).toBeUndefined();
  expect(seen.data!.node.incident).toBeNull();
  expect(seen.data!.node.history.map((e) => [e.type, e.incidentId, e.incident])).toEqual([
    ['DIRECTIVE_ISSUED', null, null],
    ['DIRECTIVE_ACKNOWLEDGED', null, null],
  ]);
  // Neither the global id nor the raw uuid appears anywhere in what the recipient reads.
  const text = JSON.stringify(seen.data);
  expect(text).not.toContain(incidentId);
  expect(text).not.toContain(uuid);
  await stream.waitFor((p) => p.length >= 2);
  expect(stream.payloads.map((p) => [p.directive?.id, p.event.incidentId, p.event.incident])).toEqual([
    [d.id, null, null],
    [d.id, null, null],
  ]);
  expect(JSON.stringify(stream.payloads)).not.toContain(uuid);
  await stream.dispose();
  // The coordinator, who sees the incident, gets its id in the history.
  const coordinator = await t.as<H>('handler@vncert.test', Q, { id: d.id });
  expect(coordinator.data!.node.history.map((e) => e.incidentId)).toEqual([incidentId, incidentId]);
});
