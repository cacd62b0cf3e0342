/**
 * Random incident worlds for the differential test of the incident views (DESIGN.md §3).
 *
 * A world is a handful of incidents written straight into the database (no service code), with
 * indicators, shares, referrals and directives. The organizations are the demo network of
 * DESIGN.md §5; the test checks that the database agrees with this table before it uses it.
 */
import fc from 'fast-check';

export type OrganizationKind =
  'COORDINATOR' | 'REGISTRY' | 'ISP' | 'AGENCY_IT' | 'RESPONSE_PARTNER' | 'LAW_ENFORCEMENT' | 'REGULATOR' | 'CONSTITUENT';

export interface DemoOrganization {
  code: string;
  kind: OrganizationKind;
  person: boolean;
  zones: readonly string[];
}

/** DESIGN.md §5 "Demo data"; the registry administers zone `vn` (§2 Organizations). */
export const DEMO_NETWORK: readonly DemoOrganization[] = [
  { code: 'VNCERT', kind: 'COORDINATOR', person: false, zones: [] },
  { code: 'VNNIC', kind: 'REGISTRY', person: false, zones: ['vn'] },
  { code: 'VNPT', kind: 'ISP', person: false, zones: [] },
  { code: 'VIETTEL', kind: 'ISP', person: false, zones: [] },
  { code: 'FPT', kind: 'ISP', person: false, zones: [] },
  { code: 'MOF-IT', kind: 'AGENCY_IT', person: false, zones: [] },
  { code: 'HANOI-DIC', kind: 'AGENCY_IT', person: false, zones: [] },
  { code: 'SECPARTNER', kind: 'RESPONSE_PARTNER', person: false, zones: [] },
  { code: 'MPS-A05', kind: 'LAW_ENFORCEMENT', person: false, zones: [] },
  { code: 'MIC', kind: 'REGULATOR', person: false, zones: [] },
  { code: 'ACME', kind: 'CONSTITUENT', person: false, zones: [] },
  { code: 'PERSON-0001', kind: 'CONSTITUENT', person: true, zones: [] },
];

export const INCIDENT_STATUSES = ['REPORTED', 'TRIAGED', 'RESPONDING', 'ESCALATED', 'COORDINATING', 'RESOLVED', 'CLOSED', 'REJECTED'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Tlp = (typeof TLPS)[number];
export const DIRECTIVE_STATUSES = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'COMPLETED', 'DECLINED', 'CANCELLED'] as const;
export type DirectiveStatus = (typeof DIRECTIVE_STATUSES)[number];
export const DIRECTIVE_ACTIONS = [
  'BLOCK_IP',
  'BLOCK_DOMAIN',
  'SUSPEND_DOMAIN',
  'TAKE_DOWN_CONTENT',
  'PRESERVE_EVIDENCE',
  'PROVIDE_INFORMATION',
  'INVESTIGATE',
] as const;

/** Handling organizations: VNCERT, an ISP or an agency unit (routing, DESIGN.md §2). */
export const HANDLERS = ['VNCERT', 'VNPT', 'VIETTEL', 'FPT', 'MOF-IT', 'HANOI-DIC'] as const;
/** Share targets: REGISTRY, ISP, AGENCY_IT, RESPONSE_PARTNER or REGULATOR (§3 "Share with"). */
export const SHARE_TARGETS = ['VNNIC', 'VNPT', 'VIETTEL', 'FPT', 'MOF-IT', 'HANOI-DIC', 'SECPARTNER', 'MIC'] as const;
/** Referral target: the LAW_ENFORCEMENT organization. */
export const REFERRAL_TARGET = 'MPS-A05';
/** Directive recipients: REGISTRY, ISP, AGENCY_IT or RESPONSE_PARTNER (§2 Directives). */
export const DIRECTIVE_RECIPIENTS = ['VNNIC', 'VNPT', 'VIETTEL', 'FPT', 'MOF-IT', 'HANOI-DIC', 'SECPARTNER'] as const;

/** DOMAIN values in zone `vn` (label-aligned). */
export const DOMAINS_IN_ZONE = ['phish-login.vn', 'portal.gov.vn', 'shop.com.vn', 'devil.vn', 'xn--ngn-hoa-6va.vn'] as const;
/** DOMAIN values in no zone the registry administers. */
export const DOMAINS_OUT_OF_ZONE = ['evil-site.com', 'malware.example.org', 'vn.example.com'] as const;
/** Traps: end in the characters `vn` but not on a label boundary (`evn` is not in zone `vn`). */
export const DOMAINS_LABEL_TRAPS = ['login.evn', 'portal.govn', 'cdnvn'] as const;

export type IndicatorKind = 'DOMAIN' | 'IPV4' | 'EMAIL' | 'FILE_HASH';
export interface IndicatorSpec {
  type: IndicatorKind;
  value: string;
}

export interface DirectiveSpec {
  recipient: string;
  status: DirectiveStatus;
  action: (typeof DIRECTIVE_ACTIONS)[number];
  tlp: Tlp;
  /** A target taken from the incident's indicators, when it has any. */
  withTarget: boolean;
}

export interface IncidentSpec {
  status: IncidentStatus;
  tlp: Tlp;
  confidential: boolean;
  scope: 'LOCAL' | 'WIDESPREAD';
  reporter: string;
  handler: string;
  /** Whether the coordinator took part (coordinator_org_id set). Always true when there are directives. */
  coordinator: boolean;
  indicators: IndicatorSpec[];
  shares: string[];
  referred: boolean;
  directives: DirectiveSpec[];
  /** Hours between detection and report. */
  reportDelayHours: number;
}

export interface World {
  incidents: IncidentSpec[];
  /** Page size used to list the world (exercises cursors over visible rows). */
  pageSize: number;
}

const tlpArb: fc.Arbitrary<Tlp> = fc.oneof(
  { weight: 20, arbitrary: fc.constant<Tlp>('CLEAR') },
  { weight: 25, arbitrary: fc.constant<Tlp>('GREEN') },
  { weight: 30, arbitrary: fc.constant<Tlp>('AMBER') },
  { weight: 10, arbitrary: fc.constant<Tlp>('AMBER_STRICT') },
  { weight: 15, arbitrary: fc.constant<Tlp>('RED') },
);

const indicatorArb: fc.Arbitrary<IndicatorSpec> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...DOMAINS_IN_ZONE).map((value): IndicatorSpec => ({ type: 'DOMAIN', value })) },
  { weight: 3, arbitrary: fc.constantFrom(...DOMAINS_OUT_OF_ZONE).map((value): IndicatorSpec => ({ type: 'DOMAIN', value })) },
  { weight: 3, arbitrary: fc.constantFrom(...DOMAINS_LABEL_TRAPS).map((value): IndicatorSpec => ({ type: 'DOMAIN', value })) },
  // Not DOMAIN indicators, even when they mention a .vn name: they never put an incident in the feed.
  { weight: 1, arbitrary: fc.constantFrom('abuse@phish-login.vn', 'ops@portal.gov.vn').map((value): IndicatorSpec => ({ type: 'EMAIL', value })) },
  { weight: 1, arbitrary: fc.constantFrom('203.0.113.7', '198.51.100.23').map((value): IndicatorSpec => ({ type: 'IPV4', value })) },
  { weight: 1, arbitrary: fc.constant<IndicatorSpec>({ type: 'FILE_HASH', value: 'd41d8cd98f00b204e9800998ecf8427e' }) },
);

const directiveArb: fc.Arbitrary<DirectiveSpec> = fc.record({
  recipient: fc.constantFrom(...DIRECTIVE_RECIPIENTS),
  status: fc.constantFrom(...DIRECTIVE_STATUSES),
  action: fc.constantFrom(...DIRECTIVE_ACTIONS),
  tlp: fc.constantFrom(...TLPS),
  withTarget: fc.boolean(),
});

const ALL_CODES = DEMO_NETWORK.map((o) => o.code);

/** One incident; links that the API could never create (sharing with a participant) are dropped. */
export const incidentArb: fc.Arbitrary<IncidentSpec> = fc
  .record({
    status: fc.constantFrom(...INCIDENT_STATUSES),
    tlp: tlpArb,
    confidential: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    scope: fc.constantFrom<'LOCAL' | 'WIDESPREAD'>('LOCAL', 'WIDESPREAD'),
    // Constituents (a company and a person) report more often than any single network member.
    reporter: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('ACME', 'PERSON-0001') }, { weight: 5, arbitrary: fc.constantFrom(...ALL_CODES) }),
    handler: fc.constantFrom(...HANDLERS),
    coordinator: fc.boolean(),
    indicators: fc.uniqueArray(indicatorArb, { minLength: 0, maxLength: 3, selector: (i) => `${i.type}:${i.value}` }),
    shares: fc.subarray([...SHARE_TARGETS], { minLength: 0, maxLength: 2 }),
    referred: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    directives: fc.uniqueArray(directiveArb, { minLength: 0, maxLength: 2, selector: (d) => d.recipient }),
    reportDelayHours: fc.integer({ min: 0, max: 200 }),
  })
  .map((i): IncidentSpec => ({
    ...i,
    // Sharing with the handling or reporting organization is refused by the API (already a participant).
    shares: i.shares.filter((s) => s !== i.handler && s !== i.reporter),
    referred: i.referred && i.reporter !== REFERRAL_TARGET,
    // A directive makes the coordinator take part (DESIGN.md §2).
    coordinator: i.coordinator || i.directives.length > 0,
  }));

export const worldArb: fc.Arbitrary<World> = fc.record({
  incidents: fc.array(incidentArb, { minLength: 1, maxLength: 12 }),
  pageSize: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 2, arbitrary: fc.constant(100) }),
});
