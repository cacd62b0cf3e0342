/**
 * DESIGN.md §3 rules of the live path that no other test proved: `directiveEvents` scoping, the
 * wildcard `incidentEvents` leaving SUMMARY incidents out, the subscription path delivering the view
 * and fields `incident(id)` gives the same viewer, and denied attempts (a FORBIDDEN mutation, refused
 * subscriptions) written as structured log lines. Expected values are written by hand from DESIGN.md.
 */
import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { subscribePayloads, type Live } from '../../harness/ws';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({}, { captureLogs: true });
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

const live = <P = Record<string, unknown>>(auth: string, query: string, variables: Record<string, unknown> = {}): Live<P> =>
  subscribePayloads<P>(t.url, auth, query, variables);

interface Inc {
  id: string;
  reference: string;
  version: number;
}
function report(email: string, over: Record<string, unknown> = {}): Promise<Inc> {
  return reportIncident(
    t,
    email,
    {
      title: 'Live rule case',
      description: 'seen by the reporter',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'Reporter', email: 'contact@acme.test' },
      reportTo: 'VNPT',
      ...over,
    },
    'id reference version',
  );
}
async function ok<T = Record<string, unknown>>(email: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await t.as<T>(email, query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}
async function issue(incidentId: string, recipient: string): Promise<{ id: string; version: number }> {
  const data = await ok<{ issueDirective: { directive: { id: string; version: number } } }>(
    'handler@vncert.test',
    `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id version } } }`,
    { i: { incidentId, recipient, action: 'PROVIDE_INFORMATION', instructions: `Report what ${recipient} sees` } },
  );
  return data.issueDirective.directive;
}

describe('directiveEvents', () => {
  type DirectivePayload = {
    type: string;
    cursor: string;
    directive: { id: string; recipient: { code: string } } | null;
    event: { type: string; incidentId: string };
  };
  const DIRECTIVE_EVENTS = `subscription { directiveEvents { type cursor directive { id recipient { code } } event { type incidentId } } }`;

  it('§3 subscriptions: directiveEvents streams the directives addressed to the viewer’s organization only, and every directive to the coordinator', async () => {
    const subscribers = {
      VNCERT: live<DirectivePayload>(await t.token('handler@vncert.test'), DIRECTIVE_EVENTS),
      VNNIC: live<DirectivePayload>(await t.token('handler@vnnic.test'), DIRECTIVE_EVENTS),
      VIETTEL: live<DirectivePayload>(await t.token('handler@viettel.test'), DIRECTIVE_EVENTS),
      // The handling organization may read every directive of its incident (field rule), but none is addressed to it.
      VNPT: live<DirectivePayload>(await t.token('handler@vnpt.test'), DIRECTIVE_EVENTS),
      FPT: live<DirectivePayload>(await t.token('handler@fpt.test'), DIRECTIVE_EVENTS),
    };
    await sleep(500);
    const inc = await report('reporter@acme.test', { tlp: 'AMBER' });
    const toVnnic = await issue(inc.id, 'VNNIC');
    const toViettel = await issue(inc.id, 'VIETTEL');
    await ok('handler@vnnic.test', `mutation($i: DirectiveActionInput!) { acknowledgeDirective(input: $i) { directive { status } } }`, {
      i: { id: toVnnic.id, expectedVersion: toVnnic.version },
    });
    // Markers, last: one directive to VNPT and one to FPT on another incident (handled by HANOI-DIC).
    const other = await report('reporter@acme.test', { tlp: 'AMBER', reportTo: 'HANOI-DIC' });
    const toVnpt = await issue(other.id, 'VNPT');
    const toFpt = await issue(other.id, 'FPT');

    const seen = (p: DirectivePayload[]) => p.map((x) => [x.type, x.directive?.id ?? null, x.directive?.recipient.code ?? null]);
    await subscribers.VNCERT.waitFor((p) => p.some((x) => x.directive?.id === toFpt.id));
    await subscribers.VNPT.waitFor((p) => p.some((x) => x.directive?.id === toVnpt.id));
    await subscribers.FPT.waitFor((p) => p.some((x) => x.directive?.id === toFpt.id));
    await subscribers.VNNIC.waitFor((p) => p.length >= 2);
    await subscribers.VIETTEL.waitFor((p) => p.length >= 1);
    await sleep(500); // anything else would have arrived by now: the markers came after it
    expect(seen(subscribers.VNCERT.payloads)).toEqual([
      ['DIRECTIVE_ISSUED', toVnnic.id, 'VNNIC'],
      ['DIRECTIVE_ISSUED', toViettel.id, 'VIETTEL'],
      ['DIRECTIVE_ACKNOWLEDGED', toVnnic.id, 'VNNIC'],
      ['DIRECTIVE_ISSUED', toVnpt.id, 'VNPT'],
      ['DIRECTIVE_ISSUED', toFpt.id, 'FPT'],
    ]);
    expect(seen(subscribers.VNNIC.payloads)).toEqual([
      ['DIRECTIVE_ISSUED', toVnnic.id, 'VNNIC'],
      ['DIRECTIVE_ACKNOWLEDGED', toVnnic.id, 'VNNIC'],
    ]);
    expect(seen(subscribers.VIETTEL.payloads)).toEqual([['DIRECTIVE_ISSUED', toViettel.id, 'VIETTEL']]);
    expect(seen(subscribers.VNPT.payloads)).toEqual([['DIRECTIVE_ISSUED', toVnpt.id, 'VNPT']]);
    expect(seen(subscribers.FPT.payloads)).toEqual([['DIRECTIVE_ISSUED', toFpt.id, 'FPT']]);
    // Each payload is its timeline event, of the directive's incident.
    expect(subscribers.VNNIC.payloads.map((x) => [x.event.type, x.event.incidentId])).toEqual([
      ['DIRECTIVE_ISSUED', inc.id],
      ['DIRECTIVE_ACKNOWLEDGED', inc.id],
    ]);
    await Promise.all(Object.values(subscribers).map((s) => s.dispose()));
  });
});

describe('incidentEvents', () => {
  /** The incident fields compared between the subscription path and incident(id): views, field rules, relations. */
  const FIELDS = `id reference version title description status severity tlp confidential accessLevel
    reporterContact { name email } reportingOrganization { code } handler { code } coordinator { code } participants { code }
    indicators { type value } domains { name } classification { rsitClass rsitType } rejectionReason resolutionSummary escalationReason
    viewerCan { triage startResponse escalate reject } notes(first: 20) { edges { node { body authorEmail } } }
    timeline(first: 50) { edges { node { cursor type changes actorAccountEmail } } }`;
  const EVENT = `cursor type incidentId changes actorAccountEmail actorOrganization { code } incident { ${FIELDS} }`;
  const WILDCARD = `subscription { incidentEvents { ${EVENT} } }`;
  const BY_ID = `subscription($id: ID!) { incidentEvents(incidentId: $id) { ${EVENT} } }`;
  type Ev = {
    cursor: string;
    type: string;
    incidentId: string;
    changes: Record<string, unknown>;
    actorAccountEmail: string | null;
    actorOrganization: { code: string } | null;
    incident: Record<string, unknown> & {
      accessLevel: string;
      timeline: { edges: { node: { cursor: string; type: string; changes: Record<string, unknown>; actorAccountEmail: string | null } }[] };
    };
  };

  it('§3 subscriptions: the wildcard incidentEvents leaves out incidents the viewer sees in SUMMARY only; a SUMMARY incident can be followed by its id', async () => {
    const fptAll = live<Ev>(await t.token('handler@fpt.test'), WILDCARD);
    await sleep(500);
    const green = await report('reporter@acme.test', { tlp: 'GREEN' });
    const fptOne = live<Ev>(await t.token('handler@fpt.test'), BY_ID, { id: green.id });
    await sleep(500);
    const triaged = await ok<{ triageIncident: { incident: Inc } }>(
      'handler@vnpt.test',
      `mutation($i: TriageIncidentInput!) { triageIncident(input: $i) { incident { id version } } }`,
      { i: { id: green.id, expectedVersion: green.version, severity: 'LOW', rsitClass: 'fraud', rsitType: 'phishing' } },
    );
    await ok('handler@vnpt.test', `mutation($i: IncidentActionInput!) { startResponse(input: $i) { incident { id } } }`, {
      i: { id: green.id, expectedVersion: triaged.triageIncident.incident.version },
    });
    // A marker FPT handles (FULL): it comes after everything about the GREEN incident.
    const marker = await report('reporter@acme.test', { tlp: 'AMBER', reportTo: 'FPT' });
    await fptAll.waitFor((p) => p.some((x) => x.incidentId === marker.id));
    await fptOne.waitFor((p) => p.some((x) => x.type === 'RESPONSE_STARTED'));
    expect(
      (
        await t.as<{ incident: { accessLevel: string } }>('handler@fpt.test', `query($id: ID!) { incident(id: $id) { accessLevel } }`, {
          id: green.id,
        })
      ).data!.incident.accessLevel,
    ).toBe('SUMMARY');
    expect(fptAll.payloads.map((x) => [x.type, x.incidentId])).toEqual([['REPORTED', marker.id]]);
    expect(fptOne.payloads.map((x) => [x.type, x.incidentId, x.incident.accessLevel])).toEqual([
      ['TRIAGED', green.id, 'SUMMARY'],
      ['RESPONSE_STARTED', green.id, 'SUMMARY'],
    ]);
    expect(fptAll.payloads[0].incident.accessLevel).toBe('FULL');
    await Promise.all([fptAll.dispose(), fptOne.dispose()]);
  });

  it('§3 views: the subscription path gives each viewer the view, fields and masked payloads incident(id) and its timeline give it (FULL, REPORTER, SUMMARY, coordinator)', async () => {
    const viewers = ['handler@vnpt.test', 'reporter@acme.test', 'handler@vncert.test'] as const;
    const subs = new Map<string, Live<Ev>>();
    for (const v of viewers) subs.set(v, live<Ev>(await t.token(v), WILDCARD));
    await sleep(500);
    const inc = await report('reporter@acme.test', {
      tlp: 'GREEN',
      indicators: [
        { type: 'DOMAIN', value: 'same-view.vn' },
        { type: 'IPV4', value: '198.51.100.7' },
      ],
    });
    subs.set('handler@fpt.test', live<Ev>(await t.token('handler@fpt.test'), BY_ID, { id: inc.id }));
    await sleep(500);
    const triaged = await ok<{ triageIncident: { incident: Inc } }>(
      'handler@vnpt.test',
      `mutation($i: TriageIncidentInput!) { triageIncident(input: $i) { incident { id version } } }`,
      { i: { id: inc.id, expectedVersion: inc.version, severity: 'HIGH', rsitClass: 'fraud', rsitType: 'phishing' } },
    );
    const note = (email: string, visibility: string, body: string) =>
      ok(email, `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, { i: { incidentId: inc.id, body, visibility } });
    await note('handler@vnpt.test', 'INTERNAL', 'VNPT only');
    await note('handler@vnpt.test', 'WITH_REPORTER', 'We are on it');
    await note('handler@vncert.test', 'PARTICIPANTS', 'VNCERT watching');
    const escalated = await ok<{ escalateIncident: { incident: Inc } }>(
      'handler@vnpt.test',
      `mutation($i: EscalateIncidentInput!) { escalateIncident(input: $i) { incident { id version } } }`,
      { i: { id: inc.id, expectedVersion: triaged.triageIncident.incident.version, reason: 'Bigger than us' } },
    );
    // The last change is a status change, which every one of these views receives.
    await ok('handler@vncert.test', `mutation($i: IncidentActionInput!) { coordinateIncident(input: $i) { incident { id } } }`, {
      i: { id: inc.id, expectedVersion: escalated.escalateIncident.incident.version },
    });

    const expectedTypes: Record<string, { view: string; types: string[] }> = {
      'handler@vnpt.test': {
        view: 'FULL',
        types: ['REPORTED', 'TRIAGED', 'NOTE_ADDED', 'NOTE_ADDED', 'NOTE_ADDED', 'ESCALATED', 'COORDINATION_STARTED'],
      },
      'handler@vncert.test': { view: 'FULL', types: ['REPORTED', 'TRIAGED', 'NOTE_ADDED', 'NOTE_ADDED', 'ESCALATED', 'COORDINATION_STARTED'] },
      'reporter@acme.test': { view: 'REPORTER', types: ['REPORTED', 'TRIAGED', 'NOTE_ADDED', 'ESCALATED', 'COORDINATION_STARTED'] },
      'handler@fpt.test': { view: 'SUMMARY', types: ['TRIAGED', 'ESCALATED', 'COORDINATION_STARTED'] },
    };
    for (const [email, sub] of subs) {
      const got = (await sub.waitFor((p) => p.some((x) => x.incidentId === inc.id && x.type === 'COORDINATION_STARTED'))).filter(
        (x) => x.incidentId === inc.id,
      );
      expect([email, got.map((x) => x.type)]).toEqual([email, expectedTypes[email].types]);
      // The same viewer asks for the same fields over HTTP now (the last event was delivered after the last change).
      const res = await t.as<{ incident: Ev['incident'] }>(email, `query($id: ID!) { incident(id: $id) { ${FIELDS} } }`, { id: inc.id });
      expect(res.errors).toBeUndefined();
      const queried = res.data!.incident;
      expect([email, queried.accessLevel]).toEqual([email, expectedTypes[email].view]);
      expect([email, got[got.length - 1].incident]).toEqual([email, queried]);
      // Every delivered event equals its timeline entry for this viewer: same masked changes, same actor account rule.
      const byCursor = new Map(queried.timeline.edges.map((e) => [e.node.cursor, e.node]));
      for (const x of got) {
        const entry = byCursor.get(x.cursor);
        expect([email, x.type, { type: x.type, changes: x.changes, actorAccountEmail: x.actorAccountEmail }]).toEqual([
          email,
          x.type,
          entry && { type: entry.type, changes: entry.changes, actorAccountEmail: entry.actorAccountEmail },
        ]);
      }
    }
    // Spot checks written from §3 (not derived from the server): what each view shows of this incident.
    const last = (email: string) => {
      const p = subs.get(email)!.payloads.filter((x) => x.incidentId === inc.id);
      return p[p.length - 1].incident;
    };
    expect(last('handler@fpt.test')).toMatchObject({
      accessLevel: 'SUMMARY',
      description: null,
      reporterContact: null,
      reportingOrganization: null,
      indicators: [],
      escalationReason: null,
      notes: { edges: [] },
    });
    expect(last('reporter@acme.test')).toMatchObject({
      accessLevel: 'REPORTER',
      description: 'seen by the reporter',
      reporterContact: { name: 'Reporter', email: 'contact@acme.test' },
      severity: null,
      escalationReason: null,
      indicators: [
        { type: 'DOMAIN', value: 'same-view.vn' },
        { type: 'IPV4', value: '198.51.100.7' },
      ],
      notes: { edges: [{ node: { body: 'We are on it', authorEmail: null } }] },
    });
    expect(last('handler@vnpt.test')).toMatchObject({
      accessLevel: 'FULL',
      severity: 'HIGH',
      escalationReason: 'Bigger than us',
      reporterContact: { name: 'Reporter', email: 'contact@acme.test' },
    });
    const escalation = (email: string) => subs.get(email)!.payloads.find((x) => x.incidentId === inc.id && x.type === 'ESCALATED')!;
    expect(escalation('handler@vnpt.test')).toMatchObject({
      changes: { from: 'TRIAGED', to: 'ESCALATED', reason: 'Bigger than us' },
      actorAccountEmail: 'handler@vnpt.test',
    });
    expect(escalation('reporter@acme.test')).toMatchObject({ changes: { from: 'TRIAGED', to: 'ESCALATED' }, actorAccountEmail: null });
    expect(escalation('handler@fpt.test')).toMatchObject({ changes: { from: 'TRIAGED', to: 'ESCALATED' }, actorAccountEmail: null });
    await Promise.all([...subs.values()].map((s) => s.dispose()));
  });

  it('security review leaks 1 and 2 on the stream: a shared organization gets no person as actor and no other shared organization in SHARED payloads', async () => {
    const inc = await report('reporter@person-0001.test', { tlp: 'AMBER', title: 'A person’s report, live' });
    const share = async (organization: string) => {
      const v = (
        await ok<{ incident: { version: number } }>('handler@vncert.test', `query($id: ID!) { incident(id: $id) { version } }`, { id: inc.id })
      ).incident.version;
      await ok('handler@vncert.test', `mutation($i: ShareIncidentInput!) { shareIncident(input: $i) { incident { id } } }`, {
        i: { id: inc.id, expectedVersion: v, organization },
      });
    };
    await share('MIC');
    const mic = live<Ev>(await t.token('analyst@mic.test'), BY_ID, { id: inc.id });
    const vnpt = live<Ev>(await t.token('handler@vnpt.test'), BY_ID, { id: inc.id });
    await sleep(500);
    await ok('reporter@person-0001.test', `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
      i: { incidentId: inc.id, visibility: 'WITH_REPORTER', body: 'One more detail' },
    });
    await share('FPT');
    await mic.waitFor((p) => p.some((x) => x.type === 'SHARED'));
    await vnpt.waitFor((p) => p.some((x) => x.type === 'SHARED'));
    expect(mic.payloads.map((x) => [x.type, x.actorOrganization?.code ?? null, x.changes])).toEqual([
      ['NOTE_ADDED', null, { visibility: 'WITH_REPORTER' }],
      ['SHARED', 'VNCERT', { participation: 'SHARED' }],
    ]);
    // The handling organization sees the person and the shared organization (§3 field rules).
    expect(vnpt.payloads.map((x) => [x.type, x.actorOrganization?.code ?? null, x.changes])).toEqual([
      ['NOTE_ADDED', 'PERSON-0001', { visibility: 'WITH_REPORTER' }],
      ['SHARED', 'VNCERT', { organization: 'FPT', participation: 'SHARED' }],
    ]);
    await Promise.all([mic.dispose(), vnpt.dispose()]);
  });
});

describe('denied attempts', () => {
  const denials = () => t.logs().filter((l) => l.event === 'authorization_denied');
  const accountId = async (email: string) => (await t.sql<{ id: string }>(`select id from account where email = $1`, [email]))[0].id;

  it('denied attempts are structured log lines: a FORBIDDEN mutation (viewer, organization, operation, target), with no credentials', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'AMBER' });
    const token = await t.token('analyst@vnpt.test');
    const before = denials().length;
    const res = await t.gql(token, `mutation($i: TriageIncidentInput!) { triageIncident(input: $i) { incident { id } } }`, {
      i: { id: inc.id, expectedVersion: inc.version, severity: 'LOW', rsitClass: 'fraud', rsitType: 'phishing' },
    });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    const lines = denials().slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      code: 'FORBIDDEN',
      principal: `ACCOUNT:${await accountId('analyst@vnpt.test')}`,
      organization: 'VNPT',
      operation: 'Mutation.triageIncident',
      target: inc.id,
    });
    expect(JSON.stringify(t.logs())).not.toContain(token);
  });

  it('denied attempts are structured log lines: a refused subscription — NOT_FOUND for an invisible incident, FORBIDDEN for a key without INCIDENT_READ', async () => {
    const amber = await report('reporter@acme.test', { tlp: 'AMBER' });
    const token = await t.token('handler@fpt.test');
    const before = denials().length;
    const invisible = live(token, `subscription($id: ID!) { incidentEvents(incidentId: $id) { cursor } }`, { id: amber.id });
    await invisible.waitFor(() => invisible.errors.length > 0);
    expect(JSON.stringify(invisible.errors)).toContain('NOT_FOUND');
    const key = await ok<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      'admin@vnnic.test',
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
      { i: { name: 'feed only', capabilities: ['DOMAIN_FEED_READ'] } },
    );
    const feedOnly = live(key.createApiKey.secret, `subscription { directiveEvents { cursor } }`);
    await feedOnly.waitFor(() => feedOnly.errors.length > 0);
    expect(JSON.stringify(feedOnly.errors)).toContain('FORBIDDEN');
    await sleep(100);
    const lines = denials().slice(before);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      code: 'NOT_FOUND',
      principal: `ACCOUNT:${await accountId('handler@fpt.test')}`,
      organization: 'FPT',
      operation: 'Subscription.incidentEvents',
      target: amber.id,
    });
    expect(lines[1]).toMatchObject({
      code: 'FORBIDDEN',
      principal: `API_KEY:${uuidOf(key.createApiKey.apiKey.id)}`,
      organization: 'VNNIC',
      operation: 'Subscription.directiveEvents',
      target: null,
    });
    const all = JSON.stringify(t.logs());
    expect(all).not.toContain(token);
    expect(all).not.toContain(key.createApiKey.secret);
    await Promise.all([invisible.dispose(), feedOnly.dispose()]);
  });
});
