import { MatrixClient, FixtureError } from './client';
import { adminOf, ORG_KIND, type Account, type OrgCode, type OrgKind } from './accounts';
import type { WorldIncident } from './rows-read';

/**
 * Fixture factories: every object a case acts on or reads is made through the API (a report and then
 * moves), never written into the database, so a fixture is only what the API lets its builders make.
 * Fixture builders are fixed accounts (the reporter, VNPT's handler, VNCERT's handler …); when a
 * rulebook flip stops a builder, the cases that need the fixture fail — which the mutation check counts.
 */

export interface IncidentFx {
  type: 'incident';
  id: string;
  version: number;
  reference: string;
}
export interface DirectiveFx {
  type: 'directive';
  id: string;
  version: number;
  incidentId: string;
}
export interface NoteFx {
  type: 'note';
  id: string;
  incidentId: string;
}
export interface AccountFx {
  type: 'account';
  id: string;
}
export interface KeyFx {
  type: 'key';
  id: string;
}
export interface OrgFx {
  type: 'organization';
  code: string;
}
export interface NoFx {
  type: 'none';
}
export type Fx = IncidentFx | DirectiveFx | NoteFx | AccountFx | KeyFx | OrgFx | NoFx;

export const INCIDENT_FIXTURES = [
  'REP',
  'REP_VNCERT',
  'RES_VNCERT',
  'REP_NETREP',
  'SHR',
  'TRI',
  'RSP',
  'ESC',
  'CRD',
  'RES',
  'RESF',
  'RESC',
  'REJ',
  'CLS',
  'CRD_DIR',
  'RSPF',
  'ESCF',
  'REJF',
  'REPF',
  'TRIF',
  'CRDF',
] as const;
export type IncidentFixture = (typeof INCIDENT_FIXTURES)[number];
export const DIRECTIVE_FIXTURES = [
  'D_ISS_VNNIC',
  'D_ACK_VNNIC',
  'D_ACK_SEC',
  'D_ISS_SEC',
  'D_ISS_MOF',
  'D_INP_FPT',
  'D_DONE_FPT',
  'D_DECL_VNNIC',
  'D_CANC_SEC',
] as const;
export type DirectiveFixture = (typeof DIRECTIVE_FIXTURES)[number];
export const NOTE_FIXTURES = ['NOTE_VNPT_INTERNAL', 'NOTE_VNCERT_PARTICIPANTS', 'NOTE_ACME_WITH_REPORTER'] as const;
export type NoteFixture = (typeof NOTE_FIXTURES)[number];

/**
 * Each kind's key role (DESIGN.md §2: a key holds a subset of its kind's HANDLER role, REPORTER for a
 * constituent, never account or key management): the whole of it, as ROLE_TABLE in rows-read.ts lists it.
 */
export const KEY_ROLE_CAPS: Record<OrgKind, readonly string[]> = {
  COORDINATOR: ['DIRECTIVE_ISSUE', 'INCIDENT_COORDINATE', 'INCIDENT_HANDLE', 'INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD', 'STATISTICS_READ'],
  REGISTRY: ['DIRECTIVE_RESPOND', 'DOMAIN_FEED_READ', 'INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD'],
  ISP: ['DIRECTIVE_RESPOND', 'INCIDENT_HANDLE', 'INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD'],
  AGENCY_IT: ['DIRECTIVE_RESPOND', 'INCIDENT_HANDLE', 'INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD'],
  RESPONSE_PARTNER: ['DIRECTIVE_RESPOND', 'INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD'],
  LAW_ENFORCEMENT: ['INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD'],
  REGULATOR: ['INCIDENT_READ', 'NOTE_ADD', 'STATISTICS_READ'],
  CONSTITUENT: ['INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD'],
};
/** A capability each kind's key role lacks, so a key may not hold it. */
export const FOREIGN_CAP: Record<OrgKind, string> = {
  COORDINATOR: 'DIRECTIVE_RESPOND',
  REGISTRY: 'INCIDENT_HANDLE',
  ISP: 'DIRECTIVE_ISSUE',
  AGENCY_IT: 'DIRECTIVE_ISSUE',
  RESPONSE_PARTNER: 'INCIDENT_HANDLE',
  LAW_ENFORCEMENT: 'DIRECTIVE_RESPOND',
  REGULATOR: 'INCIDENT_REPORT',
  CONSTITUENT: 'INCIDENT_HANDLE',
};

const COORDINATOR_HANDLER: Account = 'handler@vncert.test';
const VNPT_HANDLER: Account = 'handler@vnpt.test';
const HOUR = 3_600_000;

type Vars = Record<string, unknown>;

export class Factory {
  private n = 0;

  constructor(
    readonly client: MatrixClient,
    readonly tag: string,
  ) {}

  /** A run-unique suffix (codes, e-mails, titles). */
  unique(): string {
    return `${this.tag}-${++this.n}`;
  }

  /** A call that must succeed; its data, or a FixtureError naming the step. */
  async must<T>(email: Account, what: string, query: string, variables: Vars): Promise<T> {
    const res = await this.client.gql<T>(email, query, variables);
    if (res.errors?.length || !res.data) {
      const e = res.errors?.[0];
      throw new FixtureError(`${what} by ${email}: ${String(e?.extensions?.code ?? res.status)} ${e?.message ?? ''}`);
    }
    return res.data;
  }

  detectedAt(): string {
    return new Date(this.client.hub.clock.now().getTime() - HOUR).toISOString();
  }

  async report(email: Account, input: Vars, title = `MXF ${this.unique()}`): Promise<IncidentFx> {
    const d = await this.must<{ reportIncident: { incident: { id: string; version: number; reference: string } } }>(
      email,
      'reportIncident',
      `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { id version reference } } }`,
      {
        i: {
          title,
          description: 'Authorization matrix fixture',
          detectedAt: this.detectedAt(),
          reporterContact: { name: 'Matrix reporter', email: 'matrix@example.test' },
          ...input,
        },
      },
    );
    return { type: 'incident', ...d.reportIncident.incident };
  }

  /** One incident mutation that must succeed; returns the incident with its new version. */
  async move(fx: IncidentFx, email: Account, op: string, inputType: string, input: Vars): Promise<IncidentFx> {
    const d = await this.must<Record<string, { incident: { version: number } }>>(
      email,
      op,
      `mutation($i: ${inputType}!) { ${op}(input: $i) { incident { version } } }`,
      { i: { id: fx.id, expectedVersion: fx.version, ...input } },
    );
    return { ...fx, version: d[op].incident.version };
  }

  triage(fx: IncidentFx, email: Account = VNPT_HANDLER): Promise<IncidentFx> {
    return this.move(fx, email, 'triageIncident', 'TriageIncidentInput', { severity: 'MEDIUM', rsitClass: 'fraud', rsitType: 'phishing' });
  }
  share(fx: IncidentFx, org: string): Promise<IncidentFx> {
    return this.move(fx, COORDINATOR_HANDLER, 'shareIncident', 'ShareIncidentInput', { organization: org });
  }
  refer(fx: IncidentFx, org: string): Promise<IncidentFx> {
    return this.move(fx, COORDINATOR_HANDLER, 'referIncident', 'ReferIncidentInput', { organization: org, reason: 'Matrix referral' });
  }

  async issue(fx: IncidentFx, recipient: OrgCode, targets: Vars[] = []): Promise<{ incident: IncidentFx; directive: DirectiveFx }> {
    const d = await this.must<{ issueDirective: { directive: { id: string; version: number; incident: { version: number } } } }>(
      COORDINATOR_HANDLER,
      'issueDirective',
      `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id version incident { version } } } }`,
      { i: { incidentId: fx.id, recipient, action: 'INVESTIGATE', instructions: 'Matrix directive', targets } },
    );
    const dir = d.issueDirective.directive;
    return {
      incident: { ...fx, version: dir.incident.version },
      directive: { type: 'directive', id: dir.id, version: dir.version, incidentId: fx.id },
    };
  }

  async directiveMove(fx: DirectiveFx, email: Account, op: string, inputType: string, extra: Vars = {}): Promise<DirectiveFx> {
    const d = await this.must<Record<string, { directive: { version: number } }>>(
      email,
      op,
      `mutation($i: ${inputType}!) { ${op}(input: $i) { directive { version } } }`,
      { i: { id: fx.id, expectedVersion: fx.version, ...extra } },
    );
    return { ...fx, version: d[op].directive.version };
  }

  async note(fx: IncidentFx, email: Account, visibility: string, body: string): Promise<NoteFx> {
    const d = await this.must<{ addNote: { note: { id: string } } }>(
      email,
      'addNote',
      `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`,
      { i: { incidentId: fx.id, body, visibility } },
    );
    return { type: 'note', id: d.addNote.note.id, incidentId: fx.id };
  }

  // ---- the incident fixtures of rows-mutation.ts ----

  async incident(name: IncidentFixture): Promise<IncidentFx> {
    const acme = (over: Vars = {}) => this.report('reporter@acme.test', { reportTo: 'VNPT', ...over });
    switch (name) {
      case 'REP':
        return this.share(await acme({ tlp: 'GREEN' }), 'FPT');
      case 'REP_VNCERT':
        return this.report('reporter@person-0001.test', { scope: 'WIDESPREAD' });
      case 'RES_VNCERT': {
        // Handled by VNCERT (WIDESPREAD), triaged, responded to and resolved by its handler.
        const tri = await this.triage(await this.incident('REP_VNCERT'), COORDINATOR_HANDLER);
        const rsp = await this.move(tri, COORDINATOR_HANDLER, 'startResponse', 'IncidentActionInput', {});
        return this.move(rsp, COORDINATOR_HANDLER, 'resolveIncident', 'ResolveIncidentInput', { summary: 'Mitigated' });
      }
      case 'REP_NETREP':
        return this.report('handler@hanoi-dic.test', { reportTo: 'VNPT' });
      case 'SHR': {
        let fx = await acme({ reportTo: 'HANOI-DIC' });
        for (const org of ['VNNIC', 'SECPARTNER', 'MIC']) fx = await this.share(fx, org);
        return this.refer(fx, 'MPS-A05');
      }
      case 'TRI':
        return this.triage(await acme());
      case 'RSP':
        return this.move(await this.incident('TRI'), VNPT_HANDLER, 'startResponse', 'IncidentActionInput', {});
      case 'ESC':
        return this.move(await this.incident('TRI'), VNPT_HANDLER, 'escalateIncident', 'EscalateIncidentInput', { reason: 'Beyond our capacity' });
      case 'CRD':
        return this.move(await this.incident('TRI'), COORDINATOR_HANDLER, 'coordinateIncident', 'IncidentActionInput', {});
      case 'RES':
        return this.move(await this.incident('RSP'), VNPT_HANDLER, 'resolveIncident', 'ResolveIncidentInput', { summary: 'Mitigated' });
      case 'RESF':
        return this.finalReport(await this.incident('RES'), VNPT_HANDLER);
      case 'RESC': {
        const fx = await this.move(await this.incident('CRD'), COORDINATOR_HANDLER, 'resolveIncident', 'ResolveIncidentInput', {
          summary: 'Mitigated nationally',
        });
        return this.finalReport(fx, COORDINATOR_HANDLER);
      }
      case 'REJ':
        return this.move(await acme(), VNPT_HANDLER, 'rejectIncident', 'RejectIncidentInput', { reason: 'Not an incident' });
      case 'CLS':
        return this.move(await this.incident('RESF'), VNPT_HANDLER, 'closeIncident', 'IncidentActionInput', {});
      // Every status again, carrying a final report (a reopened incident keeps it): closing is refused for the
      // state, not for FINAL_REPORT_MISSING, so adding a state to CLOSE's entry turns the refusal into OK.
      case 'RSPF':
        return this.move(await this.incident('RESF'), VNPT_HANDLER, 'reopenIncident', 'IncidentActionInput', {});
      case 'ESCF':
        return this.move(await this.incident('RSPF'), VNPT_HANDLER, 'escalateIncident', 'EscalateIncidentInput', {
          reason: 'Beyond our capacity again',
        });
      case 'REJF':
        return this.move(await this.incident('ESCF'), COORDINATOR_HANDLER, 'rejectIncident', 'RejectIncidentInput', {
          reason: 'Not an incident after all',
        });
      case 'REPF':
        return this.move(await this.incident('REJF'), COORDINATOR_HANDLER, 'reopenIncident', 'IncidentActionInput', {});
      case 'TRIF':
        return this.triage(await this.incident('REPF'));
      case 'CRDF':
        return this.move(await this.incident('RESC'), COORDINATOR_HANDLER, 'reopenIncident', 'IncidentActionInput', {});
      case 'CRD_DIR': {
        const { incident } = await this.issue(await this.incident('TRI'), 'SECPARTNER');
        return this.refer(await this.share(incident, 'MIC'), 'MPS-A05');
      }
    }
  }

  finalReport(fx: IncidentFx, email: Account): Promise<IncidentFx> {
    return this.move(fx, email, 'submitFinalReport', 'FinalReportInput', {
      result: 'Done',
      remediation: 'Cleaned',
      prevention: 'Patched',
      estimatedDamage: 'none',
    });
  }

  async directive(name: DirectiveFixture): Promise<DirectiveFx> {
    const [, state, who] = name.split('_');
    const recipient = ({ VNNIC: 'VNNIC', SEC: 'SECPARTNER', MOF: 'MOF-IT', FPT: 'FPT' } as const)[who as 'VNNIC' | 'SEC' | 'MOF' | 'FPT'];
    const responder = `handler@${recipient.toLowerCase()}.test` as Account;
    let { directive } = await this.issue(await this.report('reporter@acme.test', { reportTo: 'VNPT' }), recipient);
    if (state === 'ACK' || state === 'INP')
      directive = await this.directiveMove(directive, responder, 'acknowledgeDirective', 'DirectiveActionInput');
    if (state === 'INP') directive = await this.directiveMove(directive, responder, 'startDirective', 'DirectiveActionInput');
    if (state === 'DONE')
      directive = await this.directiveMove(directive, responder, 'completeDirective', 'CompleteDirectiveInput', { result: 'Done' });
    if (state === 'DECL')
      directive = await this.directiveMove(directive, responder, 'declineDirective', 'DeclineDirectiveInput', { reason: 'Not ours' });
    if (state === 'CANC')
      directive = await this.directiveMove(directive, COORDINATOR_HANDLER, 'cancelDirective', 'CancelDirectiveInput', { reason: 'Withdrawn' });
    return directive;
  }

  async noteFixture(name: NoteFixture): Promise<NoteFx> {
    const rep = await this.incident('REP');
    switch (name) {
      case 'NOTE_VNPT_INTERNAL':
        return this.note(rep, VNPT_HANDLER, 'INTERNAL', 'VNPT internal');
      case 'NOTE_VNCERT_PARTICIPANTS':
        return this.note(rep, COORDINATOR_HANDLER, 'PARTICIPANTS', 'VNCERT to participants');
      case 'NOTE_ACME_WITH_REPORTER':
        return this.note(rep, 'reporter@acme.test', 'WITH_REPORTER', 'ACME to everyone');
    }
  }

  /** A fresh account in `org`, made by its ADMIN (HANDLER, or REPORTER in a constituent). */
  async account(org: OrgCode): Promise<AccountFx> {
    const role = ORG_KIND[org] === 'CONSTITUENT' ? 'REPORTER' : 'HANDLER';
    const d = await this.must<{ createAccount: { account: { id: string } } }>(
      adminOf(org),
      'createAccount',
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }`,
      { i: { email: `mx-${this.unique()}@${org.toLowerCase()}.test`, displayName: 'Matrix account', role } },
    );
    return { type: 'account', id: d.createAccount.account.id };
  }

  /** A fresh API key of `org`, made by its ADMIN. */
  async key(org: OrgCode): Promise<KeyFx> {
    const d = await this.must<{ createApiKey: { apiKey: { id: string } } }>(
      adminOf(org),
      'createApiKey',
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }`,
      { i: { name: `matrix ${this.unique()}`, capabilities: KEY_ROLE_CAPS[ORG_KIND[org]] } },
    );
    return { type: 'key', id: d.createApiKey.apiKey.id };
  }

  orgCode(): string {
    return `MX-${this.unique()}`.toUpperCase();
  }

  async organization(): Promise<OrgFx> {
    const code = this.orgCode();
    await this.must(
      adminOf('VNCERT'),
      'createOrganization',
      `mutation($i: OrganizationInput!) { createOrganization(input: $i) { organization { id } } }`,
      { i: { code, name: `Matrix ISP ${code}`, kind: 'ISP' } },
    );
    return { type: 'organization', code };
  }
}

// ---- the read-only world of rows-read.ts ----

export interface World {
  tag: string;
  incidents: Record<WorldIncident, { id: string; reference: string }>;
  directives: Record<'D1' | 'D5' | 'D6' | 'D10', string>;
  acmeOrgId: string;
  vnptOrgId: string;
  vnptAdminAccountId: string;
  vnptKeyId: string;
}

/** Builds the world incidents W1–W10 exactly as rows-read.ts describes them (the order of moves fixes the timelines). */
export async function buildWorld(f: Factory): Promise<World> {
  const tag = `MXW ${f.unique()}`;
  const w = (n: number) => `${tag} W${n}`;
  const C: Account = COORDINATOR_HANDLER;

  // W1, W2 and W8 carry the report's optional data (W1 and W8 were detected six days before they were reported: late).
  const sixDaysEarlier = new Date(Date.parse(f.detectedAt()) - 6 * 24 * HOUR).toISOString();
  const occurred = (detectedAt: string) => new Date(Date.parse(detectedAt) - HOUR).toISOString();
  let w1 = await f.report(
    'reporter@acme.test',
    {
      reportTo: 'VNPT',
      tlp: 'AMBER',
      indicators: [{ type: 'DOMAIN', value: 'matrix-w1.vn' }],
      detectedAt: sixDaysEarlier,
      occurredAt: occurred(sixDaysEarlier),
      affectedSystem: { name: 'W1 mail server', level: 2 },
    },
    w(1),
  );
  w1 = await f.triage(w1);
  w1 = await f.move(w1, VNPT_HANDLER, 'updateIncident', 'UpdateIncidentInput', { severity: 'HIGH', serious: true, pap: 'GREEN' });
  const added = await f.must<{ addIndicators: { incident: { version: number } } }>(
    VNPT_HANDLER,
    'addIndicators',
    `mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { incident { version } } }`,
    { i: { incidentId: w1.id, indicators: [{ type: 'IPV4', value: '198.51.100.7' }] } },
  );
  w1 = { ...w1, version: added.addIndicators.incident.version };
  w1 = await f.move(w1, VNPT_HANDLER, 'escalateIncident', 'EscalateIncidentInput', { reason: 'W1 escalation reason' });
  w1 = await f.share(w1, 'FPT');
  w1 = await f.refer(w1, 'MPS-A05');
  await f.note(w1, VNPT_HANDLER, 'INTERNAL', 'N1');
  await f.note(w1, C, 'PARTICIPANTS', 'N2');
  await f.note(w1, 'reporter@acme.test', 'WITH_REPORTER', 'N3');
  await f.note(w1, 'handler@fpt.test', 'INTERNAL', 'N4');
  await f.note(w1, 'handler@mps-a05.test', 'PARTICIPANTS', 'N5');
  const d1 = await f.issue(w1, 'SECPARTNER', [{ type: 'DOMAIN', value: 'matrix-w1.vn' }]);

  let w2 = await f.report(
    'reporter@person-0001.test',
    {
      reportTo: 'VIETTEL',
      tlp: 'GREEN',
      indicators: [{ type: 'DOMAIN', value: 'matrix-w2.com' }],
      occurredAt: occurred(f.detectedAt()),
      affectedSystem: { name: 'W2 web shop', level: 1 },
    },
    w(2),
  );
  w2 = await f.triage(w2, 'handler@viettel.test');
  w2 = await f.move(w2, 'handler@viettel.test', 'startResponse', 'IncidentActionInput', {});
  w2 = await f.share(w2, 'MIC');
  w2 = await f.move(w2, 'handler@viettel.test', 'resolveIncident', 'ResolveIncidentInput', { summary: 'W2 resolution summary' });
  w2 = await f.finalReport(w2, 'handler@viettel.test');
  await f.note(w2, 'reporter@person-0001.test', 'WITH_REPORTER', 'N6');
  await f.note(w2, 'handler@mic.test', 'PARTICIPANTS', 'N7');

  let w3 = await f.report('reporter@acme.test', { reportTo: 'FPT', tlp: 'CLEAR', indicators: [{ type: 'DOMAIN', value: 'matrix-w3.vn' }] }, w(3));
  w3 = await f.share(w3, 'SECPARTNER');
  w3 = await f.move(w3, C, 'unshareIncident', 'ShareIncidentInput', { organization: 'SECPARTNER' });
  w3 = await f.move(w3, 'handler@fpt.test', 'rejectIncident', 'RejectIncidentInput', { reason: 'W3 rejection reason', duplicateOf: w1.id });

  let w4 = await f.report(
    'handler@hanoi-dic.test',
    { reportTo: 'VNPT', tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'matrix-w4.vn' }] },
    w(4),
  );
  w4 = await f.triage(w4);
  w4 = await f.move(w4, VNPT_HANDLER, 'setIncidentTlp', 'SetTlpInput', { tlp: 'AMBER_STRICT' });

  const w5 = await f.report('reporter@acme.test', { scope: 'WIDESPREAD', tlp: 'RED', indicators: [{ type: 'DOMAIN', value: 'matrix-w5.vn' }] }, w(5));
  const d5 = await f.issue(w5, 'VNNIC', [{ type: 'DOMAIN', value: 'matrix-w5.vn' }]);

  const w6 = await f.report('handler@mof-it.test', { reportTo: 'VNCERT', tlp: 'RED', confidential: true }, w(6));
  const d6 = await f.issue(w6, 'VIETTEL');

  const w7 = await f.report(
    'reporter@acme.test',
    { reportTo: 'HANOI-DIC', tlp: 'GREEN', confidential: true, indicators: [{ type: 'DOMAIN', value: 'matrix-w7.vn' }] },
    w(7),
  );

  let w8 = await f.report(
    'reporter@person-0001.test',
    { reportTo: 'MOF-IT', tlp: 'CLEAR', indicators: [{ type: 'DOMAIN', value: 'matrix-w8.org' }], detectedAt: sixDaysEarlier },
    w(8),
  );
  w8 = await f.triage(w8, 'handler@mof-it.test');
  await f.note(w8, 'handler@mof-it.test', 'WITH_REPORTER', 'N8');
  await f.note(w8, 'handler@mof-it.test', 'INTERNAL', 'N9');

  const w9 = await f.report(
    'reporter@acme.test',
    { reportTo: 'VIETTEL', tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'matrix-w9.cvn' }] },
    w(9),
  );

  let w10 = await f.report('reporter@acme.test', { reportTo: 'VNPT', tlp: 'GREEN' }, w(10));
  w10 = await f.triage(w10);
  w10 = await f.move(w10, VNPT_HANDLER, 'updateIncident', 'UpdateIncidentInput', { severity: 'HIGH', serious: true, pap: 'GREEN' });
  const added10 = await f.must<{ addIndicators: { incident: { version: number } } }>(
    VNPT_HANDLER,
    'addIndicators',
    `mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { incident { version } } }`,
    { i: { incidentId: w10.id, indicators: [{ type: 'DOMAIN', value: 'matrix-w10.cvn' }] } },
  );
  w10 = { ...w10, version: added10.addIndicators.incident.version };
  w10 = await f.move(w10, VNPT_HANDLER, 'escalateIncident', 'EscalateIncidentInput', { reason: 'W10 escalation reason' });
  // Shared with three organizations that each add an INTERNAL note, then unshared: each keeps its own note (§2: INTERNAL
  // is the author's organization) in the view it falls back to — VNNIC DOMAIN_FEED, FPT SUMMARY, SECPARTNER RECIPIENT.
  for (const org of ['VNNIC', 'FPT', 'SECPARTNER'] as const) w10 = await f.share(w10, org);
  await f.note(w10, 'handler@vnnic.test', 'INTERNAL', 'N10');
  await f.note(w10, 'handler@fpt.test', 'INTERNAL', 'N11');
  await f.note(w10, 'handler@secpartner.test', 'INTERNAL', 'N12');
  for (const org of ['VNNIC', 'FPT', 'SECPARTNER'] as const)
    w10 = await f.move(w10, C, 'unshareIncident', 'ShareIncidentInput', { organization: org });
  const issued10 = await f.issue(w10, 'SECPARTNER');
  w10 = issued10.incident;
  const d10 = await f.directiveMove(issued10.directive, 'handler@secpartner.test', 'acknowledgeDirective', 'DirectiveActionInput');
  await f.directiveMove(d10, 'handler@secpartner.test', 'completeDirective', 'CompleteDirectiveInput', { result: 'W10 directive result' });
  w10 = await f.move(w10, C, 'resolveIncident', 'ResolveIncidentInput', { summary: 'W10 resolution summary' });
  w10 = await f.finalReport(w10, C);

  const me = async (email: Account) =>
    (
      await f.must<{ viewer: { account: { id: string }; organization: { id: string } } }>(
        email,
        'viewer',
        `{ viewer { account { id } organization { id } } }`,
        {},
      )
    ).viewer;
  const key = await f.key('VNPT');
  const vnpt = await me('admin@vnpt.test');
  const pick = (fx: IncidentFx) => ({ id: fx.id, reference: fx.reference });
  return {
    tag,
    incidents: {
      W1_AMBER_ESCALATED: pick(w1),
      W2_GREEN_PERSON_RESOLVED: pick(w2),
      W3_CLEAR_REJECTED: pick(w3),
      W4_AMBER_STRICT_NETREP: pick(w4),
      W5_RED_RECIPIENT: pick(w5),
      W6_RED_CONFIDENTIAL: pick(w6),
      W7_GREEN_CONFIDENTIAL: pick(w7),
      W8_CLEAR_PERSON: pick(w8),
      W9_AMBER_OUT_OF_ZONE: pick(w9),
      W10_GREEN_COORDINATED_RESOLVED: pick(w10),
    },
    directives: { D1: d1.directive.id, D5: d5.directive.id, D6: d6.directive.id, D10: d10.id },
    acmeOrgId: (await me('admin@acme.test')).organization.id,
    vnptOrgId: vnpt.organization.id,
    vnptAdminAccountId: vnpt.account.id,
    vnptKeyId: key.id,
  };
}
