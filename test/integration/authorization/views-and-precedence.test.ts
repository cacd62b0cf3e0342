/**
 * DESIGN.md §3 rules that no other test proved: what the DOMAIN_FEED view shows (row 6), the TLP
 * change being a FULL-only timeline event, UNAUTHENTICATED winning over BAD_USER_INPUT, the wildcard
 * `incidentEvents` for a directive-only recipient (row 5), the kinds of organization one may share
 * with, and the affected system by view. Expected values are written by hand from DESIGN.md §2–§4.
 */
import { startTestHub, codes, type TestHub, type GqlResult } from '../../harness/hub';
import { incidentHelpers } from '../../harness/incidents';
import { subscribePayloads } from '../../harness/ws';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const { report, mutate, move, timeline } = incidentHelpers(() => t);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const types = async (email: string, id: string) => (await timeline(email, id)).map((e) => e.type);

async function issue(incidentId: string, recipient: string): Promise<string> {
  const res = await t.as<{ issueDirective: { directive: { id: string } } }>(
    'handler@vncert.test',
    `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`,
    { i: { incidentId, recipient, action: 'PROVIDE_INFORMATION', instructions: `Tell us what ${recipient} sees` } },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.issueDirective.directive.id;
}

const AFFECTED = { name: 'Billing portal', level: 3, operator: 'ACME IT', publicIps: ['203.0.113.10'], connectivityProvider: 'VNPT' };

describe('DOMAIN_FEED view (row 6)', () => {
  const FIELDS = `accessLevel reference title tlp status handler { code } description reporterContact { name } reportingOrganization { code }
    affectedSystem { name } indicators { type value } domains { name } timeline(first: 50) { edges { node { type } } }`;

  it('§3 row 6: the registry sees the SUMMARY fields plus the DOMAIN indicators only, on incident(id), domainCases and domain(name)', async () => {
    const inc = await report('reporter@acme.test', {
      tlp: 'AMBER',
      title: 'Phishing site in .vn',
      description: 'Victim details here',
      indicators: [
        { type: 'DOMAIN', value: 'rule-gaps-feed.vn' },
        { type: 'IPV4', value: '198.51.100.23' },
      ],
      affectedSystem: AFFECTED,
    });
    // VNNIC takes no part: AMBER with a DOMAIN in `vn`, the zone it administers, gives it DOMAIN_FEED.
    const res = await t.as<{ incident: Record<string, unknown> }>('handler@vnnic.test', `query($id: ID!) { incident(id: $id) { ${FIELDS} } }`, {
      id: inc.id,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.incident).toEqual({
      accessLevel: 'DOMAIN_FEED',
      reference: inc.reference,
      title: 'Phishing site in .vn',
      tlp: 'AMBER',
      status: 'REPORTED',
      handler: { code: 'VNPT' },
      description: null,
      reporterContact: null,
      reportingOrganization: null,
      affectedSystem: null,
      indicators: [{ type: 'DOMAIN', value: 'rule-gaps-feed.vn' }],
      domains: [{ name: 'rule-gaps-feed.vn' }],
      // REPORTED and status changes reach every view but DOMAIN_FEED and RECIPIENT.
      timeline: { edges: [] },
    });

    // The same view on the feed path.
    type Case = {
      removed: boolean;
      incidentId: string;
      domains: { type: string; value: string }[];
      incident: { accessLevel: string; indicators: { type: string; value: string }[]; description: string | null; affectedSystem: unknown } | null;
    };
    const feed = await t.as<{ domainCases: { edges: { node: Case }[] } }>(
      'handler@vnnic.test',
      `query($f: DomainCaseFilter) { domainCases(filter: $f, first: 10) { edges { node {
        removed incidentId domains { type value } incident { accessLevel indicators { type value } description affectedSystem { name } } } } } }`,
      { f: { zone: 'rule-gaps-feed.vn' } },
    );
    expect(feed.errors).toBeUndefined();
    expect(feed.data!.domainCases.edges.map((e) => e.node)).toEqual([
      {
        removed: false,
        incidentId: inc.id,
        domains: [{ type: 'DOMAIN', value: 'rule-gaps-feed.vn' }],
        incident: {
          accessLevel: 'DOMAIN_FEED',
          indicators: [{ type: 'DOMAIN', value: 'rule-gaps-feed.vn' }],
          description: null,
          affectedSystem: null,
        },
      },
    ]);

    const domain = await t.as<{ domain: { cases: { edges: { node: { id: string; accessLevel: string; indicators: { type: string }[] } }[] } } }>(
      'handler@vnnic.test',
      `query($n: String!) { domain(name: $n) { cases(first: 10) { edges { node { id accessLevel indicators { type } } } } } }`,
      { n: 'rule-gaps-feed.vn' },
    );
    expect(domain.errors).toBeUndefined();
    expect(domain.data!.domain.cases.edges.map((e) => e.node)).toEqual([
      { id: inc.id, accessLevel: 'DOMAIN_FEED', indicators: [{ type: 'DOMAIN' }] },
    ]);
  });
});

describe('timeline classes', () => {
  it('§3 timeline: TLP_CHANGED is FULL-only — the handling organization and the coordinator see it; the REPORTER and SUMMARY views see REPORTED and status changes only', async () => {
    let inc = await report('reporter@acme.test', { tlp: 'CLEAR' });
    // The handling organization may raise the TLP; GREEN keeps FPT's SUMMARY view (row 7).
    inc = await move('handler@vnpt.test', 'setIncidentTlp', 'SetTlpInput', { id: inc.id, expectedVersion: inc.version, tlp: 'GREEN' });
    // A later status change, to show the REPORTER and SUMMARY timelines are filtered by class, not cut off.
    await move('handler@vnpt.test', 'triageIncident', 'TriageIncidentInput', {
      id: inc.id,
      expectedVersion: inc.version,
      severity: 'LOW',
      rsitClass: 'fraud',
      rsitType: 'phishing',
    });

    expect(await types('handler@vnpt.test', inc.id)).toEqual(['REPORTED', 'TLP_CHANGED', 'TRIAGED']);
    expect(await types('handler@vncert.test', inc.id)).toEqual(['REPORTED', 'TLP_CHANGED', 'TRIAGED']);
    expect((await timeline('handler@vnpt.test', inc.id))[1].changes).toEqual({ from: 'CLEAR', to: 'GREEN' });
    expect(await types('reporter@acme.test', inc.id)).toEqual(['REPORTED', 'TRIAGED']);
    expect(await types('handler@fpt.test', inc.id)).toEqual(['REPORTED', 'TRIAGED']);
    // The views are the ones the rows name.
    const access = async (email: string) =>
      (
        await t.as<{ incident: { accessLevel: string; tlp: string } }>(email, `query($id: ID!) { incident(id: $id) { accessLevel tlp } }`, {
          id: inc.id,
        })
      ).data!.incident;
    expect(await access('reporter@acme.test')).toEqual({ accessLevel: 'REPORTER', tlp: 'GREEN' });
    expect(await access('handler@fpt.test')).toEqual({ accessLevel: 'SUMMARY', tlp: 'GREEN' });
  });
});

describe('error precedence', () => {
  it('§3 error precedence: UNAUTHENTICATED wins over BAD_USER_INPUT — a report with a malformed indicator and no or a bad credential is HTTP 401, and nothing is stored', async () => {
    const REPORT = `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference } }`;
    const input = {
      title: 'Malformed',
      description: 'bad indicator',
      detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
      reporterContact: { name: 'Reporter' },
      reportTo: 'VNPT',
      indicators: [{ type: 'DOMAIN', value: 'a..b' }],
    };
    const count = async () => (await t.sql<{ n: string }>(`select count(*)::text as n from incident`))[0].n;
    const before = await count();
    for (const auth of [null, 'Bearer not-a-jwt', 'Bearer hubk_invalidchecksum000000000000000000000000']) {
      const res = await t.gql(auth, REPORT, { i: input });
      expect([auth, res.status, codes(res)]).toEqual([auth, 401, ['UNAUTHENTICATED']]);
      expect(res.data ?? null).toBeNull();
    }
    // With a valid credential the same input is BAD_USER_INPUT: the refusal above was for the credential.
    const authed = await t.as('reporter@acme.test', REPORT, { i: input });
    expect(codes(authed)).toEqual(['BAD_USER_INPUT']);
    expect(authed.errors![0].extensions!.field).toBe('input.indicators[0].value');
    expect(await count()).toBe(before);
  });
});

describe('wildcard incidentEvents for a directive recipient (row 5)', () => {
  type Ev = { cursor: string; type: string; incidentId: string; changes: Record<string, unknown>; incident: { accessLevel: string } | null };
  const EVENT = `cursor type incidentId changes incident { accessLevel }`;

  it('§3 subscriptions: a RECIPIENT gets its own DIRECTIVE_ISSUED only — no REPORTED, no status change, nothing of another recipient’s directive (live and on resume)', async () => {
    const auth = await t.token('handler@secpartner.test');
    const livePath = subscribePayloads<Ev>(t.url, auth, `subscription { incidentEvents { ${EVENT} } }`);
    await sleep(500);
    const inc = await report('reporter@acme.test', { tlp: 'AMBER' });
    const toSecpartner = await issue(inc.id, 'SECPARTNER'); // REPORTED → COORDINATING as well
    await issue(inc.id, 'FPT');
    // Marker, last: SECPARTNER reports one itself (row 4: a network member reporting gets FULL).
    const marker = await report('handler@secpartner.test', { tlp: 'AMBER', title: 'Marker' });

    // What happened, seen by the coordinator: the status change and both directives exist.
    expect(await types('handler@vncert.test', inc.id)).toEqual(['REPORTED', 'COORDINATION_STARTED', 'DIRECTIVE_ISSUED', 'DIRECTIVE_ISSUED']);
    const reportedCursor = (await timeline('handler@vncert.test', inc.id))[0].cursor;

    const seen = (p: Ev[]) => p.map((x) => [x.type, x.incidentId, x.incident?.accessLevel ?? null, x.changes.recipient ?? null]);
    const expected = [
      ['DIRECTIVE_ISSUED', inc.id, 'RECIPIENT', 'SECPARTNER'],
      ['REPORTED', marker.id, 'FULL', null],
    ];
    await livePath.waitFor((p) => p.some((x) => x.incidentId === marker.id));
    expect(seen(livePath.payloads)).toEqual(expected);
    expect(livePath.errors).toEqual([]);

    // On resume from before the report, REPORTED and COORDINATION_STARTED are judged in the RECIPIENT view: still left out.
    const resumed = subscribePayloads<Ev>(t.url, auth, `subscription($a: String) { incidentEvents(after: $a) { ${EVENT} } }`, {
      a: (BigInt(reportedCursor) - 1n).toString(),
    });
    await resumed.waitFor((p) => p.some((x) => x.incidentId === marker.id));
    expect(seen(resumed.payloads)).toEqual(expected);
    expect(resumed.errors).toEqual([]);

    // The timeline path agrees: RECIPIENT sees its own directive's event only.
    expect(await types('handler@secpartner.test', inc.id)).toEqual(['DIRECTIVE_ISSUED']);
    const ids = await t.as<{ incident: { accessLevel: string; directives: { edges: { node: { id: string } }[] } } }>(
      'handler@secpartner.test',
      `query($id: ID!) { incident(id: $id) { accessLevel directives(first: 10) { edges { node { id } } } } }`,
      { id: inc.id },
    );
    expect(ids.data!.incident).toEqual({ accessLevel: 'RECIPIENT', directives: { edges: [{ node: { id: toSecpartner } }] } });
    await Promise.all([livePath.dispose(), resumed.dispose()]);
  });
});

describe('share targets', () => {
  const failure = (res: GqlResult) => res.errors?.map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }));
  const READ = `query($id: ID!) { incident(id: $id) { accessLevel version description reporterContact { name } coordinator { code } participants { code } } }`;
  type Read = {
    accessLevel: string;
    version: number;
    description: string | null;
    reporterContact: { name: string } | null;
    coordinator: { code: string } | null;
    participants: { code: string }[];
  } | null;
  const read = async (email: string, id: string): Promise<Read> => {
    const res = await t.as<{ incident: Read }>(email, READ, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.incident;
  };

  it('§3 who may act: the coordinator may share with an AGENCY_IT organization (which then sees FULL); a CONSTITUENT or the coordinator is BAD_USER_INPUT on input.organization and changes nothing', async () => {
    // Reported by FPT (a network member), so ACME and VNCERT take no part: only their kind can refuse them.
    const inc = await report('handler@fpt.test', { tlp: 'AMBER', reporterContact: { name: 'FPT SOC' } });
    const shareTo = (organization: string, expectedVersion = inc.version) =>
      mutate('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', { id: inc.id, expectedVersion, organization });
    const refused = [{ code: 'BAD_USER_INPUT', field: 'input.organization' }];
    for (const org of ['ACME', 'VNCERT']) {
      expect([org, failure(await shareTo(org))]).toEqual([org, refused]);
      // The kind is judged without the target: before CONFLICT on a stale version.
      expect([org, failure(await shareTo(org, inc.version + 5))]).toEqual([org, refused]);
    }
    const untouched = await read('handler@vncert.test', inc.id);
    expect(untouched).toMatchObject({ version: inc.version, coordinator: null });
    expect(untouched!.participants.map((p) => p.code).sort()).toEqual(['FPT', 'VNPT']);
    expect(await types('handler@vncert.test', inc.id)).toEqual(['REPORTED']);
    expect(await read('reporter@acme.test', inc.id)).toBeNull();
    expect(await read('handler@mof-it.test', inc.id)).toBeNull();

    const shared = await shareTo('MOF-IT');
    expect(shared.errors).toBeUndefined();
    expect(shared.data!.shareIncident.incident.version).toBeGreaterThan(inc.version);
    // FULL (row 2) under the field rules: the reporter contact is for coordinator, handling and reporting organizations only.
    expect(await read('handler@mof-it.test', inc.id)).toMatchObject({
      accessLevel: 'FULL',
      description: 'what the reporter saw',
      reporterContact: null,
    });
    // Sharing does not make the coordinator take part.
    const after = await read('handler@vncert.test', inc.id);
    expect(after).toMatchObject({ accessLevel: 'FULL', coordinator: null, version: shared.data!.shareIncident.incident.version });
    expect(after!.participants.map((p) => p.code).sort()).toEqual(['FPT', 'MOF-IT', 'VNPT']);
  });
});

describe('affected system by view', () => {
  const Q = `query($id: ID!) { incident(id: $id) { accessLevel affectedSystem { name level operator publicIps connectivityProvider } } }`;
  const read = async (email: string, id: string) => {
    const res = await t.as<{ incident: { accessLevel: string; affectedSystem: unknown } | null }>(email, Q, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.incident;
  };

  it('§3 views: the affected system is shown to FULL and REPORTER viewers, and is null in the SUMMARY and RECIPIENT views', async () => {
    const inc = await report('reporter@acme.test', { tlp: 'GREEN', affectedSystem: AFFECTED });
    await issue(inc.id, 'SECPARTNER');
    expect(await read('reporter@acme.test', inc.id)).toEqual({ accessLevel: 'REPORTER', affectedSystem: AFFECTED });
    expect(await read('handler@vnpt.test', inc.id)).toEqual({ accessLevel: 'FULL', affectedSystem: AFFECTED });
    expect(await read('handler@vncert.test', inc.id)).toEqual({ accessLevel: 'FULL', affectedSystem: AFFECTED });
    expect(await read('handler@fpt.test', inc.id)).toEqual({ accessLevel: 'SUMMARY', affectedSystem: null });
    // Row 5 comes before row 7: the directive makes SECPARTNER a RECIPIENT of this GREEN incident.
    expect(await read('handler@secpartner.test', inc.id)).toEqual({ accessLevel: 'RECIPIENT', affectedSystem: null });
  });
});
