import { ORG_KIND, orgOf, type Account, type OrgKind, type MemberRole, type OrgCode } from './accounts';

/**
 * Read rows of the authorization matrix, derived by hand from DESIGN.md §2–§3 (never from src/auth).
 * The read-only world they describe is built once per run through the API (fixtures.ts `buildWorld`).
 */
export type Level = 'FULL' | 'REPORTER' | 'RECIPIENT' | 'DOMAIN_FEED' | 'SUMMARY';

/**
 * The world's incidents. Each is built by the API, in this order:
 *   W1  reporter@acme → VNPT, AMBER, DOMAIN matrix-w1.vn, with the time it occurred and the affected system,
 *       detected six days before it was reported (late); VNPT triages, updates (severity, serious, PAP), adds an IPv4
 *       indicator, escalates; VNCERT shares with FPT and refers to MPS-A05; notes N1 VNPT INTERNAL,
 *       N2 VNCERT PARTICIPANTS, N3 ACME WITH_REPORTER, N4 FPT INTERNAL, N5 MPS-A05 PARTICIPANTS; VNCERT
 *       issues directive D1 to SECPARTNER (→ COORDINATING). Escalation reason present.
 *   W2  reporter@person-0001 → VIETTEL, GREEN, DOMAIN matrix-w2.com (outside .vn), with the time it occurred and
 *       the affected system; VIETTEL triages and
 *       responds; VNCERT shares with MIC; VIETTEL resolves and files the final report; notes
 *       N6 PERSON-0001 WITH_REPORTER, N7 MIC PARTICIPANTS.
 *   W3  reporter@acme → FPT, CLEAR, DOMAIN matrix-w3.vn; VNCERT shares with SECPARTNER and unshares;
 *       FPT rejects it (rejection reason) as a duplicate of W1: a rejected incident leaves the registry's feed.
 *   W4  handler@hanoi-dic → VNPT (a network-member reporter), AMBER, DOMAIN matrix-w4.vn; VNPT triages
 *       and raises the TLP to AMBER_STRICT (outside the registry feed).
 *   W5  reporter@acme, WIDESPREAD → VNCERT, RED, DOMAIN matrix-w5.vn; VNCERT issues D5 to VNNIC.
 *   W6  handler@mof-it → VNCERT, RED, confidential; VNCERT issues D6 to VIETTEL.
 *   W7  reporter@acme → HANOI-DIC, GREEN, confidential, DOMAIN matrix-w7.vn.
 *   W8  reporter@person-0001 → MOF-IT, CLEAR, DOMAIN matrix-w8.org, detected six days before it was reported
 *       (late); MOF-IT triages; notes
 *       N8 MOF-IT WITH_REPORTER, N9 MOF-IT INTERNAL.
 *   W9  reporter@acme → VIETTEL, AMBER, DOMAIN matrix-w9.cvn (ends in "vn" but not in the zone `vn`).
 *   W10 reporter@acme → VNPT, GREEN, no indicator in the report; VNPT triages, updates (severity, serious, PAP),
 *       adds DOMAIN matrix-w10.cvn (outside the registry's zones, but GREEN: in its feed, row 6; not the reporter's) and escalates;
 *       VNCERT shares with VNNIC, FPT and SECPARTNER, which add INTERNAL notes N10, N11, N12, and unshares all three;
 *       VNCERT issues D10 to SECPARTNER (→ COORDINATING, VNCERT owns); SECPARTNER acknowledges and completes it;
 *       VNCERT resolves (resolution summary) and files the final report. Every reason but the rejection's is
 *       present, so the SUMMARY, REPORTER and RECIPIENT views of a finished, coordinated case are all read.
 */
export const WORLD_INCIDENTS = [
  'W1_AMBER_ESCALATED', 'W2_GREEN_PERSON_RESOLVED', 'W3_CLEAR_REJECTED', 'W4_AMBER_STRICT_NETREP', 'W5_RED_RECIPIENT',
  'W6_RED_CONFIDENTIAL', 'W7_GREEN_CONFIDENTIAL', 'W8_CLEAR_PERSON', 'W9_AMBER_OUT_OF_ZONE', 'W10_GREEN_COORDINATED_RESOLVED',
] as const;
export type WorldIncident = (typeof WORLD_INCIDENTS)[number];

/**
 * One account's view of one incident, on every path (`incident`, `node`, `incidentByReference`,
 * `incidents`, `_entities`), and the fields under §3's field rules:
 *   [0] accessLevel
 *   [1] reporterContact: '+' shown, '-' null
 *   [2] reportingOrganization: its code, or '-' for null
 *   [3] of finalReport, escalationReason, rejectionReason, resolutionSummary: those shown (the fixture has data
 *       only for the ones its description names)
 *   [4] participants (codes, sorted)      [5] directives (world ids)      [6] notes (bodies)
 *   [7] timeline event types, in commit order
 * `null`: the incident is invisible (null on every path, absent from lists).
 */
export type FieldRow = readonly [Level, '+' | '-', string, string, string, string, string, string];

/**
 * The projection column: which of these Incident fields a view shows (§3's views table, by hand), read
 * on every visible world incident. A field counts as shown when it holds data there (WORLD_DATA below):
 * a hidden field reads null, false or empty, exactly like one without data. The field rules of
 * FieldRow (contact, reporting organization, reasons, participants, directives, notes, timeline) are
 * not repeated here.
 */
export const PROJECTION_FIELDS = [
  'reference', 'title', 'status', 'tlp', 'scope', 'confidential', 'version', 'handler', 'detectedAt', 'reportedAt', 'updatedAt', 'viewerCan',
  'severity', 'serious', 'pap', 'classification',
  'description', 'occurredAt', 'affectedSystem', 'lateNotification', 'coordinator', 'finalReportDueAt', 'duplicateOf', 'participantRoles',
  'indicators', 'domains', 'stix',
] as const;
export type ProjectionField = (typeof PROJECTION_FIELDS)[number];

/** §3 row 7: "id, reference, title, classification, severity, serious, scope, status, tlp, pap, confidential, handling organization, …, version". */
const SUMMARY_SHOWS: readonly ProjectionField[] = [
  'reference', 'title', 'status', 'tlp', 'scope', 'confidential', 'version', 'handler', 'detectedAt', 'reportedAt', 'updatedAt', 'viewerCan', 'severity',
  'serious', 'pap', 'classification', 'stix',
];
export const SHOWN_BY_VIEW: Record<Level, readonly ProjectionField[]> = {
  FULL: PROJECTION_FIELDS,
  // Row 3: what it submitted (title, description, its indicators, affected system), TLP, confidential, scope, status,
  // handling organization, its dates; no severity or classification.
  REPORTER: [
    'reference', 'title', 'status', 'tlp', 'scope', 'confidential', 'version', 'handler', 'detectedAt', 'reportedAt', 'updatedAt', 'viewerCan', 'description',
    'occurredAt', 'affectedSystem', 'lateNotification', 'indicators', 'domains', 'stix',
  ],
  // Row 5: the SUMMARY fields plus its own directives (in FieldRow).
  RECIPIENT: SUMMARY_SHOWS,
  // Row 6: the SUMMARY fields plus the DOMAIN indicators.
  DOMAIN_FEED: [...SUMMARY_SHOWS, 'indicators', 'domains'],
  SUMMARY: SUMMARY_SHOWS,
};

/**
 * What each world incident holds (from the descriptions above): the fields with data, the indicators that
 * came with the report, and those added later by others (W1's IPv4, by VNPT). Every incident has a title,
 * status, TLP, scope, version, handling organization and description; a boolean holds data when true.
 */
// `stix`: every viewer of an incident gets its bundle, built from what that viewer may read (§8).
const ALWAYS: readonly ProjectionField[] = ['reference', 'title', 'status', 'tlp', 'scope', 'version', 'handler', 'detectedAt', 'reportedAt', 'updatedAt', 'viewerCan', 'description', 'stix'];
export const WORLD_DATA: Record<WorldIncident, { fields: readonly ProjectionField[]; reported: readonly string[]; added: readonly string[] }> = {
  W1_AMBER_ESCALATED: {
    fields: [...ALWAYS, 'severity', 'serious', 'pap', 'classification', 'occurredAt', 'affectedSystem', 'lateNotification', 'coordinator', 'participantRoles'],
    reported: ['DOMAIN matrix-w1.vn'], added: ['IPV4 198.51.100.7'],
  },
  W2_GREEN_PERSON_RESOLVED: {
    fields: [...ALWAYS, 'severity', 'classification', 'occurredAt', 'affectedSystem', 'finalReportDueAt', 'participantRoles'], reported: ['DOMAIN matrix-w2.com'], added: [],
  },
  W3_CLEAR_REJECTED: { fields: [...ALWAYS, 'duplicateOf', 'participantRoles'], reported: ['DOMAIN matrix-w3.vn'], added: [] },
  W4_AMBER_STRICT_NETREP: { fields: [...ALWAYS, 'severity', 'classification', 'participantRoles'], reported: ['DOMAIN matrix-w4.vn'], added: [] },
  W5_RED_RECIPIENT: { fields: [...ALWAYS, 'coordinator', 'participantRoles'], reported: ['DOMAIN matrix-w5.vn'], added: [] },
  W6_RED_CONFIDENTIAL: { fields: [...ALWAYS, 'confidential', 'coordinator', 'participantRoles'], reported: [], added: [] },
  W7_GREEN_CONFIDENTIAL: { fields: [...ALWAYS, 'confidential', 'participantRoles'], reported: ['DOMAIN matrix-w7.vn'], added: [] },
  W8_CLEAR_PERSON: { fields: [...ALWAYS, 'severity', 'classification', 'lateNotification', 'participantRoles'], reported: ['DOMAIN matrix-w8.org'], added: [] },
  W9_AMBER_OUT_OF_ZONE: { fields: [...ALWAYS, 'participantRoles'], reported: ['DOMAIN matrix-w9.cvn'], added: [] },
  W10_GREEN_COORDINATED_RESOLVED: {
    fields: [...ALWAYS, 'severity', 'serious', 'pap', 'classification', 'coordinator', 'finalReportDueAt', 'participantRoles'], reported: [],
    added: ['DOMAIN matrix-w10.cvn'],
  },
};

/**
 * The expected projection cell: the shown fields with data, in PROJECTION_FIELDS order; `indicators` and
 * `domains` with the values the view shows (FULL all, REPORTER those of its report, DOMAIN_FEED the DOMAIN ones).
 */
export function expectedProjection(level: Level, w: WorldIncident): string {
  const data = WORLD_DATA[w];
  const indicators = level === 'FULL' ? [...data.reported, ...data.added] : level === 'REPORTER' ? [...data.reported] : level === 'DOMAIN_FEED' ? [...data.reported, ...data.added].filter((i) => i.startsWith('DOMAIN ')) : [];
  return PROJECTION_FIELDS.filter((f) => SHOWN_BY_VIEW[level].includes(f))
    .map((f) => {
      if (f === 'indicators') return indicators.length ? `indicators[${indicators.map((i) => i.split(' ')[1]).sort().join(',')}]` : null;
      if (f === 'domains') {
        const domains = indicators.filter((i) => i.startsWith('DOMAIN ')).map((i) => i.split(' ')[1]).sort();
        return domains.length ? `domains[${domains.join(',')}]` : null;
      }
      return data.fields.includes(f) ? f : null;
    })
    .filter((x): x is string => x !== null)
    .join(' ');
}

/**
 * Who wrote each world note and who made each world event, written out from the world's script above (fixtures.ts
 * `buildWorld`): a type repeated in one incident has one actor, except NOTE_ADDED, whose actor is its note's author.
 * COORDINATION_STARTED is made by the issuing of the first directive (VNCERT's handler).
 */
export const NOTE_AUTHOR: Record<string, OrgCode> = {
  N1: 'VNPT', N2: 'VNCERT', N3: 'ACME', N4: 'FPT', N5: 'MPS-A05', N6: 'PERSON-0001', N7: 'MIC', N8: 'MOF-IT', N9: 'MOF-IT',
  N10: 'VNNIC', N11: 'FPT', N12: 'SECPARTNER',
};
export const EVENT_ACTOR: Record<WorldIncident, Partial<Record<string, OrgCode>>> = {
  W1_AMBER_ESCALATED: {
    REPORTED: 'ACME', TRIAGED: 'VNPT', UPDATED: 'VNPT', INDICATORS_ADDED: 'VNPT', ESCALATED: 'VNPT', SHARED: 'VNCERT', REFERRED: 'VNCERT',
    COORDINATION_STARTED: 'VNCERT', DIRECTIVE_ISSUED: 'VNCERT',
  },
  W2_GREEN_PERSON_RESOLVED: {
    REPORTED: 'PERSON-0001', TRIAGED: 'VIETTEL', RESPONSE_STARTED: 'VIETTEL', SHARED: 'VNCERT', RESOLVED: 'VIETTEL', FINAL_REPORT_SUBMITTED: 'VIETTEL',
  },
  W3_CLEAR_REJECTED: { REPORTED: 'ACME', SHARED: 'VNCERT', UNSHARED: 'VNCERT', REJECTED: 'FPT' },
  W4_AMBER_STRICT_NETREP: { REPORTED: 'HANOI-DIC', TRIAGED: 'VNPT', TLP_CHANGED: 'VNPT' },
  W5_RED_RECIPIENT: { REPORTED: 'ACME', COORDINATION_STARTED: 'VNCERT', DIRECTIVE_ISSUED: 'VNCERT' },
  W6_RED_CONFIDENTIAL: { REPORTED: 'MOF-IT', COORDINATION_STARTED: 'VNCERT', DIRECTIVE_ISSUED: 'VNCERT' },
  W7_GREEN_CONFIDENTIAL: { REPORTED: 'ACME' },
  W8_CLEAR_PERSON: { REPORTED: 'PERSON-0001', TRIAGED: 'MOF-IT' },
  W9_AMBER_OUT_OF_ZONE: { REPORTED: 'ACME' },
  W10_GREEN_COORDINATED_RESOLVED: {
    REPORTED: 'ACME', TRIAGED: 'VNPT', UPDATED: 'VNPT', INDICATORS_ADDED: 'VNPT', ESCALATED: 'VNPT', SHARED: 'VNCERT', UNSHARED: 'VNCERT',
    COORDINATION_STARTED: 'VNCERT', DIRECTIVE_ISSUED: 'VNCERT', DIRECTIVE_ACKNOWLEDGED: 'SECPARTNER', DIRECTIVE_COMPLETED: 'SECPARTNER',
    RESOLVED: 'VNCERT', FINAL_REPORT_SUBMITTED: 'VNCERT',
  },
};
/** The reporting organization of each world incident that a constituent reported, whether it is a person, and its handler. */
const CONSTITUENT_REPORTER: Partial<Record<WorldIncident, { org: OrgCode; person: boolean; handler: OrgCode }>> = {
  W1_AMBER_ESCALATED: { org: 'ACME', person: false, handler: 'VNPT' },
  W2_GREEN_PERSON_RESOLVED: { org: 'PERSON-0001', person: true, handler: 'VIETTEL' },
  W3_CLEAR_REJECTED: { org: 'ACME', person: false, handler: 'FPT' },
  W5_RED_RECIPIENT: { org: 'ACME', person: false, handler: 'VNCERT' },
  W7_GREEN_CONFIDENTIAL: { org: 'ACME', person: false, handler: 'HANOI-DIC' },
  W8_CLEAR_PERSON: { org: 'PERSON-0001', person: true, handler: 'MOF-IT' },
  W9_AMBER_OUT_OF_ZONE: { org: 'ACME', person: false, handler: 'VIETTEL' },
  W10_GREEN_COORDINATED_RESOLVED: { org: 'ACME', person: false, handler: 'VNPT' },
};

/**
 * The actors column: for each note the account reads (FieldRow [6]) and each timeline event (FieldRow [7]), whether
 * its author's or actor's account e-mail is shown ('e' or '-') and the organization shown (its code or '-'), by §3's
 * field rules: "Actor and author accounts (names, e-mails) are shown to their own organization and the coordinator;
 * other viewers see only the organization" — an organization the viewer may see (§2: every non-constituent one; a
 * constituent to itself and the coordinator), and the reporting organization under its own rule: to the viewers with
 * the FULL view, a person only to the coordinator, the handling organization and itself.
 * Cell: `<note>:<e>/<org> …|<event type>:<e>/<org> …`.
 */
export function expectedActors(account: Account, w: WorldIncident, row: FieldRow): string {
  const viewer = orgOf(account);
  const reporter = CONSTITUENT_REPORTER[w];
  const flags = (actor: OrgCode): string => {
    const email = viewer === 'VNCERT' || viewer === actor;
    const org =
      ORG_KIND[actor] !== 'CONSTITUENT' || viewer === 'VNCERT' || viewer === actor ||
      (reporter?.org === actor && (reporter.person ? viewer === reporter.handler : row[0] === 'FULL'));
    return `${email ? 'e' : '-'}/${org ? actor : '-'}`;
  };
  const notes = row[6].split(' ').filter(Boolean);
  // The NOTE_ADDED events the account reads are those of the notes it reads (§3: "NOTE_* → the note's audience"), in order.
  const noteEvents = [...notes];
  const events = row[7].split(' ').filter(Boolean).map((type) => {
    const actor = type === 'NOTE_ADDED' ? NOTE_AUTHOR[noteEvents.shift() ?? ''] : EVENT_ACTOR[w][type];
    if (!actor) throw new Error(`no actor written for ${type} of ${w}`);
    return `${type}:${flags(actor)}`;
  });
  return `${notes.map((n) => `${n}:${flags(NOTE_AUTHOR[n])}`).join(' ')}|${events.join(' ')}`;
}

/** Organization.accounts of VNPT: "Accounts are visible within their own organization and to the coordinator" (§2). */
export function expectedVnptAccounts(account: Account): 'visible' | 'hidden' {
  return orgOf(account) === 'VNPT' || orgOf(account) === 'VNCERT' ? 'visible' : 'hidden';
}

/*
 * Ambiguous in §3: "REPORTED and status changes → every view but DOMAIN_FEED and RECIPIENT; escalation, … → FULL".
 * ESCALATED is a status change; it is read as shown to the REPORTER and SUMMARY views (its reason masked, as the
 * escalation reason is a FULL field), and "escalation" in the FULL class as the escalation's details (rows marked).
 */
export const VIEW_TABLE: Record<WorldIncident, Record<Account, FieldRow | null>> = {
  W1_AMBER_ESCALATED: {
    'admin@vncert.test':         ['FULL', '+', 'ACME', 'escalationReason', 'ACME FPT MPS-A05 SECPARTNER VNCERT VNPT', 'D1', 'N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED REFERRED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'handler@vncert.test':       ['FULL', '+', 'ACME', 'escalationReason', 'ACME FPT MPS-A05 SECPARTNER VNCERT VNPT', 'D1', 'N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED REFERRED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'analyst@vncert.test':       ['FULL', '+', 'ACME', 'escalationReason', 'ACME FPT MPS-A05 SECPARTNER VNCERT VNPT', 'D1', 'N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED REFERRED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'admin@vnnic.test':          ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'handler@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'analyst@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'admin@vnpt.test':           ['FULL', '+', 'ACME', 'escalationReason', 'ACME FPT SECPARTNER VNCERT VNPT', 'D1', 'N1 N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED NOTE_ADDED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'handler@vnpt.test':         ['FULL', '+', 'ACME', 'escalationReason', 'ACME FPT SECPARTNER VNCERT VNPT', 'D1', 'N1 N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED NOTE_ADDED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'analyst@vnpt.test':         ['FULL', '+', 'ACME', 'escalationReason', 'ACME FPT SECPARTNER VNCERT VNPT', 'D1', 'N1 N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED NOTE_ADDED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'admin@viettel.test':        null,
    'handler@viettel.test':      null,
    'analyst@viettel.test':      null,
    'admin@fpt.test':            ['FULL', '-', 'ACME', 'escalationReason', 'ACME FPT VNCERT VNPT', '', 'N2 N3 N4 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED NOTE_ADDED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED'],
    'handler@fpt.test':          ['FULL', '-', 'ACME', 'escalationReason', 'ACME FPT VNCERT VNPT', '', 'N2 N3 N4 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED NOTE_ADDED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED'],
    'analyst@fpt.test':          ['FULL', '-', 'ACME', 'escalationReason', 'ACME FPT VNCERT VNPT', '', 'N2 N3 N4 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED NOTE_ADDED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED'],
    'admin@mof-it.test':         null,
    'handler@mof-it.test':       null,
    'analyst@mof-it.test':       null,
    'admin@hanoi-dic.test':      null,
    'handler@hanoi-dic.test':    null,
    'analyst@hanoi-dic.test':    null,
    'admin@secpartner.test':     ['RECIPIENT', '-', '-', '', '', 'D1', '', 'DIRECTIVE_ISSUED'],
    'handler@secpartner.test':   ['RECIPIENT', '-', '-', '', '', 'D1', '', 'DIRECTIVE_ISSUED'],
    'analyst@secpartner.test':   ['RECIPIENT', '-', '-', '', '', 'D1', '', 'DIRECTIVE_ISSUED'],
    'admin@mps-a05.test':        ['FULL', '-', 'ACME', 'escalationReason', 'ACME MPS-A05 VNCERT VNPT', '', 'N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED REFERRED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED'],
    'handler@mps-a05.test':      ['FULL', '-', 'ACME', 'escalationReason', 'ACME MPS-A05 VNCERT VNPT', '', 'N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED REFERRED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED'],
    'analyst@mps-a05.test':      ['FULL', '-', 'ACME', 'escalationReason', 'ACME MPS-A05 VNCERT VNPT', '', 'N2 N3 N5', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED REFERRED NOTE_ADDED NOTE_ADDED NOTE_ADDED COORDINATION_STARTED'],
    'admin@mic.test':            null,
    'handler@mic.test':          null,
    'analyst@mic.test':          null,
    'admin@acme.test':           ['REPORTER', '+', 'ACME', '', '', '', 'N3', 'REPORTED TRIAGED ESCALATED NOTE_ADDED COORDINATION_STARTED'], // ambiguous: ESCALATED read as a status change (reason masked), see below
    'reporter@acme.test':        ['REPORTER', '+', 'ACME', '', '', '', 'N3', 'REPORTED TRIAGED ESCALATED NOTE_ADDED COORDINATION_STARTED'], // ambiguous: ESCALATED read as a status change (reason masked), see below
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W2_GREEN_PERSON_RESOLVED: {
    'admin@vncert.test':         ['FULL', '+', 'PERSON-0001', 'finalReport resolutionSummary', 'MIC PERSON-0001 VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'handler@vncert.test':       ['FULL', '+', 'PERSON-0001', 'finalReport resolutionSummary', 'MIC PERSON-0001 VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'analyst@vncert.test':       ['FULL', '+', 'PERSON-0001', 'finalReport resolutionSummary', 'MIC PERSON-0001 VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'admin@vnnic.test':          ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'handler@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'analyst@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'admin@vnpt.test':           ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'handler@vnpt.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'analyst@vnpt.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'admin@viettel.test':        ['FULL', '+', 'PERSON-0001', 'finalReport resolutionSummary', 'MIC PERSON-0001 VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'handler@viettel.test':      ['FULL', '+', 'PERSON-0001', 'finalReport resolutionSummary', 'MIC PERSON-0001 VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'analyst@viettel.test':      ['FULL', '+', 'PERSON-0001', 'finalReport resolutionSummary', 'MIC PERSON-0001 VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'admin@fpt.test':            ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'handler@fpt.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'analyst@fpt.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'admin@mof-it.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'handler@mof-it.test':       ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'analyst@mof-it.test':       ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'admin@hanoi-dic.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'handler@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'analyst@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'admin@secpartner.test':     ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'handler@secpartner.test':   ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'analyst@secpartner.test':   ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'admin@mps-a05.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'handler@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'analyst@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED'],
    'admin@mic.test':            ['FULL', '-', '-', 'finalReport resolutionSummary', 'MIC VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'handler@mic.test':          ['FULL', '-', '-', 'finalReport resolutionSummary', 'MIC VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'analyst@mic.test':          ['FULL', '-', '-', 'finalReport resolutionSummary', 'MIC VIETTEL', '', 'N6 N7', 'REPORTED TRIAGED RESPONSE_STARTED SHARED RESOLVED FINAL_REPORT_SUBMITTED NOTE_ADDED NOTE_ADDED'],
    'admin@acme.test':           null,
    'reporter@acme.test':        null,
    'admin@person-0001.test':    ['REPORTER', '+', 'PERSON-0001', 'resolutionSummary', '', '', 'N6', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED NOTE_ADDED'],
    'reporter@person-0001.test': ['REPORTER', '+', 'PERSON-0001', 'resolutionSummary', '', '', 'N6', 'REPORTED TRIAGED RESPONSE_STARTED RESOLVED NOTE_ADDED'],
  },
  W3_CLEAR_REJECTED: {
    'admin@vncert.test':         ['FULL', '+', 'ACME', 'rejectionReason', 'ACME FPT', '', '', 'REPORTED SHARED UNSHARED REJECTED'],
    'handler@vncert.test':       ['FULL', '+', 'ACME', 'rejectionReason', 'ACME FPT', '', '', 'REPORTED SHARED UNSHARED REJECTED'],
    'analyst@vncert.test':       ['FULL', '+', 'ACME', 'rejectionReason', 'ACME FPT', '', '', 'REPORTED SHARED UNSHARED REJECTED'],
    'admin@vnnic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@vnnic.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@vnnic.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@vnpt.test':           ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@vnpt.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@vnpt.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@viettel.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@viettel.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@viettel.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@fpt.test':            ['FULL', '+', 'ACME', 'rejectionReason', 'ACME FPT', '', '', 'REPORTED SHARED UNSHARED REJECTED'],
    'handler@fpt.test':          ['FULL', '+', 'ACME', 'rejectionReason', 'ACME FPT', '', '', 'REPORTED SHARED UNSHARED REJECTED'],
    'analyst@fpt.test':          ['FULL', '+', 'ACME', 'rejectionReason', 'ACME FPT', '', '', 'REPORTED SHARED UNSHARED REJECTED'],
    'admin@mof-it.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@mof-it.test':       ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@mof-it.test':       ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@hanoi-dic.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@secpartner.test':     ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@secpartner.test':   ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@secpartner.test':   ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@mps-a05.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@mic.test':            ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'handler@mic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'analyst@mic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED REJECTED'],
    'admin@acme.test':           ['REPORTER', '+', 'ACME', 'rejectionReason', '', '', '', 'REPORTED REJECTED'],
    'reporter@acme.test':        ['REPORTER', '+', 'ACME', 'rejectionReason', '', '', '', 'REPORTED REJECTED'],
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W4_AMBER_STRICT_NETREP: {
    'admin@vncert.test':         ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'handler@vncert.test':       ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'analyst@vncert.test':       ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'admin@vnnic.test':          null,
    'handler@vnnic.test':        null,
    'analyst@vnnic.test':        null,
    'admin@vnpt.test':           ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'handler@vnpt.test':         ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'analyst@vnpt.test':         ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'admin@viettel.test':        null,
    'handler@viettel.test':      null,
    'analyst@viettel.test':      null,
    'admin@fpt.test':            null,
    'handler@fpt.test':          null,
    'analyst@fpt.test':          null,
    'admin@mof-it.test':         null,
    'handler@mof-it.test':       null,
    'analyst@mof-it.test':       null,
    'admin@hanoi-dic.test':      ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'handler@hanoi-dic.test':    ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'analyst@hanoi-dic.test':    ['FULL', '+', 'HANOI-DIC', '', 'HANOI-DIC VNPT', '', '', 'REPORTED TRIAGED TLP_CHANGED'],
    'admin@secpartner.test':     null,
    'handler@secpartner.test':   null,
    'analyst@secpartner.test':   null,
    'admin@mps-a05.test':        null,
    'handler@mps-a05.test':      null,
    'analyst@mps-a05.test':      null,
    'admin@mic.test':            null,
    'handler@mic.test':          null,
    'analyst@mic.test':          null,
    'admin@acme.test':           null,
    'reporter@acme.test':        null,
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W5_RED_RECIPIENT: {
    'admin@vncert.test':         ['FULL', '+', 'ACME', '', 'ACME VNCERT VNNIC', 'D5', '', 'REPORTED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'handler@vncert.test':       ['FULL', '+', 'ACME', '', 'ACME VNCERT VNNIC', 'D5', '', 'REPORTED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'analyst@vncert.test':       ['FULL', '+', 'ACME', '', 'ACME VNCERT VNNIC', 'D5', '', 'REPORTED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'admin@vnnic.test':          ['RECIPIENT', '-', '-', '', '', 'D5', '', 'DIRECTIVE_ISSUED'],
    'handler@vnnic.test':        ['RECIPIENT', '-', '-', '', '', 'D5', '', 'DIRECTIVE_ISSUED'],
    'analyst@vnnic.test':        ['RECIPIENT', '-', '-', '', '', 'D5', '', 'DIRECTIVE_ISSUED'],
    'admin@vnpt.test':           null,
    'handler@vnpt.test':         null,
    'analyst@vnpt.test':         null,
    'admin@viettel.test':        null,
    'handler@viettel.test':      null,
    'analyst@viettel.test':      null,
    'admin@fpt.test':            null,
    'handler@fpt.test':          null,
    'analyst@fpt.test':          null,
    'admin@mof-it.test':         null,
    'handler@mof-it.test':       null,
    'analyst@mof-it.test':       null,
    'admin@hanoi-dic.test':      null,
    'handler@hanoi-dic.test':    null,
    'analyst@hanoi-dic.test':    null,
    'admin@secpartner.test':     null,
    'handler@secpartner.test':   null,
    'analyst@secpartner.test':   null,
    'admin@mps-a05.test':        null,
    'handler@mps-a05.test':      null,
    'analyst@mps-a05.test':      null,
    'admin@mic.test':            null,
    'handler@mic.test':          null,
    'analyst@mic.test':          null,
    'admin@acme.test':           ['REPORTER', '+', 'ACME', '', '', '', '', 'REPORTED COORDINATION_STARTED'],
    'reporter@acme.test':        ['REPORTER', '+', 'ACME', '', '', '', '', 'REPORTED COORDINATION_STARTED'],
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W6_RED_CONFIDENTIAL: {
    'admin@vncert.test':         ['FULL', '+', 'MOF-IT', '', 'MOF-IT VIETTEL VNCERT', 'D6', '', 'REPORTED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'handler@vncert.test':       ['FULL', '+', 'MOF-IT', '', 'MOF-IT VIETTEL VNCERT', 'D6', '', 'REPORTED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'analyst@vncert.test':       ['FULL', '+', 'MOF-IT', '', 'MOF-IT VIETTEL VNCERT', 'D6', '', 'REPORTED COORDINATION_STARTED DIRECTIVE_ISSUED'],
    'admin@vnnic.test':          null,
    'handler@vnnic.test':        null,
    'analyst@vnnic.test':        null,
    'admin@vnpt.test':           null,
    'handler@vnpt.test':         null,
    'analyst@vnpt.test':         null,
    'admin@viettel.test':        null,
    'handler@viettel.test':      null,
    'analyst@viettel.test':      null,
    'admin@fpt.test':            null,
    'handler@fpt.test':          null,
    'analyst@fpt.test':          null,
    'admin@mof-it.test':         ['FULL', '+', 'MOF-IT', '', 'MOF-IT VNCERT', '', '', 'REPORTED COORDINATION_STARTED'],
    'handler@mof-it.test':       ['FULL', '+', 'MOF-IT', '', 'MOF-IT VNCERT', '', '', 'REPORTED COORDINATION_STARTED'],
    'analyst@mof-it.test':       ['FULL', '+', 'MOF-IT', '', 'MOF-IT VNCERT', '', '', 'REPORTED COORDINATION_STARTED'],
    'admin@hanoi-dic.test':      null,
    'handler@hanoi-dic.test':    null,
    'analyst@hanoi-dic.test':    null,
    'admin@secpartner.test':     null,
    'handler@secpartner.test':   null,
    'analyst@secpartner.test':   null,
    'admin@mps-a05.test':        null,
    'handler@mps-a05.test':      null,
    'analyst@mps-a05.test':      null,
    'admin@mic.test':            null,
    'handler@mic.test':          null,
    'analyst@mic.test':          null,
    'admin@acme.test':           null,
    'reporter@acme.test':        null,
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W7_GREEN_CONFIDENTIAL: {
    'admin@vncert.test':         ['FULL', '+', 'ACME', '', 'ACME HANOI-DIC', '', '', 'REPORTED'],
    'handler@vncert.test':       ['FULL', '+', 'ACME', '', 'ACME HANOI-DIC', '', '', 'REPORTED'],
    'analyst@vncert.test':       ['FULL', '+', 'ACME', '', 'ACME HANOI-DIC', '', '', 'REPORTED'],
    'admin@vnnic.test':          null,
    'handler@vnnic.test':        null,
    'analyst@vnnic.test':        null,
    'admin@vnpt.test':           null,
    'handler@vnpt.test':         null,
    'analyst@vnpt.test':         null,
    'admin@viettel.test':        null,
    'handler@viettel.test':      null,
    'analyst@viettel.test':      null,
    'admin@fpt.test':            null,
    'handler@fpt.test':          null,
    'analyst@fpt.test':          null,
    'admin@mof-it.test':         null,
    'handler@mof-it.test':       null,
    'analyst@mof-it.test':       null,
    'admin@hanoi-dic.test':      ['FULL', '+', 'ACME', '', 'ACME HANOI-DIC', '', '', 'REPORTED'],
    'handler@hanoi-dic.test':    ['FULL', '+', 'ACME', '', 'ACME HANOI-DIC', '', '', 'REPORTED'],
    'analyst@hanoi-dic.test':    ['FULL', '+', 'ACME', '', 'ACME HANOI-DIC', '', '', 'REPORTED'],
    'admin@secpartner.test':     null,
    'handler@secpartner.test':   null,
    'analyst@secpartner.test':   null,
    'admin@mps-a05.test':        null,
    'handler@mps-a05.test':      null,
    'analyst@mps-a05.test':      null,
    'admin@mic.test':            null,
    'handler@mic.test':          null,
    'analyst@mic.test':          null,
    'admin@acme.test':           ['REPORTER', '+', 'ACME', '', '', '', '', 'REPORTED'],
    'reporter@acme.test':        ['REPORTER', '+', 'ACME', '', '', '', '', 'REPORTED'],
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W8_CLEAR_PERSON: {
    'admin@vncert.test':         ['FULL', '+', 'PERSON-0001', '', 'MOF-IT PERSON-0001', '', 'N8', 'REPORTED TRIAGED NOTE_ADDED'],
    'handler@vncert.test':       ['FULL', '+', 'PERSON-0001', '', 'MOF-IT PERSON-0001', '', 'N8', 'REPORTED TRIAGED NOTE_ADDED'],
    'analyst@vncert.test':       ['FULL', '+', 'PERSON-0001', '', 'MOF-IT PERSON-0001', '', 'N8', 'REPORTED TRIAGED NOTE_ADDED'],
    'admin@vnnic.test':          ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'handler@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'analyst@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', '', ''],
    'admin@vnpt.test':           ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@vnpt.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@vnpt.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@viettel.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@viettel.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@viettel.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@fpt.test':            ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@fpt.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@fpt.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@mof-it.test':         ['FULL', '+', 'PERSON-0001', '', 'MOF-IT PERSON-0001', '', 'N8 N9', 'REPORTED TRIAGED NOTE_ADDED NOTE_ADDED'],
    'handler@mof-it.test':       ['FULL', '+', 'PERSON-0001', '', 'MOF-IT PERSON-0001', '', 'N8 N9', 'REPORTED TRIAGED NOTE_ADDED NOTE_ADDED'],
    'analyst@mof-it.test':       ['FULL', '+', 'PERSON-0001', '', 'MOF-IT PERSON-0001', '', 'N8 N9', 'REPORTED TRIAGED NOTE_ADDED NOTE_ADDED'],
    'admin@hanoi-dic.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@secpartner.test':     ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@secpartner.test':   ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@secpartner.test':   ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@mps-a05.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@mic.test':            ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'handler@mic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'analyst@mic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED'],
    'admin@acme.test':           null,
    'reporter@acme.test':        null,
    'admin@person-0001.test':    ['REPORTER', '+', 'PERSON-0001', '', '', '', 'N8', 'REPORTED TRIAGED NOTE_ADDED'],
    'reporter@person-0001.test': ['REPORTER', '+', 'PERSON-0001', '', '', '', 'N8', 'REPORTED TRIAGED NOTE_ADDED'],
  },
  W9_AMBER_OUT_OF_ZONE: {
    'admin@vncert.test':         ['FULL', '+', 'ACME', '', 'ACME VIETTEL', '', '', 'REPORTED'],
    'handler@vncert.test':       ['FULL', '+', 'ACME', '', 'ACME VIETTEL', '', '', 'REPORTED'],
    'analyst@vncert.test':       ['FULL', '+', 'ACME', '', 'ACME VIETTEL', '', '', 'REPORTED'],
    'admin@vnnic.test':          null,
    'handler@vnnic.test':        null,
    'analyst@vnnic.test':        null,
    'admin@vnpt.test':           null,
    'handler@vnpt.test':         null,
    'analyst@vnpt.test':         null,
    'admin@viettel.test':        ['FULL', '+', 'ACME', '', 'ACME VIETTEL', '', '', 'REPORTED'],
    'handler@viettel.test':      ['FULL', '+', 'ACME', '', 'ACME VIETTEL', '', '', 'REPORTED'],
    'analyst@viettel.test':      ['FULL', '+', 'ACME', '', 'ACME VIETTEL', '', '', 'REPORTED'],
    'admin@fpt.test':            null,
    'handler@fpt.test':          null,
    'analyst@fpt.test':          null,
    'admin@mof-it.test':         null,
    'handler@mof-it.test':       null,
    'analyst@mof-it.test':       null,
    'admin@hanoi-dic.test':      null,
    'handler@hanoi-dic.test':    null,
    'analyst@hanoi-dic.test':    null,
    'admin@secpartner.test':     null,
    'handler@secpartner.test':   null,
    'analyst@secpartner.test':   null,
    'admin@mps-a05.test':        null,
    'handler@mps-a05.test':      null,
    'analyst@mps-a05.test':      null,
    'admin@mic.test':            null,
    'handler@mic.test':          null,
    'analyst@mic.test':          null,
    'admin@acme.test':           ['REPORTER', '+', 'ACME', '', '', '', '', 'REPORTED'],
    'reporter@acme.test':        ['REPORTER', '+', 'ACME', '', '', '', '', 'REPORTED'],
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
  W10_GREEN_COORDINATED_RESOLVED: {
    'admin@vncert.test':         ['FULL', '+', 'ACME', 'finalReport escalationReason resolutionSummary', 'ACME SECPARTNER VNCERT VNPT', 'D10', '', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED SHARED SHARED UNSHARED UNSHARED UNSHARED COORDINATION_STARTED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED RESOLVED FINAL_REPORT_SUBMITTED'],
    'handler@vncert.test':       ['FULL', '+', 'ACME', 'finalReport escalationReason resolutionSummary', 'ACME SECPARTNER VNCERT VNPT', 'D10', '', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED SHARED SHARED UNSHARED UNSHARED UNSHARED COORDINATION_STARTED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED RESOLVED FINAL_REPORT_SUBMITTED'],
    'analyst@vncert.test':       ['FULL', '+', 'ACME', 'finalReport escalationReason resolutionSummary', 'ACME SECPARTNER VNCERT VNPT', 'D10', '', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED SHARED SHARED UNSHARED UNSHARED UNSHARED COORDINATION_STARTED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED RESOLVED FINAL_REPORT_SUBMITTED'],
    'admin@vnnic.test':          ['DOMAIN_FEED', '-', '-', '', '', '', 'N10', 'NOTE_ADDED'],
    'handler@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', 'N10', 'NOTE_ADDED'],
    'analyst@vnnic.test':        ['DOMAIN_FEED', '-', '-', '', '', '', 'N10', 'NOTE_ADDED'],
    'admin@vnpt.test':           ['FULL', '+', 'ACME', 'finalReport escalationReason resolutionSummary', 'ACME SECPARTNER VNCERT VNPT', 'D10', '', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED SHARED SHARED UNSHARED UNSHARED UNSHARED COORDINATION_STARTED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED RESOLVED FINAL_REPORT_SUBMITTED'],
    'handler@vnpt.test':         ['FULL', '+', 'ACME', 'finalReport escalationReason resolutionSummary', 'ACME SECPARTNER VNCERT VNPT', 'D10', '', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED SHARED SHARED UNSHARED UNSHARED UNSHARED COORDINATION_STARTED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED RESOLVED FINAL_REPORT_SUBMITTED'],
    'analyst@vnpt.test':         ['FULL', '+', 'ACME', 'finalReport escalationReason resolutionSummary', 'ACME SECPARTNER VNCERT VNPT', 'D10', '', 'REPORTED TRIAGED UPDATED INDICATORS_ADDED ESCALATED SHARED SHARED SHARED UNSHARED UNSHARED UNSHARED COORDINATION_STARTED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED RESOLVED FINAL_REPORT_SUBMITTED'],
    'admin@viettel.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'handler@viettel.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'analyst@viettel.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'admin@fpt.test':            ['SUMMARY', '-', '-', '', '', '', 'N11', 'REPORTED TRIAGED ESCALATED NOTE_ADDED COORDINATION_STARTED RESOLVED'],
    'handler@fpt.test':          ['SUMMARY', '-', '-', '', '', '', 'N11', 'REPORTED TRIAGED ESCALATED NOTE_ADDED COORDINATION_STARTED RESOLVED'],
    'analyst@fpt.test':          ['SUMMARY', '-', '-', '', '', '', 'N11', 'REPORTED TRIAGED ESCALATED NOTE_ADDED COORDINATION_STARTED RESOLVED'],
    'admin@mof-it.test':         ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'handler@mof-it.test':       ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'analyst@mof-it.test':       ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'admin@hanoi-dic.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'handler@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'analyst@hanoi-dic.test':    ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'admin@secpartner.test':     ['RECIPIENT', '-', '-', '', '', 'D10', 'N12', 'NOTE_ADDED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED'],
    'handler@secpartner.test':   ['RECIPIENT', '-', '-', '', '', 'D10', 'N12', 'NOTE_ADDED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED'],
    'analyst@secpartner.test':   ['RECIPIENT', '-', '-', '', '', 'D10', 'N12', 'NOTE_ADDED DIRECTIVE_ISSUED DIRECTIVE_ACKNOWLEDGED DIRECTIVE_COMPLETED'],
    'admin@mps-a05.test':        ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'handler@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'analyst@mps-a05.test':      ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'admin@mic.test':            ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'handler@mic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'analyst@mic.test':          ['SUMMARY', '-', '-', '', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'admin@acme.test':           ['REPORTER', '+', 'ACME', 'resolutionSummary', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'reporter@acme.test':        ['REPORTER', '+', 'ACME', 'resolutionSummary', '', '', '', 'REPORTED TRIAGED ESCALATED COORDINATION_STARTED RESOLVED'],
    'admin@person-0001.test':    null,
    'reporter@person-0001.test': null,
  },
};

/**
 * Directives of the world by `node(id)` and `directives(filter: { incident })`: `null` when the
 * directive is invisible, otherwise `incident=<the view of Directive.incident>` (`incident=null` for
 * a recipient of a confidential incident, §3).
 */
export const DIRECTIVE_COLUMNS = ['D1', 'D5', 'D6'] as const;
export type DirectiveCell = 'null' | `incident=${Level | 'null'}`;
export const DIRECTIVE_TABLE: readonly (readonly [Account, DirectiveCell, DirectiveCell, DirectiveCell])[] = [
  //  account                     D1 (W1 → SECPARTNER)      D5 (W5 → VNNIC)           D6 (W6, confidential → VIETTEL)
    ['admin@vncert.test',         'incident=FULL',          'incident=FULL',          'incident=FULL'],
    ['handler@vncert.test',       'incident=FULL',          'incident=FULL',          'incident=FULL'],
    ['analyst@vncert.test',       'incident=FULL',          'incident=FULL',          'incident=FULL'],
    ['admin@vnnic.test',          'null',                   'incident=RECIPIENT',     'null'],
    ['handler@vnnic.test',        'null',                   'incident=RECIPIENT',     'null'],
    ['analyst@vnnic.test',        'null',                   'incident=RECIPIENT',     'null'],
    ['admin@vnpt.test',           'incident=FULL',          'null',                   'null'],
    ['handler@vnpt.test',         'incident=FULL',          'null',                   'null'],
    ['analyst@vnpt.test',         'incident=FULL',          'null',                   'null'],
    ['admin@viettel.test',        'null',                   'null',                   'incident=null'],
    ['handler@viettel.test',      'null',                   'null',                   'incident=null'],
    ['analyst@viettel.test',      'null',                   'null',                   'incident=null'],
    ['admin@fpt.test',            'null',                   'null',                   'null'],
    ['handler@fpt.test',          'null',                   'null',                   'null'],
    ['analyst@fpt.test',          'null',                   'null',                   'null'],
    ['admin@mof-it.test',         'null',                   'null',                   'null'],
    ['handler@mof-it.test',       'null',                   'null',                   'null'],
    ['analyst@mof-it.test',       'null',                   'null',                   'null'],
    ['admin@hanoi-dic.test',      'null',                   'null',                   'null'],
    ['handler@hanoi-dic.test',    'null',                   'null',                   'null'],
    ['analyst@hanoi-dic.test',    'null',                   'null',                   'null'],
    ['admin@secpartner.test',     'incident=RECIPIENT',     'null',                   'null'],
    ['handler@secpartner.test',   'incident=RECIPIENT',     'null',                   'null'],
    ['analyst@secpartner.test',   'incident=RECIPIENT',     'null',                   'null'],
    ['admin@mps-a05.test',        'null',                   'null',                   'null'],
    ['handler@mps-a05.test',      'null',                   'null',                   'null'],
    ['analyst@mps-a05.test',      'null',                   'null',                   'null'],
    ['admin@mic.test',            'null',                   'null',                   'null'],
    ['handler@mic.test',          'null',                   'null',                   'null'],
    ['analyst@mic.test',          'null',                   'null',                   'null'],
    ['admin@acme.test',           'null',                   'null',                   'null'],
    ['reporter@acme.test',        'null',                   'null',                   'null'],
    ['admin@person-0001.test',    'null',                   'null',                   'null'],
    ['reporter@person-0001.test', 'null',                   'null',                   'null'],
];

/**
 * Root queries: `viewer` (its role as kind/member role), then OK or the error code.
 * periodicSummary: OWN = the caller's organization; VNPT; ACME. ACME is a constituent, visible only to itself and the
 * coordinator (§2), so to everyone else its code is an unknown organization code: BAD_USER_INPUT by §3's precedence,
 * the same answer as a code that does not exist (the API answered NOT_FOUND, telling the two apart; fixed).
 */
export const QUERY_COLUMNS = [
  'viewer', 'roles', 'apiKeys', 'incidentStatistics', 'directiveCompliance', 'periodicSummary:OWN', 'periodicSummary:VNPT',
  'periodicSummary:ACME',
] as const;
export type QueryOutcome = 'OK' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND';
export const QUERY_TABLE: readonly (readonly [Account, `${OrgKind}/${MemberRole}`, ...QueryOutcome[]])[] = [
  //  account                     viewer                      roles         apiKeys       statistics    compliance    OWN           VNPT          ACME
    ['admin@vncert.test',         'COORDINATOR/ADMIN',        'OK',         'OK',         'OK',         'OK',         'OK',         'OK',         'OK'],
    ['handler@vncert.test',       'COORDINATOR/HANDLER',      'OK',         'FORBIDDEN',  'OK',         'OK',         'OK',         'OK',         'OK'],
    ['analyst@vncert.test',       'COORDINATOR/ANALYST',      'OK',         'FORBIDDEN',  'OK',         'OK',         'OK',         'OK',         'OK'],
    ['admin@vnnic.test',          'REGISTRY/ADMIN',           'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@vnnic.test',        'REGISTRY/HANDLER',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@vnnic.test',        'REGISTRY/ANALYST',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@vnpt.test',           'ISP/ADMIN',                  'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'OK',         'BAD_USER_INPUT'],
    ['handler@vnpt.test',         'ISP/HANDLER',              'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'OK',         'BAD_USER_INPUT'],
    ['analyst@vnpt.test',         'ISP/ANALYST',              'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'OK',         'BAD_USER_INPUT'],
    ['admin@viettel.test',        'ISP/ADMIN',                  'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@viettel.test',      'ISP/HANDLER',              'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@viettel.test',      'ISP/ANALYST',              'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@fpt.test',            'ISP/ADMIN',                  'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@fpt.test',          'ISP/HANDLER',              'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@fpt.test',          'ISP/ANALYST',              'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@mof-it.test',         'AGENCY_IT/ADMIN',          'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@mof-it.test',       'AGENCY_IT/HANDLER',        'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@mof-it.test',       'AGENCY_IT/ANALYST',        'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@hanoi-dic.test',      'AGENCY_IT/ADMIN',          'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@hanoi-dic.test',    'AGENCY_IT/HANDLER',        'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@hanoi-dic.test',    'AGENCY_IT/ANALYST',        'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@secpartner.test',     'RESPONSE_PARTNER/ADMIN',   'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@secpartner.test',   'RESPONSE_PARTNER/HANDLER', 'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@secpartner.test',   'RESPONSE_PARTNER/ANALYST', 'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@mps-a05.test',        'LAW_ENFORCEMENT/ADMIN',    'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['handler@mps-a05.test',      'LAW_ENFORCEMENT/HANDLER',  'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['analyst@mps-a05.test',      'LAW_ENFORCEMENT/ANALYST',  'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['admin@mic.test',            'REGULATOR/ADMIN',          'OK',         'OK',         'OK',         'OK',         'OK',         'OK',         'OK'],
    ['handler@mic.test',          'REGULATOR/HANDLER',        'OK',         'FORBIDDEN',  'OK',         'OK',         'OK',         'OK',         'OK'],
    ['analyst@mic.test',          'REGULATOR/ANALYST',        'OK',         'FORBIDDEN',  'OK',         'OK',         'OK',         'OK',         'OK'],
    ['admin@acme.test',           'CONSTITUENT/ADMIN',        'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'OK'],
    ['reporter@acme.test',        'CONSTITUENT/REPORTER',     'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'OK'],
    ['admin@person-0001.test',    'CONSTITUENT/ADMIN',        'OK',         'OK',         'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
    ['reporter@person-0001.test', 'CONSTITUENT/REPORTER',     'OK',         'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',  'OK',         'FORBIDDEN',  'BAD_USER_INPUT'],
];

/**
 * Organizations and accounts (§2 "Visibility of organizations and accounts"): ACME and PERSON-0001 in
 * `organizations`; VNPT's contact fields; `node` of the ACME organization, of admin@vnpt.test's
 * account and of an API key of VNPT.
 */
export const DIRECTORY_COLUMNS = [
  'organizations:ACME', 'organizations:PERSON-0001', 'organizations:VNPT.contact', 'node:Organization:ACME',
  'node:Account:admin@vnpt.test', 'node:ApiKey:VNPT',
] as const;
export type Seen = 'visible' | 'hidden';
export const DIRECTORY_TABLE: readonly (readonly [Account, Seen, Seen, Seen, Seen, Seen, Seen])[] = [
  //  account                     ACME       PERSON     VNPT.contact ACME node  admin@vnpt key VNPT
    ['admin@vncert.test',         'visible', 'visible', 'visible', 'visible', 'visible', 'hidden'],
    ['handler@vncert.test',       'visible', 'visible', 'visible', 'visible', 'visible', 'hidden'],
    ['analyst@vncert.test',       'visible', 'visible', 'visible', 'visible', 'visible', 'hidden'],
    ['admin@vnnic.test',          'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@vnnic.test',        'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@vnnic.test',        'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@vnpt.test',           'hidden',  'hidden',  'visible', 'hidden',  'visible', 'visible'],
    ['handler@vnpt.test',         'hidden',  'hidden',  'visible', 'hidden',  'visible', 'hidden'],
    ['analyst@vnpt.test',         'hidden',  'hidden',  'visible', 'hidden',  'visible', 'hidden'],
    ['admin@viettel.test',        'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@viettel.test',      'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@viettel.test',      'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@fpt.test',            'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@fpt.test',          'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@fpt.test',          'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@mof-it.test',         'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@mof-it.test',       'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@mof-it.test',       'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@hanoi-dic.test',      'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@hanoi-dic.test',    'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@hanoi-dic.test',    'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@secpartner.test',     'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@secpartner.test',   'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@secpartner.test',   'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@mps-a05.test',        'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['handler@mps-a05.test',      'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['analyst@mps-a05.test',      'hidden',  'hidden',  'visible', 'hidden',  'hidden',  'hidden'],
    ['admin@mic.test',            'hidden',  'hidden',  'hidden',  'hidden',  'hidden',  'hidden'],
    ['handler@mic.test',          'hidden',  'hidden',  'hidden',  'hidden',  'hidden',  'hidden'],
    ['analyst@mic.test',          'hidden',  'hidden',  'hidden',  'hidden',  'hidden',  'hidden'],
    ['admin@acme.test',           'visible', 'hidden',  'hidden',  'visible', 'hidden',  'hidden'],
    ['reporter@acme.test',        'visible', 'hidden',  'hidden',  'visible', 'hidden',  'hidden'],
    ['admin@person-0001.test',    'hidden',  'visible', 'hidden',  'hidden',  'hidden',  'hidden'],
    ['reporter@person-0001.test', 'hidden',  'visible', 'hidden',  'hidden',  'hidden',  'hidden'],
];

/**
 * `domain(name) { cases }` for each world incident's DOMAIN indicator: the incident's view when that view
 * shows the domain (FULL, REPORTER, DOMAIN_FEED), otherwise `null` — §3: search uses only the fields the
 * row's view shows, so a SUMMARY or RECIPIENT viewer cannot find an incident by a domain it may not read.
 */
export const DOMAIN_COLUMNS = [
  'W1_AMBER_ESCALATED', 'W2_GREEN_PERSON_RESOLVED', 'W3_CLEAR_REJECTED', 'W4_AMBER_STRICT_NETREP', 'W5_RED_RECIPIENT',
  'W7_GREEN_CONFIDENTIAL', 'W8_CLEAR_PERSON', 'W9_AMBER_OUT_OF_ZONE',
] as const satisfies readonly WorldIncident[];
export const DOMAIN_TABLE: readonly (readonly [Account, ...(Level | 'null')[]])[] = [
  //  account                     W1             W2             W3             W4             W5             W7             W8             W9
    ['admin@vncert.test',         'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL'],
    ['handler@vncert.test',       'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL'],
    ['analyst@vncert.test',       'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL',        'FULL'],
    ['admin@vnnic.test',          'DOMAIN_FEED', 'DOMAIN_FEED', 'null',        'null',        'null',        'null',        'DOMAIN_FEED', 'null'],
    ['handler@vnnic.test',        'DOMAIN_FEED', 'DOMAIN_FEED', 'null',        'null',        'null',        'null',        'DOMAIN_FEED', 'null'],
    ['analyst@vnnic.test',        'DOMAIN_FEED', 'DOMAIN_FEED', 'null',        'null',        'null',        'null',        'DOMAIN_FEED', 'null'],
    ['admin@vnpt.test',           'FULL',        'null',        'null',        'FULL',        'null',        'null',        'null',        'null'],
    ['handler@vnpt.test',         'FULL',        'null',        'null',        'FULL',        'null',        'null',        'null',        'null'],
    ['analyst@vnpt.test',         'FULL',        'null',        'null',        'FULL',        'null',        'null',        'null',        'null'],
    ['admin@viettel.test',        'null',        'FULL',        'null',        'null',        'null',        'null',        'null',        'FULL'],
    ['handler@viettel.test',      'null',        'FULL',        'null',        'null',        'null',        'null',        'null',        'FULL'],
    ['analyst@viettel.test',      'null',        'FULL',        'null',        'null',        'null',        'null',        'null',        'FULL'],
    ['admin@fpt.test',            'FULL',        'null',        'FULL',        'null',        'null',        'null',        'null',        'null'],
    ['handler@fpt.test',          'FULL',        'null',        'FULL',        'null',        'null',        'null',        'null',        'null'],
    ['analyst@fpt.test',          'FULL',        'null',        'FULL',        'null',        'null',        'null',        'null',        'null'],
    ['admin@mof-it.test',         'null',        'null',        'null',        'null',        'null',        'null',        'FULL',        'null'],
    ['handler@mof-it.test',       'null',        'null',        'null',        'null',        'null',        'null',        'FULL',        'null'],
    ['analyst@mof-it.test',       'null',        'null',        'null',        'null',        'null',        'null',        'FULL',        'null'],
    ['admin@hanoi-dic.test',      'null',        'null',        'null',        'FULL',        'null',        'FULL',        'null',        'null'],
    ['handler@hanoi-dic.test',    'null',        'null',        'null',        'FULL',        'null',        'FULL',        'null',        'null'],
    ['analyst@hanoi-dic.test',    'null',        'null',        'null',        'FULL',        'null',        'FULL',        'null',        'null'],
    ['admin@secpartner.test',     'null',        'null',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['handler@secpartner.test',   'null',        'null',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['analyst@secpartner.test',   'null',        'null',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['admin@mps-a05.test',        'FULL',        'null',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['handler@mps-a05.test',      'FULL',        'null',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['analyst@mps-a05.test',      'FULL',        'null',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['admin@mic.test',            'null',        'FULL',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['handler@mic.test',          'null',        'FULL',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['analyst@mic.test',          'null',        'FULL',        'null',        'null',        'null',        'null',        'null',        'null'],
    ['admin@acme.test',           'REPORTER',    'null',        'REPORTER',    'null',        'REPORTER',    'REPORTER',    'null',        'REPORTER'],
    ['reporter@acme.test',        'REPORTER',    'null',        'REPORTER',    'null',        'REPORTER',    'REPORTER',    'null',        'REPORTER'],
    ['admin@person-0001.test',    'null',        'REPORTER',    'null',        'null',        'null',        'null',        'REPORTER',    'null'],
    ['reporter@person-0001.test', 'null',        'REPORTER',    'null',        'null',        'null',        'null',        'REPORTER',    'null'],
];

/**
 * `domainCases` (the registry feed, §3 "Registry feed"): FORBIDDEN to every kind but the REGISTRY; for it,
 * each world incident is `live:<view>` (in the DOMAIN_FEED view or better), `removed` (it left the feed:
 * a tombstone — W3 was rejected, W4's TLP raised to AMBER_STRICT) or `absent` (never in it).
 * Ambiguous: "DOMAIN_FEED view or better" is read in the order of §3's view table, so W5, where VNNIC is a
 * directive recipient (RECIPIENT, row 5, before row 6), is in the feed.
 */
export const FEED_TABLE: readonly (readonly [Account, ...string[]])[] = [
  //  account                     W1                  W2                  W3                  W4                  W5                  W6                  W7                  W8                  W9                  W10
    ['admin@vncert.test',         'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@vncert.test',       'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@vncert.test',       'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@vnnic.test',          'live:DOMAIN_FEED', 'live:DOMAIN_FEED', 'removed',          'removed',          'live:RECIPIENT',   'absent',           'absent',           'live:DOMAIN_FEED', 'absent', 'live:DOMAIN_FEED'],
    ['handler@vnnic.test',        'live:DOMAIN_FEED', 'live:DOMAIN_FEED', 'removed',          'removed',          'live:RECIPIENT',   'absent',           'absent',           'live:DOMAIN_FEED', 'absent', 'live:DOMAIN_FEED'],
    ['analyst@vnnic.test',        'live:DOMAIN_FEED', 'live:DOMAIN_FEED', 'removed',          'removed',          'live:RECIPIENT',   'absent',           'absent',           'live:DOMAIN_FEED', 'absent', 'live:DOMAIN_FEED'],
    ['admin@vnpt.test',           'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@vnpt.test',         'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@vnpt.test',         'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@viettel.test',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@viettel.test',      'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@viettel.test',      'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@fpt.test',            'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@fpt.test',          'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@fpt.test',          'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@mof-it.test',         'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@mof-it.test',       'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@mof-it.test',       'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@hanoi-dic.test',      'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@hanoi-dic.test',    'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@hanoi-dic.test',    'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@secpartner.test',     'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@secpartner.test',   'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@secpartner.test',   'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@mps-a05.test',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@mps-a05.test',      'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@mps-a05.test',      'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@mic.test',            'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['handler@mic.test',          'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['analyst@mic.test',          'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@acme.test',           'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['reporter@acme.test',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['admin@person-0001.test',    'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
    ['reporter@person-0001.test', 'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN',        'FORBIDDEN', 'FORBIDDEN'],
];

/**
 * `roles`: every role of DESIGN.md §2 with its capabilities. The capability names DESIGN.md gives
 * (INCIDENT_REPORT, INCIDENT_HANDLE, DIRECTIVE_ISSUE, DIRECTIVE_RESPOND, DOMAIN_FEED_READ, STATISTICS_READ,
 * ORG_ADMIN) are placed by §2–§3; the rulebook's other names stand for: INCIDENT_READ (every role reads),
 * INCIDENT_COORDINATE (§3 "Coordinate": the coordinator's HANDLERs and ADMINs), NOTE_ADD (§2: HANDLER,
 * ADMIN and REPORTER accounts) and ORGANIZATION_MANAGE (§3: the COORDINATOR's ADMINs).
 * INCIDENT_HANDLE goes to the kinds a report can be routed to (§2 routing: ISP, AGENCY_IT, the coordinator).
 */
export const ROLE_TABLE: readonly (readonly [OrgKind, MemberRole, string])[] = [
  ['COORDINATOR', 'ADMIN', 'DIRECTIVE_ISSUE INCIDENT_COORDINATE INCIDENT_HANDLE INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORGANIZATION_MANAGE ORG_ADMIN STATISTICS_READ'],
  ['COORDINATOR', 'HANDLER', 'DIRECTIVE_ISSUE INCIDENT_COORDINATE INCIDENT_HANDLE INCIDENT_READ INCIDENT_REPORT NOTE_ADD STATISTICS_READ'],
  ['COORDINATOR', 'ANALYST', 'INCIDENT_READ STATISTICS_READ'],
  ['REGISTRY', 'ADMIN', 'DIRECTIVE_RESPOND DOMAIN_FEED_READ INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORG_ADMIN'],
  ['REGISTRY', 'HANDLER', 'DIRECTIVE_RESPOND DOMAIN_FEED_READ INCIDENT_READ INCIDENT_REPORT NOTE_ADD'],
  ['REGISTRY', 'ANALYST', 'DOMAIN_FEED_READ INCIDENT_READ'],
  ['ISP', 'ADMIN', 'DIRECTIVE_RESPOND INCIDENT_HANDLE INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORG_ADMIN'],
  ['ISP', 'HANDLER', 'DIRECTIVE_RESPOND INCIDENT_HANDLE INCIDENT_READ INCIDENT_REPORT NOTE_ADD'],
  ['ISP', 'ANALYST', 'INCIDENT_READ'],
  ['AGENCY_IT', 'ADMIN', 'DIRECTIVE_RESPOND INCIDENT_HANDLE INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORG_ADMIN'],
  ['AGENCY_IT', 'HANDLER', 'DIRECTIVE_RESPOND INCIDENT_HANDLE INCIDENT_READ INCIDENT_REPORT NOTE_ADD'],
  ['AGENCY_IT', 'ANALYST', 'INCIDENT_READ'],
  ['RESPONSE_PARTNER', 'ADMIN', 'DIRECTIVE_RESPOND INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORG_ADMIN'],
  ['RESPONSE_PARTNER', 'HANDLER', 'DIRECTIVE_RESPOND INCIDENT_READ INCIDENT_REPORT NOTE_ADD'],
  ['RESPONSE_PARTNER', 'ANALYST', 'INCIDENT_READ'],
  ['LAW_ENFORCEMENT', 'ADMIN', 'INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORG_ADMIN'],
  ['LAW_ENFORCEMENT', 'HANDLER', 'INCIDENT_READ INCIDENT_REPORT NOTE_ADD'],
  ['LAW_ENFORCEMENT', 'ANALYST', 'INCIDENT_READ'],
  ['REGULATOR', 'ADMIN', 'INCIDENT_READ NOTE_ADD ORG_ADMIN STATISTICS_READ'],
  ['REGULATOR', 'HANDLER', 'INCIDENT_READ NOTE_ADD STATISTICS_READ'],
  ['REGULATOR', 'ANALYST', 'INCIDENT_READ STATISTICS_READ'],
  ['CONSTITUENT', 'ADMIN', 'INCIDENT_READ INCIDENT_REPORT NOTE_ADD ORG_ADMIN'],
  ['CONSTITUENT', 'REPORTER', 'INCIDENT_READ INCIDENT_REPORT NOTE_ADD'],
];
