import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

interface Inc {
  id: string;
  version: number;
  status: string;
  tlp: string;
  accessLevel: string;
}
const INC = 'id version status tlp accessLevel';

function report(email: string, over: Record<string, unknown> = {}): Promise<Inc> {
  return reportIncident(
    t,
    email,
    {
      title: 'Collaboration case',
      description: 'd',
      detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      ...over,
    },
    INC,
  );
}
async function view(email: string, id: string): Promise<string | null> {
  const res = await t.as<{ incident: { accessLevel: string } | null }>(email, `query($id: ID!) { incident(id: $id) { accessLevel } }`, { id });
  return res.data!.incident?.accessLevel ?? null;
}
async function mutate(email: string, name: string, type: string, input: Record<string, unknown>) {
  return t.as<Record<string, { incident: Inc }>>(email, `mutation($i: ${type}!) { ${name}(input: $i) { incident { ${INC} } } }`, { i: input });
}
async function version(email: string, id: string): Promise<number> {
  const res = await t.as<{ incident: { version: number } }>(email, `query($id: ID!) { incident(id: $id) { version } }`, { id });
  return res.data!.incident.version;
}

test('(d) on an AMBER incident, a referral to MPS-A05 gives it the FULL view, and nothing before it did', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT' });
  expect(await view('handler@mps-a05.test', inc.id)).toBeNull();
  // Triage and an internal note change nothing for law enforcement.
  expect(await view('handler@mps-a05.test', inc.id)).toBeNull();
  const noReason = await mutate('handler@vncert.test', 'referIncident', 'ReferIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    organization: 'MPS-A05',
    reason: ' ',
  });
  expect(codes(noReason)).toEqual(['BAD_USER_INPUT']);
  const wrongKind = await mutate('handler@vncert.test', 'referIncident', 'ReferIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    organization: 'FPT',
    reason: 'r',
  });
  expect(codes(wrongKind)).toEqual(['BAD_USER_INPUT']);
  const byIsp = await mutate('handler@vnpt.test', 'referIncident', 'ReferIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    organization: 'MPS-A05',
    reason: 'r',
  });
  expect(codes(byIsp)).toEqual(['FORBIDDEN']);
  const ok = await mutate('handler@vncert.test', 'referIncident', 'ReferIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    organization: 'MPS-A05',
    reason: 'Phishing of bank customers: fraud',
  });
  expect(ok.errors).toBeUndefined();
  expect(await view('handler@mps-a05.test', inc.id)).toBe('FULL');
  // A referral is visible to the coordinator and the referred organization only.
  const roles = async (email: string) => {
    const r = await t.as<{ incident: { participantRoles: { role: string; organization: { code: string } }[] } }>(
      email,
      `query($id: ID!) { incident(id: $id) { participantRoles { role organization { code } } } }`,
      { id: inc.id },
    );
    return r.data!.incident.participantRoles.map((p) => `${p.role}:${p.organization.code}`).sort();
  };
  expect(await roles('handler@vncert.test')).toEqual(['HANDLING:VNPT', 'REFERRED:MPS-A05', 'REPORTING:ACME']);
  expect(await roles('handler@vnpt.test')).toEqual(['HANDLING:VNPT', 'REPORTING:ACME']);
  expect(await roles('handler@mps-a05.test')).toEqual(['HANDLING:VNPT', 'REFERRED:MPS-A05', 'REPORTING:ACME']);
  // The referral event is on the coordinator's and MPS-A05's timelines only.
  const types = async (email: string) => {
    const r = await t.as<{ incident: { timeline: { edges: { node: { type: string } }[] } } }>(
      email,
      `query($id: ID!) { incident(id: $id) { timeline(first: 50) { edges { node { type } } } } }`,
      { id: inc.id },
    );
    return r.data!.incident.timeline.edges.map((e) => e.node.type);
  };
  expect(await types('handler@vncert.test')).toEqual(['REPORTED', 'REFERRED']);
  expect(await types('handler@mps-a05.test')).toEqual(['REPORTED', 'REFERRED']);
  expect(await types('handler@vnpt.test')).toEqual(['REPORTED']);
  // Unsharing undoes it.
  const v = await version('handler@vncert.test', inc.id);
  const un = await mutate('handler@vncert.test', 'unshareIncident', 'ShareIncidentInput', {
    id: inc.id,
    expectedVersion: v,
    organization: 'MPS-A05',
  });
  expect(un.errors).toBeUndefined();
  expect(await view('handler@mps-a05.test', inc.id)).toBeNull();
});

test('sharing: coordinator only, right kinds, not with a participant; the shared organization gets FULL', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'AMBER' });
  expect(await view('handler@secpartner.test', inc.id)).toBeNull();
  const dup = await mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    organization: 'VNPT',
  });
  expect(codes(dup)).toEqual(['BAD_USER_INPUT']);
  expect(
    codes(
      await mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version,
        organization: 'MPS-A05',
      }),
    ),
  ).toEqual(['BAD_USER_INPUT']);
  expect(
    codes(
      await mutate('handler@vnpt.test', 'shareIncident', 'ShareIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version,
        organization: 'SECPARTNER',
      }),
    ),
  ).toEqual(['FORBIDDEN']);
  expect(
    codes(
      await mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version + 5,
        organization: 'SECPARTNER',
      }),
    ),
  ).toEqual(['CONFLICT']);
  const ok = await mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    organization: 'SECPARTNER',
  });
  expect(ok.errors).toBeUndefined();
  expect(ok.data!.shareIncident.incident.version).toBe(inc.version + 1);
  expect(await view('handler@secpartner.test', inc.id)).toBe('FULL');
  // Sharing does not make the coordinator take part.
  const [row] = await t.sql<{ coordinator_org_id: string | null }>(`select coordinator_org_id from incident where id = $1`, [
    Buffer.from(inc.id, 'base64url').toString().split(':')[1],
  ]);
  expect(row.coordinator_org_id).toBeNull();
  // Sharing again with a participant is BAD_USER_INPUT.
  expect(
    codes(
      await mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version + 1,
        organization: 'SECPARTNER',
      }),
    ),
  ).toEqual(['BAD_USER_INPUT']);
});

test('TLP: the handling organization may only raise it; the coordinator may set any; the view follows', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'GREEN' });
  expect(await view('handler@fpt.test', inc.id)).toBe('SUMMARY');
  const lower = await mutate('handler@vnpt.test', 'setIncidentTlp', 'SetTlpInput', { id: inc.id, expectedVersion: inc.version, tlp: 'CLEAR' });
  expect(codes(lower)).toEqual(['FORBIDDEN']);
  const raise = await mutate('handler@vnpt.test', 'setIncidentTlp', 'SetTlpInput', { id: inc.id, expectedVersion: inc.version, tlp: 'AMBER' });
  expect(raise.data!.setIncidentTlp.incident.tlp).toBe('AMBER');
  expect(await view('handler@fpt.test', inc.id)).toBeNull();
  expect(
    codes(await mutate('reporter@acme.test', 'setIncidentTlp', 'SetTlpInput', { id: inc.id, expectedVersion: inc.version + 1, tlp: 'RED' })),
  ).toEqual(['FORBIDDEN']);
  const back = await mutate('handler@vncert.test', 'setIncidentTlp', 'SetTlpInput', { id: inc.id, expectedVersion: inc.version + 1, tlp: 'CLEAR' });
  expect(back.data!.setIncidentTlp.incident.tlp).toBe('CLEAR');
  expect(await view('handler@fpt.test', inc.id)).toBe('SUMMARY');
  expect(await view('reporter@person-0001.test', inc.id)).toBeNull(); // constituents never see others' incidents
});

test('update and addIndicators: handling organization while open, coordinator always', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT' });
  const up = await mutate('handler@vnpt.test', 'updateIncident', 'UpdateIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    severity: 'CRITICAL',
    serious: true,
    rsitClass: 'fraud',
    rsitType: 'phishing',
  });
  expect(up.errors).toBeUndefined();
  expect(
    codes(await mutate('handler@fpt.test', 'updateIncident', 'UpdateIncidentInput', { id: inc.id, expectedVersion: inc.version + 1, title: 'x' })),
  ).toEqual(['NOT_FOUND']);
  expect(
    codes(await mutate('analyst@vnpt.test', 'updateIncident', 'UpdateIncidentInput', { id: inc.id, expectedVersion: inc.version + 1, title: 'x' })),
  ).toEqual(['FORBIDDEN']);
  expect(
    codes(await mutate('handler@vnpt.test', 'updateIncident', 'UpdateIncidentInput', { id: inc.id, expectedVersion: inc.version, title: 'x' })),
  ).toEqual(['CONFLICT']);
  expect(
    codes(
      await mutate('handler@vnpt.test', 'updateIncident', 'UpdateIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version + 1,
        rsitClass: 'fraud',
        rsitType: 'ddos',
      }),
    ),
  ).toEqual(['BAD_USER_INPUT']);
  const add = await t.as<{ addIndicators: { incident: { version: number; indicators: { value: string }[] } } }>(
    'handler@vnpt.test',
    `mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { incident { version indicators { value } } } }`,
    {
      i: {
        incidentId: inc.id,
        indicators: [
          { type: 'DOMAIN', value: 'new-phish[.]vn' },
          { type: 'IPV4', value: '203.0.113.9' },
        ],
      },
    },
  );
  expect(add.errors).toBeUndefined();
  expect(add.data!.addIndicators.incident.version).toBe(inc.version + 2);
  expect(add.data!.addIndicators.incident.indicators.map((i) => i.value)).toEqual(['new-phish.vn', '203.0.113.9']);
});

test('notes: audiences, who may add, redaction by the author’s organization or the coordinator', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT' });
  const add = (email: string, visibility: string, body: string) =>
    t.as<{ addNote: { note: { id: string; body: string } } }>(email, `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id body } } }`, {
      i: { incidentId: inc.id, body, visibility },
    });
  const internal = await add('handler@vnpt.test', 'INTERNAL', 'VNPT internal');
  const participants = await add('handler@vnpt.test', 'PARTICIPANTS', 'for participants');
  const withReporter = await add('handler@vnpt.test', 'WITH_REPORTER', 'Dear reporter');
  for (const r of [internal, participants, withReporter]) expect(r.errors).toBeUndefined();
  expect(codes(await add('reporter@acme.test', 'INTERNAL', 'x'))).toEqual(['FORBIDDEN']);
  expect(codes(await add('reporter@acme.test', 'PARTICIPANTS', 'x'))).toEqual(['FORBIDDEN']);
  expect((await add('reporter@acme.test', 'WITH_REPORTER', 'Thanks')).errors).toBeUndefined();
  expect(codes(await add('analyst@vnpt.test', 'INTERNAL', 'x'))).toEqual(['FORBIDDEN']);
  expect(codes(await add('handler@fpt.test', 'PARTICIPANTS', 'x'))).toEqual(['NOT_FOUND']);
  const bodies = async (email: string) => {
    const r = await t.as<{ incident: { notes: { edges: { node: { body: string } }[] } } }>(
      email,
      `query($id: ID!) { incident(id: $id) { notes(first: 50) { edges { node { body } } } } }`,
      { id: inc.id },
    );
    return r.data!.incident.notes.edges.map((e) => e.node.body);
  };
  expect(await bodies('handler@vnpt.test')).toEqual(['VNPT internal', 'for participants', 'Dear reporter', 'Thanks']);
  expect(await bodies('handler@vncert.test')).toEqual(['for participants', 'Dear reporter', 'Thanks']); // not VNPT's internal note
  expect(await bodies('reporter@acme.test')).toEqual(['Dear reporter', 'Thanks']);
  // Redaction: the reporter may not redact VNPT's note; VNCERT may.
  const redact = (email: string, id: string) =>
    t.as<{ redactNote: { note: { body: string; redacted: boolean } } }>(
      email,
      `mutation($i: RedactNoteInput!) { redactNote(input: $i) { note { body redacted } } }`,
      { i: { id, reason: 'personal data' } },
    );
  expect(codes(await redact('reporter@acme.test', withReporter.data!.addNote.note.id))).toEqual(['FORBIDDEN']);
  expect(codes(await redact('handler@vncert.test', internal.data!.addNote.note.id))).toEqual(['NOT_FOUND']); // it cannot see VNPT's internal note
  const r = await redact('handler@vncert.test', withReporter.data!.addNote.note.id);
  expect(r.data!.redactNote.note).toEqual({ body: '[redacted]', redacted: true });
  expect(await bodies('reporter@acme.test')).toEqual(['[redacted]', 'Thanks']);
  const [stored] = await t.sql<{ body: string }>(`select body from note where body like 'Dear%'`);
  expect(stored).toBeUndefined(); // the original body is gone from the database
});

test('timeline: a SUMMARY viewer sees REPORTED and status changes without actor accounts or reasons', async () => {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'GREEN' });
  await mutate('handler@vnpt.test', 'escalateIncident', 'EscalateIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    reason: 'secret capacity problem',
  });
  await t.as('handler@vnpt.test', `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
    i: { incidentId: inc.id, body: 'n', visibility: 'PARTICIPANTS' },
  });
  const tl = async (email: string) => {
    const r = await t.as<{
      incident: {
        timeline: {
          edges: {
            node: { type: string; changes: Record<string, unknown>; actorAccountEmail: string | null; actorOrganization: { code: string } | null };
          }[];
        };
      };
    }>(
      email,
      `query($id: ID!) { incident(id: $id) { timeline(first: 50) { edges { node { type changes actorAccountEmail actorOrganization { code } } } } } }`,
      { id: inc.id },
    );
    return r.data!.incident.timeline.edges.map((e) => e.node);
  };
  const summary = await tl('handler@fpt.test');
  expect(summary.map((e) => e.type)).toEqual(['REPORTED', 'ESCALATED']);
  expect(summary[1].changes).toEqual({ from: 'REPORTED', to: 'ESCALATED' });
  expect(summary.every((e) => e.actorAccountEmail === null)).toBe(true);
  const full = await tl('handler@vnpt.test');
  expect(full.map((e) => e.type)).toEqual(['REPORTED', 'ESCALATED', 'NOTE_ADDED']);
  expect(full[1].changes).toEqual({ from: 'REPORTED', to: 'ESCALATED', reason: 'secret capacity problem' });
  expect(full[1].actorAccountEmail).toBe('handler@vnpt.test');
  expect(full[0].actorAccountEmail).toBeNull(); // ACME's account is not VNPT's to see
  const coordinator = await tl('handler@vncert.test');
  expect(coordinator[0].actorAccountEmail).toBe('reporter@acme.test');
  const reporter = await tl('reporter@acme.test');
  expect(reporter.map((e) => e.type)).toEqual(['REPORTED', 'ESCALATED']);
  expect(reporter[1].changes).toEqual({ from: 'REPORTED', to: 'ESCALATED' });
});
