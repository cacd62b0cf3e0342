/**
 * Differential test of the incident views (DESIGN.md §3): random worlds of incidents, written straight
 * into the database, are read through the API by one account of every demo organization, and each
 * (reference → accessLevel) must equal what an oracle written from DESIGN.md §3 expects, on every
 * path: `incidents` (paged by a cursor), `incident(id)`, `node(id)` and `incidentByReference`.
 *
 * Reproduce a run: FC_SEED=<seed> [FC_PATH=<path>] [FC_NUM_RUNS=<n>] npx jest test/integration/authorization/differential.test.ts
 */
import fc from 'fast-check';
import { startTestHub, type TestHub, type GqlResult } from '../../harness/hub';
import { DEMO_NETWORK, worldArb, type DemoOrganization, type World } from '../../differential/world';
import { expectedView, rulesExercised, OUTCOMES, type Outcome } from '../../differential/oracle';
import { insertWorld, deleteWorld, referenceOf } from '../../differential/store';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const PATH = process.env.FC_PATH || undefined;
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 20);
const STATISTICS_RUNS = 500;

let t: TestHub;
/** One active account per organization (HANDLER, else REPORTER, else any). */
const viewers: { org: DemoOrganization; email: string }[] = [];

beforeAll(async () => {
  console.log(`differential views: seed ${SEED}${PATH ? ` path ${PATH}` : ''}, ${NUM_RUNS} runs (reproduce with FC_SEED=${SEED})`);
  // Each account checks a whole world in one request (many aliased root fields): lift the query limits for this file.
  t = await startTestHub({ QUERY_MAX_ROOT_FIELDS: '1000', QUERY_MAX_ALIASES: '1000', QUERY_MAX_COST: '1000000' });
  const orgs = await t.sql<{ code: string; kind: string; person: boolean; zones: string[]; email: string | null }>(
    `select o.code, o.kind, o.person, o.zones,
       (select a.email from account a where a.organization_id = o.id and a.active
         order by case a.member_role when 'HANDLER' then 0 when 'REPORTER' then 1 when 'ANALYST' then 2 else 3 end, a.email limit 1) as email
     from organization o order by o.code`,
  );
  // The oracle and the generator use the demo network of DESIGN.md §5: the database must agree.
  expect(orgs.map((o) => ({ code: o.code, kind: o.kind, person: o.person, zones: o.zones })).sort((a, b) => a.code.localeCompare(b.code))).toEqual(
    DEMO_NETWORK.map((o) => ({ code: o.code, kind: o.kind, person: o.person, zones: [...o.zones] })).sort((a, b) => a.code.localeCompare(b.code)),
  );
  for (const org of DEMO_NETWORK) {
    const email = orgs.find((o) => o.code === org.code)?.email;
    if (!email) throw new Error(`no active account of ${org.code}`);
    viewers.push({ org, email });
  }
});

afterAll(async () => {
  await t?.close();
});

/** Every label (view, deciding row, counterfactual rule) that occurs anywhere in the world. */
function classifyWorld(world: World): string[] {
  const labels = new Set<string>();
  for (const incident of world.incidents) {
    for (const org of DEMO_NETWORK) for (const l of rulesExercised(org, incident, DEMO_NETWORK)) labels.add(l);
  }
  return [...labels].sort();
}

/** What the generated worlds must contain, so that the differential test exercises every rule. */
const REQUIRED_LABELS: readonly (string | RegExp)[] = [
  ...OUTCOMES.map((o) => `view:${o}`),
  /^rule:confidential switches off RECIPIENT$/,
  /^rule:confidential switches off DOMAIN_FEED$/,
  /^rule:confidential switches off SUMMARY$/,
  'rule:AMBER domain in zone → DOMAIN_FEED',
  'rule:CLEAR/GREEN domain out of zone → DOMAIN_FEED',
  'rule:label-aligned non-match → not in feed',
  'rule:row2:shared',
  'rule:row2:referred',
  'rule:row3:person reporter',
  'rule:row3:constituent reporter',
  'rule:row4:network-member reporter',
  'rule:row5:directive recipient',
  /^rule:rejected excluded from feed → /,
  'rule:invisible:constituent, not its report',
];

test('the world generator covers every view and every rule of DESIGN.md §3', () => {
  const lines: string[] = [];
  fc.statistics(worldArb, classifyWorld, { seed: SEED, numRuns: STATISTICS_RUNS, logger: (line) => lines.push(line) });
  console.log(`share of ${STATISTICS_RUNS} generated worlds (seed ${SEED}) in which each view and rule occurs:\n${lines.join('\n')}`);

  const seen = new Set<string>();
  for (const world of fc.sample(worldArb, { seed: SEED, numRuns: STATISTICS_RUNS })) for (const l of classifyWorld(world)) seen.add(l);
  const missing = REQUIRED_LABELS.filter((req) => ![...seen].some((l) => (typeof req === 'string' ? l === req : req.test(l))));
  expect(missing).toEqual([]);
});

interface IncidentView {
  id: string;
  reference: string;
  accessLevel: string;
}
interface ListData {
  incidents: { edges: { cursor: string; node: IncidentView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}
const LIST = `query($text: String!, $first: Int!, $after: String) {
  incidents(filter: { text: $text }, first: $first, after: $after) {
    edges { cursor node { id reference accessLevel } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The world as one viewer lists it, page by page; pages before the last must be full. */
async function listWorld(email: string, prefix: string, pageSize: number, size: number, problems: string[]): Promise<Map<string, IncidentView>> {
  const seen = new Map<string, IncidentView>();
  let after: string | null = null;
  for (let page = 0; page <= size + 1; page++) {
    const res: GqlResult<ListData> = await t.as<ListData>(email, LIST, { text: prefix, first: pageSize, after });
    if (res.errors?.length || !res.data) {
      problems.push(`${email} incidents: errors ${JSON.stringify(res.errors)}`);
      return seen;
    }
    const { edges, pageInfo } = res.data.incidents;
    for (const e of edges) {
      if (seen.has(e.node.reference)) problems.push(`${email} incidents: ${e.node.reference} listed twice`);
      seen.set(e.node.reference, e.node);
    }
    if (!pageInfo.hasNextPage) return seen;
    if (edges.length !== pageSize) problems.push(`${email} incidents: page ${page} has ${edges.length} rows of ${pageSize} but hasNextPage`);
    after = pageInfo.endCursor;
  }
  problems.push(`${email} incidents: more pages than incidents`);
  return seen;
}

type PointData = Record<string, { reference: string; accessLevel: string } | null>;

/** `incident(id)`, `node(id)` and `incidentByReference` for every incident of the world, in one request. */
async function pointReads(email: string, targets: { reference: string; id: string }[]): Promise<GqlResult<PointData>> {
  const vars: Record<string, string> = {};
  const decls: string[] = [];
  const fields: string[] = [];
  targets.forEach((x, k) => {
    vars[`id${k}`] = x.id;
    vars[`ref${k}`] = x.reference;
    decls.push(`$id${k}: ID!`, `$ref${k}: String!`);
    fields.push(
      `i${k}: incident(id: $id${k}) { reference accessLevel }`,
      `n${k}: node(id: $id${k}) { ... on Incident { reference accessLevel } }`,
      `r${k}: incidentByReference(reference: $ref${k}) { reference accessLevel }`,
    );
  });
  return t.as<PointData>(email, `query(${decls.join(', ')}) {\n${fields.join('\n')}\n}`, vars);
}

function describeWorld(world: World, prefix: string): string {
  return world.incidents
    .map((i, n) => {
      const links = [
        `reporter ${i.reporter}`,
        `handler ${i.handler}`,
        i.coordinator ? 'coordinator VNCERT' : '',
        i.shares.length ? `shared ${i.shares.join(',')}` : '',
        i.referred ? 'referred MPS-A05' : '',
        i.directives.length ? `directives to ${i.directives.map((d) => d.recipient).join(',')}` : '',
        i.indicators.length ? `indicators ${i.indicators.map((x) => `${x.type}:${x.value}`).join(',')}` : '',
      ].filter(Boolean);
      return `  ${referenceOf(prefix, n)}: ${i.status} ${i.tlp}${i.confidential ? ' confidential' : ''}; ${links.join('; ')}`;
    })
    .join('\n');
}

test('every account sees every generated incident in the view DESIGN.md §3 gives it, on every path', async () => {
  const viewCounts = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
  let run = 0;
  const property = fc.asyncProperty(worldArb, async (world) => {
    const prefix = `PB-${++run}-`;
    await insertWorld(t, prefix, world);
    try {
      const problems: string[] = [];
      const refs = world.incidents.map((_, n) => referenceOf(prefix, n));
      // The coordinator sees everything (row 1): its list also yields the opaque ids for the point reads.
      const coordinator = viewers.find((v) => v.org.kind === 'COORDINATOR')!;
      const all = await listWorld(coordinator.email, prefix, 100, world.incidents.length, problems);
      const targets = refs.flatMap((reference) => {
        const id = all.get(reference)?.id;
        return id ? [{ reference, id }] : [];
      });
      if (targets.length !== refs.length) problems.push(`coordinator lists ${targets.length} of ${refs.length} incidents`);

      await Promise.all(
        viewers.map(async ({ org, email }) => {
          const expected = new Map(world.incidents.map((inc, n) => [referenceOf(prefix, n), expectedView(org, inc, DEMO_NETWORK).outcome] as const));
          for (const outcome of expected.values()) viewCounts.set(outcome, viewCounts.get(outcome)! + 1);

          const listed = await listWorld(email, prefix, world.pageSize, world.incidents.length, problems);
          for (const [reference, outcome] of expected) {
            const got = listed.get(reference)?.accessLevel ?? 'INVISIBLE';
            if (got !== outcome) problems.push(`${org.code} (${email}) ${reference} incidents: expected ${outcome}, got ${got}`);
          }
          for (const reference of listed.keys()) if (!expected.has(reference)) problems.push(`${org.code} incidents: unexpected ${reference}`);

          const point = await pointReads(email, targets);
          if (point.errors?.length || !point.data) {
            problems.push(`${org.code} point reads: errors ${JSON.stringify(point.errors)}`);
            return;
          }
          targets.forEach(({ reference }, k) => {
            const outcome = expected.get(reference)!;
            for (const [alias, path] of [
              [`i${k}`, 'incident(id)'],
              [`n${k}`, 'node(id)'],
              [`r${k}`, 'incidentByReference'],
            ] as const) {
              const value = point.data![alias];
              const got = value == null ? 'INVISIBLE' : value.reference === reference ? value.accessLevel : `wrong incident ${value.reference}`;
              if (got !== outcome) problems.push(`${org.code} (${email}) ${reference} ${path}: expected ${outcome}, got ${got}`);
            }
          });
        }),
      );
      if (problems.length) {
        throw new Error(
          `${problems.length} disagreement(s) with DESIGN.md §3:\n${problems.sort().join('\n')}\nworld:\n${describeWorld(world, prefix)}`,
        );
      }
    } finally {
      await deleteWorld(t, prefix);
    }
  });
  await fc.assert(property, { seed: SEED, path: PATH, numRuns: NUM_RUNS });

  console.log(`views checked over ${run} worlds (seed ${SEED}): ${OUTCOMES.map((o) => `${o} ${viewCounts.get(o)}`).join(', ')}`);
  // Every view (and invisibility) was actually exercised against the API, not only generated.
  expect(OUTCOMES.filter((o) => viewCounts.get(o) === 0)).toEqual([]);
}, 240_000);
