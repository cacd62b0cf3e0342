/**
 * Issue 13, finding 10 — the text rule of DESIGN.md §4, fuzzed over the whole schema: the real
 * server's schema is introspected and every string position of every Query and Mutation field's
 * arguments (String, ID and custom string scalars such as DateTime and federation's `_Any`; nested
 * input objects; list items) gets NUL, half of a surrogate pair (high and low alone), bidirectional
 * override and isolate characters, and a 100 kB string, with otherwise valid arguments (real ids of
 * fresh fixtures, current versions) sent by an account that may make the call. The subscription
 * arguments get the same over WebSocket.
 *
 * Every case must be refused before anything runs: BAD_USER_INPUT naming the argument path
 * (`input.reporterContact.name`, `input.indicators[0].value`, `representations[0].id`), HTTP 400,
 * never INTERNAL_SERVER_ERROR or a 5xx; and the database is the same afterwards (row count and
 * checksum of every table). Cases go as variables and as literals in the document (where a lone
 * surrogate cannot be written: graphql-js refuses it as a syntax error, also a 400). Finally each
 * root field is called once with its valid base arguments, to show that they reach the resolver —
 * so a field the rule missed would have run with the bad string.
 */
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { startTestHub, type TestHub, type GqlResult } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { tableSnapshot } from '../../harness/snapshot';
import { wsSession } from '../../harness/ws-session';

type Json = unknown;
type Args = Record<string, Json>;
type Path = (string | number)[];
type RootKind = 'query' | 'mutation' | 'subscription';

const BAD_VALUES: Record<string, string> = {
  NUL: 'fuzz\u0000text',
  'lone high surrogate': 'fuzz\ud83dtext',
  'lone low surrogate': 'fuzz\ude00text',
  'bidi override U+202E': 'fuzz\u202etext',
  'bidi isolate U+2066': 'fuzz\u2066text',
  '100 kB': 'x'.repeat(100_000),
};
/** Literals: a 100 kB document is the parse-time limits' subject, not this test's. */
const LITERAL_VALUES = ['NUL', 'lone high surrogate', 'lone low surrogate', 'bidi override U+202E', 'bidi isolate U+2066'];
const LONE_SURROGATE_CASES = new Set(['lone high surrogate', 'lone low surrogate']);
/** Scalars whose literals graphql-js hands to the scalar itself while validating (DateTime): it refuses a malformed one first. */
const PARSES_LITERALS = (leaf: string) => !['String', 'ID', '_Any'].includes(leaf);
/** Scalars that never hold a string. */
const NON_STRING_SCALARS = new Set(['Int', 'Float', 'Boolean']);
const CONCURRENCY = 6;

let t: TestHub;
let schema: GraphQLSchema;

interface Fixtures {
  incident: { id: string; reference: string; version: number };
  /** A demo incident the coordinator sees (a duplicate's original). */
  otherIncidentId: string;
  directive: { id: string; version: number };
  noteId: string;
  accountId: string;
  apiKeyId: string;
}
let fx: Fixtures;
let unique = 0;

const recent = () => new Date(t.clock.now().getTime() - 3_600_000).toISOString();
const earlier = () => new Date(t.clock.now().getTime() - 7_200_000).toISOString();

/** Valid arguments per root field (the rest are filled from the types); every call reaches its resolver. */
const BASE: Record<string, () => Args> = {
  _entities: () => ({ representations: [{ __typename: 'Incident', id: fx.incident.id }] }),
  directiveCompliance: () => ({ from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }),
  domain: () => ({ name: 'phish-login.vn' }),
  incident: () => ({ id: fx.incident.id }),
  node: () => ({ id: fx.incident.id }),
  incidentByReference: () => ({ reference: fx.incident.reference }),
  incidentStatistics: () => ({ from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', groupBy: ['SEVERITY'] }),
  periodicSummary: () => ({ organization: 'VNCERT', year: 2026, half: 1 }),
  incidents: () => ({ filter: { text: 'Fuzz', rsitClass: 'fraud', handler: 'VNCERT' }, first: 5 }),
  directives: () => ({ filter: { incident: fx.incident.id, recipient: 'VNPT' }, first: 5 }),
  domainCases: () => ({ filter: { zone: 'vn' }, first: 5 }),

  reportIncident: () => ({
    input: {
      title: 'Fuzz report',
      description: 'Seen twice.\n\tOnce more.',
      detectedAt: recent(),
      occurredAt: earlier(),
      reportTo: 'VNCERT',
      reporterContact: { name: 'Reporter', email: 'someone@acme.test', phone: '+84 912345678', organizationName: 'ACME' },
      affectedSystem: { name: 'portal', operator: 'ACME', publicIps: ['203.0.113.7'], connectivityProvider: 'VNPT', level: 2 },
      indicators: [{ type: 'DOMAIN', value: 'fuzz-case.vn' }],
      idempotencyKey: `fuzz-${++unique}`,
    },
  }),
  startResponse: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version } }),
  coordinateIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version } }),
  reopenIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version } }),
  closeIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version } }),
  triageIncident: () => ({
    input: {
      id: fx.incident.id,
      expectedVersion: fx.incident.version,
      severity: 'HIGH',
      rsitClass: 'fraud',
      rsitType: 'phishing',
      nationalCategory: 'OTHER',
    },
  }),
  updateIncident: () => ({
    input: {
      id: fx.incident.id,
      expectedVersion: fx.incident.version,
      title: 'Fuzz title',
      description: 'More detail',
      rsitClass: 'fraud',
      rsitType: 'phishing',
      nationalCategory: 'OTHER',
    },
  }),
  escalateIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, reason: 'Needs the coordinator' } }),
  returnIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, reason: 'Back to you' } }),
  withdrawReport: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, reason: 'Sent by mistake' } }),
  rejectIncident: () => ({
    input: { id: fx.incident.id, expectedVersion: fx.incident.version, reason: 'Not an incident', duplicateOf: fx.otherIncidentId },
  }),
  resolveIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, summary: 'Taken down' } }),
  submitFinalReport: () => ({
    input: {
      id: fx.incident.id,
      expectedVersion: fx.incident.version,
      result: 'Done',
      remediation: 'Removed',
      prevention: 'Training',
      estimatedDamage: 'None',
    },
  }),
  shareIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, organization: 'SECPARTNER' } }),
  unshareIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, organization: 'SECPARTNER' } }),
  referIncident: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, organization: 'MPS-A05', reason: 'Fraud case' } }),
  setIncidentTlp: () => ({ input: { id: fx.incident.id, expectedVersion: fx.incident.version, tlp: 'RED' } }),
  addIndicators: () => ({ input: { incidentId: fx.incident.id, indicators: [{ type: 'IPV4', value: '198.51.100.23' }] } }),
  addNote: () => ({ input: { incidentId: fx.incident.id, body: 'A note\non two lines', visibility: 'INTERNAL' } }),
  redactNote: () => ({ input: { id: fx.noteId, reason: 'Personal data' } }),
  issueDirective: () => ({
    input: {
      incidentId: fx.incident.id,
      recipient: 'VNPT',
      action: 'BLOCK_DOMAIN',
      instructions: 'Block it',
      targets: [{ type: 'DOMAIN', value: 'fuzz-case.vn' }],
      dueAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
    },
  }),
  acknowledgeDirective: () => ({ input: { id: fx.directive.id, expectedVersion: fx.directive.version } }),
  startDirective: () => ({ input: { id: fx.directive.id, expectedVersion: fx.directive.version } }),
  completeDirective: () => ({ input: { id: fx.directive.id, expectedVersion: fx.directive.version, result: 'Blocked' } }),
  declineDirective: () => ({ input: { id: fx.directive.id, expectedVersion: fx.directive.version, reason: 'Not ours' } }),
  cancelDirective: () => ({ input: { id: fx.directive.id, expectedVersion: fx.directive.version, reason: 'No longer needed' } }),
  createAccount: () => ({ input: { email: `fuzz-${++unique}@vncert.test`, displayName: 'Fuzz Account', role: 'ANALYST' } }),
  setAccountActive: () => ({ input: { id: fx.accountId, active: true } }),
  setAccountRole: () => ({ input: { id: fx.accountId, role: 'HANDLER' } }),
  createApiKey: () => ({
    input: { name: 'fuzz key', capabilities: ['INCIDENT_READ'], expiresAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString() },
  }),
  revokeApiKey: () => ({ input: { id: fx.apiKeyId } }),
  createOrganization: () => ({
    input: {
      code: `FUZZ-${++unique}`,
      name: 'Fuzz Org',
      kind: 'RESPONSE_PARTNER',
      country: 'VN',
      ipRanges: ['192.0.2.0/24'],
      asns: ['AS64500'],
      zones: [`fuzz${unique}.vn`],
      admin: { email: `admin@fuzz-${unique}.test`, displayName: 'Fuzz Admin' },
      contact: { email: 'soc@fuzz.test', focalPoint: 'SOC', intakeEmail: 'report@fuzz.test', phone: '+84 912345678' },
    },
  }),
  updateOrganization: () => ({ input: { code: 'SECPARTNER', name: 'Security Partner', contact: { focalPoint: 'SOC desk' } } }),
  incidentEvents: () => ({ incidentId: fx.incident.id }),
  directiveEvents: () => ({}),
};

/** Who makes each call (the coordinator's ADMIN may do everything else): the registry reads its feed, a recipient responds, the reporter withdraws. */
const ACCOUNT: Record<string, string> = {
  domainCases: 'handler@vnnic.test',
  acknowledgeDirective: 'handler@vnpt.test',
  startDirective: 'handler@vnpt.test',
  completeDirective: 'handler@vnpt.test',
  declineDirective: 'handler@vnpt.test',
  withdrawReport: 'reporter@acme.test',
};
const accountOf = (field: string) => ACCOUNT[field] ?? 'admin@vncert.test';

/** Values for required fields the base arguments leave out, when a case fills an optional input object or list. */
function fill(type: GraphQLInputType, coordinate: string): Json {
  if (isNonNullType(type)) return fill(type.ofType, coordinate);
  if (isListType(type)) return [fill(type.ofType, coordinate)];
  if (isInputObjectType(type)) {
    const out: Args = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = fill(f.type, `${type.name}.${f.name}`);
    }
    return out;
  }
  if (isEnumType(type)) return coordinate === 'IndicatorInput.type' ? 'DOMAIN' : type.getValues()[0]!.value;
  const FILLED: Record<string, Json> = {
    'IndicatorInput.value': 'fuzz-fill.vn',
    'OrganizationAdminInput.email': 'admin@fuzz-fill.test',
    'ContactInput.name': 'Reporter',
  };
  if (coordinate in FILLED) return FILLED[coordinate];
  switch (type.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'ID':
      return fx.incident.id;
    case 'DateTime':
      return recent();
    default:
      return 'fuzz';
  }
}

/** `container` with `value` put at `path` (list positions: the first item), intermediate objects filled. */
function setAt(container: Json, type: GraphQLInputType, path: Path, value: Json, coordinate: string): Json {
  if (!path.length) return value;
  if (isNonNullType(type)) return setAt(container, type.ofType, path, value, coordinate);
  if (isListType(type)) {
    const items = Array.isArray(container) && container.length ? [...container] : [fill(type.ofType, coordinate)];
    items[0] = setAt(items[0], type.ofType, path.slice(1), value, coordinate);
    return items;
  }
  if (isInputObjectType(type)) {
    const key = String(path[0]);
    const obj: Args = container && typeof container === 'object' ? { ...(container as Args) } : (fill(type, coordinate) as Args);
    obj[key] = setAt(obj[key], type.getFields()[key]!.type, path.slice(1), value, `${type.name}.${key}`);
    return obj;
  }
  throw new Error(`${coordinate}: the path goes on below a scalar`);
}

interface Position {
  kind: RootKind;
  field: GraphQLField<unknown, unknown>;
  arg: GraphQLArgument;
  /** Inside the argument: input field names and list indexes. */
  path: Path;
  leaf: string;
}

/** Every position of a string in an argument: nested input objects, list items, custom scalars. */
function positions(kind: RootKind, field: GraphQLField<unknown, unknown>): Position[] {
  const out: Position[] = [];
  const walk = (arg: GraphQLArgument, type: GraphQLInputType, path: Path, seen: Set<string>) => {
    if (isNonNullType(type)) return walk(arg, type.ofType, path, seen);
    if (isListType(type)) return walk(arg, type.ofType, [...path, 0], seen);
    if (isInputObjectType(type)) {
      if (seen.has(type.name)) return;
      for (const f of Object.values(type.getFields())) walk(arg, f.type, [...path, f.name], new Set([...seen, type.name]));
      return;
    }
    if (isScalarType(type) && !NON_STRING_SCALARS.has(type.name)) out.push({ kind, field, arg, path, leaf: type.name });
  };
  for (const arg of field.args) walk(arg, arg.type, [], new Set());
  return out;
}

/** The argument path the server must name: `input.indicators[0].value`; inside `_Any`, the representation's id. */
function expectedField(p: Position): string {
  const parts = [p.arg.name, ...p.path];
  let name = parts.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
  if (p.leaf === '_Any') name += '.id';
  return name;
}

/** A JSON value as a GraphQL literal (enums bare; JSON's string escapes are GraphQL's too). */
function literal(value: Json, type: GraphQLInputType | null): string {
  if (value === null || value === undefined) return 'null';
  if (type && isNonNullType(type)) return literal(value, type.ofType);
  if (type && isListType(type))
    return Array.isArray(value) ? `[${value.map((v) => literal(v, type.ofType)).join(', ')}]` : literal(value, type.ofType);
  if (type && isEnumType(type)) return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, null)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = type && isInputObjectType(type) ? type.getFields() : null;
    return `{${Object.entries(value as Args)
      .map(([k, v]) => `${k}: ${literal(v, fields?.[k]?.type ?? null)}`)
      .join(', ')}}`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** One operation calling `field` with `args`, as variables or as literals. */
function operation(
  kind: RootKind,
  field: GraphQLField<unknown, unknown>,
  args: Args,
  mode: 'variables' | 'literal',
): { query: string; variables: Args } {
  const used = field.args.filter((a) => args[a.name] !== undefined);
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  if (mode === 'literal') {
    const list = used.map((a) => `${a.name}: ${literal(args[a.name], a.type)}`).join(', ');
    return { query: `${kind} Fuzz { ${field.name}${list ? `(${list})` : ''}${selection} }`, variables: {} };
  }
  const defs = used.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const list = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  return {
    query: `${kind} Fuzz${defs ? `(${defs})` : ''} { ${field.name}${list ? `(${list})` : ''}${selection} }`,
    variables: Object.fromEntries(used.map((a) => [a.name, args[a.name]])),
  };
}

function baseArgs(kind: RootKind, field: GraphQLField<unknown, unknown>): Args {
  const args = BASE[field.name]?.() ?? {};
  for (const a of field.args) {
    if (args[a.name] === undefined && isNonNullType(a.type) && a.defaultValue === undefined)
      args[a.name] = fill(a.type, `${kind}.${field.name}(${a.name}:)`);
  }
  return args;
}

function caseArgs(p: Position, bad: string): Args {
  const args = baseArgs(p.kind, p.field);
  // A JSON scalar (`_Any`): a representation with the bad value as its key field.
  const value = p.leaf === '_Any' ? { __typename: 'Incident', id: bad } : bad;
  args[p.arg.name] = setAt(args[p.arg.name], p.arg.type, p.path, value, `${p.field.name}(${p.arg.name}:)`);
  return args;
}

async function post(token: string, body: { query: string; variables: Args }): Promise<GqlResult & { status: number }> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { ...(JSON.parse(text) as GqlResult), status: res.status };
  } catch {
    return { status: res.status, errors: [{ message: `not JSON: ${text.slice(0, 100)}` }] };
  }
}

async function pool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

beforeAll(async () => {
  t = await startTestHub({ NODE_ENV: 'production', MASK_ERRORS: 'true', LOG_LEVEL: 'silent', RATE_LIMIT: 'false' });
  const introspection = await t.as<IntrospectionQuery>('admin@vncert.test', getIntrospectionQuery());
  expect(introspection.errors).toBeUndefined();
  schema = buildClientSchema(introspection.data!);

  const incident = await reportIncident<{ id: string; reference: string; version: number }>(
    t,
    'reporter@acme.test',
    {
      title: 'Fuzz target',
      description: 'Target of the fuzz cases',
      detectedAt: recent(),
      reporterContact: { name: 'Reporter' },
      reportTo: 'VNCERT',
      indicators: [{ type: 'DOMAIN', value: 'fuzz-target.vn' }],
    },
    'id reference version',
  );
  const directive = await t.as<{ issueDirective: { directive: { id: string; version: number } } }>(
    'handler@vncert.test',
    'mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id version } } }',
    { i: { incidentId: incident.id, recipient: 'VNPT', action: 'PROVIDE_INFORMATION', instructions: 'Tell us more' } },
  );
  expect(directive.errors).toBeUndefined();
  const note = await t.as<{ addNote: { note: { id: string } } }>(
    'handler@vncert.test',
    'mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }',
    { i: { incidentId: incident.id, body: 'A note', visibility: 'INTERNAL' } },
  );
  expect(note.errors).toBeUndefined();
  const account = await t.as<{ createAccount: { account: { id: string } } }>(
    'admin@vncert.test',
    'mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }',
    { i: { email: 'fuzz-target@vncert.test', displayName: 'Fuzz Target', role: 'ANALYST' } },
  );
  expect(account.errors).toBeUndefined();
  const key = await t.as<{ createApiKey: { apiKey: { id: string } } }>(
    'admin@vncert.test',
    'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }',
    { i: { name: 'fuzz target', capabilities: ['INCIDENT_READ'] } },
  );
  expect(key.errors).toBeUndefined();
  const other = await t.as<{ incidents: { edges: { node: { id: string } }[] } }>(
    'admin@vncert.test',
    'query { incidents(first: 1) { edges { node { id } } } }',
  );
  fx = {
    incident: { id: incident.id, reference: incident.reference, version: 0 },
    otherIncidentId: other.data!.incidents.edges.find((e) => e.node.id !== incident.id)?.node.id ?? '',
    directive: { id: directive.data!.issueDirective.directive.id, version: 0 },
    noteId: note.data!.addNote.note.id,
    accountId: account.data!.createAccount.account.id,
    apiKeyId: key.data!.createApiKey.apiKey.id,
  };
  await refreshVersions();
});

afterAll(async () => {
  await t?.close();
});

async function refreshVersions(): Promise<void> {
  const res = await t.as<{ incident: { version: number }; node: { version: number } }>(
    'admin@vncert.test',
    'query($i: ID!, $d: ID!) { incident(id: $i) { version } node(id: $d) { ... on Directive { version } } }',
    { i: fx.incident.id, d: fx.directive.id },
  );
  fx.incident.version = res.data!.incident.version;
  fx.directive.version = res.data!.node.version;
}

function rootFields(kind: RootKind): GraphQLField<unknown, unknown>[] {
  const type = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return Object.values(type!.getFields());
}

test('every string argument and input field of every Query and Mutation field: bad text is BAD_USER_INPUT naming it, never a 5xx, nothing stored', async () => {
  const all = (['query', 'mutation'] as const).flatMap((kind) => rootFields(kind).flatMap((f) => positions(kind, f)));
  const fieldsWalked = new Set(all.map((p) => `${p.kind}.${p.field.name}`));
  type Case = { p: Position; value: string; mode: 'variables' | 'literal' };
  const cases: Case[] = [
    ...all.flatMap((p) => Object.keys(BAD_VALUES).map((value): Case => ({ p, value, mode: 'variables' }))),
    ...all.flatMap((p) => LITERAL_VALUES.map((value): Case => ({ p, value, mode: 'literal' }))),
  ];
  const tokens = new Map<string, string>();
  for (const email of new Set(all.map((p) => accountOf(p.field.name)))) tokens.set(email, await t.token(email));

  const before = await tableSnapshot(t);
  const outcomes: Record<string, number> = {};
  const failures: string[] = [];
  const started = Date.now();
  await pool(cases, async ({ p, value, mode }) => {
    const want = expectedField(p);
    const res = await post(tokens.get(accountOf(p.field.name))!, operation(p.kind, p.field, caseArgs(p, BAD_VALUES[value]!), mode));
    const first = res.errors?.[0];
    const code = String(first?.extensions?.code ?? (res.errors?.length ? 'no code' : 'OK'));
    const parseRefusal = mode === 'literal' && LONE_SURROGATE_CASES.has(value);
    let outcome: string;
    if (mode === 'literal' && PARSES_LITERALS(p.leaf) && code === 'GRAPHQL_VALIDATION_FAILED' && res.status === 400)
      outcome = `GRAPHQL_VALIDATION_FAILED, 400 (the ${p.leaf} scalar refuses the literal during validation)`;
    else if (parseRefusal)
      outcome =
        code === 'GRAPHQL_PARSE_FAILED' && res.status === 400
          ? 'GRAPHQL_PARSE_FAILED, 400 (a lone surrogate cannot be written in a literal)'
          : `unexpected ${code} ${res.status}`;
    else
      outcome =
        code === 'BAD_USER_INPUT' && first?.extensions?.field === want && res.status === 400 && res.data == null
          ? 'BAD_USER_INPUT naming the field, 400'
          : `unexpected ${code} ${res.status}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (outcome.startsWith('unexpected')) {
      failures.push(
        `${p.kind}.${p.field.name} ${want} ${value} (${mode}): HTTP ${res.status} ${code} field=${String(first?.extensions?.field)} ${first?.message.slice(0, 120) ?? ''}`,
      );
    }
  });
  const after = await tableSnapshot(t);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `input-fuzz: ${fieldsWalked.size} root fields, ${all.length} string positions, ${cases.length} HTTP cases in ${seconds.toFixed(1)} s\n` +
      Object.entries(outcomes)
        .map(([o, n]) => `  ${n}\t${o}`)
        .join('\n'),
  );
  expect(failures).toEqual([]);
  expect(after).toEqual(before);
  // The walk reached the fields of finding 10 (a schema walk that found nothing would prove nothing).
  for (const f of [
    'query.incidents',
    'query.incidentByReference',
    'query.periodicSummary',
    'query._entities',
    'mutation.reportIncident',
    'mutation.updateIncident',
    'mutation.addNote',
    'mutation.createOrganization',
    'mutation.createApiKey',
    'mutation.createAccount',
    'mutation.completeDirective',
  ]) {
    expect(fieldsWalked).toContain(f);
  }
});

/**
 * Instants RFC 3339 writes and the DateTime scalar accepts but PostgreSQL does not store (the year 0000;
 * offsets that carry a four-digit year past either end): the review's property test found the first one
 * as an internal error of reportIncident.
 */
const UNSTORABLE_DATES: Record<string, string> = {
  'the year 0000': '0000-01-01T00:00:00Z',
  'the year 0001 carried into 0000 by its offset': '0001-01-01T00:30:00+01:00',
  'the year 9999 carried into 10000 by its offset': '9999-12-31T23:00:00-05:00',
};

test('every DateTime argument and input field: an instant outside the years 0001–9999 (UTC) is BAD_USER_INPUT naming it, never a 5xx, nothing stored', async () => {
  const all = (['query', 'mutation'] as const)
    .flatMap((kind) => rootFields(kind).flatMap((f) => positions(kind, f)))
    .filter((p) => p.leaf === 'DateTime');
  const tokens = new Map<string, string>();
  for (const email of new Set(all.map((p) => accountOf(p.field.name)))) tokens.set(email, await t.token(email));
  const before = await tableSnapshot(t);
  const failures: string[] = [];
  let cases = 0;
  await pool(
    all.flatMap((p) =>
      Object.entries(UNSTORABLE_DATES).flatMap(([what, value]) => (['variables', 'literal'] as const).map((mode) => ({ p, what, value, mode }))),
    ),
    async ({ p, what, value, mode }) => {
      cases++;
      const res = await post(tokens.get(accountOf(p.field.name))!, operation(p.kind, p.field, caseArgs(p, value), mode));
      const first = res.errors?.[0];
      const code = String(first?.extensions?.code ?? (res.errors?.length ? 'no code' : 'OK'));
      if (!(code === 'BAD_USER_INPUT' && first?.extensions?.field === expectedField(p) && res.status === 400 && res.data == null))
        failures.push(
          `${p.kind}.${p.field.name} ${expectedField(p)} ${what} (${mode}): HTTP ${res.status} ${code} field=${String(first?.extensions?.field)} ${first?.message.slice(0, 120) ?? ''}`,
        );
    },
  );
  console.log(`input-fuzz: ${all.length} DateTime positions, ${cases} cases`);
  expect(failures).toEqual([]);
  expect(await tableSnapshot(t)).toEqual(before);
  // The walk found the positions of the finding and the others that reach the database.
  expect(all.map((p) => `${p.field.name} ${expectedField(p)}`)).toEqual(
    expect.arrayContaining([
      'reportIncident input.detectedAt',
      'reportIncident input.occurredAt',
      'issueDirective input.dueAt',
      'incidentStatistics from',
    ]),
  );
});

test('the subscription arguments over WebSocket: bad text is BAD_USER_INPUT naming the argument, the socket stays usable', async () => {
  const ws = wsSession(t.url, await t.token('admin@vncert.test'));
  const outcomes: Record<string, number> = {};
  const failures: string[] = [];
  try {
    const all = rootFields('subscription').flatMap((f) => positions('subscription', f));
    expect(all.map(expectedField).sort()).toEqual(['after', 'after', 'incidentId']);
    for (const p of all) {
      for (const [mode, values] of [
        ['variables', Object.keys(BAD_VALUES)],
        ['literal', LITERAL_VALUES],
      ] as const) {
        for (const value of values) {
          const res = await ws.run(operation('subscription', p.field, caseArgs(p, BAD_VALUES[value]!), mode));
          const first = res.errors?.[0];
          const code = String(first?.extensions?.code ?? (res.started ? 'subscription started' : 'no code'));
          const expected =
            mode === 'literal' && LONE_SURROGATE_CASES.has(value)
              ? code === 'GRAPHQL_PARSE_FAILED' || /Syntax Error/.test(first?.message ?? '')
              : code === 'BAD_USER_INPUT' && first?.extensions?.field === expectedField(p);
          const outcome = expected
            ? code === 'BAD_USER_INPUT'
              ? 'BAD_USER_INPUT naming the argument'
              : 'syntax error (a lone surrogate cannot be written in a literal)'
            : `unexpected ${code}`;
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (!expected) failures.push(`${p.field.name} ${expectedField(p)} ${value} (${mode}): ${code} ${first?.message.slice(0, 120) ?? ''}`);
        }
      }
    }
    // The socket still serves valid operations.
    const ok = await ws.run({ query: 'query { viewer { organization { code } } }', variables: {} });
    expect(ok.errors).toBeUndefined();
  } finally {
    await ws.dispose();
  }
  console.log(
    `input-fuzz: WebSocket subscription cases\n${Object.entries(outcomes)
      .map(([o, n]) => `  ${n}\t${o}`)
      .join('\n')}`,
  );
  expect(failures).toEqual([]);
});

test('the valid base arguments reach every resolver (so the cases above would have run without the rule)', async () => {
  const outcomes: Record<string, string[]> = {};
  const failures: string[] = [];
  for (const kind of ['query', 'mutation'] as const) {
    for (const field of rootFields(kind)) {
      await refreshVersions();
      const res = await post(await t.token(accountOf(field.name)), operation(kind, field, baseArgs(kind, field), 'variables'));
      const first = res.errors?.[0];
      const code = first ? String(first.extensions?.code) : 'OK';
      (outcomes[code] ??= []).push(field.name);
      // An error without a path was raised before any resolver ran (validation, variable coercion, a plugin).
      const beforeResolver = first !== undefined && !first.path;
      if (beforeResolver || code === 'INTERNAL_SERVER_ERROR' || res.status >= 500)
        failures.push(`${kind}.${field.name}: HTTP ${res.status} ${code} ${first?.message.slice(0, 160) ?? ''}`);
    }
  }
  console.log(
    `input-fuzz: base arguments, outcome by root field\n${Object.entries(outcomes)
      .map(([c, fs]) => `  ${c} (${fs.length}): ${fs.join(', ')}`)
      .join('\n')}`,
  );
  expect(failures).toEqual([]);
});
