import { startTestHub, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

/**
 * The number of SQL statements for a page does not grow with the page size (DESIGN.md §6). Counted at
 * the driver (every statement the hub sends), over ≥ 100 visible incidents that all have indicators,
 * directives and events, with invisible incidents interleaved in the sort order.
 */
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  const coordinator = await t.token('handler@vncert.test');
  const post = async (auth: string, query: string, variables: Record<string, unknown>) => {
    const r = await t.gql<Record<string, { incident?: { id: string }; directive?: { id: string } }>>(auth, query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  for (let i = 0; i < 110; i++) {
    // Visible to VNPT (it handles them), each with indicators, a directive to VIETTEL and several events.
    const d = await reportIncident<{ id: string }>(
      t,
      'reporter@acme.test',
      {
        title: `Count ${i}`,
        description: 'd',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        reportTo: 'VNPT',
        indicators: [
          { type: 'DOMAIN', value: `c${i}.example.vn` },
          { type: 'IPV4', value: `198.51.100.${i % 250}` },
        ],
      },
      'id',
    );
    await post(coordinator, `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { id } } }`, {
      i: {
        incidentId: d.id,
        recipient: 'VIETTEL',
        action: 'BLOCK_IP',
        instructions: 'block',
        targets: [{ type: 'IPV4', value: `198.51.100.${i % 250}` }],
      },
    });
    // Invisible to VNPT, interleaved in the order.
    await reportIncident(
      t,
      'reporter@acme.test',
      {
        title: `Hidden ${i}`,
        description: 'd',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        reportTo: 'FPT',
        tlp: 'AMBER',
      },
      'id',
    );
  }
}, 120_000);
afterAll(async () => {
  await t.close();
});

/** The nested selection every read of this file asks of an incident. */
const DETAIL = `{
  id handler { code } reportingOrganization { code } indicators { type value }
  directives(first: 5) { edges { node { id status recipient { code } } } }
  timeline(first: 3) { edges { node { type actorOrganization { code } } } }
  notes(first: 3) { edges { node { body } } }
  participants { code }
  viewerCan { triage resolve }
}`;

const PAGE = `query($n: Int) { incidents(first: $n) { edges { node ${DETAIL} } } }`;

async function statementsFor(n: number): Promise<{ count: number; rows: number }> {
  const token = await t.token('handler@vnpt.test');
  const pool = t.hub.services.db.pool as unknown as { query: (...a: unknown[]) => unknown };
  const original = pool.query.bind(pool);
  const texts: string[] = [];
  pool.query = (...a: unknown[]) => {
    texts.push(String(a[0]).replace(/\s+/g, ' ').slice(0, 90));
    return original(...a);
  };
  const before = t.hub.services.db.statements.count;
  const res = await t.gql<{ incidents: { edges: { node: { directives: { edges: unknown[] }; timeline: { edges: unknown[] } } }[] } }>(token, PAGE, {
    n,
  });
  const count = t.hub.services.db.statements.count - before;
  pool.query = original;
  if (process.env.STATEMENT_DEBUG) console.log(n, texts.join('\n'));
  expect(res.errors).toBeUndefined();
  const edges = res.data!.incidents.edges;
  expect(edges.every((e) => e.node.directives.edges.length === 1 && e.node.timeline.edges.length === 3)).toBe(true);
  return { count, rows: edges.length };
}

test('incidents(first: 10) and incidents(first: 100) cost the same, small number of statements', async () => {
  // The first read of the organizations fills the process's cache of them (organization.loaders.ts).
  await statementsFor(10);
  const ten = await statementsFor(10);
  const hundred = await statementsFor(100);
  expect(ten.rows).toBe(10);
  expect(hundred.rows).toBe(100);
  console.log(`statements: first 10 → ${ten.count}, first 100 → ${hundred.count}`);
  expect(hundred.count).toBe(ten.count);
  // Authentication and the page with its relations (compiled from the selection); the organizations come from the cache.
  expect(hundred.count).toBeLessThanOrEqual(2);
});

test('the organizations are read once while the hub listens for their changes; a change empties the cache at once', async () => {
  const token = await t.token('handler@vnpt.test');
  const READ = `query($n: Int) { incidents(first: $n) { edges { node { handler { code name } } } } }`;
  const read = async () => {
    const before = t.hub.services.db.statements.count;
    const res = await t.gql<{ incidents: { edges: { node: { handler: { code: string; name: string } } }[] } }>(token, READ, { n: 5 });
    expect(res.errors).toBeUndefined();
    return { count: t.hub.services.db.statements.count - before, names: [...new Set(res.data!.incidents.edges.map((e) => e.node.handler.name))] };
  };
  await read();
  const warm = await read();
  expect(warm.count).toBe(2);
  const renamed = await t.as<{ updateOrganization: { organization: { name: string } } }>(
    'admin@vncert.test',
    'mutation($i: OrganizationInput!) { updateOrganization(input: $i) { organization { name } } }',
    { i: { code: 'VNPT', name: 'VNPT (renamed for the cache test)' } },
  );
  expect(renamed.errors).toBeUndefined();
  // The next read, right after the commit, sees the new name: the writing process emptied its cache before
  // answering (and skips its own NOTIFY); the mutation's answer read the organizations again, so it is warm.
  expect(await read()).toEqual({ count: 2, names: ['VNPT (renamed for the cache test)'] });
  expect(await read()).toEqual({ count: 2, names: ['VNPT (renamed for the cache test)'] });
});

test('one incident by id, by node, by reference and through _entities costs the same few statements', async () => {
  const token = await t.token('handler@vnpt.test');
  const page = await t.gql<{ incidents: { edges: { node: { id: string; reference: string } }[] } }>(
    token,
    `{ incidents(first: 2) { edges { node { id reference } } } }`,
  );
  const [a, b] = page.data!.incidents.edges.map((e) => e.node);
  const queries: [string, string, Record<string, unknown>][] = [
    ['incident', `query($id: ID!) { incident(id: $id) ${DETAIL} }`, { id: a.id }],
    ['node', `query($id: ID!) { node(id: $id) { ... on Incident ${DETAIL} } }`, { id: a.id }],
    ['incidentByReference', `query($r: String!) { incidentByReference(reference: $r) ${DETAIL} }`, { r: a.reference }],
    [
      '_entities',
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Incident ${DETAIL} } }`,
      {
        reps: [
          { __typename: 'Incident', id: a.id },
          { __typename: 'Incident', id: b.id },
        ],
      },
    ],
  ];
  // The organizations these incidents name are then in the process's cache.
  await t.gql(token, queries[0]![1], queries[0]![2]);
  for (const [name, query, variables] of queries) {
    const before = t.hub.services.db.statements.count;
    const res = await t.gql<Record<string, unknown>>(token, query, variables);
    const count = t.hub.services.db.statements.count - before;
    expect(res.errors).toBeUndefined();
    const data = JSON.stringify(res.data);
    expect(data).toContain('"timeline":{"edges":[{');
    expect(data).toContain('"directives":{"edges":[{');
    console.log(`statements: ${name} → ${count}`);
    expect(count).toBeLessThanOrEqual(2);
  }
});

test("the registry feed with its cases' domains and incidents costs the same few statements at any page size", async () => {
  const token = await t.token('handler@vnnic.test');
  const FEED = `query($n: Int) { domainCases(first: $n) { edges { node {
    cursor removed incidentId domains { value }
    incident { id reference handler { code } indicators { type value } timeline(first: 2) { edges { node { type } } } }
  } } } }`;
  const counts: number[] = [];
  for (const n of [5, 100]) {
    const pool = t.hub.services.db.pool as unknown as { query: (...a: unknown[]) => unknown };
    const original = pool.query;
    pool.query = (...a: unknown[]) => {
      if (process.env.STATEMENT_DEBUG) console.log(String(a[0]).replace(/\s+/g, ' ').slice(0, 120));
      return original.apply(pool, a);
    };
    const before = t.hub.services.db.statements.count;
    const res = await t.gql<{ domainCases: { edges: { node: { removed: boolean; domains: unknown[] } }[] } }>(token, FEED, { n });
    counts.push(t.hub.services.db.statements.count - before);
    pool.query = original;
    expect(res.errors).toBeUndefined();
    expect(res.data!.domainCases.edges.length).toBe(n);
    // The demo's RECIPIENT case (VNNIC's directive) shows no domains; the counted cases do.
    expect(res.data!.domainCases.edges.filter((e) => e.node.domains.length > 0).length).toBeGreaterThanOrEqual(n - 1);
  }
  console.log(`statements: domainCases first 5 → ${counts[0]}, first 100 → ${counts[1]}`);
  expect(counts[1]).toBe(counts[0]);
  expect(counts[1]).toBeLessThanOrEqual(2);
});

test('a report, its timeline event and the incident it returns with indicators cost a fixed number of statements', async () => {
  // Counted at the driver: authentication, the addressee, the command's transaction (BEGIN, the coordinator,
  // the receipt number, the incident, its indicators, the event with its position lock and NOTIFY in one
  // statement, the active registries and their feed, the incidents' facts and the notification intents,
  // COMMIT), then the incident read back with its indicators in one statement: 14.
  const token = await t.token('reporter@acme.test');
  const REPORT = `mutation($input: ReportIncidentInput!) {
    reportIncident(input: $input) { reference incident { id status handler { code } indicators { type value } } }
  }`;
  // The process's event listener reads the committed event when its NOTIFY arrives, at a moment of its
  // own: that read is the subscriptions' (subscription.repo.ts), not the request's, and is not counted.
  const pool = t.hub.services.db.pool as unknown as { query: (...a: unknown[]) => unknown };
  const original = pool.query;
  let listenerReads = 0;
  pool.query = (...a: unknown[]) => {
    if (/^select e\.id, e\.position::text as position/.test(String(a[0]).trim())) listenerReads++;
    return original.apply(pool, a);
  };
  const count = async (i: number): Promise<number> => {
    const before = t.hub.services.db.statements.count - listenerReads;
    const res = await t.gql<{ reportIncident: { incident: { indicators: unknown[] } } }>(token, REPORT, {
      input: {
        title: `Counted report ${i}`,
        description: 'd',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        reporterContact: { name: 'R' },
        reportTo: 'VNPT',
        indicators: [
          { type: 'DOMAIN', value: `counted-${i}.example.vn` },
          { type: 'IPV4', value: `198.51.100.${i + 1}` },
        ],
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.reportIncident.incident.indicators).toHaveLength(2);
    return t.hub.services.db.statements.count - listenerReads - before;
  };
  await count(0);
  const counted = await count(1);
  pool.query = original;
  console.log(`statements: reportIncident with its incident and indicators → ${counted}`);
  expect(counted).toBe(14);
});
