/**
 * Compiled answers (src/graphql/compiled.ts) against the resolvers: two hubs on one database, one
 * answering the queries the compilers cover from one statement per root field, the other with
 * COMPILED_ANSWERS=off (every field through its resolver). For random worlds of incidents (the
 * differential test's generator: every view, shares, referrals, directives, indicators) and one account
 * of every demo organization, every order, page and filter, both answers must be the same JSON, key
 * order included. The resolvers define the answers; the compiled path may only be faster.
 *
 * Reproduce a run: FC_SEED=<seed> [FC_NUM_RUNS=<n>] npx jest test/integration/incidents/compiled-answers.test.ts
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { startTestHub, type TestHub } from '../../harness/hub';
import { DEMO_NETWORK, worldArb } from '../../differential/world';
import { insertWorld, deleteWorld } from '../../differential/store';
import { Db } from '../../../src/db/db';
import { sql } from '../../../src/db/sql';
import { refreshDomainFeeds } from '../../../src/modules/incidents/domain-feed';
import { PROJECTIONS, type FieldEntry } from '../../../src/auth/projection';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 6);

let compiled: TestHub;
let generic: TestHub;
const viewers: string[] = [];

/** Statement texts the compiled hub sent, to tell which path answered. */
const sent: string[] = [];
/** The compiled answers' statements among them: prepared, and not the principal read (also prepared). */
const compiledStatements = () => sent.filter((s) => s.startsWith('PREPARED') && !s.includes(' as principal_id'));

beforeAll(async () => {
  console.log(`compiled answers: seed ${SEED}, ${NUM_RUNS} worlds (reproduce with FC_SEED=${SEED})`);
  compiled = await startTestHub();
  generic = await startTestHub({ COMPILED_ANSWERS: 'off' }, {}, compiled.databaseUrl);
  const pool = compiled.hub.services.db.pool as unknown as { query: (...a: unknown[]) => unknown };
  const original = pool.query;
  pool.query = (...a: unknown[]) => {
    // Text, or a prepared statement's { name, text, values }: the compiled answers are prepared.
    sent.push(typeof a[0] === 'string' ? a[0] : `PREPARED ${String((a[0] as { text?: unknown }).text)}`);
    return original.apply(pool, a);
  };
  const emails = await compiled.sql<{ code: string; email: string }>(
    `select o.code, (select a.email from account a where a.organization_id = o.id and a.active
       order by case a.member_role when 'HANDLER' then 0 when 'REPORTER' then 1 else 2 end, a.email limit 1) as email
     from organization o order by o.code`,
  );
  for (const org of DEMO_NETWORK) viewers.push(emails.find((e) => e.code === org.code)!.email);
});

afterAll(async () => {
  await generic?.close();
  await compiled?.close();
});

const ORG = `fragment Org on Organization { __typename id code name kind country active person ipRanges asns zones }`;
const SCALARS = `fragment Scalars on Incident { id reference title description status severity scope serious tlp pap confidential accessLevel
  detectedAt occurredAt reportedAt updatedAt version }`;
const PAGE = `query Page($first: Int, $after: String, $order: IncidentOrder, $filter: IncidentFilter, $directives: Boolean = true, $skipCoordinator: Boolean = false) {
  __typename
  list: incidents(first: $first, after: $after, orderBy: $order, filter: $filter) {
    __typename
    edges {
      cursor
      __typename
      node {
        __typename
        ...Scalars
        handler { ...Org }
        coordinator @skip(if: $skipCoordinator) { code ...Org }
        indicators { __typename type value displayValue }
        ... on Incident { shown: indicators { value } }
        directives(first: 2) @include(if: $directives) {
          __typename
          edges { cursor node { __typename id action instructions tlp pap status issuedAt dueAt acknowledgementDueAt acknowledgedAt
            startedAt completedAt declinedAt cancelledAt overdue acknowledgementOverdue result declineReason cancelReason version
            targets { type value displayValue __typename } issuer { code } recipient { ...Org } } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
        more: directives(first: 1, after: null) { edges { cursor node { id dueAt } } pageInfo { hasNextPage endCursor } }
      }
    }
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
  }
}
${SCALARS}
${ORG}`;

const FEED = `query Feed($first: Int, $after: String, $status: [IncidentStatus!]) {
  domainCases(first: $first, after: $after, filter: { status: $status }) {
    __typename
    edges { cursor node { __typename cursor removed incidentId domains { __typename type value displayValue }
      incident { ...Scalars handler { code } indicators { type value } directives(first: 2) { edges { node { id recipient { code } } } } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
${SCALARS}`;

/**
 * The world's incidents into the registries' feeds, as a change to each does (domain-feed.ts), then one
 * of them out again (raised to RED): live cases and a tombstone.
 */
async function refreshFeeds(prefix: string): Promise<void> {
  const db = new Db(compiled.databaseUrl);
  try {
    const refresh = async () => {
      const rows = await db.query<{ id: string; position: string }>(
        sql`select id, nextval('incident_event_position')::text as position from incident where reference like ${prefix} || '%' order by reference`,
      );
      await db.tx((q) => refreshDomainFeeds(q, new Map(rows.map((r) => [r.id, r.position]))));
    };
    await refresh();
    await db.query(
      sql`update incident set tlp = 'RED' where id = (select id from incident where reference like ${prefix} || '%' order by reference limit 1)`,
    );
    await refresh();
  } finally {
    await db.close();
  }
}

const ORDERS = ['REPORTED_AT_DESC', 'REPORTED_AT_ASC', 'UPDATED_AT_DESC', 'SEVERITY_DESC'] as const;

async function both(email: string, query: string, variables: Record<string, unknown>): Promise<[string, string]> {
  const [a, b] = await Promise.all([compiled.as(email, query, variables), generic.as(email, query, variables)]);
  // Stack traces (development mode) name the executor that met an error, and request ids differ: neither is the answer.
  const answer = (r: typeof a) =>
    JSON.stringify({
      data: r.data,
      errors: r.errors?.map((e) => ({ ...e, extensions: { ...e.extensions, stacktrace: undefined, requestId: undefined } })),
    });
  return [answer(a), answer(b)];
}

test('the compiled answer is the resolvers’ answer, for every view, order, page and filter', async () => {
  let run = 0;
  let compared = 0;
  let feedCases = 0;
  const property = fc.asyncProperty(worldArb, async (world) => {
    const prefix = `CA-${++run}-`;
    await insertWorld(compiled, prefix, world);
    try {
      await refreshFeeds(prefix);
      // The ids of every incident (the coordinator sees them all), and one that is no incident's.
      const listed = await compiled.as<{ incidents: { edges: { node: { id: string } }[] } }>(
        'handler@vncert.test',
        `{ incidents(first: 100) { edges { node { id } } } }`,
      );
      const ids = [...listed.data!.incidents.edges.map((e) => e.node.id), Buffer.from(`Incident:${crypto.randomUUID()}`).toString('base64url')];
      for (const email of viewers) {
        for (const order of ORDERS) {
          let after: string | null = null;
          // Two pages of 7 (the demo data and the world), following the cursor the answer gives.
          for (let page = 0; page < 2; page++) {
            sent.length = 0;
            const variables = { first: 7, after, order, directives: page === 0, skipCoordinator: page === 1 };
            const [a, b] = await both(email, PAGE, variables);
            expect({ email, order, page, answer: a }).toEqual({ email, order, page, answer: b });
            expect(a).not.toContain('"errors":[');
            // The compiled path answered it (its statement), in one statement besides authentication.
            expect(compiledStatements().filter((s) => s.includes('v_page')).length).toBe(1);
            compared++;
            const data = JSON.parse(a) as { data: { list: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } };
            if (!data.data.list.pageInfo.hasNextPage) break;
            after = data.data.list.pageInfo.endCursor;
          }
        }
        // Every incident by id, through incident(id) and node(id), five at a time (the root field limit).
        for (let k = 0; k < ids.length; k += 5) {
          const batch = ids.slice(k, k + 5);
          const query = `query(${batch.map((_, n) => `$i${n}: ID!`).join(', ')}) {
            ${batch
              .map(
                (
                  _,
                  n,
                ) => `a${n}: incident(id: $i${n}) { ...Scalars handler { ...Org } indicators { type value } directives(first: 3) { edges { cursor node { id status recipient { code } } } pageInfo { hasNextPage endCursor } } }
              b${n}: node(id: $i${n}) { __typename id ... on Incident { reference accessLevel severity description coordinator { code } } }`,
              )
              .join('\n')}
          }
          ${SCALARS}
          ${ORG}`;
          sent.length = 0;
          const [a, b] = await both(email, query, Object.fromEntries(batch.map((id, n) => [`i${n}`, id])));
          expect({ email, batch, answer: a }).toEqual({ email, batch, answer: b });
          expect(a).not.toContain('"errors":[');
          expect(compiledStatements().length).toBe(batch.length * 2);
          compared++;
        }
        // The registry feed (DOMAIN_FEED_READ: VNNIC; the others are refused alike), page after page, tombstones included.
        let after: string | null = null;
        for (let page = 0; page < 20; page++) {
          sent.length = 0;
          const [a, b] = await both(email, FEED, { first: 4, after, status: page % 2 ? null : undefined });
          expect({ email, page, answer: a }).toEqual({ email, page, answer: b });
          compared++;
          const data = JSON.parse(a) as { data: { domainCases: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } | null };
          if (!data.data) break;
          expect(compiledStatements().filter((s) => s.includes('v_page')).length).toBe(1);
          feedCases++;
          if (!data.data.domainCases.pageInfo.hasNextPage) break;
          after = data.data.domainCases.pageInfo.endCursor;
        }
        const filter = { status: ['REPORTED', 'TRIAGED', 'RESPONDING'], tlp: ['CLEAR', 'GREEN', 'AMBER'], severity: null };
        const [a, b] = await both(email, PAGE, { first: 20, filter });
        expect({ email, filter, answer: a }).toEqual({ email, filter, answer: b });
        compared++;
      }
    } finally {
      await compiled.sql(`delete from domain_feed_entry where incident_id in (select id from incident where reference like $1 || '%')`, [prefix]);
      await deleteWorld(compiled, prefix);
    }
  });
  await fc.assert(property, { seed: SEED, numRuns: NUM_RUNS });
  console.log(`compiled answers: ${compared} answers compared over ${run} worlds (${feedCases} feed pages compiled)`);
  expect(feedCases).toBeGreaterThan(0);
}, 240_000);

test('a query the compilers do not cover is answered by the resolvers, with their errors', async () => {
  const email = 'handler@vnpt.test';
  // reporterContact is under a rule of its own; filter.text has a validator; first over the maximum is refused.
  for (const [query, variables] of [
    [`{ incidents(first: 3) { edges { node { reference reporterContact { name } } } } }`, {}],
    [`query($t: String) { incidents(first: 3, filter: { text: $t }) { edges { node { reference } } } }`, { t: 'x'.repeat(201) }],
    [`{ incidents(first: 101) { edges { node { reference } } } }`, {}],
    [`{ incidents(first: 2, after: "bm90IGEgY3Vyc29y") { edges { node { reference } } } }`, {}],
    [`{ incidents(first: 2) { totalCount edges { node { reference } } } }`, {}],
    [`{ incidents(first: 2) { edges { node { reference directives(first: 1000) { edges { cursor } } } } } }`, {}],
    [`{ viewer { organization { id } } }`, {}],
    // Without the root field's declared capability (DOMAIN_FEED_READ is a registry's): its FORBIDDEN.
    [`{ domainCases(first: 2) { edges { cursor } } }`, {}],
    [
      `query($id: ID!) { node(id: $id) { id ... on Organization { code } } }`,
      { id: Buffer.from(`Organization:${crypto.randomUUID()}`).toString('base64url') },
    ],
    [
      `query($id: ID!) { incident(id: $id) { reference reporterContact { name } } }`,
      { id: Buffer.from(`Incident:${crypto.randomUUID()}`).toString('base64url') },
    ],
  ] as const) {
    sent.length = 0;
    const [a, b] = await both(email, query, variables);
    expect(a).toEqual(b);
    expect(compiledStatements()).toEqual([]);
  }
  // The refusals are the resolvers' own.
  const [tooMany] = await both(email, `{ incidents(first: 101) { edges { node { reference } } } }`, {});
  expect(tooMany).toContain('BAD_USER_INPUT');
  const [forbidden] = await both(email, `{ domainCases(first: 2) { edges { cursor } } }`, {});
  expect(forbidden).toContain('FORBIDDEN');
});

test('a changed projection table changes both paths alike, a hidden non-null field included', async () => {
  // The compilers read the table on every request: a flip (as the mutation check makes) reaches them too.
  const table = PROJECTIONS.Incident as Record<string, FieldEntry>;
  const flips: [string, FieldEntry][] = [
    ['severity', { views: ['FULL'] }],
    ['description', { views: ['FULL', 'REPORTER', 'SUMMARY'] }],
    // Non-null: the resolvers answer it (a null the schema refuses); the compiled path must not answer null.
    ['accessLevel', { views: ['FULL'] }],
    ['handler', { views: ['FULL', 'REPORTER'] }],
  ];
  for (const [field, entry] of flips) {
    const before = table[field]!;
    table[field] = entry;
    try {
      for (const email of ['handler@vnpt.test', 'reporter@acme.test', 'handler@vnnic.test']) {
        const [a, b] = await both(email, PAGE, { first: 10 });
        expect({ field, email, answer: a }).toEqual({ field, email, answer: b });
      }
    } finally {
      table[field] = before;
    }
  }
});
