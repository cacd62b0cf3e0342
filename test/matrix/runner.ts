import { ACCOUNTS, ORGANIZATION_KINDS, kindOf, orgOf, type Principal, type OrgCode } from './accounts';
import { MatrixClient, FixtureError, outcomeOf, fieldError, pool } from './client';
import type { GqlResult } from '../harness/hub';
import {
  Factory,
  buildWorld,
  KEY_ROLE_CAPS,
  FOREIGN_CAP,
  INCIDENT_FIXTURES,
  DIRECTIVE_FIXTURES,
  NOTE_FIXTURES,
  type Fx,
  type World,
  type IncidentFixture,
  type DirectiveFixture,
  type NoteFixture,
} from './fixtures';
import { MUTATION_TABLES, KEY_MUTATION_ROWS, KEY_SINGLE_CASES, type MutationOp } from './rows-mutation';
import {
  VIEW_TABLE,
  WORLD_INCIDENTS,
  DIRECTIVE_TABLE,
  DIRECTIVE_COLUMNS,
  QUERY_TABLE,
  QUERY_COLUMNS,
  DIRECTORY_TABLE,
  DIRECTORY_COLUMNS,
  ROLE_TABLE,
  DOMAIN_TABLE,
  DOMAIN_COLUMNS,
  FEED_TABLE,
  WORLD_INCIDENTS as FEED_COLUMNS,
  PROJECTION_FIELDS,
  expectedProjection,
  expectedActors,
  expectedVnptAccounts,
  type WorldIncident,
} from './rows-read';

/**
 * The matrix runner: expands the literal tables of rows-*.ts into cases, builds their fixtures
 * through the API, runs every case over HTTP and compares. It computes no expectation of its own
 * (the projection and actors columns' cells come from the literal tables and §3's rules as written in rows-read.ts:
 * `expectedProjection`, `expectedActors`, `expectedVnptAccounts`).
 */
export type CaseGroup = 'read' | 'field' | 'listing' | 'mutation';

export interface CaseSpec {
  group: CaseGroup;
  account: Principal;
  op: string;
  /** The fixture (table column) the case acts on or reads. */
  fixture: string;
  expected: string;
  /** The §3 rule the case exercises (coverage: each needs an allowed case). */
  rule: string;
}

export interface CaseResult extends CaseSpec {
  actual: string;
  pass: boolean;
  detail?: string;
  /** The viewerCan flag read just before a mutation (absent: invisible object, or no flag for the op). */
  viewerCan?: boolean;
}

export interface RunOptions {
  /** Only the cases this admits run (the mutation check narrows a flip to the cases it can reach). */
  select?: (c: CaseSpec) => boolean;
  concurrency?: number;
  /** Fixtures kept between runs (the mutation check builds them once, unflipped); absent: all built afresh. */
  state?: MatrixState;
}

/**
 * Read-only fixtures a later run may reuse: the world, and the shared instances that cases expected
 * to change nothing act on. A run that changed one anyway (an unexpected OK) reports it in `dirtyKeys`.
 */
export interface MatrixState {
  world?: Promise<World>;
  shared: Map<string, Promise<Fx>>;
}

// ---------------------------------------------------------------------------
// Expansion of the literal tables

const NOT_ALLOWED = new Set([
  'null',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'INVALID_TRANSITION',
  'hidden',
  'absent',
  'removed',
  '-',
  '',
]);

/** Whether a case's expected outcome grants something (a view, a shown field, OK). */
export function isAllowed(c: CaseSpec): boolean {
  return !NOT_ALLOWED.has(c.expected);
}

/** The count bucket of an expected outcome, for the summary lines. */
export function bucketOf(c: CaseSpec): string {
  if (c.group === 'field') return c.expected === '-' || c.expected === '' ? 'field hidden' : 'field shown';
  if (c.expected === 'null') return 'null (invisible)';
  if (c.expected === 'hidden' || c.expected === 'absent' || c.expected === 'removed') return 'hidden';
  if (['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'INVALID_TRANSITION'].includes(c.expected)) return c.expected;
  return 'allowed';
}

const FIELD_NAMES = ['reporterContact', 'reportingOrganization', 'reasons', 'participants', 'directives', 'notes', 'timeline'] as const;
const VIEW_PATHS = ['incident', 'node', 'incidentByReference', 'incidents', '_entities'] as const;

/** The incident of each world directive (rows-read.ts: D1 on W1, D5 on W5, D6 on W6). */
const DIRECTIVE_INCIDENT: Record<(typeof DIRECTIVE_COLUMNS)[number], WorldIncident> = {
  D1: 'W1_AMBER_ESCALATED',
  D5: 'W5_RED_RECIPIENT',
  D6: 'W6_RED_CONFIDENTIAL',
};

/** The DOMAIN indicator each world incident carries (rows-read.ts), for `domain(name)`. */
const WORLD_DOMAIN: Partial<Record<WorldIncident, string>> = {
  W1_AMBER_ESCALATED: 'matrix-w1.vn',
  W2_GREEN_PERSON_RESOLVED: 'matrix-w2.com',
  W3_CLEAR_REJECTED: 'matrix-w3.vn',
  W4_AMBER_STRICT_NETREP: 'matrix-w4.vn',
  W5_RED_RECIPIENT: 'matrix-w5.vn',
  W7_GREEN_CONFIDENTIAL: 'matrix-w7.vn',
  W8_CLEAR_PERSON: 'matrix-w8.org',
  W9_AMBER_OUT_OF_ZONE: 'matrix-w9.cvn',
};

export function allCases(): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const w of WORLD_INCIDENTS) {
    for (const account of ACCOUNTS) {
      const row = VIEW_TABLE[w][account];
      for (const op of VIEW_PATHS) cases.push({ group: 'read', account, op, fixture: w, expected: row ? row[0] : 'null', rule: 'view' });
      if (!row) continue;
      FIELD_NAMES.forEach((field, i) =>
        cases.push({ group: 'field', account, op: `Incident.${field}`, fixture: w, expected: row[i + 1], rule: 'fields' }),
      );
      cases.push({ group: 'field', account, op: 'Incident.projection', fixture: w, expected: expectedProjection(row[0], w), rule: 'projection' });
      cases.push({ group: 'field', account, op: 'Incident.actors', fixture: w, expected: expectedActors(account, w, row), rule: 'actors' });
    }
  }
  for (const [account, ...cells] of DOMAIN_TABLE) {
    DOMAIN_COLUMNS.forEach((w, i) => cases.push({ group: 'read', account, op: 'domain.cases', fixture: w, expected: cells[i], rule: 'view' }));
  }
  for (const [account, ...cells] of FEED_TABLE) {
    FEED_COLUMNS.forEach((w, i) => cases.push({ group: 'read', account, op: 'domainCases', fixture: w, expected: cells[i], rule: 'domainFeed' }));
  }
  for (const [account, ...cells] of DIRECTIVE_TABLE) {
    DIRECTIVE_COLUMNS.forEach((d, i) => {
      for (const op of ['node', 'directives']) cases.push({ group: 'read', account, op, fixture: d, expected: cells[i], rule: 'directiveView' });
      // Its history's events name the incident only to a viewer of the incident (§3: a recipient of a confidential
      // incident sees its directive, not the incident); the incident's view is VIEW_TABLE's literal.
      const history = cells[i] === 'null' ? 'null' : VIEW_TABLE[DIRECTIVE_INCIDENT[d]][account] ? 'shown' : 'hidden';
      cases.push({ group: 'read', account, op: 'history.incidentId', fixture: d, expected: history, rule: 'directiveView' });
    });
  }
  for (const [account, viewer, ...cells] of QUERY_TABLE) {
    cases.push({ group: 'read', account, op: 'viewer', fixture: '-', expected: viewer, rule: 'viewer' });
    QUERY_COLUMNS.slice(1).forEach((col, i) => {
      const [op, fixture = '-'] = col.split(':');
      const rule = op === 'roles' ? 'roles' : op === 'apiKeys' ? 'orgAdmin' : op === 'periodicSummary' ? 'periodicSummary' : 'statistics';
      cases.push({ group: 'read', account, op, fixture, expected: cells[i], rule });
    });
  }
  for (const [account, ...cells] of DIRECTORY_TABLE) {
    DIRECTORY_COLUMNS.forEach((col, i) => {
      const [op, ...rest] = col.split(':');
      cases.push({ group: 'read', account, op, fixture: rest.join(':'), expected: cells[i], rule: 'directory' });
    });
  }
  for (const account of ACCOUNTS) {
    cases.push({ group: 'read', account, op: 'organizations', fixture: 'VNPT.accounts', expected: expectedVnptAccounts(account), rule: 'directory' });
  }
  // The rulebook as data: read once (by the coordinator's ADMIN; `roles` is the same for everyone).
  for (const [kind, role, caps] of ROLE_TABLE) {
    cases.push({
      group: 'listing',
      account: 'admin@vncert.test',
      op: 'roles.capabilities',
      fixture: `${kind}/${role}`,
      expected: caps,
      rule: 'roles',
    });
  }
  for (const table of MUTATION_TABLES) {
    for (const [account, ...cells] of table.rows) {
      table.columns.forEach((column, i) =>
        cases.push({ group: 'mutation', account, op: table.op, fixture: column, expected: cells[i], rule: table.rule }),
      );
    }
  }
  for (const [account, op, ...cells] of KEY_MUTATION_ROWS) {
    const table = MUTATION_TABLES.find((t) => t.op === op);
    table?.columns.forEach((column, i) => cases.push({ group: 'mutation', account, op, fixture: column, expected: cells[i], rule: table.rule }));
  }
  for (const [account, op, fixture, expected] of KEY_SINGLE_CASES) {
    const table = MUTATION_TABLES.find((t) => t.op === op);
    if (table) cases.push({ group: 'mutation', account, op, fixture, expected, rule: table.rule });
  }
  return cases;
}

/** The literal tables are complete: every table has every account, in order, and one cell per column. */
export function tableShapeProblems(): string[] {
  const problems: string[] = [];
  const check = (name: string, accounts: readonly string[], widths: number[], width: number) => {
    if (accounts.join() !== ACCOUNTS.join()) problems.push(`${name}: accounts differ from the demo accounts`);
    widths.forEach((w, i) => {
      if (w !== width) problems.push(`${name}: row ${accounts[i]} has ${w} cells, expected ${width}`);
    });
  };
  for (const w of WORLD_INCIDENTS) check(`VIEW_TABLE.${w}`, Object.keys(VIEW_TABLE[w]), [], 0);
  check(
    'DIRECTIVE_TABLE',
    DIRECTIVE_TABLE.map((r) => r[0]),
    DIRECTIVE_TABLE.map((r) => r.length - 1),
    DIRECTIVE_COLUMNS.length,
  );
  check(
    'DOMAIN_TABLE',
    DOMAIN_TABLE.map((r) => r[0]),
    DOMAIN_TABLE.map((r) => r.length - 1),
    DOMAIN_COLUMNS.length,
  );
  check(
    'FEED_TABLE',
    FEED_TABLE.map((r) => r[0]),
    FEED_TABLE.map((r) => r.length - 1),
    FEED_COLUMNS.length,
  );
  check(
    'QUERY_TABLE',
    QUERY_TABLE.map((r) => r[0]),
    QUERY_TABLE.map((r) => r.length - 1),
    QUERY_COLUMNS.length,
  );
  check(
    'DIRECTORY_TABLE',
    DIRECTORY_TABLE.map((r) => r[0]),
    DIRECTORY_TABLE.map((r) => r.length - 1),
    DIRECTORY_COLUMNS.length,
  );
  for (const t of MUTATION_TABLES)
    check(
      `MUTATION_TABLES.${t.op}`,
      t.rows.map((r) => r[0]),
      t.rows.map((r) => r.length - 1),
      t.columns.length,
    );
  for (const [account, op] of KEY_SINGLE_CASES) {
    if (!MUTATION_TABLES.some((t) => t.op === op)) problems.push(`KEY_SINGLE_CASES ${account}: no table ${op}`);
  }
  for (const [account, op, ...cells] of KEY_MUTATION_ROWS) {
    const table = MUTATION_TABLES.find((t) => t.op === op);
    if (!table) problems.push(`KEY_MUTATION_ROWS: no table ${op}`);
    else if (cells.length !== table.columns.length)
      problems.push(`KEY_MUTATION_ROWS ${account} ${op}: ${cells.length} cells, expected ${table.columns.length}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Reads

interface IncidentAnswer {
  accessLevel: string;
  reporterContact: { name: string } | null;
  reportingOrganization: { code: string } | null;
  finalReport: { result: string } | null;
  escalationReason: string | null;
  rejectionReason: string | null;
  resolutionSummary: string | null;
  participants: { code: string }[];
  participantRoles: { role: string; organization: { code: string } }[];
  directives: { edges: { node: { id: string } }[] };
  notes: { edges: { node: { body: string } & Actor }[] };
  timeline: { edges: { node: { type: string } & Actor }[] };
  indicators: { value: string }[];
  domains: { name: string }[];
  [field: string]: unknown;
}

const INCIDENT_FIELDS = `accessLevel reporterContact { name } reportingOrganization { code } finalReport { result } escalationReason
  rejectionReason resolutionSummary participants { code } directives(first: 50) { edges { node { id } } }
  notes(first: 50) { edges { node { body authorEmail authorOrganization { code } } } }
  timeline(first: 100) { edges { node { type actorAccountEmail actorOrganization { code } } } }
  reference title status tlp scope confidential version handler { code } detectedAt reportedAt updatedAt viewerCan { update } severity serious pap
  classification { rsitClass } description occurredAt
  affectedSystem { name } lateNotification coordinator { code } finalReportDueAt duplicateOf { id } participantRoles { role organization { code } }
  indicators { value } domains { name } stix`;

/** The projection cell read from an answer: the fields holding data (not null, false or empty), in PROJECTION_FIELDS order. */
function projectionOf(inc: IncidentAnswer): string {
  return PROJECTION_FIELDS.map((f) => {
    if (f === 'indicators')
      return inc.indicators.length
        ? `indicators[${inc.indicators
            .map((i) => i.value)
            .sort()
            .join(',')}]`
        : null;
    if (f === 'domains')
      return inc.domains.length
        ? `domains[${inc.domains
            .map((d) => d.name)
            .sort()
            .join(',')}]`
        : null;
    const v = inc[f];
    // An object whose every member is null (an unclassified incident's classification) holds no data either.
    const empty =
      v === null ||
      v === false ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && Object.values(v as object).every((x) => x === null));
    return empty ? null : f;
  })
    .filter((x): x is string => x !== null)
    .join(' ');
}

/**
 * The participants column: `participants` and `participantRoles` list the same organizations (§3's participants
 * rule; the latter with the part each plays), so the cell is their codes when both agree, and shows both otherwise.
 */
function participantsOf(inc: IncidentAnswer): string {
  const codes = inc.participants
    .map((p) => p.code)
    .sort()
    .join(' ');
  const withRoles = [...new Set(inc.participantRoles.map((p) => p.organization.code))].sort().join(' ');
  return codes === withRoles ? codes : `participants: ${codes}; participantRoles: ${withRoles}`;
}

/** A note's author or an event's actor as read: its account e-mail and organization, each null when hidden. */
interface Actor {
  authorEmail?: string | null;
  authorOrganization?: { code: string } | null;
  actorAccountEmail?: string | null;
  actorOrganization?: { code: string } | null;
}

/** The actors cell (rows-read.ts `expectedActors`): notes by body, then the timeline in order. */
function actorsOf(inc: IncidentAnswer): string {
  const flags = (email: string | null | undefined, org: { code: string } | null | undefined) => `${email ? 'e' : '-'}/${org?.code ?? '-'}`;
  const notes = inc.notes.edges.map((e) => e.node).sort((a, b) => (a.body < b.body ? -1 : a.body > b.body ? 1 : 0));
  return `${notes.map((n) => `${n.body}:${flags(n.authorEmail, n.authorOrganization)}`).join(' ')}|${inc.timeline.edges
    .map((e) => `${e.node.type}:${flags(e.node.actorAccountEmail, e.node.actorOrganization)}`)
    .join(' ')}`;
}

const REASONS = ['finalReport', 'escalationReason', 'rejectionReason', 'resolutionSummary'] as const;

function fieldValues(world: World, inc: IncidentAnswer): Record<(typeof FIELD_NAMES)[number] | 'projection' | 'actors', string> {
  const directiveName = new Map(Object.entries(world.directives).map(([name, id]) => [id, name]));
  return {
    projection: projectionOf(inc),
    actors: actorsOf(inc),
    reporterContact: inc.reporterContact ? '+' : '-',
    reportingOrganization: inc.reportingOrganization?.code ?? '-',
    reasons: REASONS.filter((r) => inc[r] !== null).join(' '),
    participants: participantsOf(inc),
    directives: inc.directives.edges
      .map((e) => directiveName.get(e.node.id) ?? 'D?')
      .sort()
      .join(' '),
    notes: inc.notes.edges
      .map((e) => e.node.body)
      .sort()
      .join(' '),
    timeline: inc.timeline.edges.map((e) => e.node.type).join(' '),
  };
}

/** Runs every selected read case of one account: a handful of batched requests against the shared world. */
async function readAccount(client: MatrixClient, world: World, account: Principal, cases: CaseSpec[]): Promise<CaseResult[]> {
  const actual = new Map<string, string>();
  const key = (op: string, fixture: string) => `${op}|${fixture}`;
  const needs = (pred: (c: CaseSpec) => boolean) => cases.some(pred);

  if (needs((c) => c.group === 'field' || (c.rule === 'view' && ['incident', 'node', 'incidentByReference', '_entities'].includes(c.op)))) {
    // Three incidents per request: the production query limits (root fields, aliases, cost) apply to the matrix too.
    for (let from = 0; from < WORLD_INCIDENTS.length; from += 3) {
      const chunk = WORLD_INCIDENTS.slice(from, from + 3);
      const vars: Record<string, unknown> = {};
      const parts: string[] = [];
      const decl: string[] = ['$reps: [_Any!]!'];
      vars.reps = chunk.map((w) => ({ __typename: 'Incident', id: world.incidents[w].id }));
      parts.push(`e: _entities(representations: $reps) { ... on Incident { id accessLevel } }`);
      chunk.forEach((w, i) => {
        vars[`id${i}`] = world.incidents[w].id;
        vars[`ref${i}`] = world.incidents[w].reference;
        decl.push(`$id${i}: ID!`, `$ref${i}: String!`);
        parts.push(
          `w${i}: incident(id: $id${i}) { ${INCIDENT_FIELDS} }`,
          `n${i}: node(id: $id${i}) { ... on Incident { accessLevel } }`,
          `r${i}: incidentByReference(reference: $ref${i}) { accessLevel }`,
        );
      });
      const res = await client.gql<
        Record<string, IncidentAnswer | { accessLevel: string } | null> & { e?: ({ id: string; accessLevel: string } | null)[] }
      >(account, `query(${decl.join(', ')}) { ${parts.join('\n')} }`, vars);
      chunk.forEach((w, i) => {
        const read = (alias: string) =>
          fieldError(res, alias) ??
          (!res.data ? outcomeOf(res) : res.data[alias] ? (res.data[alias] as { accessLevel: string }).accessLevel : 'null');
        actual.set(key('incident', w), read(`w${i}`));
        actual.set(key('node', w), read(`n${i}`));
        actual.set(key('incidentByReference', w), read(`r${i}`));
        actual.set(key('_entities', w), fieldError(res, 'e') ?? (!res.data?.e ? outcomeOf(res) : (res.data.e[i]?.accessLevel ?? 'null')));
        const inc = res.data?.[`w${i}`] as IncidentAnswer | null | undefined;
        if (inc) for (const [field, value] of Object.entries(fieldValues(world, inc))) actual.set(key(`Incident.${field}`, w), value);
      });
    }
  }
  if (needs((c) => c.op === 'incidents')) {
    const res = await client.gql<{ incidents: { edges: { node: { id: string; accessLevel: string } }[] } }>(
      account,
      `query($t: String!) { incidents(filter: { text: $t }, first: 50) { edges { node { id accessLevel } } } }`,
      { t: world.tag },
    );
    for (const w of WORLD_INCIDENTS) {
      const hit = res.data?.incidents.edges.find((e) => e.node.id === world.incidents[w].id);
      actual.set(key('incidents', w), res.errors ? outcomeOf(res) : hit ? hit.node.accessLevel : 'null');
    }
  }
  if (needs((c) => c.op === 'domain.cases')) {
    const names = DOMAIN_COLUMNS.map((w) => WORLD_DOMAIN[w] ?? '');
    const res = await client.gql<Record<string, { cases: { edges: { node: { id: string; accessLevel: string } }[] } }>>(
      account,
      `query(${names.map((_, i) => `$d${i}: String!`).join(', ')}) { ${names.map((_, i) => `d${i}: domain(name: $d${i}) { cases(first: 20) { edges { node { id accessLevel } } } }`).join(' ')} }`,
      Object.fromEntries(names.map((n, i) => [`d${i}`, n])),
    );
    DOMAIN_COLUMNS.forEach((w, i) => {
      const hit = res.data?.[`d${i}`]?.cases.edges.find((e) => e.node.id === world.incidents[w].id);
      actual.set(key('domain.cases', w), fieldError(res, `d${i}`) ?? (!res.data ? outcomeOf(res) : hit ? hit.node.accessLevel : 'null'));
    });
  }
  if (needs((c) => c.op === 'domainCases')) {
    // The whole feed, page by page (tombstones come whatever the filter), then the world incidents in it.
    const seen = new Map<string, string>();
    let after: string | null = null;
    let failure: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res: GqlResult<{
        domainCases: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          edges: { node: { incidentId: string; removed: boolean; incident: { accessLevel: string } | null } }[];
        };
      }> = await client.gql(
        account,
        `query($after: String) { domainCases(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
          edges { node { incidentId removed incident { accessLevel } } } } }`,
        { after },
      );
      if (!res.data) {
        failure = outcomeOf(res);
        break;
      }
      for (const e of res.data.domainCases.edges)
        seen.set(e.node.incidentId, e.node.removed ? 'removed' : `live:${e.node.incident?.accessLevel ?? 'null'}`);
      if (!res.data.domainCases.pageInfo.hasNextPage) break;
      after = res.data.domainCases.pageInfo.endCursor;
    }
    for (const w of FEED_COLUMNS) actual.set(key('domainCases', w), failure ?? seen.get(world.incidents[w].id) ?? 'absent');
  }
  if (needs((c) => c.rule === 'directiveView')) {
    const names = DIRECTIVE_COLUMNS;
    const incidentOf = DIRECTIVE_INCIDENT;
    const cell = (d: { incident: { accessLevel: string } | null } | null | undefined) =>
      d ? `incident=${d.incident?.accessLevel ?? 'null'}` : 'null';
    const history = (d: { history: { incidentId: string | null }[] } | null | undefined) =>
      !d ? 'null' : d.history.every((e) => e.incidentId) ? 'shown' : d.history.every((e) => !e.incidentId) ? 'hidden' : 'mixed';
    const byNode = await client.gql<Record<string, { incident: { accessLevel: string } | null; history: { incidentId: string | null }[] } | null>>(
      account,
      `query(${names.map((n) => `$${n}: ID!`).join(', ')}) { ${names.map((n) => `${n}: node(id: $${n}) { ... on Directive { incident { accessLevel } history { incidentId } } }`).join(' ')} }`,
      Object.fromEntries(names.map((n) => [n, world.directives[n]])),
    );
    const lists = await client.gql<Record<string, { edges: { node: { id: string; incident: { accessLevel: string } | null } }[] }>>(
      account,
      `query(${names.map((n) => `$${n}: ID!`).join(', ')}) { ${names.map((n) => `${n}: directives(filter: { incident: $${n} }, first: 50) { edges { node { id incident { accessLevel } } } }`).join(' ')} }`,
      Object.fromEntries(names.map((n) => [n, world.incidents[incidentOf[n]].id])),
    );
    for (const n of names) {
      actual.set(key('node', n), fieldError(byNode, n) ?? (byNode.data ? cell(byNode.data[n]) : outcomeOf(byNode)));
      actual.set(key('history.incidentId', n), fieldError(byNode, n) ?? (byNode.data ? history(byNode.data[n]) : outcomeOf(byNode)));
      actual.set(
        key('directives', n),
        lists.errors ? outcomeOf(lists) : cell(lists.data?.[n].edges.find((e) => e.node.id === world.directives[n])?.node),
      );
    }
  }
  if (needs((c) => c.rule === 'viewer' || c.rule === 'directory' || c.op === 'roles' || c.group === 'listing')) {
    const res = await client.gql<{
      viewer: { role: { organizationKind: string; memberRole: string } };
      roles: { organizationKind: string; memberRole: string; capabilities: string[] }[];
      organizations: { edges: { node: { code: string } }[] };
      acme: { code: string } | null;
      vnpt: { contact: { focalPoint: string | null } | null } | null;
      account: { id: string } | null;
      key: { id: string } | null;
      vnptAccounts: { accounts: { edges: unknown[] } } | null;
    }>(
      account,
      `query($acme: ID!, $vnpt: ID!, $account: ID!, $key: ID!) {
        viewer { role { organizationKind memberRole } }
        roles { organizationKind memberRole capabilities }
        organizations(kind: CONSTITUENT, first: 100) { edges { node { code } } }
        acme: node(id: $acme) { ... on Organization { code } }
        vnpt: node(id: $vnpt) { ... on Organization { contact { focalPoint } } }
        vnptAccounts: node(id: $vnpt) { ... on Organization { accounts(first: 5) { edges { node { id } } } } }
        account: node(id: $account) { ... on Account { id } }
        key: node(id: $key) { ... on ApiKey { id } }
      }`,
      { acme: world.acmeOrgId, vnpt: world.vnptOrgId, account: world.vnptAdminAccountId, key: world.vnptKeyId },
    );
    const d = res.data;
    const seen = (b: boolean | undefined) => (b === undefined ? outcomeOf(res) : b ? 'visible' : 'hidden');
    actual.set(key('viewer', '-'), d ? `${d.viewer.role.organizationKind}/${d.viewer.role.memberRole}` : outcomeOf(res));
    actual.set(key('roles', '-'), outcomeOf(res));
    const codes = d?.organizations.edges.map((e) => e.node.code);
    actual.set(key('organizations', 'ACME'), seen(codes?.includes('ACME')));
    actual.set(key('organizations', 'PERSON-0001'), seen(codes?.includes('PERSON-0001')));
    actual.set(key('organizations', 'VNPT.contact'), seen(d ? !!d.vnpt?.contact : undefined));
    actual.set(
      key('organizations', 'VNPT.accounts'),
      fieldError(res, 'vnptAccounts') ?? seen(d ? !!d.vnptAccounts?.accounts.edges.length : undefined),
    );
    actual.set(key('node', 'Organization:ACME'), seen(d ? !!d.acme : undefined));
    actual.set(key('node', 'Account:admin@vnpt.test'), seen(d ? !!d.account : undefined));
    actual.set(key('node', 'ApiKey:VNPT'), seen(d ? !!d.key : undefined));
    for (const r of d?.roles ?? [])
      actual.set(key('roles.capabilities', `${r.organizationKind}/${r.memberRole}`), [...r.capabilities].sort().join(' '));
  }
  const single = async (op: string, fixture: string, query: string) => {
    if (needs((c) => c.op === op && c.fixture === fixture)) actual.set(key(op, fixture), outcomeOf(await client.gql(account, query)));
  };
  const year = new Date(client.hub.clock.now().getTime()).getUTCFullYear();
  const range = `from: "2020-01-01T00:00:00Z", to: "2039-01-01T00:00:00Z"`;
  await single('apiKeys', '-', `{ apiKeys(first: 1) { edges { node { id } } } }`);
  await single('incidentStatistics', '-', `{ incidentStatistics(${range}, groupBy: [STATUS]) { key count } }`);
  await single('directiveCompliance', '-', `{ directiveCompliance(${range}) { issued } }`);
  await single('periodicSummary', 'OWN', `{ periodicSummary(organization: "${orgOf(account)}", year: ${year}) { year } }`);
  await single('periodicSummary', 'VNPT', `{ periodicSummary(organization: "VNPT", year: ${year}) { year } }`);
  await single('periodicSummary', 'ACME', `{ periodicSummary(organization: "ACME", year: ${year}) { year } }`);

  return cases.map((c) => {
    const got = actual.get(key(c.op, c.fixture)) ?? 'NOT_RUN';
    return { ...c, actual: got, pass: got === c.expected };
  });
}

// ---------------------------------------------------------------------------
// Mutations

const INPUT_TYPE: Record<MutationOp, string> = {
  reportIncident: 'ReportIncidentInput',
  triageIncident: 'TriageIncidentInput',
  startResponse: 'IncidentActionInput',
  escalateIncident: 'EscalateIncidentInput',
  coordinateIncident: 'IncidentActionInput',
  returnIncident: 'EscalateIncidentInput',
  rejectIncident: 'RejectIncidentInput',
  withdrawReport: 'EscalateIncidentInput',
  reopenIncident: 'IncidentActionInput',
  resolveIncident: 'ResolveIncidentInput',
  submitFinalReport: 'FinalReportInput',
  closeIncident: 'IncidentActionInput',
  updateIncident: 'UpdateIncidentInput',
  addIndicators: 'AddIndicatorsInput',
  shareIncident: 'ShareIncidentInput',
  unshareIncident: 'ShareIncidentInput',
  referIncident: 'ReferIncidentInput',
  setIncidentTlp: 'SetTlpInput',
  addNote: 'AddNoteInput',
  redactNote: 'RedactNoteInput',
  issueDirective: 'IssueDirectiveInput',
  acknowledgeDirective: 'DirectiveActionInput',
  startDirective: 'DirectiveActionInput',
  completeDirective: 'CompleteDirectiveInput',
  declineDirective: 'DeclineDirectiveInput',
  cancelDirective: 'CancelDirectiveInput',
  createAccount: 'CreateAccountInput',
  setAccountActive: 'SetAccountActiveInput',
  setAccountRole: 'SetAccountRoleInput',
  createApiKey: 'CreateApiKeyInput',
  revokeApiKey: 'RevokeApiKeyInput',
  createOrganization: 'OrganizationInput',
  updateOrganization: 'OrganizationInput',
};

/** The viewerCan flag that predicts each mutation (ops without one: the schema's permissions have no flag for them). */
const INCIDENT_FLAG: Partial<Record<MutationOp, string>> = {
  triageIncident: 'triage',
  startResponse: 'startResponse',
  escalateIncident: 'escalate',
  coordinateIncident: 'coordinate',
  returnIncident: 'return',
  rejectIncident: 'reject',
  withdrawReport: 'withdraw',
  reopenIncident: 'reopen',
  resolveIncident: 'resolve',
  closeIncident: 'close',
  submitFinalReport: 'submitFinalReport',
  updateIncident: 'update',
  addIndicators: 'addIndicators',
};
const DIRECTIVE_FLAG: Partial<Record<MutationOp, string>> = {
  acknowledgeDirective: 'acknowledge',
  startDirective: 'start',
  completeDirective: 'complete',
  declineDirective: 'decline',
  cancelDirective: 'cancel',
};

/** Which fixture instance a case needs; cases expected to change nothing share one instance per key. */
function fixtureKey(c: CaseSpec): string {
  const [name] = c.fixture.split(':');
  if (name === 'OWN_ACCOUNT') return `ACCOUNT:${orgOf(c.account)}`;
  if (name === 'VNPT_ACCOUNT') return 'ACCOUNT:VNPT';
  if (name === 'OWN_KEY') return `KEY:${orgOf(c.account)}`;
  if (name === 'VNPT_KEY') return 'KEY:VNPT';
  if (name === 'FRESH_ORG') return 'FRESH_ORG';
  if (
    (INCIDENT_FIXTURES as readonly string[]).includes(name) ||
    (DIRECTIVE_FIXTURES as readonly string[]).includes(name) ||
    (NOTE_FIXTURES as readonly string[]).includes(name)
  )
    return name;
  return 'NONE';
}

export function buildFixture(f: Factory, key: string): Promise<Fx> {
  const [kind, arg] = key.split(':');
  if (kind === 'ACCOUNT') return f.account(arg as OrgCode);
  if (kind === 'KEY') return f.key(arg as OrgCode);
  if (kind === 'FRESH_ORG') return f.organization();
  if (kind === 'NONE') return Promise.resolve({ type: 'none' });
  if ((INCIDENT_FIXTURES as readonly string[]).includes(kind)) return f.incident(kind as IncidentFixture);
  if ((DIRECTIVE_FIXTURES as readonly string[]).includes(kind)) return f.directive(kind as DirectiveFixture);
  return f.noteFixture(kind as NoteFixture);
}

/** The mutation's input for this case: the fixture, the column's variant, and the caller's kind where the column says so. */
function inputOf(f: Factory, c: CaseSpec, fx: Fx): Record<string, unknown> {
  const variant = c.fixture.split(':')[1] ?? '';
  const kind = kindOf(c.account);
  const constituent = kind === 'CONSTITUENT';
  const idOf = () => {
    if (fx.type === 'none' || fx.type === 'organization') throw new FixtureError(`${c.op} needs an object fixture, got ${fx.type}`);
    return fx.id;
  };
  const version = () => {
    if (fx.type !== 'incident' && fx.type !== 'directive') throw new FixtureError(`${c.op} needs a versioned fixture`);
    return variant === 'stale' ? fx.version + 1 : fx.version;
  };
  const act = () => ({ id: idOf(), expectedVersion: version() });
  switch (c.op as MutationOp) {
    case 'reportIncident':
      return {
        title: `MXF ${f.unique()}`,
        description: 'Matrix report',
        detectedAt: f.detectedAt(),
        reporterContact: { name: 'Matrix' },
        reportTo: c.fixture === 'TO_MPS' ? 'MPS-A05' : 'VNPT',
      };
    case 'triageIncident':
      return { ...act(), severity: 'LOW', rsitClass: 'fraud', rsitType: 'phishing' };
    case 'startResponse':
    case 'coordinateIncident':
    case 'reopenIncident':
    case 'closeIncident':
      return act();
    case 'escalateIncident':
    case 'returnIncident':
    case 'withdrawReport':
    case 'rejectIncident':
      return { ...act(), reason: 'Matrix reason' };
    case 'resolveIncident':
      return { ...act(), summary: 'Matrix summary' };
    case 'submitFinalReport':
      return { ...act(), result: 'r', remediation: 'm', prevention: 'p' };
    case 'updateIncident':
      return { ...act(), severity: 'CRITICAL' };
    case 'addIndicators':
      return { incidentId: idOf(), indicators: [{ type: 'DOMAIN', value: `case-${f.unique().toLowerCase()}.example` }] };
    case 'setIncidentTlp':
      return { ...act(), tlp: variant };
    case 'shareIncident':
    case 'unshareIncident':
      return { ...act(), organization: variant };
    case 'referIncident':
      return { ...act(), organization: variant, reason: 'Matrix referral' };
    case 'addNote':
      return { incidentId: idOf(), body: 'Matrix note', visibility: variant };
    case 'redactNote':
      return { id: idOf(), reason: 'Matrix redaction' };
    case 'issueDirective':
      return { incidentId: idOf(), recipient: variant, action: 'PROVIDE_INFORMATION', instructions: 'Matrix order' };
    case 'acknowledgeDirective':
    case 'startDirective':
      return act();
    case 'completeDirective':
      return { ...act(), result: 'Matrix result' };
    case 'declineDirective':
    case 'cancelDirective':
      return { ...act(), reason: 'Matrix reason' };
    case 'createAccount': {
      const valid = constituent ? 'REPORTER' : 'HANDLER';
      const invalid = constituent ? 'HANDLER' : 'REPORTER';
      return {
        email: `mx-${f.unique()}@${orgOf(c.account).toLowerCase()}.test`,
        displayName: 'Matrix',
        role: c.fixture === 'VALID_ROLE' ? valid : invalid,
      };
    }
    case 'setAccountActive':
      return { id: idOf(), active: false };
    case 'setAccountRole':
      return { id: idOf(), role: 'ADMIN' };
    case 'createApiKey': {
      const caps = c.fixture === 'KEY_ROLE_CAPS' ? KEY_ROLE_CAPS[kind] : [c.fixture === 'FOREIGN_CAP' ? FOREIGN_CAP[kind] : 'ORG_ADMIN'];
      return { name: `matrix ${f.unique()}`, capabilities: caps };
    }
    case 'revokeApiKey':
      return { id: idOf() };
    case 'createOrganization':
      return { code: c.fixture === 'BAD_CODE' ? 'not a code' : f.orgCode(), name: 'Matrix organization', kind: 'ISP' };
    case 'updateOrganization':
      if (c.fixture === 'ACME') return { code: 'ACME', name: 'ACME Trading JSC' };
      if (fx.type !== 'organization') throw new FixtureError('updateOrganization needs an organization fixture');
      return { code: fx.code, name: `Renamed ${fx.code}` };
  }
}

/** viewerCan just before the mutation; null when the object is invisible to the account (or has no flag). */
async function viewerCanFlag(client: MatrixClient, c: CaseSpec, fx: Fx): Promise<boolean | null> {
  const op = c.op as MutationOp;
  const flag = fx.type === 'incident' ? INCIDENT_FLAG[op] : fx.type === 'directive' ? DIRECTIVE_FLAG[op] : undefined;
  if (!flag || (fx.type !== 'incident' && fx.type !== 'directive')) return null;
  const res = await client.gql<{ node: { viewerCan: Record<string, boolean> } | null }>(
    c.account,
    `query($id: ID!) { node(id: $id) { ... on Incident { viewerCan { ${Object.values(INCIDENT_FLAG).join(' ')} } }
      ... on Directive { viewerCan { ${Object.values(DIRECTIVE_FLAG).join(' ')} } } } }`,
    { id: fx.id },
  );
  const can = res.data?.node?.viewerCan;
  return can ? can[flag] === true : null;
}

async function runMutation(client: MatrixClient, f: Factory, c: CaseSpec, fx: Fx): Promise<CaseResult> {
  let input: Record<string, unknown>;
  try {
    input = inputOf(f, c, fx);
  } catch (err) {
    return { ...c, actual: 'FIXTURE_ERROR', pass: false, detail: (err as Error).message };
  }
  // A case expected NOT_FOUND acts on an object invisible to the account: there is no viewerCan to read
  // (were it visible after all, the mutation would not answer NOT_FOUND and the case fails anyway).
  const flag = c.expected === 'NOT_FOUND' ? null : await viewerCanFlag(client, c, fx);
  const res = await client.gql(c.account, `mutation($i: ${INPUT_TYPE[c.op as MutationOp]}!) { ${c.op}(input: $i) { __typename } }`, { i: input });
  const actual = outcomeOf(res);
  let pass = actual === c.expected;
  let detail: string | undefined = pass ? undefined : res.errors?.[0]?.message;
  // viewerCan must predict the outcome: allowed ⇔ flag; a refusal for who or state ⇒ no flag.
  if (flag !== null) {
    const wrong =
      (actual === 'OK' && !flag) ||
      ((actual === 'FORBIDDEN' || actual === 'INVALID_TRANSITION') && flag) ||
      (flag && !['OK', 'CONFLICT', 'BAD_USER_INPUT'].includes(actual));
    if (wrong) {
      pass = false;
      detail = `viewerCan said ${flag} but the mutation answered ${actual}${detail ? `; ${detail}` : ''}`;
    }
  }
  return { ...c, actual, pass, detail, ...(flag === null ? {} : { viewerCan: flag }) };
}

// ---------------------------------------------------------------------------

/** Runs the selected cases of the matrix and returns one result per case. */
export async function runMatrix(client: MatrixClient, factory: Factory, opts: RunOptions = {}): Promise<CaseResult[]> {
  const select = opts.select ?? (() => true);
  const concurrency = opts.concurrency ?? 8;
  const cases = allCases().filter(select);
  const results: CaseResult[] = [];

  const reads = cases.filter((c) => c.group !== 'mutation');
  if (reads.length) {
    let world: World | null = null;
    let worldError = '';
    try {
      world = await (opts.state?.world ?? buildWorld(factory));
    } catch (err) {
      worldError = (err as Error).message;
    }
    const byAccount = new Map<Principal, CaseSpec[]>();
    for (const c of reads) byAccount.set(c.account, [...(byAccount.get(c.account) ?? []), c]);
    const perAccount = await pool([...byAccount.entries()], concurrency, async ([account, list]) => {
      if (!world) return list.map((c) => ({ ...c, actual: 'FIXTURE_ERROR', pass: false, detail: worldError }));
      try {
        return await readAccount(client, world, account, list);
      } catch (err) {
        return list.map((c) => ({ ...c, actual: 'ERROR', pass: false, detail: (err as Error).message }));
      }
    });
    for (const list of perAccount) results.push(...list);
  }

  // Cases expected to change nothing share one fixture instance per key; each allowed case gets its own.
  const shared = new Map<string, Promise<Fx>>(opts.state?.shared);
  const sharedFx = (key: string) => {
    let p = shared.get(key);
    if (!p) {
      p = buildFixture(factory, key);
      shared.set(key, p);
    }
    return p;
  };
  const mutations = cases.filter((c) => c.group === 'mutation');
  const mutationResults = await pool(mutations, concurrency, async (c) => {
    const key = fixtureKey(c);
    let fx: Fx;
    try {
      fx = c.expected === 'OK' ? await buildFixture(factory, key) : await sharedFx(key);
    } catch (err) {
      return { ...c, actual: 'FIXTURE_ERROR', pass: false, detail: (err as Error).message };
    }
    try {
      return await runMutation(client, factory, c, fx);
    } catch (err) {
      return { ...c, actual: 'ERROR', pass: false, detail: (err as Error).message };
    }
  });
  results.push(...mutationResults);
  return results;
}

/** Shared fixture instances a run may have changed: a case expected to be refused succeeded on them. */
export function dirtyKeys(results: CaseResult[]): string[] {
  return [...new Set(results.filter((r) => r.group === 'mutation' && r.actual === 'OK' && r.expected !== 'OK').map(fixtureKey))];
}

/** Builds the state a series of runs shares: the world and one instance of every shared fixture. */
export async function buildState(factory: Factory): Promise<MatrixState> {
  const keys = [
    ...new Set(
      allCases()
        .filter((c) => c.group === 'mutation' && c.expected !== 'OK')
        .map(fixtureKey),
    ),
  ];
  const state: MatrixState = { world: buildWorld(factory), shared: new Map(keys.map((k) => [k, buildFixture(factory, k)])) };
  await Promise.all([state.world, ...state.shared.values()]);
  return state;
}

/** One line per expected outcome, and the failures, for the report. */
export function summarize(results: CaseResult[]): { lines: string[]; failures: string[] } {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(bucketOf(r), (counts.get(bucketOf(r)) ?? 0) + 1);
  const order = [
    'allowed',
    'null (invisible)',
    'hidden',
    'field shown',
    'field hidden',
    'FORBIDDEN',
    'NOT_FOUND',
    'BAD_USER_INPUT',
    'CONFLICT',
    'INVALID_TRANSITION',
  ];
  const lines = order.filter((b) => counts.has(b)).map((b) => `matrix: ${b.padEnd(18)} ${counts.get(b)} cases`);
  lines.push(`matrix: ${'total'.padEnd(18)} ${results.length} cases`);
  const predicted = results.filter((r) => r.viewerCan !== undefined);
  lines.push(
    `matrix: viewerCan read before ${predicted.length} mutations (${predicted.filter((r) => r.viewerCan).length} true, ${predicted.filter((r) => !r.viewerCan).length} false)`,
  );
  const failures = results
    .filter((r) => !r.pass)
    .map((r) => `${r.account} ${r.op} ${r.fixture}: expected ${r.expected}, got ${r.actual}${r.detail ? ` (${r.detail})` : ''}`);
  return { lines, failures };
}

/** Coverage: rules and organization kinds without any allowed case. */
export function coverageGaps(results: CaseResult[]): { rules: string[]; kinds: string[] } {
  const allowed = results.filter((r) => r.pass && isAllowed(r));
  const rules = [...new Set(results.map((r) => r.rule))].filter((rule) => !allowed.some((r) => r.rule === rule));
  const kinds = ORGANIZATION_KINDS.filter((k) => !allowed.some((r) => kindOf(r.account) === k));
  return { rules, kinds };
}
