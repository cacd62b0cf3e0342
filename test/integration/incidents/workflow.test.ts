import { startTestHub, codes, type TestHub, type GqlResult } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const FIELDS = `id reference status version handler { code } coordinator { code } escalationReason rejectionReason resolutionSummary
  finalReport { result estimatedDamage reference } finalReportDueAt classification { rsitClass rsitType nationalCategory } severity
  viewerCan { triage startResponse escalate coordinate return reject withdraw reopen resolve close submitFinalReport update addIndicators }`;
interface Inc {
  id: string;
  reference: string;
  status: string;
  version: number;
  handler: { code: string };
  coordinator: { code: string } | null;
  escalationReason: string | null;
  rejectionReason: string | null;
  resolutionSummary: string | null;
  finalReport: { result: string; estimatedDamage: string | null; reference: string } | null;
  finalReportDueAt: string | null;
  classification: { rsitClass: string; rsitType: string; nationalCategory: string } | null;
  severity: string | null;
  viewerCan: Record<string, boolean>;
}

function report(email: string, over: Record<string, unknown> = {}): Promise<Inc> {
  return reportIncident(
    t,
    email,
    {
      title: 'Workflow case',
      description: 'd',
      detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      ...over,
    },
    FIELDS,
  );
}

async function move(email: string, mutation: string, input: Record<string, unknown>): Promise<GqlResult<Record<string, { incident: Inc }>>> {
  const type = {
    triageIncident: 'TriageIncidentInput',
    startResponse: 'IncidentActionInput',
    escalateIncident: 'EscalateIncidentInput',
    coordinateIncident: 'IncidentActionInput',
    returnIncident: 'EscalateIncidentInput',
    rejectIncident: 'RejectIncidentInput',
    withdrawReport: 'EscalateIncidentInput',
    reopenIncident: 'IncidentActionInput',
    resolveIncident: 'ResolveIncidentInput',
    submitFinalReport: 'FinalReportInput',
    closeIncident: 'IncidentActionInput',
  }[mutation];
  return t.as(email, `mutation($i: ${type}!) { ${mutation}(input: $i) { incident { ${FIELDS} } } }`, { i: input });
}

async function ok(email: string, mutation: string, input: Record<string, unknown>): Promise<Inc> {
  const res = await move(email, mutation, input);
  expect(res.errors).toBeUndefined();
  return res.data![mutation].incident;
}

async function read(email: string, id: string): Promise<Inc | null> {
  const res = await t.as<{ incident: Inc | null }>(email, `query($id: ID!) { incident(id: $id) { ${FIELDS} } }`, { id });
  return res.data!.incident;
}

async function snapshot(id: string) {
  return t.sql(
    `select status, version, updated_at, (select count(*) from incident_event e where e.incident_id = i.id)::int as events
    from incident i where id = (select id from incident where reference = (select reference from incident where id = $1))`,
    [id.length === 36 ? id : Buffer.from(id, 'base64url').toString().split(':')[1]],
  );
}

test('(a) a citizen reports to its ISP, which triages, responds, resolves, files the final report and closes', async () => {
  let inc = await report('reporter@person-0001.test', { reportTo: 'VNPT' });
  expect(inc.handler.code).toBe('VNPT');
  const h = 'handler@vnpt.test';
  expect((await read(h, inc.id))!.viewerCan).toMatchObject({ triage: true, escalate: true, reject: true, resolve: false, coordinate: false });
  inc = await ok(h, 'triageIncident', { id: inc.id, expectedVersion: inc.version, severity: 'MEDIUM', rsitClass: 'fraud', rsitType: 'phishing' });
  expect(inc.status).toBe('TRIAGED');
  expect(inc.classification).toEqual({ rsitClass: 'fraud', rsitType: 'phishing', nationalCategory: 'SPOOFING' });
  inc = await ok(h, 'startResponse', { id: inc.id, expectedVersion: inc.version });
  expect(inc.status).toBe('RESPONDING');
  inc = await ok(h, 'resolveIncident', { id: inc.id, expectedVersion: inc.version, summary: 'Site taken down by the host' });
  expect(inc.status).toBe('RESOLVED');
  expect(new Date(inc.finalReportDueAt!).getTime() - t.clock.now().getTime()).toBeGreaterThan(119 * 3_600_000);
  const early = await move(h, 'closeIncident', { id: inc.id, expectedVersion: inc.version });
  expect(codes(early)).toEqual(['INVALID_TRANSITION']);
  expect(early.errors![0].extensions).toMatchObject({ reason: 'FINAL_REPORT_MISSING' });
  inc = await ok(h, 'submitFinalReport', {
    id: inc.id,
    expectedVersion: inc.version,
    result: 'Phishing page removed',
    remediation: 'Host suspended the account',
    prevention: 'Awareness SMS',
    estimatedDamage: 'none known',
  });
  expect(inc.finalReport).toEqual({ result: 'Phishing page removed', estimatedDamage: 'none known', reference: inc.reference });
  expect(inc.viewerCan.close).toBe(true);
  inc = await ok(h, 'closeIncident', { id: inc.id, expectedVersion: inc.version });
  expect(inc.status).toBe('CLOSED');
  expect(inc.coordinator).toBeNull(); // VNCERT never took part

  // The citizen sees the outcome in its REPORTER view: status and resolution summary, not the final report.
  const mine = await t.as<{ incident: { status: string; resolutionSummary: string; finalReport: unknown; severity: unknown } }>(
    'reporter@person-0001.test',
    `query($id: ID!) { incident(id: $id) { status resolutionSummary finalReport { result } severity } }`,
    { id: inc.id },
  );
  expect(mine.data!.incident).toEqual({ status: 'CLOSED', resolutionSummary: 'Site taken down by the host', finalReport: null, severity: null });
});

test('(c) a WIDESPREAD report goes straight to VNCERT, which owns it', async () => {
  let inc = await report('reporter@acme.test', { scope: 'WIDESPREAD' });
  expect(inc.handler.code).toBe('VNCERT');
  expect(inc.coordinator).toBeNull(); // the reporter's view does not show the coordinator
  const c = 'handler@vncert.test';
  expect((await read(c, inc.id))!.coordinator?.code).toBe('VNCERT');
  inc = await ok(c, 'coordinateIncident', { id: inc.id, expectedVersion: inc.version });
  expect(inc.status).toBe('COORDINATING');
  inc = await ok(c, 'resolveIncident', { id: inc.id, expectedVersion: inc.version, summary: 'Mitigated nationally' });
  inc = await ok(c, 'reopenIncident', { id: inc.id, expectedVersion: inc.version });
  expect(inc.status).toBe('COORDINATING');
});

test('(e) VNCERT returns an escalation to the ISP, which then owns it again', async () => {
  let inc = await report('reporter@acme.test', { reportTo: 'FPT' });
  const isp = 'handler@fpt.test';
  inc = await ok(isp, 'escalateIncident', { id: inc.id, expectedVersion: inc.version, reason: 'Beyond our capacity: attack from abroad' });
  expect(inc.status).toBe('ESCALATED');
  expect(inc.handler.code).toBe('FPT'); // escalation never changes the handling organization
  expect(inc.coordinator?.code).toBe('VNCERT');
  expect((await read('handler@vncert.test', inc.id))!.viewerCan).toMatchObject({ return: true, coordinate: true, reject: true, resolve: false });
  const noReason = await move('handler@vncert.test', 'returnIncident', { id: inc.id, expectedVersion: inc.version, reason: '  ' });
  expect(codes(noReason)).toEqual(['BAD_USER_INPUT']);
  inc = await ok('handler@vncert.test', 'returnIncident', { id: inc.id, expectedVersion: inc.version, reason: 'Local mitigation suffices' });
  expect(inc.status).toBe('RESPONDING');
  expect(inc.coordinator?.code).toBe('VNCERT'); // set for good
  // The ISP is the owner again: it resolves; VNCERT may not.
  expect(codes(await move('handler@vncert.test', 'resolveIncident', { id: inc.id, expectedVersion: inc.version, summary: 'x' }))).toEqual([
    'FORBIDDEN',
  ]);
  inc = await ok(isp, 'resolveIncident', { id: inc.id, expectedVersion: inc.version, summary: 'Blocked at the edge' });
  expect(inc.status).toBe('RESOLVED');
});

test('once VNCERT coordinated, only VNCERT resolves, reopens and closes; the ISP still files the final report', async () => {
  let inc = await report('reporter@acme.test', { reportTo: 'VIETTEL' });
  inc = await ok('handler@viettel.test', 'escalateIncident', { id: inc.id, expectedVersion: inc.version, reason: 'Too big' });
  inc = await ok('handler@vncert.test', 'coordinateIncident', { id: inc.id, expectedVersion: inc.version });
  expect(codes(await move('handler@viettel.test', 'resolveIncident', { id: inc.id, expectedVersion: inc.version, summary: 'x' }))).toEqual([
    'FORBIDDEN',
  ]);
  inc = await ok('handler@vncert.test', 'resolveIncident', { id: inc.id, expectedVersion: inc.version, summary: 'done' });
  inc = await ok('handler@viettel.test', 'submitFinalReport', {
    id: inc.id,
    expectedVersion: inc.version,
    result: 'r',
    remediation: 'm',
    prevention: 'p',
  });
  expect(codes(await move('handler@viettel.test', 'closeIncident', { id: inc.id, expectedVersion: inc.version }))).toEqual(['FORBIDDEN']);
  inc = await ok('handler@vncert.test', 'closeIncident', { id: inc.id, expectedVersion: inc.version });
  expect(inc.status).toBe('CLOSED');
});

test('withdraw, reject as duplicate, and the coordinator reopening a wrong rejection', async () => {
  const first = await report('reporter@acme.test', { reportTo: 'VNPT' });
  let dup = await report('reporter@acme.test', { reportTo: 'VNPT' });
  dup = await ok('handler@vnpt.test', 'rejectIncident', { id: dup.id, expectedVersion: dup.version, reason: 'Same site', duplicateOf: first.id });
  expect(dup.status).toBe('REJECTED');
  // VNPT may reopen in some state (RESOLVED, as owner), so this is a wrong state, not a forbidden move.
  expect(codes(await move('handler@vnpt.test', 'reopenIncident', { id: dup.id, expectedVersion: dup.version }))).toEqual(['INVALID_TRANSITION']);
  expect(codes(await move('analyst@vncert.test', 'reopenIncident', { id: dup.id, expectedVersion: dup.version }))).toEqual(['FORBIDDEN']);
  dup = await ok('handler@vncert.test', 'reopenIncident', { id: dup.id, expectedVersion: dup.version });
  expect(dup.status).toBe('REPORTED');
  const w = await ok('reporter@acme.test', 'withdrawReport', { id: dup.id, expectedVersion: dup.version, reason: 'Reported twice by mistake' });
  expect(w.status).toBe('REJECTED');
  // duplicateOf must be visible to the actor: FPT cannot point at VNPT's AMBER incident.
  const fptCase = await report('reporter@acme.test', { reportTo: 'FPT' });
  const bad = await move('handler@fpt.test', 'rejectIncident', {
    id: fptCase.id,
    expectedVersion: fptCase.version,
    reason: 'dup',
    duplicateOf: first.id,
  });
  expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
});

describe('error precedence and illegal moves change nothing', () => {
  test('invisible → NOT_FOUND, same text as a missing id; analyst → FORBIDDEN; stale → CONFLICT; wrong state → INVALID_TRANSITION with allowed', async () => {
    const inc = await report('reporter@acme.test', { reportTo: 'VNPT' });
    const before = await snapshot(inc.id);
    const invisible = await move('handler@fpt.test', 'triageIncident', { id: inc.id, expectedVersion: 1, severity: 'LOW', rsitClass: 'fraud' });
    const missing = await move('handler@fpt.test', 'triageIncident', {
      id: Buffer.from('Incident:00000000-0000-4000-8000-000000000000').toString('base64url'),
      expectedVersion: 1,
      severity: 'LOW',
      rsitClass: 'fraud',
    });
    const garbage = await move('handler@fpt.test', 'triageIncident', { id: 'garbage', expectedVersion: 1, severity: 'LOW', rsitClass: 'fraud' });
    expect(codes(invisible)).toEqual(['NOT_FOUND']);
    expect(invisible.errors![0].message).toBe(missing.errors![0].message);
    expect(garbage.errors![0].message).toBe(missing.errors![0].message);
    // Bad input wins over NOT_FOUND.
    expect(codes(await move('handler@fpt.test', 'triageIncident', { id: inc.id, expectedVersion: 1, severity: 'LOW', rsitClass: 'nope' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await move('analyst@vnpt.test', 'triageIncident', { id: inc.id, expectedVersion: 1, severity: 'LOW', rsitClass: 'fraud' }))).toEqual(
      ['FORBIDDEN'],
    );
    // FORBIDDEN wins over CONFLICT; CONFLICT over INVALID_TRANSITION.
    expect(
      codes(await move('analyst@vnpt.test', 'triageIncident', { id: inc.id, expectedVersion: 99, severity: 'LOW', rsitClass: 'fraud' })),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await move('handler@vnpt.test', 'closeIncident', { id: inc.id, expectedVersion: 99 }))).toEqual(['CONFLICT']);
    const wrong = await move('handler@vnpt.test', 'closeIncident', { id: inc.id, expectedVersion: inc.version });
    expect(codes(wrong)).toEqual(['INVALID_TRANSITION']);
    expect((wrong.errors![0].extensions!.allowed as string[]).sort()).toEqual(['ESCALATE', 'REJECT', 'TRIAGE']);
    expect(await snapshot(inc.id)).toEqual(before);
  });
  // The exhaustive list of illegal moves is in illegal-transitions.test.ts.
});

test('(g) two concurrent updates with the same version, interleaved inside the database: one wins, the other is CONFLICT', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT' });
  const id = Buffer.from(inc.id, 'base64url').toString().split(':')[1];
  // Hold the row lock from outside so both requests queue up inside the database with the same version.
  const pg = await import('pg');
  const blocker = new pg.Client({ connectionString: t.databaseUrl });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('select 1 from incident where id = $1 for update', [id]);
  const input = { id: inc.id, expectedVersion: inc.version, severity: 'HIGH', rsitClass: 'fraud', rsitType: 'phishing' };
  const a = move('handler@vnpt.test', 'triageIncident', input);
  const b = move('handler@vncert.test', 'triageIncident', input);
  // Both are now waiting on the lock (visible in pg_locks as ungranted).
  for (let i = 0; i < 100; i++) {
    const [{ n }] = await t.sql<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (n >= 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await blocker.query('commit');
  await blocker.end();
  const results = await Promise.all([a, b]);
  expect(results.map((r) => codes(r)[0] ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
  const [{ version, events }] = await t.sql<{ version: number; events: number }>(
    `select version, (select count(*)::int from incident_event e where e.incident_id = i.id and e.type = 'TRIAGED') as events from incident i where id = $1`,
    [id],
  );
  expect(version).toBe(inc.version + 1);
  expect(events).toBe(1);
});
