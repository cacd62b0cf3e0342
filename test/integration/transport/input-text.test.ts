/**
 * Issue 13, finding 10 — one text rule for every string argument and input field (DESIGN.md §4):
 * NUL and lone surrogates raised INTERNAL_SERVER_ERROR in 22 mutation fields and 6 query arguments,
 * and other fields stored a lone surrogate as U+FFFD; only reportIncident refused them. Now every
 * string that reaches a resolver is refused with BAD_USER_INPUT naming the argument path, HTTP 400,
 * before anything is stored — NUL, half of a surrogate pair, bidirectional override, embedding and
 * isolate characters (U+202A–U+202E, U+2066–U+2069) — on HTTP and WebSocket, in variables and in
 * literals, at any depth. test/integration/transport/input-fuzz.test.ts walks the whole schema; this file pins
 * the fields of the finding and the rule's edges.
 */
import { startTestHub, type TestHub, type GqlResult } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { tableSnapshot } from '../../harness/snapshot';
import { wsSession } from '../../harness/ws-session';
import { buildHubSchema } from '../../../src/app/schema';
import { inputTextRule, textProblem, TEXT_LIMITS } from '../../../src/graphql/text-rule';

let t: TestHub;
let incident: { id: string; reference: string };
let directiveId: string;
let noteId: string;

const BAD: [string, string][] = [
  ['NUL', 'bad\u0000text'],
  ['a lone high surrogate', 'bad\ud83dtext'],
  ['a lone low surrogate', 'bad\ude00text'],
  ['a bidi override (U+202E)', 'bad\u202etext'],
  ['a bidi embedding (U+202B)', 'bad\u202btext'],
  ['a bidi isolate (U+2067)', 'bad\u2067text'],
];

async function incidentVersion(): Promise<number> {
  const [row] = await t.sql<{ version: number }>('select version from incident where id = (select id from incident where reference = $1)', [
    incident.reference,
  ]);
  return row!.version;
}

async function directiveVersion(): Promise<number> {
  const res = await t.as<{ node: { version: number } }>('admin@vncert.test', 'query($id: ID!) { node(id: $id) { ... on Directive { version } } }', {
    id: directiveId,
  });
  return res.data!.node.version;
}

beforeAll(async () => {
  t = await startTestHub({ NODE_ENV: 'production', MASK_ERRORS: 'true', LOG_LEVEL: 'silent', RATE_LIMIT: 'false' });
  const recent = new Date(t.clock.now().getTime() - 60_000).toISOString();
  incident = await reportIncident<{ id: string; reference: string }>(
    t,
    'reporter@acme.test',
    { title: 'Text rule target', description: 'd', detectedAt: recent, reporterContact: { name: 'R' }, reportTo: 'VNCERT' },
    'id reference',
  );
  const directive = await t.as<{ issueDirective: { directive: { id: string } } }>(
    'admin@vncert.test',
    'mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }',
    { i: { incidentId: incident.id, recipient: 'VNPT', action: 'PROVIDE_INFORMATION', instructions: 'Tell us more' } },
  );
  expect(directive.errors).toBeUndefined();
  directiveId = directive.data!.issueDirective.directive.id;
  const note = await t.as<{ addNote: { note: { id: string } } }>(
    'admin@vncert.test',
    'mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }',
    { i: { incidentId: incident.id, body: 'n', visibility: 'INTERNAL' } },
  );
  noteId = note.data!.addNote.note.id;
});

afterAll(async () => {
  await t?.close();
});

/** A mutation of the finding: who may make it, its input with `value` at `field`. */
interface MutationCase {
  mutation: string;
  inputType: string;
  account: string;
  field: string;
  input: (value: string) => Promise<Record<string, unknown>>;
}
const withIncident = (over: (v: string) => Record<string, unknown>) => async (v: string) => ({
  id: incident.id,
  expectedVersion: await incidentVersion(),
  ...over(v),
});
const withDirective = (over: (v: string) => Record<string, unknown>) => async (v: string) => ({
  id: directiveId,
  expectedVersion: await directiveVersion(),
  ...over(v),
});
const COORDINATOR = 'admin@vncert.test';
const RECIPIENT = 'handler@vnpt.test';

const MUTATIONS: MutationCase[] = [
  {
    mutation: 'escalateIncident',
    inputType: 'EscalateIncidentInput',
    account: COORDINATOR,
    field: 'input.reason',
    input: withIncident((reason) => ({ reason })),
  },
  {
    mutation: 'returnIncident',
    inputType: 'EscalateIncidentInput',
    account: COORDINATOR,
    field: 'input.reason',
    input: withIncident((reason) => ({ reason })),
  },
  {
    mutation: 'withdrawReport',
    inputType: 'EscalateIncidentInput',
    account: 'reporter@acme.test',
    field: 'input.reason',
    input: withIncident((reason) => ({ reason })),
  },
  {
    mutation: 'rejectIncident',
    inputType: 'RejectIncidentInput',
    account: COORDINATOR,
    field: 'input.reason',
    input: withIncident((reason) => ({ reason })),
  },
  {
    mutation: 'referIncident',
    inputType: 'ReferIncidentInput',
    account: COORDINATOR,
    field: 'input.reason',
    input: withIncident((reason) => ({ reason, organization: 'MPS-A05' })),
  },
  {
    mutation: 'resolveIncident',
    inputType: 'ResolveIncidentInput',
    account: COORDINATOR,
    field: 'input.summary',
    input: withIncident((summary) => ({ summary })),
  },
  {
    mutation: 'submitFinalReport',
    inputType: 'FinalReportInput',
    account: COORDINATOR,
    field: 'input.result',
    input: withIncident((result) => ({ result, remediation: 'r', prevention: 'p' })),
  },
  {
    mutation: 'submitFinalReport',
    inputType: 'FinalReportInput',
    account: COORDINATOR,
    field: 'input.remediation',
    input: withIncident((remediation) => ({ result: 'r', remediation, prevention: 'p' })),
  },
  {
    mutation: 'submitFinalReport',
    inputType: 'FinalReportInput',
    account: COORDINATOR,
    field: 'input.prevention',
    input: withIncident((prevention) => ({ result: 'r', remediation: 'r', prevention })),
  },
  {
    mutation: 'issueDirective',
    inputType: 'IssueDirectiveInput',
    account: COORDINATOR,
    field: 'input.instructions',
    input: async (instructions) => ({ incidentId: incident.id, recipient: 'VNPT', action: 'BLOCK_IP', instructions }),
  },
  {
    mutation: 'completeDirective',
    inputType: 'CompleteDirectiveInput',
    account: RECIPIENT,
    field: 'input.result',
    input: withDirective((result) => ({ result })),
  },
  {
    mutation: 'declineDirective',
    inputType: 'DeclineDirectiveInput',
    account: RECIPIENT,
    field: 'input.reason',
    input: withDirective((reason) => ({ reason })),
  },
  {
    mutation: 'cancelDirective',
    inputType: 'CancelDirectiveInput',
    account: COORDINATOR,
    field: 'input.reason',
    input: withDirective((reason) => ({ reason })),
  },
  {
    mutation: 'addNote',
    inputType: 'AddNoteInput',
    account: COORDINATOR,
    field: 'input.body',
    input: async (body) => ({ incidentId: incident.id, body, visibility: 'INTERNAL' }),
  },
  {
    mutation: 'redactNote',
    inputType: 'RedactNoteInput',
    account: COORDINATOR,
    field: 'input.reason',
    input: async (reason) => ({ id: noteId, reason }),
  },
  {
    mutation: 'updateIncident',
    inputType: 'UpdateIncidentInput',
    account: COORDINATOR,
    field: 'input.title',
    input: withIncident((title) => ({ title })),
  },
  {
    mutation: 'updateIncident',
    inputType: 'UpdateIncidentInput',
    account: COORDINATOR,
    field: 'input.description',
    input: withIncident((description) => ({ description })),
  },
  {
    mutation: 'createAccount',
    inputType: 'CreateAccountInput',
    account: COORDINATOR,
    field: 'input.displayName',
    input: async (displayName) => ({ email: 'new-account@vncert.test', displayName, role: 'ANALYST' }),
  },
  {
    mutation: 'createApiKey',
    inputType: 'CreateApiKeyInput',
    account: COORDINATOR,
    field: 'input.name',
    input: async (name) => ({ name, capabilities: ['INCIDENT_READ'] }),
  },
  {
    mutation: 'createOrganization',
    inputType: 'OrganizationInput',
    account: COORDINATOR,
    field: 'input.name',
    input: async (name) => ({ code: 'TEXT-RULE', name, kind: 'RESPONSE_PARTNER', admin: { email: 'admin@text-rule.test', displayName: 'Admin' } }),
  },
  {
    mutation: 'createOrganization',
    inputType: 'OrganizationInput',
    account: COORDINATOR,
    field: 'input.admin.displayName',
    input: async (displayName) => ({
      code: 'TEXT-RULE',
      name: 'Text Rule',
      kind: 'RESPONSE_PARTNER',
      admin: { email: 'admin@text-rule.test', displayName },
    }),
  },
  {
    mutation: 'updateOrganization',
    inputType: 'OrganizationInput',
    account: COORDINATOR,
    field: 'input.name',
    input: async (name) => ({ code: 'SECPARTNER', name }),
  },
];

interface QueryCase {
  query: string;
  field: string;
  variables: (value: string) => Record<string, unknown>;
}
const QUERIES: QueryCase[] = [
  { query: 'query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }', field: 'filter.text', variables: (text) => ({ f: { text } }) },
  {
    query: 'query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }',
    field: 'filter.rsitClass',
    variables: (rsitClass) => ({ f: { rsitClass } }),
  },
  {
    query: 'query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }',
    field: 'filter.handler',
    variables: (handler) => ({ f: { handler } }),
  },
  { query: 'query($r: String!) { incidentByReference(reference: $r) { id } }', field: 'reference', variables: (r) => ({ r }) },
  { query: 'query($o: String!) { periodicSummary(organization: $o, year: 2026) { __typename } }', field: 'organization', variables: (o) => ({ o }) },
  {
    query: 'query($f: DirectiveFilter) { directives(filter: $f) { totalCount } }',
    field: 'filter.recipient',
    variables: (recipient) => ({ f: { recipient } }),
  },
  { query: 'query($n: String!) { domain(name: $n) { name } }', field: 'name', variables: (n) => ({ n }) },
];

function expectRefused(res: GqlResult, field: string, what: string): void {
  expect({
    what,
    status: res.status,
    codes: (res.errors ?? []).map((e) => e.extensions?.code),
    field: res.errors?.[0]?.extensions?.field,
    data: res.data ?? null,
  }).toEqual({
    what,
    status: 400,
    codes: ['BAD_USER_INPUT'],
    field,
    data: null,
  });
  expect(res.errors![0]!.message.startsWith(`${field} `)).toBe(true);
}

describe('the fields of the finding refuse bad text with BAD_USER_INPUT naming them, and store nothing', () => {
  it.each(MUTATIONS.map((c) => [`${c.mutation} ${c.field}`, c] as const))('%s', async (_name, c) => {
    const before = await tableSnapshot(t);
    for (const [what, bad] of BAD) {
      const res = await t.as(c.account, `mutation($input: ${c.inputType}!) { ${c.mutation}(input: $input) { __typename } }`, {
        input: await c.input(bad),
      });
      expectRefused(res, c.field, what);
    }
    expect(await tableSnapshot(t)).toEqual(before);
  });

  it.each(QUERIES.map((c) => [c.field, c] as const))('query argument %s', async (_name, c) => {
    for (const [what, bad] of BAD) expectRefused(await t.as('admin@vncert.test', c.query, c.variables(bad)), c.field, what);
  });

  it('nothing was stored as U+FFFD either', async () => {
    const rows = await t.sql<{ n: number }>(`select count(*)::int as n from (
      select title || description as s from incident union all select body from note union all select instructions from directive
      union all select display_name from account union all select name from organization union all select name from api_key) x where s like '%' || chr(65533) || '%'`);
    expect(rows[0]!.n).toBe(0);
  });
});

describe('the rule', () => {
  it('keeps tab and line breaks in free text, refuses them in one-line values, and lets other Unicode through', async () => {
    const body = 'Line one\n\tindented\r\nمرحبا 😀 e\u0301 zero\u200dwidth';
    const note = await t.as<{ addNote: { note: { id: string } } }>(
      'admin@vncert.test',
      'mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }',
      { i: { incidentId: incident.id, body, visibility: 'INTERNAL' } },
    );
    expect(note.errors).toBeUndefined();
    const [stored] = await t.sql<{ body: string }>(`select body from note where body like 'Line one%'`);
    expect(stored!.body).toBe(body);

    const title = await t.as('admin@vncert.test', 'mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { __typename } }', {
      i: { id: incident.id, expectedVersion: await incidentVersion(), title: 'two\nlines' },
    });
    expectRefused(title, 'input.title', 'a line break in a title');
    expect(title.errors![0]!.message).toBe('input.title contains control characters');
    const escape = await t.as('admin@vncert.test', 'mutation($i: AddNoteInput!) { addNote(input: $i) { __typename } }', {
      i: { incidentId: incident.id, body: 'a\u001b[31mred', visibility: 'INTERNAL' },
    });
    expectRefused(escape, 'input.body', 'a terminal escape in free text');
    expect(escape.errors![0]!.message).toBe('input.body contains control characters (only tab and line breaks are allowed)');
  });

  it('bounds lengths in characters: a 100 kB string is refused everywhere, free text up to 20,000, other values up to 2,048', async () => {
    const add = (body: string) =>
      t.as('admin@vncert.test', 'mutation($i: AddNoteInput!) { addNote(input: $i) { __typename } }', {
        i: { incidentId: incident.id, body, visibility: 'INTERNAL' },
      });
    const huge = await add('x'.repeat(100_000));
    expectRefused(huge, 'input.body', '100 kB of free text');
    expect(huge.errors![0]!.message).toBe(`input.body is longer than ${TEXT_LIMITS.freeText} characters`);
    // 20,000 emoji are 40,000 UTF-16 units but 20,000 characters, as class-validator's MaxLength counts them too.
    expect((await add('😀'.repeat(20_000))).errors).toBeUndefined();
    expectRefused(await add('😀'.repeat(20_001)), 'input.body', '20,001 characters');
    const filter = await t.as('admin@vncert.test', 'query($t: String) { incidents(filter: { text: $t }) { totalCount } }', {
      t: 'x'.repeat(100_000),
    });
    expectRefused(filter, 'filter.text', '100 kB in a filter');
    expect(filter.errors![0]!.message).toBe(`filter.text is longer than ${TEXT_LIMITS.line} characters`);
    const node = await t.as('admin@vncert.test', 'query($id: ID!) { node(id: $id) { id } }', { id: 'x'.repeat(TEXT_LIMITS.line + 1) });
    expectRefused(node, 'id', 'a long id');
  });

  it('names the argument path whatever the variable is called, in nested inputs, list items, literals, default values and nested fields', async () => {
    const add = await t.as('admin@vncert.test', 'mutation($x: AddNoteInput!) { addNote(input: $x) { __typename } }', {
      x: { incidentId: incident.id, body: 'a\u0000', visibility: 'INTERNAL' },
    });
    expectRefused(add, 'input.body', 'a variable named otherwise');
    const parts = await t.as(
      'admin@vncert.test',
      'mutation($b: String!, $id: ID!) { addNote(input: { incidentId: $id, body: $b, visibility: INTERNAL }) { __typename } }',
      { b: 'a\ud800', id: incident.id },
    );
    expectRefused(parts, 'input.body', 'a variable inside a literal object');
    const item = await t.as('admin@vncert.test', 'mutation($i: AddIndicatorsInput!) { addIndicators(input: $i) { __typename } }', {
      i: {
        incidentId: incident.id,
        indicators: [
          { type: 'DOMAIN', value: 'ok.vn' },
          { type: 'DOMAIN', value: 'evil\u202e.vn' },
        ],
      },
    });
    expectRefused(item, 'input.indicators[1].value', 'a list item');
    const ips = await t.as('reporter@acme.test', 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { __typename } }', {
      i: {
        title: 't',
        description: 'd',
        detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        affectedSystem: { publicIps: ['203.0.113.7', '198.51.100.1\u2066'] },
      },
    });
    expectRefused(ips, 'input.affectedSystem.publicIps[1]', 'a string list item');
    expectRefused(await t.as('admin@vncert.test', '{ incidents(filter: { text: "a\\u0000b" }) { totalCount } }'), 'filter.text', 'a literal');
    expectRefused(
      await t.as('admin@vncert.test', 'query($t: String = "a\\u202Eb") { incidents(filter: { text: $t }) { totalCount } }'),
      'filter.text',
      'a default value',
    );
    expectRefused(
      await t.as('admin@vncert.test', 'query($id: ID!) { incident(id: $id) { timeline(first: 1, after: "a\\u0000") { totalCount } } }', {
        id: incident.id,
      }),
      'after',
      'an argument of a nested field',
    );
    const entities = await t.as('admin@vncert.test', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
      r: [{ __typename: 'Incident', id: 'x\udc00' }],
    });
    expectRefused(entities, 'representations[0].id', 'a string inside a federation representation');
  });

  it('holds over WebSocket too: a mutation and a subscription argument are refused the same way, and the socket stays usable', async () => {
    const before = await tableSnapshot(t);
    const ws = wsSession(t.url, await t.token('admin@vncert.test'));
    try {
      const note = await ws.run({
        query: 'mutation($i: AddNoteInput!) { addNote(input: $i) { __typename } }',
        variables: { i: { incidentId: incident.id, body: 'a\u0000', visibility: 'INTERNAL' } },
      });
      expect(note.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message])).toEqual([
        ['BAD_USER_INPUT', 'input.body', 'input.body contains a NUL character'],
      ]);
      const events = await ws.run({
        query: 'subscription($after: String) { incidentEvents(after: $after) { cursor } }',
        variables: { after: 'c\ud800' },
      });
      expect(events.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'after']]);
      const directives = await ws.run({ query: 'subscription { directiveEvents(after: "c\\u2066") { cursor } }' });
      expect(directives.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'after']]);
      expect((await ws.run({ query: '{ viewer { organization { code } } }' })).data).toEqual({ viewer: { organization: { code: 'VNCERT' } } });
    } finally {
      await ws.dispose();
    }
    expect(await tableSnapshot(t)).toEqual(before);
  });

  it('reportIncident keeps its outcomes: the same field names, now from the one rule', async () => {
    const res = await t.as('reporter@acme.test', 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { __typename } }', {
      i: { title: 'a\ud800', description: 'd', detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(), reporterContact: { name: 'R' } },
    });
    expectRefused(res, 'input.title', 'a lone surrogate in a report title');
    expect(res.errors![0]!.message).toBe('input.title is not well-formed Unicode (it contains half of a surrogate pair)');
  });

  it('refuses to start when a free-text entry is not a String input field of the schema (a renamed field cannot loosen the rule silently)', async () => {
    const schema = await buildHubSchema();
    expect(() => inputTextRule(schema, ['AddNoteInput.body'])).not.toThrow();
    expect(() => inputTextRule(schema, ['AddNoteInput.text'])).toThrow(/AddNoteInput\.text is not a String input field/);
    expect(() => inputTextRule(schema, ['AddNoteInput.visibility'])).toThrow(/not a String input field/);
    expect(textProblem('ok', false)).toBeNull();
  });
});
