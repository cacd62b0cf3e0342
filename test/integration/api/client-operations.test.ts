import { startTestHub, type GqlResult, type TestHub } from '../../harness/hub';
import { operation, ops, runAs } from '../../harness/operations';
import type { IncidentsQuery, OrganizationsQuery, ReportIncidentMutationVariables } from '../../generated/operations';

type IncidentNode = IncidentsQuery['incidents']['edges'][number]['node'];
type OrganizationNode = OrganizationsQuery['organizations']['edges'][number]['node'];

const DEMO_TITLES = [
  'Phishing site imitating our customer portal',
  'Defacement of a district portal hosted on our network',
  'Malware spreading through a fake software update site',
  'Suspected intrusion into a budget system',
  'Spam campaign from a compromised mail server',
];
const PHISHING = 'Phishing site imitating our customer portal';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

/** The data of a result without errors. */
function ok<T>(res: GqlResult<T>): T {
  expect(res.errors).toBeUndefined();
  expect(res.status).toBe(200);
  if (res.data === null || res.data === undefined) throw new Error('no data');
  return res.data;
}

/** Every incident visible to the account, page by page. */
async function allIncidents(email: string, first: number): Promise<{ nodes: IncidentNode[]; pages: number }> {
  const nodes: IncidentNode[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { incidents }: IncidentsQuery = ok(await runAs(t, email, ops.Incidents, { first, after }));
    pages += 1;
    expect(incidents.edges.length).toBeLessThanOrEqual(first);
    nodes.push(...incidents.edges.map((e) => e.node));
    if (!incidents.pageInfo.hasNextPage) break;
    expect(incidents.pageInfo.endCursor).toEqual(expect.any(String));
    after = incidents.pageInfo.endCursor ?? null;
    if (pages > 100) throw new Error('pagination does not end');
  }
  return { nodes, pages };
}

async function allOrganizations(email: string): Promise<OrganizationNode[]> {
  const nodes: OrganizationNode[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const { organizations }: OrganizationsQuery = ok(await runAs(t, email, ops.Organizations, { first: 5, after }));
    nodes.push(...organizations.edges.map((e) => e.node));
    if (!organizations.pageInfo.hasNextPage) return nodes;
    after = organizations.pageInfo.endCursor ?? null;
  }
  throw new Error('pagination does not end');
}

/** The demo data's first incident: ACME's phishing report addressed to VNPT. */
async function phishing(): Promise<IncidentNode> {
  const { incidents } = ok(await runAs(t, 'handler@vncert.test', ops.Incidents, { filter: { text: PHISHING }, first: 10 }));
  const found = incidents.edges.map((e) => e.node).filter((n) => n.title === PHISHING);
  expect(found).toHaveLength(1);
  return found[0]!;
}

test('the documents are read from test/operations, one operation each', () => {
  expect(operation('Viewer')).toMatch(/^query Viewer \{/);
  expect(operation('ReportIncident')).toMatch(/^mutation ReportIncident\(\$input: ReportIncidentInput!\)/);
  expect(operation('Node')).toContain('... on Incident');
  expect(operation('Viewer')).toBe(operation('Viewer'));
  expect(() => operation('NoSuchOperation')).toThrow(/no operation NoSuchOperation/);
});

test('viewer: the VNCERT handler coordinates', async () => {
  const { viewer } = ok(await runAs(t, 'handler@vncert.test', ops.Viewer));
  expect(viewer.account?.email).toBe('handler@vncert.test');
  expect(viewer.organization).toEqual({ code: 'VNCERT', kind: 'COORDINATOR' });
  expect(viewer.role.organizationKind).toBe('COORDINATOR');
  expect(viewer.role.memberRole).toBe('HANDLER');
  expect(viewer.capabilities).toContain('INCIDENT_COORDINATE');
  expect(viewer.role.capabilities).toContain('INCIDENT_COORDINATE');

  const reporter = ok(await runAs(t, 'reporter@acme.test', ops.Viewer)).viewer;
  expect(reporter.organization.code).toBe('ACME');
  expect(reporter.role.memberRole).toBe('REPORTER');
  expect(reporter.capabilities).not.toContain('INCIDENT_COORDINATE');
});

test('roles: the rulebook as data', async () => {
  const { roles } = ok(await runAs(t, 'reporter@acme.test', ops.Roles));
  const role = (kind: string, member: string) => roles.find((r) => r.organizationKind === kind && r.memberRole === member);
  const constituentReporter = role('CONSTITUENT', 'REPORTER');
  expect(constituentReporter).toBeDefined();
  expect(constituentReporter?.capabilities).toContain('INCIDENT_REPORT');
  expect(constituentReporter?.capabilities).not.toContain('STATISTICS_READ');
  const regulatorHandler = role('REGULATOR', 'HANDLER');
  expect(regulatorHandler).toBeDefined();
  expect(regulatorHandler?.capabilities).toContain('STATISTICS_READ');
  expect(regulatorHandler?.capabilities).not.toContain('INCIDENT_REPORT');
  expect(role('COORDINATOR', 'HANDLER')?.capabilities).toContain('INCIDENT_COORDINATE');
  expect(role('CONSTITUENT', 'HANDLER')).toBeUndefined();
});

test('organizations: the ISPs, and a person is listed to the coordinator only', async () => {
  const { organizations } = ok(await runAs(t, 'reporter@acme.test', ops.Organizations, { kind: 'ISP', first: 50 }));
  expect(organizations.edges.map((e) => e.node.code)).toEqual(['FPT', 'VIETTEL', 'VNPT']);
  expect(organizations.edges.map((e) => e.node.kind)).toEqual(['ISP', 'ISP', 'ISP']);
  expect(organizations.pageInfo.hasNextPage).toBe(false);

  const toReporter = (await allOrganizations('reporter@acme.test')).map((o) => o.code);
  expect(toReporter).toEqual(expect.arrayContaining(['ACME', 'VNCERT', 'VNPT', 'FPT', 'VIETTEL']));
  expect(toReporter).not.toContain('PERSON-0001');
  expect(new Set(toReporter).size).toBe(toReporter.length);

  const toCoordinator = (await allOrganizations('handler@vncert.test')).map((o) => o.code);
  expect(toCoordinator).toContain('PERSON-0001');
  expect(toCoordinator).toContain('ACME');
  expect(new Set(toCoordinator).size).toBe(toCoordinator.length);
});

test('incidentByReference and incident(id): the TLP AMBER phishing report by viewer', async () => {
  const first = await phishing();
  // Receipt numbers count per calendar year in Vietnam; the demo data reported this incident first.
  const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date(first.reportedAt));
  const reference = `VN-${year}-000001`;
  expect(first.reference).toBe(reference);
  expect(first.tlp).toBe('AMBER');
  expect(first.handler.code).toBe('VNPT');

  const vnpt = ok(await runAs(t, 'handler@vnpt.test', ops.IncidentByReference, { reference })).incidentByReference;
  expect(vnpt?.title).toBe(PHISHING);
  expect(vnpt?.accessLevel).toBe('FULL');
  expect(vnpt?.status).toBe('TRIAGED');
  expect(vnpt?.handler.code).toBe('VNPT');
  expect(vnpt?.reportingOrganization?.code).toBe('ACME');

  const acme = ok(await runAs(t, 'reporter@acme.test', ops.IncidentByReference, { reference })).incidentByReference;
  expect(acme?.reference).toBe(reference);
  expect(acme?.accessLevel).toBe('REPORTER');

  const fpt = ok(await runAs(t, 'handler@fpt.test', ops.IncidentByReference, { reference }));
  expect(fpt.incidentByReference).toBeNull();

  const byId = ok(await runAs(t, 'handler@vnpt.test', ops.IncidentById, { id: first.id })).incident;
  expect(byId?.reference).toBe(reference);
  expect(byId?.accessLevel).toBe('FULL');
  expect(ok(await runAs(t, 'handler@fpt.test', ops.IncidentById, { id: first.id })).incident).toBeNull();

  const missing = ok(await runAs(t, 'handler@vnpt.test', ops.IncidentByReference, { reference: 'VN-1999-999999' }));
  expect(missing.incidentByReference).toBeNull();
});

test('node: incidents and organizations by global id; unknown ids are null', async () => {
  const first = await phishing();

  const vnpt = ok(await runAs(t, 'handler@vnpt.test', ops.Node, { id: first.id })).node;
  expect(vnpt?.__typename).toBe('Incident');
  expect(vnpt?.id).toBe(first.id);
  if (vnpt?.__typename !== 'Incident') throw new Error('not an incident');
  expect(vnpt.reference).toBe(first.reference);
  expect(vnpt.accessLevel).toBe('FULL');

  expect(ok(await runAs(t, 'handler@fpt.test', ops.Node, { id: first.id })).node).toBeNull();
  expect(ok(await runAs(t, 'handler@vnpt.test', ops.Node, { id: 'bm9wZQ' })).node).toBeNull();

  const orgs = await allOrganizations('handler@vncert.test');
  const vnptOrg = orgs.find((o) => o.code === 'VNPT');
  const person = orgs.find((o) => o.code === 'PERSON-0001');
  if (!vnptOrg || !person) throw new Error('demo organizations missing');

  const org = ok(await runAs(t, 'reporter@acme.test', ops.Node, { id: vnptOrg.id })).node;
  expect(org).toEqual({ __typename: 'Organization', id: vnptOrg.id, code: 'VNPT' });
  expect(ok(await runAs(t, 'reporter@acme.test', ops.Node, { id: person.id })).node).toBeNull();
  const personToCoordinator = ok(await runAs(t, 'handler@vncert.test', ops.Node, { id: person.id })).node;
  expect(personToCoordinator).toEqual({ __typename: 'Organization', id: person.id, code: 'PERSON-0001' });
});

test('incidents: pages of two walk every demo incident exactly once', async () => {
  const { nodes, pages } = await allIncidents('handler@vncert.test', 2);
  expect(nodes.length).toBeGreaterThanOrEqual(5);
  expect(pages).toBe(Math.ceil(nodes.length / 2));
  const ids = nodes.map((n) => n.id);
  const references = nodes.map((n) => n.reference);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(references).size).toBe(references.length);
  for (const title of DEMO_TITLES) expect(nodes.filter((n) => n.title === title)).toHaveLength(1);

  const fake = nodes.find((n) => n.title === 'Malware spreading through a fake software update site');
  expect(fake?.tlp).toBe('CLEAR');
  expect(fake?.indicators.map((i) => i.type).sort()).toEqual(['DOMAIN', 'FILE_HASH', 'IPV4']);
  const spam = nodes.find((n) => n.title === 'Spam campaign from a compromised mail server');
  expect(spam?.status).toBe('RESPONDING');
  expect(spam?.severity).toBe('MEDIUM');
  expect(spam?.handler.code).toBe('FPT');

  const all = ok(await runAs(t, 'handler@vncert.test', ops.Incidents, { first: 50 })).incidents;
  expect(all.pageInfo.hasNextPage).toBe(false);
  expect(all.edges.map((e) => e.node.id).sort()).toEqual([...ids].sort());
});

test('reportIncident: a report addressed to VNPT through the operation', async () => {
  const title = `Operations test phishing ${Date.now()}`;
  const variables: ReportIncidentMutationVariables = {
    input: {
      title,
      description: 'A fake login page collects passwords.',
      detectedAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
      reportTo: 'VNPT',
      tlp: 'AMBER',
      indicators: [{ type: 'DOMAIN', value: 'ops-test-phish.vn' }],
      reporterContact: { name: 'Lê Văn Cường', email: 'cuong@acme.test' },
    },
  };
  const { reportIncident } = ok(await runAs(t, 'reporter@acme.test', ops.ReportIncident, variables));
  expect(reportIncident.duplicate).toBe(false);
  expect(reportIncident.reference).toMatch(/^VN-\d{4}-\d{6}$/);
  expect(reportIncident.incident!.reference).toBe(reportIncident.reference);
  expect(reportIncident.incident!.status).toBe('REPORTED');
  expect(reportIncident.incident!.accessLevel).toBe('REPORTER');
  expect(reportIncident.incident!.handler.code).toBe('VNPT');

  const read = ok(await runAs(t, 'handler@vnpt.test', ops.IncidentById, { id: reportIncident.incident!.id })).incident;
  expect(read?.title).toBe(title);
  expect(read?.accessLevel).toBe('FULL');
});
