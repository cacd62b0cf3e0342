import { startTestHub, codes, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  t.clock.set(null);
  await t.close();
});

interface Plan {
  at: string; // reported time, UTC
  rsit: [string, string, string?]; // class, type, national category when it must be given
  escalate?: boolean;
  share?: string[];
  damage?: string;
}
// H1 2031 in Asia/Ho_Chi_Minh is [2030-12-31T17:00Z, 2031-06-30T17:00Z).
const PLAN: Plan[] = [
  { at: '2030-12-31T17:30:00Z', rsit: ['fraud', 'phishing'] }, // 1 Jan 00:30 in Hanoi: inside
  { at: '2031-01-15T03:00:00Z', rsit: ['fraud', 'phishing'], share: ['FPT'] },
  { at: '2031-02-01T03:00:00Z', rsit: ['availability', 'ddos'], escalate: true },
  { at: '2031-02-10T03:00:00Z', rsit: ['availability', 'ddos'], share: ['SECPARTNER'], damage: '200 million VND' },
  { at: '2031-03-05T03:00:00Z', rsit: ['malicious-code', 'infected-system'], damage: '5 workstations' },
  { at: '2031-04-01T03:00:00Z', rsit: ['intrusions', 'application-compromise', 'DEFACEMENT'], share: ['FPT', 'SECPARTNER'] },
  { at: '2031-05-20T03:00:00Z', rsit: ['vulnerable', 'weak-crypto'], escalate: true, share: ['VIETTEL'] },
  { at: '2031-06-30T16:59:00Z', rsit: ['fraud', 'masquerade'] }, // 23:59 on 30 June in Hanoi: inside
  { at: '2031-06-30T17:00:00Z', rsit: ['fraud', 'phishing'] }, // 1 July 00:00 in Hanoi: second half
  { at: '2030-12-31T16:59:00Z', rsit: ['fraud', 'phishing'] }, // 31 Dec 2030 in Hanoi: previous year
];
const CATEGORY: Record<string, string> = {
  'fraud/phishing': 'SPOOFING',
  'fraud/masquerade': 'SPOOFING',
  'availability/ddos': 'DOS',
  'malicious-code/infected-system': 'MALWARE',
  'vulnerable/weak-crypto': 'OTHER',
};

async function ok<T>(email: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await t.as<T>(email, query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

beforeAll(async () => {
  for (const p of PLAN) {
    t.clock.set(new Date(p.at));
    const reported = await reportIncident<{ id: string; version: number }>(
      t,
      'reporter@acme.test',
      {
        title: `Plan ${p.at}`,
        description: 'd',
        detectedAt: new Date(Date.parse(p.at) - 3600_000).toISOString(),
        reporterContact: { name: 'R' },
        reportTo: 'VNPT',
      },
      'id version',
    );
    const id = reported.id;
    let version = reported.version;
    const step = async (email: string, mutation: string, type: string, input: Record<string, unknown>) => {
      const d = await ok<Record<string, { incident: { version: number } }>>(
        email,
        `mutation($i: ${type}!) { ${mutation}(input: $i) { incident { version } } }`,
        { i: { id, expectedVersion: version, ...input } },
      );
      version = d[mutation].incident.version;
    };
    await step('handler@vnpt.test', 'triageIncident', 'TriageIncidentInput', {
      severity: 'MEDIUM',
      rsitClass: p.rsit[0],
      rsitType: p.rsit[1],
      nationalCategory: p.rsit[2] ?? null,
    });
    for (const org of p.share ?? []) await step('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', { organization: org });
    if (p.escalate) await step('handler@vnpt.test', 'escalateIncident', 'EscalateIncidentInput', { reason: 'beyond capacity' });
    if (p.damage) {
      await step('handler@vnpt.test', 'startResponse', 'IncidentActionInput', {});
      await step('handler@vnpt.test', 'resolveIncident', 'ResolveIncidentInput', { summary: 's' });
      await step('handler@vnpt.test', 'submitFinalReport', 'FinalReportInput', {
        result: 'r',
        remediation: 'm',
        prevention: 'p',
        estimatedDamage: p.damage,
      });
    }
  }
  t.clock.set(null);
});

test('form 05 for VNPT, first half of 2031, matches counts computed from the plan', async () => {
  const inH1 = PLAN.filter((p) => Date.parse(p.at) >= Date.parse('2030-12-31T17:00:00Z') && Date.parse(p.at) < Date.parse('2031-06-30T17:00:00Z'));
  expect(inH1).toHaveLength(8);
  const foreign = new Set(['SECPARTNER']);
  const expected = new Map<string, { incidents: number; alone: number; domestic: number; foreign: number; asked: number; damage: string[] }>();
  for (const p of inH1) {
    const cat = p.rsit[2] ?? CATEGORY[`${p.rsit[0]}/${p.rsit[1]}`];
    const e = expected.get(cat) ?? { incidents: 0, alone: 0, domestic: 0, foreign: 0, asked: 0, damage: [] };
    const helpers = p.share ?? [];
    e.incidents++;
    if (!p.escalate && helpers.length === 0) e.alone++;
    if (helpers.some((h) => !foreign.has(h))) e.domestic++;
    if (helpers.some((h) => foreign.has(h))) e.foreign++;
    if (p.escalate) e.asked++;
    if (p.damage) e.damage.push(p.damage);
    expected.set(cat, e);
  }
  const d = await ok<{
    periodicSummary: {
      rows: {
        category: string;
        incidents: number;
        handledAlone: number;
        helpedDomestic: number;
        helpedForeign: number;
        vncertAsked: number;
        estimatedDamage: string[];
      }[];
      domesticHelpers: { code: string }[];
      foreignHelpers: { code: string }[];
    };
  }>(
    'handler@vnpt.test',
    `{ periodicSummary(organization: "VNPT", year: 2031, half: 1) { rows { category incidents handledAlone helpedDomestic helpedForeign vncertAsked estimatedDamage } domesticHelpers { code } foreignHelpers { code } } }`,
    {},
  );
  for (const row of d.periodicSummary.rows) {
    const e = expected.get(row.category) ?? { incidents: 0, alone: 0, domestic: 0, foreign: 0, asked: 0, damage: [] };
    expect([
      row.category,
      row.incidents,
      row.handledAlone,
      row.helpedDomestic,
      row.helpedForeign,
      row.vncertAsked,
      [...row.estimatedDamage].sort(),
    ]).toEqual([row.category, e.incidents, e.alone, e.domestic, e.foreign, e.asked, [...e.damage].sort()]);
  }
  expect(d.periodicSummary.rows.map((r) => r.category)).toEqual([
    'DOS',
    'SPOOFING',
    'MALWARE',
    'UNAUTHORIZED_ACCESS',
    'DEFACEMENT',
    'RANSOMWARE',
    'DESTRUCTION',
    'DATA_THEFT',
    'COMBINED',
    'OTHER',
  ]);
  expect(d.periodicSummary.domesticHelpers.map((o) => o.code)).toEqual(['FPT', 'VIETTEL']);
  expect(d.periodicSummary.foreignHelpers.map((o) => o.code)).toEqual(['SECPARTNER']);
});

test('who may read form 05 and statistics', async () => {
  const q = `{ periodicSummary(organization: "VNPT", year: 2031, half: 1) { year } }`;
  expect(codes(await t.as('analyst@mic.test', q, {}))).toEqual([]);
  expect(codes(await t.as('analyst@vncert.test', q, {}))).toEqual([]);
  expect(codes(await t.as('handler@fpt.test', q, {}))).toEqual(['FORBIDDEN']);
  expect(codes(await t.as('handler@vnpt.test', `{ periodicSummary(organization: "VNPT", year: 2031, half: 3) { year } }`, {}))).toEqual([
    'BAD_USER_INPUT',
  ]);
  const stats = `{ incidentStatistics(from: "2030-12-31T17:00:00Z", to: "2031-06-30T17:00:00Z", groupBy: [NATIONAL_CATEGORY, MONTH]) { key count } }`;
  expect(codes(await t.as('handler@vnpt.test', stats, {}))).toEqual(['FORBIDDEN']);
  const s = await ok<{ incidentStatistics: { key: string[]; count: number }[] }>('analyst@mic.test', stats, {});
  // Months in Asia/Ho_Chi_Minh: the 2030-12-31T17:30Z report is January 2031.
  expect(s.incidentStatistics).toEqual([
    { key: ['DEFACEMENT', '2031-04'], count: 1 },
    { key: ['DOS', '2031-02'], count: 2 },
    { key: ['MALWARE', '2031-03'], count: 1 },
    { key: ['OTHER', '2031-05'], count: 1 },
    { key: ['SPOOFING', '2031-01'], count: 2 },
    { key: ['SPOOFING', '2031-06'], count: 1 },
  ]);
  const total = await ok<{ incidentStatistics: { key: string[]; count: number }[] }>(
    'handler@vncert.test',
    `{ incidentStatistics(from: "2030-12-31T17:00:00Z", to: "2031-06-30T17:00:00Z", groupBy: []) { key count } }`,
    {},
  );
  expect(total.incidentStatistics).toEqual([{ key: [], count: 8 }]);
  expect(
    codes(
      await t.as(
        'handler@vncert.test',
        `{ incidentStatistics(from: "2031-06-30T17:00:00Z", to: "2030-12-31T17:00:00Z", groupBy: []) { count } }`,
        {},
      ),
    ),
  ).toEqual(['BAD_USER_INPUT']);
});
