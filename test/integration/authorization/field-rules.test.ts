/**
 * DESIGN.md §3 rules that no other test proved (the "Gaps" of the §3 rule survey): field rules on
 * `duplicateOf`, note authors and redaction, masked "what changed" payloads, API keys acting, the
 * registry feed's tombstone after unsharing, and sharing or referring to an inactive organization.
 * Every expected value is written by hand from DESIGN.md §2–§4; nothing is computed by src/auth.
 */
import { startTestHub, codes, type TestHub, type GqlResult } from '../../harness/hub';
import { incidentHelpers } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const { report, mutate, move, version, share, timeline, eventOf } = incidentHelpers(() => t);
const ORG_ADMIN = 'admin@vncert.test';
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

describe('duplicateOf', () => {
  const Q = `query($id: ID!) { incident(id: $id) { accessLevel status rejectionReason duplicateOf { id accessLevel } } }`;
  type Read = { accessLevel: string; status: string; rejectionReason: string | null; duplicateOf: { id: string; accessLevel: string } | null } | null;
  const read = async (email: string, id: string): Promise<Read> => {
    const res = await t.as<{ incident: Read }>(email, Q, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.incident;
  };

  it('§3 field rules: "duplicateOf only to viewers who can see the target" — null to a FULL viewer that cannot see it, and absent from its REJECTED payload', async () => {
    // AMBER pair: the original is visible to VNCERT, VNPT and ACME; SECPARTNER gets FULL of the duplicate only (shared).
    const original = await report('reporter@acme.test', { tlp: 'AMBER', title: 'Original report' });
    const dup = await report('reporter@acme.test', { tlp: 'AMBER', title: 'Same thing again' });
    await share(dup.id, 'SECPARTNER');
    const reason = 'Duplicate of the earlier report';
    await move('handler@vnpt.test', 'rejectIncident', 'RejectIncidentInput', {
      id: dup.id,
      expectedVersion: await version(dup.id),
      reason,
      duplicateOf: original.id,
    });

    expect(await read('handler@vncert.test', dup.id)).toEqual({
      accessLevel: 'FULL',
      status: 'REJECTED',
      rejectionReason: reason,
      duplicateOf: { id: original.id, accessLevel: 'FULL' },
    });
    expect(await read('handler@vnpt.test', dup.id)).toEqual({
      accessLevel: 'FULL',
      status: 'REJECTED',
      rejectionReason: reason,
      duplicateOf: { id: original.id, accessLevel: 'FULL' },
    });
    // SECPARTNER cannot see the target at all…
    expect(await read('handler@secpartner.test', original.id)).toBeNull();
    // …so its FULL view of the duplicate names no target.
    expect(await read('handler@secpartner.test', dup.id)).toEqual({
      accessLevel: 'FULL',
      status: 'REJECTED',
      rejectionReason: reason,
      duplicateOf: null,
    });
    // The REPORTER view (row 3) lists the rejection reason but not duplicateOf.
    expect(await read('reporter@acme.test', dup.id)).toEqual({
      accessLevel: 'REPORTER',
      status: 'REJECTED',
      rejectionReason: reason,
      duplicateOf: null,
    });

    // "An event's what-changed payload is masked by the field rules of the object it describes":
    // the REJECTED event carries the target only to those who may see it.
    expect((await eventOf('handler@vnpt.test', dup.id, 'REJECTED')).changes).toEqual({
      from: 'REPORTED',
      to: 'REJECTED',
      reason,
      duplicateOf: original.id,
    });
    expect((await eventOf('handler@vncert.test', dup.id, 'REJECTED')).changes).toEqual({
      from: 'REPORTED',
      to: 'REJECTED',
      reason,
      duplicateOf: original.id,
    });
    expect((await eventOf('handler@secpartner.test', dup.id, 'REJECTED')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED', reason });
    expect((await eventOf('reporter@acme.test', dup.id, 'REJECTED')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED', reason });
  });

  it('§3 field rules: duplicateOf is shown to a FULL viewer that sees the target in any view (here SUMMARY); a SUMMARY view of the duplicate never shows it', async () => {
    const original = await report('reporter@acme.test', { tlp: 'GREEN', title: 'Green original' });
    const dup = await report('reporter@acme.test', { tlp: 'GREEN', title: 'Green duplicate' });
    await share(dup.id, 'SECPARTNER');
    await move('handler@vnpt.test', 'rejectIncident', 'RejectIncidentInput', {
      id: dup.id,
      expectedVersion: await version(dup.id),
      reason: 'dup',
      duplicateOf: original.id,
    });
    // SECPARTNER sees the GREEN original in its SUMMARY view (row 7): it can see the target.
    expect((await read('handler@secpartner.test', original.id))!.accessLevel).toBe('SUMMARY');
    expect(await read('handler@secpartner.test', dup.id)).toEqual({
      accessLevel: 'FULL',
      status: 'REJECTED',
      rejectionReason: 'dup',
      duplicateOf: { id: original.id, accessLevel: 'SUMMARY' },
    });
    expect((await eventOf('handler@secpartner.test', dup.id, 'REJECTED')).changes).toEqual({
      from: 'REPORTED',
      to: 'REJECTED',
      reason: 'dup',
      duplicateOf: original.id,
    });
    // FPT sees both in SUMMARY: that view shows neither the rejection reason nor duplicateOf, nor the event's reason or target.
    expect((await read('handler@fpt.test', original.id))!.accessLevel).toBe('SUMMARY');
    expect(await read('handler@fpt.test', dup.id)).toEqual({ accessLevel: 'SUMMARY', status: 'REJECTED', rejectionReason: null, duplicateOf: null });
    expect((await eventOf('handler@fpt.test', dup.id, 'REJECTED')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED' });
  });
});

describe('notes', () => {
  const NOTES = `query($id: ID!) { incident(id: $id) { notes(first: 50) { edges { node { body authorEmail authorOrganization { code } } } } } }`;
  type NoteNode = { body: string; authorEmail: string | null; authorOrganization: { code: string } | null };
  const notes = async (email: string, id: string): Promise<[string, string | null, string | null][]> => {
    const res = await t.as<{ incident: { notes: { edges: { node: NoteNode }[] } } }>(email, NOTES, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.incident.notes.edges.map(({ node: n }) => [n.body, n.authorEmail, n.authorOrganization?.code ?? null]);
  };
  const addNote = async (email: string, incidentId: string, visibility: string, body: string): Promise<string> => {
    const res = await t.as<{ addNote: { note: { id: string } } }>(email, `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
      i: { incidentId, body, visibility },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.addNote.note.id;
  };

  it('§3 field rules: note author accounts (Note.authorEmail) are shown to the author’s own organization and the coordinator; other viewers see only the organization', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'AMBER' });
    await share(inc.id, 'SECPARTNER');
    await addNote('handler@vnpt.test', inc.id, 'PARTICIPANTS', 'VNPT to participants');
    await addNote('handler@vnpt.test', inc.id, 'WITH_REPORTER', 'VNPT to the reporter');
    await addNote('reporter@acme.test', inc.id, 'WITH_REPORTER', 'ACME replies');
    await addNote('handler@vncert.test', inc.id, 'PARTICIPANTS', 'VNCERT to participants');
    await addNote('handler@secpartner.test', inc.id, 'PARTICIPANTS', 'SECPARTNER findings');

    const coordinatorSees: [string, string | null, string | null][] = [
      ['VNPT to participants', 'handler@vnpt.test', 'VNPT'],
      ['VNPT to the reporter', 'handler@vnpt.test', 'VNPT'],
      ['ACME replies', 'reporter@acme.test', 'ACME'],
      ['VNCERT to participants', 'handler@vncert.test', 'VNCERT'],
      ['SECPARTNER findings', 'handler@secpartner.test', 'SECPARTNER'],
    ];
    expect(await notes('handler@vncert.test', inc.id)).toEqual(coordinatorSees);
    expect(await notes('analyst@vncert.test', inc.id)).toEqual(coordinatorSees);
    const vnptSees: [string, string | null, string | null][] = [
      ['VNPT to participants', 'handler@vnpt.test', 'VNPT'],
      ['VNPT to the reporter', 'handler@vnpt.test', 'VNPT'],
      ['ACME replies', null, 'ACME'],
      ['VNCERT to participants', null, 'VNCERT'],
      ['SECPARTNER findings', null, 'SECPARTNER'],
    ];
    expect(await notes('handler@vnpt.test', inc.id)).toEqual(vnptSees);
    // "Their own organization", not only the author's own account.
    expect(await notes('analyst@vnpt.test', inc.id)).toEqual(vnptSees);
    expect(await notes('handler@secpartner.test', inc.id)).toEqual([
      ['VNPT to participants', null, 'VNPT'],
      ['VNPT to the reporter', null, 'VNPT'],
      ['ACME replies', null, 'ACME'],
      ['VNCERT to participants', null, 'VNCERT'],
      ['SECPARTNER findings', 'handler@secpartner.test', 'SECPARTNER'],
    ]);
    const acmeSees: [string, string | null, string | null][] = [
      ['VNPT to the reporter', null, 'VNPT'],
      ['ACME replies', 'reporter@acme.test', 'ACME'],
    ];
    expect(await notes('reporter@acme.test', inc.id)).toEqual(acmeSees);
    expect(await notes('admin@acme.test', inc.id)).toEqual(acmeSees);
  });

  it('§2/§3 notes: redactNote replaces the body with a tombstone and records why and when (on the note) and who (the NOTE_REDACTED actor, under the actor-account rule)', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'AMBER' });
    const noteId = await addNote('handler@vnpt.test', inc.id, 'WITH_REPORTER', 'Call the victim at 0912 345 678');
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 5_000);
    t.clock.set(at);
    try {
      const res = await t.as<{ redactNote: { note: Record<string, unknown> } }>(
        'handler@vncert.test',
        `mutation($i: RedactNoteInput!) { redactNote(input: $i) { note { body redacted redactedAt redactionReason } } }`,
        { i: { id: noteId, reason: 'Personal data of a third party' } },
      );
      expect(res.errors).toBeUndefined();
    } finally {
      t.clock.set(null);
    }
    const tombstone = {
      body: '[redacted]',
      redacted: true,
      redactedAt: at.toISOString(),
      redactionReason: 'Personal data of a third party',
      authorEmail: null as string | null,
    };
    const read = async (email: string) =>
      (
        await t.as<{ incident: { notes: { edges: { node: typeof tombstone }[] } } }>(
          email,
          `query($id: ID!) { incident(id: $id) { notes(first: 10) { edges { node { body redacted redactedAt redactionReason authorEmail } } } } }`,
          { id: inc.id },
        )
      ).data!.incident.notes.edges.map((e) => e.node);
    // Everyone in the note's audience reads the tombstone, the reason and the time; the author rule still applies.
    expect(await read('handler@vnpt.test')).toEqual([{ ...tombstone, authorEmail: 'handler@vnpt.test' }]);
    expect(await read('handler@vncert.test')).toEqual([{ ...tombstone, authorEmail: 'handler@vnpt.test' }]);
    expect(await read('reporter@acme.test')).toEqual([tombstone]);
    // Who redacted: the NOTE_REDACTED event's actor — the organization for everyone in the audience, the account for its own organization and the coordinator.
    const redacted = async (email: string) => {
      const e = await eventOf(email, inc.id, 'NOTE_REDACTED');
      return { actorOrganization: e.actorOrganization, actorAccountEmail: e.actorAccountEmail };
    };
    expect(await redacted('handler@vncert.test')).toEqual({ actorOrganization: { code: 'VNCERT' }, actorAccountEmail: 'handler@vncert.test' });
    expect(await redacted('handler@vnpt.test')).toEqual({ actorOrganization: { code: 'VNCERT' }, actorAccountEmail: null });
    expect(await redacted('reporter@acme.test')).toEqual({ actorOrganization: { code: 'VNCERT' }, actorAccountEmail: null });
    expect((await eventOf('handler@vnpt.test', inc.id, 'NOTE_REDACTED')).changes).toEqual({ reason: 'Personal data of a third party' });
    // The record itself names the redacting account and organization.
    const [row] = await t.sql<{ by_account: string; by_org: string }>(
      `select a.email as by_account, o.code as by_org from note n
      join account a on a.id = n.redacted_by_account_id join organization o on o.id = n.redacted_by_org_id where n.id = $1`,
      [uuidOf(noteId)],
    );
    expect(row).toEqual({ by_account: 'handler@vncert.test', by_org: 'VNCERT' });
  });
});

describe('masked "what changed" payloads', () => {
  it('§3: rejection reason (REJECTED, WITHDRAWN) reaches FULL and REPORTER, never SUMMARY — on the incident and in the event payload', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'GREEN' });
    const reason = 'Not an incident: a marketing newsletter';
    await move('handler@vnpt.test', 'rejectIncident', 'RejectIncidentInput', { id: inc.id, expectedVersion: inc.version, reason });
    expect((await eventOf('handler@vnpt.test', inc.id, 'REJECTED')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED', reason, duplicateOf: null });
    expect((await eventOf('reporter@acme.test', inc.id, 'REJECTED')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED', reason });
    expect((await eventOf('handler@fpt.test', inc.id, 'REJECTED')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED' });
    const reasonFor = async (email: string) =>
      (
        await t.as<{ incident: { rejectionReason: string | null } }>(email, `query($id: ID!) { incident(id: $id) { rejectionReason } }`, {
          id: inc.id,
        })
      ).data!.incident.rejectionReason;
    expect(await reasonFor('handler@vnpt.test')).toBe(reason);
    expect(await reasonFor('reporter@acme.test')).toBe(reason);
    expect(await reasonFor('handler@fpt.test')).toBeNull();

    // A withdrawal by the reporter: its reason is the rejection reason.
    const withdrawn = await report('reporter@acme.test', { tlp: 'GREEN' });
    await move('reporter@acme.test', 'withdrawReport', 'EscalateIncidentInput', {
      id: withdrawn.id,
      expectedVersion: withdrawn.version,
      reason: 'Sent by mistake',
    });
    expect((await eventOf('handler@vnpt.test', withdrawn.id, 'WITHDRAWN')).changes).toEqual({
      from: 'REPORTED',
      to: 'REJECTED',
      reason: 'Sent by mistake',
    });
    expect((await eventOf('reporter@acme.test', withdrawn.id, 'WITHDRAWN')).changes).toEqual({
      from: 'REPORTED',
      to: 'REJECTED',
      reason: 'Sent by mistake',
    });
    expect((await eventOf('handler@fpt.test', withdrawn.id, 'WITHDRAWN')).changes).toEqual({ from: 'REPORTED', to: 'REJECTED' });
  });

  it('§3: resolution summary reaches FULL and REPORTER, never SUMMARY; severity and classification are not in the REPORTER view, nor in its TRIAGED payload', async () => {
    let inc = await report('reporter@acme.test', { tlp: 'GREEN' });
    inc = await move('handler@vnpt.test', 'triageIncident', 'TriageIncidentInput', {
      id: inc.id,
      expectedVersion: inc.version,
      severity: 'HIGH',
      rsitClass: 'fraud',
      rsitType: 'phishing',
    });
    inc = await move('handler@vnpt.test', 'startResponse', 'IncidentActionInput', { id: inc.id, expectedVersion: inc.version });
    const summary = 'Phishing site taken down by the hosting provider';
    await move('handler@vnpt.test', 'resolveIncident', 'ResolveIncidentInput', { id: inc.id, expectedVersion: inc.version, summary });

    expect((await eventOf('handler@vnpt.test', inc.id, 'RESOLVED')).changes).toEqual({ from: 'RESPONDING', to: 'RESOLVED', summary });
    expect((await eventOf('reporter@acme.test', inc.id, 'RESOLVED')).changes).toEqual({ from: 'RESPONDING', to: 'RESOLVED', summary });
    expect((await eventOf('handler@fpt.test', inc.id, 'RESOLVED')).changes).toEqual({ from: 'RESPONDING', to: 'RESOLVED' });
    const summaryFor = async (email: string) =>
      (
        await t.as<{ incident: { resolutionSummary: string | null; severity: string | null } }>(
          email,
          `query($id: ID!) { incident(id: $id) { resolutionSummary severity } }`,
          { id: inc.id },
        )
      ).data!.incident;
    expect(await summaryFor('handler@vnpt.test')).toEqual({ resolutionSummary: summary, severity: 'HIGH' });
    expect(await summaryFor('reporter@acme.test')).toEqual({ resolutionSummary: summary, severity: null });
    expect(await summaryFor('handler@fpt.test')).toEqual({ resolutionSummary: null, severity: 'HIGH' });

    expect((await eventOf('handler@vnpt.test', inc.id, 'TRIAGED')).changes).toMatchObject({
      from: 'REPORTED',
      to: 'TRIAGED',
      severity: 'HIGH',
      rsitClass: 'fraud',
      rsitType: 'phishing',
    });
    expect((await eventOf('reporter@acme.test', inc.id, 'TRIAGED')).changes).toEqual({ from: 'REPORTED', to: 'TRIAGED' });
  });

  it('§3: a return reason is FULL only (REPORTER and SUMMARY see the status change without it); REPORTED shows SUMMARY viewers only SUMMARY fields', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'GREEN', indicators: [{ type: 'DOMAIN', value: 'returned-case.vn' }] });
    const esc = await move('handler@vnpt.test', 'escalateIncident', 'EscalateIncidentInput', {
      id: inc.id,
      expectedVersion: inc.version,
      reason: 'Need national help',
    });
    await move('handler@vncert.test', 'returnIncident', 'EscalateIncidentInput', {
      id: inc.id,
      expectedVersion: esc.version,
      reason: 'Handle it locally; VNNIC will assist',
    });
    expect((await eventOf('handler@vnpt.test', inc.id, 'RETURNED')).changes).toEqual({
      from: 'ESCALATED',
      to: 'RESPONDING',
      reason: 'Handle it locally; VNNIC will assist',
    });
    expect((await eventOf('reporter@acme.test', inc.id, 'RETURNED')).changes).toEqual({ from: 'ESCALATED', to: 'RESPONDING' });
    expect((await eventOf('handler@fpt.test', inc.id, 'RETURNED')).changes).toEqual({ from: 'ESCALATED', to: 'RESPONDING' });
    // REPORTED: the SUMMARY view shows reference, status and handling organization; not how it was routed, to whom it was addressed, or its indicators.
    expect((await eventOf('handler@fpt.test', inc.id, 'REPORTED')).changes).toEqual({
      reference: inc.reference,
      status: 'REPORTED',
      handler: 'VNPT',
    });
    expect((await eventOf('handler@vnpt.test', inc.id, 'REPORTED')).changes).toMatchObject({
      reference: inc.reference,
      status: 'REPORTED',
      handler: 'VNPT',
      addressee: 'VNPT',
      indicators: 1,
    });
  });
});

const CREATE_KEY = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`;
async function createKey(adminEmail: string, name: string, capabilities: string[]): Promise<{ secret: string; id: string }> {
  const res = await t.as<{ createApiKey: { secret: string; apiKey: { id: string } } }>(adminEmail, CREATE_KEY, { i: { name, capabilities } });
  expect(res.errors).toBeUndefined();
  return { secret: res.data!.createApiKey.secret, id: res.data!.createApiKey.apiKey.id };
}

describe('API keys acting', () => {
  const HISTORY = `query($id: ID!) { node(id: $id) { ... on Directive { status history { type actorAccountEmail actorOrganization { code } } } } }`;
  type History = { status: string; history: { type: string; actorAccountEmail: string | null; actorOrganization: { code: string } | null }[] };

  it('§3 who may act: a key with DIRECTIVE_RESPOND of the recipient acknowledges a directive (a key without it may not); the event records the key as the actor, shown as the organization to others', async () => {
    const responder = await createKey('admin@vnnic.test', 'vnnic-ops', ['DIRECTIVE_RESPOND', 'INCIDENT_READ']);
    const reader = await createKey('admin@vnnic.test', 'vnnic-readonly', ['INCIDENT_READ']);
    const inc = await report('reporter@acme.test', { tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'key-acts.vn' }] });
    const issued = await t.as<{ issueDirective: { directive: { id: string; version: number } } }>(
      'handler@vncert.test',
      `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id version } } }`,
      {
        i: {
          incidentId: inc.id,
          recipient: 'VNNIC',
          action: 'SUSPEND_DOMAIN',
          instructions: 'Suspend the domain',
          targets: [{ type: 'DOMAIN', value: 'key-acts.vn' }],
        },
      },
    );
    expect(issued.errors).toBeUndefined();
    const d = issued.data!.issueDirective.directive;
    const ACK = `mutation($i: DirectiveActionInput!) { acknowledgeDirective(input: $i) { directive { status version } } }`;
    expect(codes(await t.gql(reader.secret, ACK, { i: { id: d.id, expectedVersion: d.version } }))).toEqual(['FORBIDDEN']);
    const ack = await t.gql<{ acknowledgeDirective: { directive: { status: string } } }>(responder.secret, ACK, {
      i: { id: d.id, expectedVersion: d.version },
    });
    expect(ack.errors).toBeUndefined();
    expect(ack.data!.acknowledgeDirective.directive.status).toBe('ACKNOWLEDGED');

    // Timeline events record the key as the actor (§2). The schema has no key field on IncidentEvent:
    // a key actor is shown in actorAccountEmail as "api key: <name>" — to its own organization and the coordinator only.
    const ackEvent = async (auth: string) => {
      const res = await t.gql<{ node: History }>(auth, HISTORY, { id: d.id });
      expect(res.errors).toBeUndefined();
      return res.data!.node.history.find((e) => e.type === 'DIRECTIVE_ACKNOWLEDGED');
    };
    const asKeyOwner = { type: 'DIRECTIVE_ACKNOWLEDGED', actorAccountEmail: 'api key: vnnic-ops', actorOrganization: { code: 'VNNIC' } };
    expect(await ackEvent(await t.token('handler@vncert.test'))).toEqual(asKeyOwner);
    expect(await ackEvent(await t.token('handler@vnnic.test'))).toEqual(asKeyOwner);
    expect(await ackEvent(responder.secret)).toEqual(asKeyOwner);
    // The handling organization sees the directive and its history, but only the acting organization.
    expect(await ackEvent(await t.token('handler@vnpt.test'))).toEqual({
      type: 'DIRECTIVE_ACKNOWLEDGED',
      actorAccountEmail: null,
      actorOrganization: { code: 'VNNIC' },
    });
    const [row] = await t.sql<{ actor_api_key_id: string | null; actor_account_id: string | null }>(
      `select actor_api_key_id, actor_account_id from incident_event where directive_id = $1 and type = 'DIRECTIVE_ACKNOWLEDGED'`,
      [uuidOf(d.id)],
    );
    expect(row).toEqual({ actor_api_key_id: uuidOf(responder.id), actor_account_id: null });
  });

  it('§3 who may act: a handling organization’s key with INCIDENT_HANDLE triages its incident (INCIDENT_READ alone may not); REPORTER and SUMMARY viewers see no actor account', async () => {
    const handlerKey = await createKey('admin@vnpt.test', 'vnpt-ticketing', ['INCIDENT_HANDLE', 'INCIDENT_READ']);
    const readKey = await createKey('admin@vnpt.test', 'vnpt-dashboard', ['INCIDENT_READ']);
    const inc = await report('reporter@acme.test', { tlp: 'GREEN' });
    const TRIAGE = `mutation($i: TriageIncidentInput!) { triageIncident(input: $i) { incident { status } } }`;
    const input = { id: inc.id, expectedVersion: inc.version, severity: 'MEDIUM', rsitClass: 'fraud', rsitType: 'phishing' };
    expect(codes(await t.gql(readKey.secret, TRIAGE, { i: input }))).toEqual(['FORBIDDEN']);
    const ok = await t.gql<{ triageIncident: { incident: { status: string } } }>(handlerKey.secret, TRIAGE, { i: input });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.triageIncident.incident.status).toBe('TRIAGED');
    const actor = async (email: string) => {
      const e = await eventOf(email, inc.id, 'TRIAGED');
      return [e.actorAccountEmail, e.actorOrganization?.code ?? null];
    };
    expect(await actor('handler@vnpt.test')).toEqual(['api key: vnpt-ticketing', 'VNPT']);
    expect(await actor('handler@vncert.test')).toEqual(['api key: vnpt-ticketing', 'VNPT']);
    expect(await actor('reporter@acme.test')).toEqual([null, 'VNPT']);
    expect(await actor('handler@fpt.test')).toEqual([null, 'VNPT']);
  });
});

describe('registry feed', () => {
  interface Case {
    cursor: string;
    removed: boolean;
    incidentId: string;
    incident: { reference: string; accessLevel: string } | null;
    domains: { value: string }[];
  }
  const FEED = `query($a: String, $n: Int) { domainCases(first: $n, after: $a) {
    edges { node { cursor removed incidentId incident { reference accessLevel } domains { value } } } pageInfo { hasNextPage endCursor } } }`;
  /** Every feed entry after `cursor`, in order; returns the new cursor too. */
  async function drain(auth: string, cursor: string | null): Promise<{ cases: Case[]; cursor: string | null }> {
    const cases: Case[] = [];
    for (;;) {
      const res = await t.gql<{ domainCases: { edges: { node: Case }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        auth,
        FEED,
        { a: cursor, n: 50 },
      );
      expect(res.errors).toBeUndefined();
      for (const { node } of res.data!.domainCases.edges) {
        cases.push(node);
        cursor = node.cursor;
      }
      if (!res.data!.domainCases.pageInfo.hasNextPage) return { cases, cursor };
    }
  }

  it('§3 registry feed: a case that leaves the feed because it was unshared appears exactly once more as a tombstone; one that keeps its DOMAIN_FEED view stays', async () => {
    const token = await t.token('handler@vnnic.test');
    let { cursor } = await drain(token, null);
    // RED with a .vn domain: in no view of VNNIC's until shared. AMBER .vn: DOMAIN_FEED (row 6) anyway.
    const red = await report('reporter@acme.test', { tlp: 'RED', indicators: [{ type: 'DOMAIN', value: 'unshared-case.vn' }] });
    const amber = await report('reporter@acme.test', { tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'stays-in-feed.vn' }] });
    let step = await drain(token, cursor);
    cursor = step.cursor;
    expect(step.cases.map((c) => [c.incidentId, c.removed, c.incident?.accessLevel])).toEqual([[amber.id, false, 'DOMAIN_FEED']]);

    await share(red.id, 'VNNIC');
    await share(amber.id, 'VNNIC');
    step = await drain(token, cursor);
    cursor = step.cursor;
    expect(step.cases.map((c) => [c.incidentId, c.removed, c.incident?.accessLevel, c.domains.map((x) => x.value)])).toEqual([
      [red.id, false, 'FULL', ['unshared-case.vn']],
      [amber.id, false, 'FULL', ['stays-in-feed.vn']],
    ]);

    for (const inc of [red, amber]) {
      await move('handler@vncert.test', 'unshareIncident', 'ShareIncidentInput', {
        id: inc.id,
        expectedVersion: await version(inc.id),
        organization: 'VNNIC',
      });
    }
    step = await drain(token, cursor);
    cursor = step.cursor;
    expect(step.cases.map((c) => ({ id: c.incidentId, removed: c.removed, incident: c.incident, domains: c.domains.map((x) => x.value) }))).toEqual([
      { id: red.id, removed: true, incident: null, domains: [] },
      { id: amber.id, removed: false, incident: { reference: amber.reference, accessLevel: 'DOMAIN_FEED' }, domains: ['stays-in-feed.vn'] },
    ]);
    expect((await t.gql<{ incident: unknown }>(token, `query($id: ID!) { incident(id: $id) { id } }`, { id: red.id })).data!.incident).toBeNull();

    // Exactly once: later changes of the removed case bring no second tombstone (nor the case back).
    await move('handler@vnpt.test', 'updateIncident', 'UpdateIncidentInput', {
      id: red.id,
      expectedVersion: await version(red.id),
      title: 'Renamed after unsharing',
    });
    await t.as('handler@vnpt.test', `mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { incident { id } } }`, {
      i: { incidentId: red.id, indicators: [{ type: 'DOMAIN', value: 'another.unshared-case.vn' }] },
    });
    step = await drain(token, cursor);
    expect(step.cases.filter((c) => c.incidentId === red.id)).toEqual([]);
    // A client starting from scratch finds it once, as a tombstone.
    const all = (await drain(token, null)).cases.filter((c) => c.incidentId === red.id);
    expect(all.map((c) => c.removed)).toEqual([true]);
  });
});

describe('sharing and referring', () => {
  const ORG = `mutation($i: OrganizationInput!) { createOrganization(input: $i) { organization { code active } } }`;
  const UPDATE = `mutation($i: OrganizationInput!) { updateOrganization(input: $i) { organization { code active } } }`;
  const failure = (res: GqlResult) => res.errors?.map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }));

  it('§3 who may act: sharing with or referring to an inactive organization is BAD_USER_INPUT on input.organization, judged before NOT_FOUND and CONFLICT; nothing changes', async () => {
    for (const [code, kind] of [
      ['RETIRED-ISP', 'ISP'],
      ['MPS-RETIRED', 'LAW_ENFORCEMENT'],
    ]) {
      const created = await t.as(ORG_ADMIN, ORG, { i: { code, name: `${code} (closed)`, kind } });
      expect(created.errors).toBeUndefined();
      const off = await t.as<{ updateOrganization: { organization: { active: boolean } } }>(ORG_ADMIN, UPDATE, { i: { code, active: false } });
      expect(off.data!.updateOrganization.organization.active).toBe(false);
    }
    const inc = await report('reporter@acme.test', { tlp: 'AMBER' });
    const shareTo = (input: Record<string, unknown>) =>
      mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version,
        organization: 'RETIRED-ISP',
        ...input,
      });
    const referTo = (input: Record<string, unknown>) =>
      mutate('handler@vncert.test', 'referIncident', 'ReferIncidentInput', {
        id: inc.id,
        expectedVersion: inc.version,
        organization: 'MPS-RETIRED',
        reason: 'Fraud',
        ...input,
      });
    const refused = [{ code: 'BAD_USER_INPUT', field: 'input.organization' }];
    expect(failure(await shareTo({}))).toEqual(refused);
    expect(failure(await referTo({}))).toEqual(refused);
    // It can be judged without the target: before NOT_FOUND (a missing incident) and before CONFLICT (a stale version).
    const missing = Buffer.from('Incident:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(failure(await shareTo({ id: missing }))).toEqual(refused);
    expect(failure(await referTo({ id: missing }))).toEqual(refused);
    expect(failure(await shareTo({ expectedVersion: inc.version + 7 }))).toEqual(refused);
    // Nothing changed.
    const after = await t.as<{ incident: { version: number; participants: { code: string }[] } }>(
      'handler@vncert.test',
      `query($id: ID!) { incident(id: $id) { version participants { code } } }`,
      { id: inc.id },
    );
    expect(after.data!.incident.version).toBe(inc.version);
    expect(after.data!.incident.participants.map((p) => p.code).sort()).toEqual(['ACME', 'VNPT']);
    // Reactivated, the same organizations may be shared with and referred to.
    for (const code of ['RETIRED-ISP', 'MPS-RETIRED']) expect((await t.as(ORG_ADMIN, UPDATE, { i: { code, active: true } })).errors).toBeUndefined();
    const shared = await move('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', {
      id: inc.id,
      expectedVersion: inc.version,
      organization: 'RETIRED-ISP',
    });
    await move('handler@vncert.test', 'referIncident', 'ReferIncidentInput', {
      id: inc.id,
      expectedVersion: shared.version,
      organization: 'MPS-RETIRED',
      reason: 'Fraud',
    });
  });
});

/**
 * The outside security review (leaks 1, 2 and 6), written from its text and DESIGN.md §3:
 * a person is visible only to itself, the coordinator and the handling organization — on every path,
 * including event actors; an event's payload is masked by the rules of the object it describes, and
 * raw database ids never appear in payloads; the REPORTER view shows the indicators of its report.
 */
describe('security review: identities in events, participants in payloads, the reporter’s own indicators', () => {
  const actorsOf = async (email: string, id: string) =>
    (await timeline(email, id))
      .filter((e) => e.type === 'REPORTED' || e.type === 'NOTE_ADDED')
      .map((e) => `${e.type}:${e.actorOrganization?.code ?? '-'}`);
  const addNote = (email: string, incidentId: string, visibility: string, body: string) =>
    t.as(email, `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, { i: { incidentId, visibility, body } });

  it('leak 1: a person’s organization is no event actor for an organization the incident is shared with; the coordinator, the handler and the person see it', async () => {
    const inc = await report('reporter@person-0001.test', { tlp: 'AMBER', title: 'A person’s report' });
    expect((await addNote('reporter@person-0001.test', inc.id, 'WITH_REPORTER', 'More details from me')).errors).toBeUndefined();
    await share(inc.id, 'MIC');
    expect(await actorsOf('analyst@mic.test', inc.id)).toEqual(['REPORTED:-', 'NOTE_ADDED:-']);
    expect(await actorsOf('handler@vncert.test', inc.id)).toEqual(['REPORTED:PERSON-0001', 'NOTE_ADDED:PERSON-0001']);
    expect(await actorsOf('handler@vnpt.test', inc.id)).toEqual(['REPORTED:PERSON-0001', 'NOTE_ADDED:PERSON-0001']);
    expect(await actorsOf('reporter@person-0001.test', inc.id)).toEqual(['REPORTED:PERSON-0001', 'NOTE_ADDED:PERSON-0001']);
    // A company reporting is shown to FULL viewers (it is visible as reportingOrganization to them, §2).
    const company = await report('reporter@acme.test', { tlp: 'AMBER', title: 'A company’s report' });
    await share(company.id, 'MIC');
    expect(await actorsOf('analyst@mic.test', company.id)).toEqual(['REPORTED:ACME']);
  });

  it('leak 2: a SHARED event names another shared organization only to those who see it among the participants; no raw ids in any payload', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'AMBER', title: 'Shared twice' });
    await share(inc.id, 'MIC');
    await share(inc.id, 'FPT');
    const shared = async (email: string) => (await timeline(email, inc.id)).filter((e) => e.type === 'SHARED').map((e) => e.changes);
    expect(await shared('analyst@mic.test')).toEqual([{ organization: 'MIC', participation: 'SHARED' }, { participation: 'SHARED' }]);
    expect(await shared('handler@fpt.test')).toEqual([{ participation: 'SHARED' }, { organization: 'FPT', participation: 'SHARED' }]);
    expect(await shared('handler@vnpt.test')).toEqual([
      { organization: 'MIC', participation: 'SHARED' },
      { organization: 'FPT', participation: 'SHARED' },
    ]);
    expect(await shared('handler@vncert.test')).toEqual([
      { organization: 'MIC', participation: 'SHARED' },
      { organization: 'FPT', participation: 'SHARED' },
    ]);
    // Unsharing: the same rule, and no raw uuid of the organization anywhere in the coordinator's timeline.
    await move('handler@vncert.test', 'unshareIncident', 'ShareIncidentInput', {
      id: inc.id,
      expectedVersion: await version(inc.id),
      organization: 'FPT',
    });
    expect((await eventOf('analyst@mic.test', inc.id, 'UNSHARED')).changes).toEqual({ participation: 'SHARED' });
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    for (const e of await timeline('handler@vncert.test', inc.id)) expect(JSON.stringify(e.changes)).not.toMatch(uuid);
  });

  it('leak 6: the REPORTER view shows the indicators of its report, not a directive’s targets added later by the coordinator; FULL viewers see all', async () => {
    const inc = await report('reporter@acme.test', {
      tlp: 'AMBER',
      title: 'Phishing with one domain',
      indicators: [{ type: 'DOMAIN', value: 'reported-phish.vn' }],
    });
    const issued = await t.as('handler@vncert.test', `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`, {
      i: {
        incidentId: inc.id,
        recipient: 'VNNIC',
        action: 'SUSPEND_DOMAIN',
        instructions: 'Suspend both',
        targets: [
          { type: 'DOMAIN', value: 'reported-phish.vn' },
          { type: 'DOMAIN', value: 'found-later.vn' },
          { type: 'IPV4', value: '203.0.113.77' },
        ],
      },
    });
    expect(issued.errors).toBeUndefined();
    const Q = `query($id: ID!) { incident(id: $id) { accessLevel indicators { type value } domains { name } } }`;
    type R = { incident: { accessLevel: string; indicators: { type: string; value: string }[]; domains: { name: string }[] } };
    const acme = (await t.as<R>('reporter@acme.test', Q, { id: inc.id })).data!.incident;
    expect(acme).toEqual({
      accessLevel: 'REPORTER',
      indicators: [{ type: 'DOMAIN', value: 'reported-phish.vn' }],
      domains: [{ name: 'reported-phish.vn' }],
    });
    const vnpt = (await t.as<R>('handler@vnpt.test', Q, { id: inc.id })).data!.incident;
    expect(vnpt.accessLevel).toBe('FULL');
    expect(vnpt.indicators.map((i) => i.value).sort()).toEqual(['203.0.113.77', 'found-later.vn', 'reported-phish.vn']);
    // Searching by a domain the REPORTER view does not show finds nothing (§3: searches use only shown fields).
    const D = `query($n: String!) { domain(name: $n) { cases { edges { node { id } } } } }`;
    type DR = { domain: { cases: { edges: { node: { id: string } }[] } } };
    expect((await t.as<DR>('reporter@acme.test', D, { n: 'found-later.vn' })).data!.domain.cases.edges).toEqual([]);
    expect((await t.as<DR>('reporter@acme.test', D, { n: 'reported-phish.vn' })).data!.domain.cases.edges).toEqual([{ node: { id: inc.id } }]);
  });
});
