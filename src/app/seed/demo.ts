import type { Services } from '../../graphql/context';
import { createContext } from '../../graphql/context';
import { sql } from '../../db/sql';
import type { Queryable } from '../../db/db';
import { Authenticator } from '../../auth/authenticate';
import { reportIncident } from '../../modules/incidents/report.service';
import type { ReportIncidentInput } from '../../modules/incidents/incident.types';
import type { OrganizationKind, OrganizationContact } from '../../modules/organizations/organization.entity';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import { toGlobalId } from '../../graphql/relay';
import { triage, simpleMove } from '../../modules/incidents/workflow.commands';
import { issueDirective } from '../../modules/directives/directive.commands';
import type { IssueDirectiveInput } from '../../modules/directives/directive.types';

interface DemoOrg {
  code: string;
  name: string;
  kind: OrganizationKind;
  person?: boolean;
  country?: string;
  ipRanges?: string[];
  asns?: number[];
  zones?: string[];
  contact?: OrganizationContact;
}

/** The demo network of DESIGN.md §5. Address ranges are documentation-style examples, not real allocations. */
export const DEMO_ORGANIZATIONS: DemoOrg[] = [
  {
    code: 'VNCERT',
    name: 'Vietnam Computer Emergency Response Team',
    kind: 'COORDINATOR',
    contact: { focalPoint: 'VNCERT 24/7 duty desk', phone: '+84 24 3640 4421', intakeEmail: 'ir@vncert.test' },
  },
  {
    code: 'VNNIC',
    name: 'Vietnam Internet Network Information Center',
    kind: 'REGISTRY',
    zones: ['vn'],
    asns: [23902],
    ipRanges: ['203.119.8.0/22'],
    contact: { focalPoint: 'VNNIC abuse desk', intakeEmail: 'abuse@vnnic.test' },
  },
  {
    code: 'VNPT',
    name: 'VNPT',
    kind: 'ISP',
    asns: [45899],
    ipRanges: ['14.160.0.0/11', '113.160.0.0/11', '2001:ee0::/32'],
    contact: { focalPoint: 'VNPT NOC', intakeEmail: 'abuse@vnpt.test' },
  },
  {
    code: 'VIETTEL',
    name: 'Viettel Telecom',
    kind: 'ISP',
    asns: [7552],
    ipRanges: ['27.64.0.0/12', '171.224.0.0/11', '2402:800::/32'],
    contact: { focalPoint: 'Viettel SOC', intakeEmail: 'abuse@viettel.test' },
  },
  {
    code: 'FPT',
    name: 'FPT Telecom',
    kind: 'ISP',
    asns: [18403],
    ipRanges: ['42.112.0.0/13', '118.68.0.0/14', '2405:4800::/32'],
    contact: { focalPoint: 'FPT NOC', intakeEmail: 'abuse@fpt.test' },
  },
  {
    code: 'MOF-IT',
    name: 'Ministry of Finance — IT Department',
    kind: 'AGENCY_IT',
    ipRanges: ['203.113.128.0/24'],
    contact: { focalPoint: 'MOF IT duty officer' },
  },
  {
    code: 'HANOI-DIC',
    name: 'Hanoi Department of Information and Communications — IT Centre',
    kind: 'AGENCY_IT',
    ipRanges: ['14.177.64.0/24'],
    contact: { focalPoint: 'Hanoi DIC duty officer' },
  },
  {
    code: 'SECPARTNER',
    name: 'SecPartner Response (Singapore)',
    kind: 'RESPONSE_PARTNER',
    country: 'SG',
    contact: { focalPoint: 'SecPartner IR lead' },
  },
  { code: 'MPS-A05', name: 'Ministry of Public Security — Department A05', kind: 'LAW_ENFORCEMENT', contact: { focalPoint: 'A05 liaison' } },
  { code: 'MIC', name: 'Ministry of Information and Communications — Inspectorate', kind: 'REGULATOR' },
  { code: 'ACME', name: 'ACME Trading JSC', kind: 'CONSTITUENT' },
  { code: 'PERSON-0001', name: 'Nguyễn Văn An', kind: 'CONSTITUENT', person: true },
];

export async function insertDemoNetwork(q: Queryable, at: Date): Promise<void> {
  for (const o of DEMO_ORGANIZATIONS) {
    const org = await q.one<{
      id: string;
    }>(sql`insert into organization (code, name, kind, person, country, contact, ip_ranges, asns, zones, created_at, updated_at)
      values (${o.code}, ${o.name}, ${o.kind}, ${o.person ?? false}, ${o.country ?? 'VN'}, ${JSON.stringify(o.contact ?? {})}::jsonb,
        ${o.ipRanges ?? []}::cidr[], ${(o.asns ?? []).map(String)}::bigint[], ${o.zones ?? []}::text[], ${at}, ${at})
      returning id`);
    for (const role of MEMBER_ROLES_BY_KIND[o.kind]) {
      const email = `${role.toLowerCase()}@${o.code.toLowerCase()}.test`;
      await q.query(sql`insert into account (organization_id, email, display_name, member_role, created_at, updated_at)
        values (${org!.id}, ${email}, ${`${o.code} ${role.toLowerCase()}`}, ${role}, ${at}, ${at})`);
    }
  }
}

const DAY = 86_400_000;

/** A few incidents in different states and TLPs, with domain indicators, reported through the real service. */
export async function insertDemoIncidents(services: Services): Promise<void> {
  const auth = new Authenticator(services.config.jwt, services.db, services.clock);
  const now = services.clock.now();
  let order = 0;
  // Each demo report gets its own minute, so list order is stable (never a tie within a millisecond).
  const as = async (email: string) => {
    const row = await services.db.one<{ id: string }>(sql`select id from account where email = ${email}`);
    const at = new Date(now.getTime() - (10 - order++) * 60_000);
    return createContext({ ...services, clock: { now: () => at } }, await auth.accountViewer(row!.id), 'demo-data');
  };
  const base = (over: Partial<ReportIncidentInput>): ReportIncidentInput =>
    ({
      scope: 'LOCAL',
      indicators: [],
      tlp: 'AMBER',
      confidential: false,
      detectedAt: new Date(now.getTime() - DAY),
      reporterContact: { name: 'Demo reporter', email: 'reporter@example.test' },
      ...over,
    }) as ReportIncidentInput;

  const phishing = await reportIncident(
    await as('reporter@acme.test'),
    base({
      title: 'Phishing site imitating our customer portal',
      description: 'Customers receive SMS with a link to a fake login page collecting passwords.',
      reportTo: 'VNPT',
      indicators: [
        { type: 'URL', value: 'hxxps://acme-login[.]com.vn/secure' },
        { type: 'DOMAIN', value: 'acme-verify.vn' },
      ],
      reporterContact: { name: 'Trần Thị Bình', email: 'security@acme.test', phone: '+84 90 000 0001', organizationName: 'ACME Trading JSC' },
    }),
  );
  await reportIncident(
    await as('handler@viettel.test'),
    base({
      title: 'Defacement of a district portal hosted on our network',
      description: 'The home page of a district portal shows a defacement banner.',
      tlp: 'GREEN',
      affectedSystem: { name: 'District portal', level: 2, operator: 'District People’s Committee', publicIps: ['171.224.10.20'] },
      indicators: [{ type: 'DOMAIN', value: 'quan-demo.hanoi.gov.vn' }],
      reporterContact: { name: 'Viettel SOC', email: 'soc@viettel.test' },
    }),
  );
  const malware = await reportIncident(
    await as('reporter@person-0001.test'),
    base({
      title: 'Malware spreading through a fake software update site',
      description: 'Many users report a fake browser update that installs a banking trojan.',
      scope: 'WIDESPREAD',
      tlp: 'CLEAR',
      indicators: [
        { type: 'DOMAIN', value: 'update-trinhduyet.vn' },
        { type: 'IPV4', value: '203.0.113.66' },
        { type: 'FILE_HASH', value: 'D41D8CD98F00B204E9800998ECF8427E' },
      ],
      reporterContact: { name: 'Nguyễn Văn An', email: 'an.nguyen@example.test' },
    }),
  );
  await reportIncident(
    await as('handler@mof-it.test'),
    base({
      title: 'Suspected intrusion into a budget system',
      description: 'Unusual administrator logins at night from abroad.',
      reportTo: 'VNCERT',
      tlp: 'RED',
      confidential: true,
      affectedSystem: { name: 'Budget system', level: 4, operator: 'Ministry of Finance', publicIps: ['203.113.128.10'] },
      reporterContact: { name: 'MOF IT duty officer', email: 'duty@mof-it.test' },
    }),
  );
  const spam = await reportIncident(
    await as('handler@fpt.test'),
    base({
      title: 'Spam campaign from a compromised mail server',
      description: 'A customer mail server relays spam.',
      tlp: 'GREEN',
      affectedSystem: { name: 'Customer mail relay', publicIps: ['42.112.5.5'] },
      indicators: [{ type: 'DOMAIN', value: 'mail.khachhang-demo.vn' }],
      reporterContact: { name: 'FPT NOC', email: 'noc@fpt.test' },
    }),
  );
  // Moves through the real workflow, so the demo shows several states with their timelines.
  const gid = (id: string) => toGlobalId('Incident', id);
  await triage(await as('handler@vnpt.test'), {
    id: gid(phishing.incidentId),
    expectedVersion: 1,
    severity: 'HIGH',
    rsitClass: 'fraud',
    rsitType: 'phishing',
  });
  await triage(await as('handler@fpt.test'), {
    id: gid(spam.incidentId),
    expectedVersion: 1,
    severity: 'MEDIUM',
    rsitClass: 'abusive-content',
    rsitType: 'spam',
  });
  await simpleMove(await as('handler@fpt.test'), { id: gid(spam.incidentId), expectedVersion: 2 }, 'START_RESPONSE');
  // VNCERT coordinates the widespread malware case and orders VNNIC to suspend the distribution domain.
  await issueDirective(await as('handler@vncert.test'), {
    incidentId: gid(malware.incidentId),
    recipient: 'VNNIC',
    action: 'SUSPEND_DOMAIN',
    instructions: 'Suspend update-trinhduyet.vn pending investigation.',
    targets: [{ type: 'DOMAIN', value: 'update-trinhduyet.vn' }],
  } as IssueDirectiveInput);
}
