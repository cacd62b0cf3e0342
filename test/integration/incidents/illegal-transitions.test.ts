import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

/**
 * Every move of DESIGN.md §2's incident table from every state where the table does not allow it,
 * tried by an actor who may make that move in some other state: INVALID_TRANSITION, nothing changed.
 */
const STATES = ['REPORTED', 'TRIAGED', 'RESPONDING', 'ESCALATED', 'COORDINATING', 'RESOLVED', 'CLOSED', 'REJECTED'] as const;
type State = (typeof STATES)[number];

// Written by hand from the table in DESIGN.md §2 (the states each move may start from).
const LEGAL_FROM: Record<string, State[]> = {
  triageIncident: ['REPORTED'],
  startResponse: ['TRIAGED'],
  escalateIncident: ['REPORTED', 'TRIAGED', 'RESPONDING'],
  coordinateIncident: ['ESCALATED', 'REPORTED', 'TRIAGED', 'RESPONDING'],
  returnIncident: ['ESCALATED'],
  rejectIncident: ['REPORTED', 'TRIAGED', 'ESCALATED'],
  withdrawReport: ['REPORTED'],
  reopenIncident: ['REJECTED', 'RESOLVED'],
  resolveIncident: ['RESPONDING', 'COORDINATING'],
  closeIncident: ['RESOLVED'],
};
// Who tries each move: someone the table lets make it in some state (the owner for owner moves).
const ACTOR: Record<string, string> = {
  triageIncident: 'handler@vnpt.test',
  startResponse: 'handler@vnpt.test',
  escalateIncident: 'handler@vnpt.test',
  coordinateIncident: 'handler@vncert.test',
  returnIncident: 'handler@vncert.test',
  rejectIncident: 'handler@vncert.test',
  withdrawReport: 'reporter@acme.test',
  reopenIncident: 'handler@vncert.test',
  resolveIncident: 'handler@vnpt.test',
  closeIncident: 'handler@vnpt.test',
};
const INPUT: Record<string, [string, Record<string, unknown>]> = {
  triageIncident: ['TriageIncidentInput', { severity: 'LOW', rsitClass: 'fraud', rsitType: 'phishing' }],
  startResponse: ['IncidentActionInput', {}],
  escalateIncident: ['EscalateIncidentInput', { reason: 'r' }],
  coordinateIncident: ['IncidentActionInput', {}],
  returnIncident: ['EscalateIncidentInput', { reason: 'r' }],
  rejectIncident: ['RejectIncidentInput', { reason: 'r' }],
  withdrawReport: ['EscalateIncidentInput', { reason: 'r' }],
  reopenIncident: ['IncidentActionInput', {}],
  resolveIncident: ['ResolveIncidentInput', { summary: 's' }],
  closeIncident: ['IncidentActionInput', {}],
};
// How to reach each state, starting from a report by ACME to VNPT (VNPT owns it, except COORDINATING).
const PATH: Record<State, string[]> = {
  REPORTED: [],
  TRIAGED: ['triageIncident'],
  RESPONDING: ['triageIncident', 'startResponse'],
  ESCALATED: ['escalateIncident'],
  COORDINATING: ['coordinateIncident'],
  RESOLVED: ['triageIncident', 'startResponse', 'resolveIncident'],
  CLOSED: ['triageIncident', 'startResponse', 'resolveIncident', 'submitFinalReport', 'closeIncident'],
  REJECTED: ['rejectIncident'],
};

const CASES: [string, State][] = Object.keys(LEGAL_FROM).flatMap((m) =>
  STATES.filter((s) => !LEGAL_FROM[m].includes(s)).map((s) => [m, s] as [string, State]),
);

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

async function run(email: string, mutation: string, id: string, version: number) {
  const [type, extra] = mutation === 'submitFinalReport' ? ['FinalReportInput', { result: 'r', remediation: 'm', prevention: 'p' }] : INPUT[mutation];
  return t.as<Record<string, { incident: { version: number; status: string } }>>(
    email,
    `mutation($i: ${type}!) { ${mutation}(input: $i) { incident { version status } } }`,
    { i: { id, expectedVersion: version, ...extra } },
  );
}

test(`the table leaves ${CASES.length} illegal (move, state) pairs`, () => {
  expect(CASES).toHaveLength(61);
});

test.each(CASES)('%s from %s is INVALID_TRANSITION and changes nothing', async (mutation, state) => {
  const reported = await reportIncident<{ id: string; version: number }>(
    t,
    'reporter@acme.test',
    {
      title: `${mutation} from ${state}`,
      description: 'd',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      reportTo: 'VNPT',
    },
    'id version',
  );
  const { id } = reported;
  let version = reported.version;
  for (const step of PATH[state]) {
    const actor = step === 'coordinateIncident' || step === 'rejectIncident' ? 'handler@vncert.test' : 'handler@vnpt.test';
    const res = await run(actor, step, id, version);
    expect(res.errors).toBeUndefined();
    version = res.data![step].incident.version;
    expect(res.data![step].incident.status).toBeDefined();
  }
  const uuid = Buffer.from(id, 'base64url').toString().split(':')[1];
  const snapshot = async () =>
    t.sql(
      `select status, version, updated_at, (select count(*)::int from incident_event where incident_id = $1) as events from incident where id = $1`,
      [uuid],
    );
  const before = await snapshot();
  expect(before[0].status).toBe(state);
  // After coordinating, VNCERT owns the incident: owner moves are tried by it there.
  const owner = ['resolveIncident', 'closeIncident'].includes(mutation) && state === 'COORDINATING';
  const res = await run(owner ? 'handler@vncert.test' : ACTOR[mutation], mutation, id, version);
  expect(codes(res)).toEqual(['INVALID_TRANSITION']);
  expect(Array.isArray(res.errors![0].extensions!.allowed)).toBe(true);
  expect(await snapshot()).toEqual(before);
});
