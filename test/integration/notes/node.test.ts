/**
 * Note implements Node, so node(id) reads a note back (DESIGN.md §4, Relay), under the same audience
 * rule as Incident.notes (§2 visibility, §3): a note outside your audience reads like a missing one.
 */
import { startTestHub, type TestHub } from '../../harness/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

test('node(id) returns a note to its audience only, like Incident.notes', async () => {
  const reported = await t.as<{ reportIncident: { incident: { id: string } } }>(
    'reporter@acme.test',
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id } } }`,
    {
      i: {
        title: 'Node note case',
        description: 'd',
        detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        reportTo: 'VNPT',
      },
    },
  );
  expect(reported.errors).toBeUndefined();
  const incidentId = reported.data!.reportIncident.incident.id;
  const add = async (visibility: string, body: string) => {
    const r = await t.as<{ addNote: { note: { id: string } } }>(
      'handler@vnpt.test',
      `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`,
      { i: { incidentId, body, visibility } },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.addNote.note.id;
  };
  const internal = await add('INTERNAL', 'internal to VNPT');
  const withReporter = await add('WITH_REPORTER', 'for the reporter');
  const node = async (email: string, id: string) => {
    const r = await t.as<{ node: { __typename: string; id: string; body: string } | null }>(
      email,
      `query($id: ID!) { node(id: $id) { __typename id ... on Note { body } } }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.node;
  };
  expect(await node('handler@vnpt.test', internal)).toEqual({ __typename: 'Note', id: internal, body: 'internal to VNPT' });
  expect(await node('handler@vnpt.test', withReporter)).toEqual({ __typename: 'Note', id: withReporter, body: 'for the reporter' });
  expect(await node('reporter@acme.test', withReporter)).toEqual({ __typename: 'Note', id: withReporter, body: 'for the reporter' });
  // Outside the audience, or without a view of the incident: null, like a missing note.
  expect(await node('reporter@acme.test', internal)).toBeNull();
  expect(await node('handler@vncert.test', internal)).toBeNull();
  expect(await node('handler@fpt.test', withReporter)).toBeNull();
});
