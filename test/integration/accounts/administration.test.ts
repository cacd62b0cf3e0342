import pg from 'pg';
import { startTestHub, codes, type GqlResult, type TestHub } from '../../harness/hub';

/**
 * Administration (DESIGN.md §2 "Accounts, roles, capabilities", §3 "Who may act" and error precedence):
 * accounts and API keys by their organization's ADMINs, organizations by the coordinator's ADMINs.
 * Expected outcomes are written out from DESIGN.md, never computed from the rulebook code.
 */

let t: TestHub;
let listener: pg.Client;
const notified: string[] = [];

beforeAll(async () => {
  t = await startTestHub();
  // Another instance's view: principal changes arrive on this channel after commit.
  listener = new pg.Client({ connectionString: t.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel === 'hub_principal_changed' && n.payload) notified.push(n.payload);
  });
  await listener.query('listen hub_principal_changed');
});
afterAll(async () => {
  await listener.end();
  await t.close();
});

function ok<T>(res: GqlResult<T>): T {
  expect(res.errors).toBeUndefined();
  if (res.data === null || res.data === undefined) throw new Error('no data');
  return res.data;
}

/** The single error's code and field. */
function failure(res: GqlResult): { code: string; field?: unknown } {
  expect(res.errors).toHaveLength(1);
  const e = res.errors![0];
  return e.extensions?.field === undefined ? { code: String(e.extensions?.code) } : { code: String(e.extensions?.code), field: e.extensions.field };
}

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];

async function waitForNotification(id: string): Promise<void> {
  for (let i = 0; i < 50 && !notified.includes(id); i++) await new Promise((r) => setTimeout(r, 20));
  expect(notified).toContain(id);
}

async function accountId(email: string): Promise<string> {
  return ok(await t.as<{ viewer: { account: { id: string } } }>(email, '{ viewer { account { id } } }')).viewer.account.id;
}

const VIEWER = '{ viewer { account { email } organization { code } role { organizationKind memberRole } capabilities apiKeyId } }';
interface ViewerData {
  viewer: {
    account: { email: string } | null;
    organization: { code: string };
    role: { organizationKind: string; memberRole: string };
    capabilities: string[];
    apiKeyId: string | null;
  };
}

const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) { createAccount(input: $input) {
  account { id email displayName active role { organizationKind memberRole } organization { code } } } }`;
const SET_ACTIVE = `mutation($input: SetAccountActiveInput!) { setAccountActive(input: $input) { account { email active } } }`;
const SET_ROLE = `mutation($input: SetAccountRoleInput!) { setAccountRole(input: $input) { account { email role { memberRole } } } }`;
const REPORT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { reference incident { handler { code } } } }`;
const reportInput = (over: Record<string, unknown> = {}) => ({
  title: 'Admin test report',
  description: 'A report made by the administration tests.',
  detectedAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
  reporterContact: { name: 'Tester' },
  ...over,
});

describe('accounts', () => {
  test('an ADMIN creates an account in its own organization; the e-mail is stored in lower case and is unique', async () => {
    const created = ok(
      await t.as<{
        createAccount: {
          account: { id: string; email: string; displayName: string; active: boolean; role: unknown; organization: { code: string } };
        };
      }>('admin@vnpt.test', CREATE_ACCOUNT, { input: { email: 'New.Handler@VNPT.test', displayName: 'New handler', role: 'HANDLER' } }),
    ).createAccount.account;
    expect(created).toMatchObject({
      email: 'new.handler@vnpt.test',
      displayName: 'New handler',
      active: true,
      role: { organizationKind: 'ISP', memberRole: 'HANDLER' },
      organization: { code: 'VNPT' },
    });
    // The new account works at once, with the ISP HANDLER's capabilities.
    const viewer = ok(await t.as<ViewerData>('new.handler@vnpt.test', VIEWER)).viewer;
    expect(viewer.capabilities).toEqual(['DIRECTIVE_RESPOND', 'INCIDENT_HANDLE', 'INCIDENT_READ', 'INCIDENT_REPORT', 'NOTE_ADD']);

    // The same e-mail in another case is a duplicate; nothing more is stored.
    const dup = await t.as('admin@vnpt.test', CREATE_ACCOUNT, { input: { email: 'NEW.HANDLER@vnpt.test', displayName: 'Again', role: 'ANALYST' } });
    expect(failure(dup)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.email' });
    expect(await t.sql(`select 1 from account where email = 'new.handler@vnpt.test'`)).toHaveLength(1);
  });

  test('bad input is BAD_USER_INPUT naming the field, before FORBIDDEN; other roles are FORBIDDEN', async () => {
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from account'))[0].n;
    expect(failure(await t.as('admin@vnpt.test', CREATE_ACCOUNT, { input: { email: 'not-an-email', displayName: 'X', role: 'HANDLER' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.email',
    });
    expect(failure(await t.as('admin@vnpt.test', CREATE_ACCOUNT, { input: { email: 'x@vnpt.test', displayName: '   ', role: 'HANDLER' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.displayName',
    });
    // REPORTER is a constituent's role; HANDLER is not one.
    expect(failure(await t.as('admin@vnpt.test', CREATE_ACCOUNT, { input: { email: 'x@vnpt.test', displayName: 'X', role: 'REPORTER' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.role',
    });
    expect(failure(await t.as('admin@acme.test', CREATE_ACCOUNT, { input: { email: 'x@acme.test', displayName: 'X', role: 'HANDLER' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.role',
    });
    expect(codes(await t.as('handler@vnpt.test', CREATE_ACCOUNT, { input: { email: 'x@vnpt.test', displayName: 'X', role: 'HANDLER' } }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await t.as('analyst@vnpt.test', CREATE_ACCOUNT, { input: { email: 'x@vnpt.test', displayName: 'X', role: 'HANDLER' } }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await t.as('reporter@acme.test', CREATE_ACCOUNT, { input: { email: 'x@acme.test', displayName: 'X', role: 'REPORTER' } }))).toEqual([
      'FORBIDDEN',
    ]);
    // Even the coordinator's HANDLER does not manage accounts.
    expect(
      codes(await t.as('handler@vncert.test', CREATE_ACCOUNT, { input: { email: 'x@vncert.test', displayName: 'X', role: 'HANDLER' } })),
    ).toEqual(['FORBIDDEN']);
    expect((await t.sql<{ n: number }>('select count(*)::int as n from account'))[0].n).toBe(before);

    const reporter = ok(
      await t.as<{ createAccount: { account: { role: unknown; organization: { code: string } } } }>('admin@acme.test', CREATE_ACCOUNT, {
        input: { email: 'second.reporter@acme.test', displayName: 'Second reporter', role: 'REPORTER' },
      }),
    ).createAccount.account;
    expect(reporter).toMatchObject({ role: { organizationKind: 'CONSTITUENT', memberRole: 'REPORTER' }, organization: { code: 'ACME' } });
  });

  test('a demoted HANDLER loses INCIDENT_REPORT and a deactivated account is UNAUTHENTICATED, on the very next request', async () => {
    const token = await t.token('handler@viettel.test');
    const id = await accountId('handler@viettel.test');
    const before = ok(await t.gql<ViewerData>(token, VIEWER)).viewer;
    expect(before.role).toEqual({ organizationKind: 'ISP', memberRole: 'HANDLER' });
    expect(before.capabilities).toContain('INCIDENT_REPORT');

    const demoted = ok(await t.as<{ setAccountRole: { account: unknown } }>('admin@viettel.test', SET_ROLE, { input: { id, role: 'ANALYST' } }));
    expect(demoted.setAccountRole.account).toEqual({ email: 'handler@viettel.test', role: { memberRole: 'ANALYST' } });
    await waitForNotification(uuidOf(id));
    // The same token, unchanged: the role is read from the database on every request.
    const after = ok(await t.gql<ViewerData>(token, VIEWER)).viewer;
    expect(after.role).toEqual({ organizationKind: 'ISP', memberRole: 'ANALYST' });
    expect(after.capabilities).toEqual(['INCIDENT_READ']);
    expect(codes(await t.gql(token, REPORT, { input: reportInput() }))).toEqual(['FORBIDDEN']);

    notified.length = 0;
    const off = ok(await t.as<{ setAccountActive: { account: unknown } }>('admin@viettel.test', SET_ACTIVE, { input: { id, active: false } }));
    expect(off.setAccountActive.account).toEqual({ email: 'handler@viettel.test', active: false });
    await waitForNotification(uuidOf(id));
    expect(codes(await t.gql(token, VIEWER))).toEqual(['UNAUTHENTICATED']);

    // Reactivated and promoted back: the same token works again as a HANDLER.
    ok(await t.as('admin@viettel.test', SET_ACTIVE, { input: { id, active: true } }));
    ok(await t.as('admin@viettel.test', SET_ROLE, { input: { id, role: 'HANDLER' } }));
    expect(ok(await t.gql<ViewerData>(token, VIEWER)).viewer.capabilities).toContain('INCIDENT_REPORT');
  });

  test('precedence: another organization’s account is NOT_FOUND, or FORBIDDEN for the coordinator, which sees it but does not manage it', async () => {
    const acmeReporter = await accountId('reporter@acme.test');
    const vnptAnalyst = await accountId('analyst@vnpt.test');
    expect(codes(await t.as('admin@vnpt.test', SET_ACTIVE, { input: { id: acmeReporter, active: false } }))).toEqual(['NOT_FOUND']);
    expect(codes(await t.as('admin@vnpt.test', SET_ROLE, { input: { id: acmeReporter, role: 'ADMIN' } }))).toEqual(['NOT_FOUND']);
    expect(codes(await t.as('admin@vncert.test', SET_ACTIVE, { input: { id: acmeReporter, active: false } }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('admin@vncert.test', SET_ACTIVE, { input: { id: vnptAnalyst, active: false } }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('admin@vnpt.test', SET_ACTIVE, { input: { id: 'not-an-id', active: false } }))).toEqual(['NOT_FOUND']);
    // Same organization, but no ORG_ADMIN.
    expect(codes(await t.as('handler@vnpt.test', SET_ACTIVE, { input: { id: vnptAnalyst, active: false } }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('analyst@vnpt.test', SET_ROLE, { input: { id: vnptAnalyst, role: 'ADMIN' } }))).toEqual(['FORBIDDEN']);
    // A role the organization's kind does not have is judged before the target.
    expect(failure(await t.as('admin@vnpt.test', SET_ROLE, { input: { id: acmeReporter, role: 'REPORTER' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.role',
    });
    expect(
      await t.sql(
        `select 1 from account where email in ('reporter@acme.test', 'analyst@vnpt.test') and active and member_role in ('REPORTER', 'ANALYST')`,
      ),
    ).toHaveLength(2);
  });

  test('an ADMIN cannot deactivate or demote itself (the organization must not lock itself out)', async () => {
    const self = await accountId('admin@vnpt.test');
    expect(failure(await t.as('admin@vnpt.test', SET_ACTIVE, { input: { id: self, active: false } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.active',
    });
    expect(failure(await t.as('admin@vnpt.test', SET_ROLE, { input: { id: self, role: 'HANDLER' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.role',
    });
    // Confirming its own state changes nothing and is fine.
    expect(
      ok(await t.as<{ setAccountRole: { account: unknown } }>('admin@vnpt.test', SET_ROLE, { input: { id: self, role: 'ADMIN' } })).setAccountRole
        .account,
    ).toEqual({ email: 'admin@vnpt.test', role: { memberRole: 'ADMIN' } });
    expect(ok(await t.as<ViewerData>('admin@vnpt.test', VIEWER)).viewer.role.memberRole).toBe('ADMIN');
  });

  test('Organization.accounts: within the organization and to the coordinator; empty for others', async () => {
    const Q = `query($after: String) { organizations(kind: REGULATOR) { edges { node { code accounts(first: 2, after: $after) {
      edges { node { email role { memberRole } } } pageInfo { hasNextPage endCursor } } } } } }`;
    type Data = {
      organizations: {
        edges: {
          node: { code: string; accounts: { edges: { node: { email: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        }[];
      };
    };
    const emails = (d: Data) => d.organizations.edges[0].node.accounts.edges.map((e) => e.node.email);
    const own = ok(await t.as<Data>('analyst@mic.test', Q));
    expect(emails(own)).toEqual(['admin@mic.test', 'analyst@mic.test']);
    expect(own.organizations.edges[0].node.accounts.pageInfo.hasNextPage).toBe(true);
    const next = ok(await t.as<Data>('analyst@mic.test', Q, { after: own.organizations.edges[0].node.accounts.pageInfo.endCursor }));
    expect(emails(next)).toEqual(['handler@mic.test']);
    expect(emails(ok(await t.as<Data>('analyst@vncert.test', Q)))).toEqual(['admin@mic.test', 'analyst@mic.test']);
    expect(emails(ok(await t.as<Data>('handler@vnpt.test', Q)))).toEqual([]);
  });

  test('Organization.accounts is batched: the number of statements does not grow with the number of organizations', async () => {
    const Q = `query($first: Int) { organizations(first: $first) { edges { node { code accounts(first: 2) { edges { node { email organization { code } } } } } } } }`;
    type Data = {
      organizations: { edges: { node: { code: string; accounts: { edges: { node: { email: string; organization: { code: string } } }[] } } }[] };
    };
    const token = await t.token('analyst@vncert.test');
    const statements = async (first: number) => {
      const before = t.hub.services.db.statements.count;
      const data = ok(await t.gql<Data>(token, Q, { first }));
      return { count: t.hub.services.db.statements.count - before, data };
    };
    // Once, so that the organizations are in the process's cache for both counts (organization.loaders.ts).
    await statements(12);
    const one = await statements(1);
    const all = await statements(12);
    expect(all.count).toBe(one.count);
    const byCode = Object.fromEntries(all.data.organizations.edges.map((e) => [e.node.code, e.node.accounts.edges.map((a) => a.node.email)]));
    expect(byCode).toMatchObject({
      ACME: ['admin@acme.test', 'reporter@acme.test'],
      FPT: ['admin@fpt.test', 'analyst@fpt.test'],
      MIC: ['admin@mic.test', 'analyst@mic.test'],
      'PERSON-0001': ['admin@person-0001.test', 'reporter@person-0001.test'],
      VNPT: ['admin@vnpt.test', 'analyst@vnpt.test'],
    });
    expect(all.data.organizations.edges.every((e) => e.node.accounts.edges.every((a) => a.node.organization.code === e.node.code))).toBe(true);
  });
});

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  secret apiKey { id name capabilities expiresAt createdAt lastUsedAt revokedAt hint } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id revokedAt } } }`;
interface CreatedKey {
  createApiKey: {
    secret: string;
    apiKey: {
      id: string;
      name: string;
      capabilities: string[];
      expiresAt: string | null;
      createdAt: string;
      lastUsedAt: string | null;
      revokedAt: string | null;
      hint: string;
    };
  };
}

describe('API keys', () => {
  test('a created key authenticates as its organization with exactly its capabilities, is stored hashed, and revocation is immediate', async () => {
    const { secret, apiKey } = ok(
      await t.as<CreatedKey>('admin@vnpt.test', CREATE_KEY, {
        input: { name: 'ticketing', capabilities: ['INCIDENT_READ', 'DIRECTIVE_RESPOND', 'INCIDENT_READ'] },
      }),
    ).createApiKey;
    expect(secret).toMatch(/^hubk_[0-9A-Za-z]{38}$/);
    expect(apiKey).toMatchObject({
      name: 'ticketing',
      capabilities: ['DIRECTIVE_RESPOND', 'INCIDENT_READ'],
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(apiKey.hint).toBe(`hubk_…${secret.slice(-4)}`);
    // Shown once: the secret is nowhere in the table.
    const [stored] = await t.sql<Record<string, unknown>>(`select * from api_key where id = $1`, [uuidOf(apiKey.id)]);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(5));

    const viewer = ok(await t.gql<ViewerData>(secret, VIEWER)).viewer;
    expect(viewer).toEqual({
      account: null,
      organization: { code: 'VNPT' },
      role: { organizationKind: 'ISP', memberRole: 'HANDLER' },
      capabilities: ['DIRECTIVE_RESPOND', 'INCIDENT_READ'],
      apiKeyId: apiKey.id,
    });
    // A capability of the HANDLER role that the key was not given.
    expect(codes(await t.gql(secret, REPORT, { input: reportInput() }))).toEqual(['FORBIDDEN']);
    // Keys never manage keys.
    expect(codes(await t.gql(secret, CREATE_KEY, { input: { name: 'child', capabilities: ['INCIDENT_READ'] } }))).toEqual(['FORBIDDEN']);

    notified.length = 0;
    const revoked = ok(await t.as<{ revokeApiKey: { apiKey: { id: string; revokedAt: string } } }>('admin@vnpt.test', REVOKE_KEY, { id: apiKey.id }))
      .revokeApiKey.apiKey;
    expect(revoked.revokedAt).toEqual(expect.any(String));
    await waitForNotification(uuidOf(apiKey.id));
    expect(codes(await t.gql(secret, VIEWER))).toEqual(['UNAUTHENTICATED']);
    // Idempotent: revoking again keeps the first time.
    t.clock.advance(60_000);
    const again = ok(await t.as<{ revokeApiKey: { apiKey: { revokedAt: string } } }>('admin@vnpt.test', REVOKE_KEY, { id: apiKey.id })).revokeApiKey
      .apiKey;
    expect(again.revokedAt).toBe(revoked.revokedAt);
  });

  test('a constituent’s key acts as its REPORTER; a registry key may read the domain feed', async () => {
    const acme = ok(
      await t.as<CreatedKey>('admin@acme.test', CREATE_KEY, { input: { name: 'portal', capabilities: ['INCIDENT_REPORT', 'INCIDENT_READ'] } }),
    ).createApiKey;
    const viewer = ok(await t.gql<ViewerData>(acme.secret, VIEWER)).viewer;
    expect(viewer.account).toBeNull();
    expect(viewer.organization.code).toBe('ACME');
    expect(viewer.role).toEqual({ organizationKind: 'CONSTITUENT', memberRole: 'REPORTER' });
    expect(viewer.capabilities).toEqual(['INCIDENT_READ', 'INCIDENT_REPORT']);
    const report = ok(await t.gql<{ reportIncident: { reference: string } }>(acme.secret, REPORT, { input: reportInput() }));
    expect(report.reportIncident.reference).toMatch(/^VN-\d{4}-\d{6}$/);

    const vnnic = ok(
      await t.as<CreatedKey>('admin@vnnic.test', CREATE_KEY, { input: { name: 'sync', capabilities: ['DOMAIN_FEED_READ', 'INCIDENT_READ'] } }),
    ).createApiKey;
    expect(ok(await t.gql<ViewerData>(vnnic.secret, VIEWER)).viewer).toMatchObject({
      organization: { code: 'VNNIC' },
      role: { organizationKind: 'REGISTRY', memberRole: 'HANDLER' },
      capabilities: ['DOMAIN_FEED_READ', 'INCIDENT_READ'],
    });
  });

  test('capabilities must be a non-empty subset of the kind’s key role, never ORG_ADMIN; expiry in the future; ADMINs only', async () => {
    const count = async () => (await t.sql<{ n: number }>('select count(*)::int as n from api_key'))[0].n;
    const before = await count();
    const attempt = (email: string, input: Record<string, unknown>) => t.as(email, CREATE_KEY, { input: { name: 'k', ...input } });
    const orgAdmin = await attempt('admin@vnpt.test', { capabilities: ['INCIDENT_READ', 'ORG_ADMIN'] });
    expect(failure(orgAdmin)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.capabilities' });
    expect(orgAdmin.errors![0].message).toContain('ORG_ADMIN');
    const feed = await attempt('admin@vnpt.test', { capabilities: ['DOMAIN_FEED_READ'] });
    expect(failure(feed)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.capabilities' });
    expect(feed.errors![0].message).toContain('DOMAIN_FEED_READ');
    expect(failure(await attempt('admin@acme.test', { capabilities: ['INCIDENT_HANDLE'] }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.capabilities',
    });
    expect(failure(await attempt('admin@vncert.test', { capabilities: ['ORGANIZATION_MANAGE'] }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.capabilities',
    });
    expect(failure(await attempt('admin@vnpt.test', { capabilities: ['NOT_A_CAPABILITY'] }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.capabilities',
    });
    expect(failure(await attempt('admin@vnpt.test', { capabilities: [] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.capabilities' });
    expect(failure(await attempt('admin@vnpt.test', { capabilities: ['INCIDENT_READ'], expiresAt: '2001-01-01T00:00:00Z' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.expiresAt',
    });
    expect(failure(await attempt('admin@vnpt.test', { name: '  ', capabilities: ['INCIDENT_READ'] }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    expect(codes(await attempt('analyst@vnpt.test', { capabilities: ['INCIDENT_READ'] }))).toEqual(['FORBIDDEN']);
    expect(codes(await attempt('handler@vnpt.test', { capabilities: ['INCIDENT_READ'] }))).toEqual(['FORBIDDEN']);
    expect(codes(await attempt('reporter@acme.test', { capabilities: ['INCIDENT_READ'] }))).toEqual(['FORBIDDEN']);
    expect(await count()).toBe(before);
  });

  test('a key stops working when it expires', async () => {
    const expiresAt = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const { secret, apiKey } = ok(
      await t.as<CreatedKey>('admin@fpt.test', CREATE_KEY, { input: { name: 'short', capabilities: ['INCIDENT_READ'], expiresAt } }),
    ).createApiKey;
    expect(apiKey.expiresAt).toBe(expiresAt);
    expect(codes(await t.gql(secret, VIEWER))).toEqual([]);
    t.clock.advance(2 * 3_600_000);
    expect(codes(await t.gql(secret, VIEWER))).toEqual(['UNAUTHENTICATED']);
  });

  test('apiKeys lists the caller’s organization’s keys to its ADMINs, newest first, page by page; others are FORBIDDEN', async () => {
    for (const name of ['acme-1', 'acme-2', 'acme-3']) {
      t.clock.advance(1000);
      ok(await t.as('admin@acme.test', CREATE_KEY, { input: { name, capabilities: ['INCIDENT_READ'] } }));
    }
    const LIST = `query($after: String) { apiKeys(first: 2, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }`;
    type Data = { apiKeys: { edges: { node: { id: string; name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const first = ok(await t.as<Data>('admin@acme.test', LIST));
    expect(first.apiKeys.edges.map((e) => e.node.name)).toEqual(['acme-3', 'acme-2']);
    expect(first.apiKeys.pageInfo.hasNextPage).toBe(true);
    const second = ok(await t.as<Data>('admin@acme.test', LIST, { after: first.apiKeys.pageInfo.endCursor }));
    // 'portal' was made by ACME's admin in an earlier test of this file; no other organization's key appears.
    expect(second.apiKeys.edges.map((e) => e.node.name)).toEqual(['acme-1', 'portal']);
    expect(second.apiKeys.pageInfo.hasNextPage).toBe(false);
    expect(codes(await t.as('reporter@acme.test', LIST))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('analyst@vnpt.test', LIST))).toEqual(['FORBIDDEN']);
    expect(failure(await t.as('admin@acme.test', LIST, { after: 'garbage' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });

    // node(id) and revokeApiKey: a key is its organization's business.
    const key = first.apiKeys.edges[0].node;
    const NODE = `query($id: ID!) { node(id: $id) { ... on ApiKey { name } } }`;
    expect(ok(await t.as<{ node: unknown }>('admin@acme.test', NODE, { id: key.id })).node).toEqual({ name: 'acme-3' });
    expect(ok(await t.as<{ node: unknown }>('reporter@acme.test', NODE, { id: key.id })).node).toBeNull();
    expect(ok(await t.as<{ node: unknown }>('admin@vncert.test', NODE, { id: key.id })).node).toBeNull();
    expect(codes(await t.as('admin@vnpt.test', REVOKE_KEY, { id: key.id }))).toEqual(['NOT_FOUND']);
    expect(codes(await t.as('admin@vncert.test', REVOKE_KEY, { id: key.id }))).toEqual(['NOT_FOUND']);
    expect(codes(await t.as('reporter@acme.test', REVOKE_KEY, { id: key.id }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('admin@acme.test', REVOKE_KEY, { id: 'not-an-id' }))).toEqual(['NOT_FOUND']);
    expect(await t.sql(`select 1 from api_key where id = $1 and revoked_at is null`, [uuidOf(key.id)])).toHaveLength(1);
  });

  test('security review leak 5: a report-only key gets the receipt only — reference, id, status, duplicate — on the first call and on idempotent replays', async () => {
    const key = ok(
      await t.as<CreatedKey>('admin@vnpt.test', CREATE_KEY, { input: { name: 'intake form', capabilities: ['INCIDENT_REPORT'] } }),
    ).createApiKey;
    const RECEIPT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) {
      reference incidentId status duplicate incident { id title notes(first: 10) { edges { node { body } } } timeline(first: 10) { edges { node { type } } } } } }`;
    type Receipt = { reportIncident: { reference: string; incidentId: string; status: string; duplicate: boolean; incident: unknown } };
    const input = reportInput({ title: 'Reported by the intake form', idempotencyKey: 'intake-0001' });
    const first = ok(await t.gql<Receipt>(key.secret, RECEIPT, { input })).reportIncident;
    expect(first).toEqual({
      reference: expect.stringMatching(/^VN-\d{4}-\d{6}$/),
      incidentId: expect.any(String),
      status: 'REPORTED',
      duplicate: false,
      incident: null,
    });
    // The handling organization works on it and writes a note; the replay still shows nothing of that.
    const read = await t.as<{ incident: { version: number; handler: { code: string } } }>(
      'handler@vncert.test',
      `query($id: ID!) { incident(id: $id) { version handler { code } } }`,
      { id: first.incidentId },
    );
    const handler = read.data!.incident.handler.code.toLowerCase();
    ok(
      await t.as(`handler@${handler}.test`, `mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } } }`, {
        i: { incidentId: first.incidentId, visibility: 'PARTICIPANTS', body: 'Internal working note' },
      }),
    );
    ok(
      await t.as(`handler@${handler}.test`, `mutation($i: TriageIncidentInput!) { triageIncident(input: $i) { incident { id } } }`, {
        i: { id: first.incidentId, expectedVersion: read.data!.incident.version, severity: 'LOW', rsitClass: 'fraud', rsitType: 'phishing' },
      }),
    );
    const replay = await t.gql<Receipt>(key.secret, RECEIPT, { input });
    expect(replay.errors).toBeUndefined();
    expect(replay.data!.reportIncident).toEqual({
      reference: first.reference,
      incidentId: first.incidentId,
      status: 'TRIAGED',
      duplicate: true,
      incident: null,
    });
    expect(JSON.stringify(replay)).not.toContain('Internal working note');
    expect(codes(await t.gql(key.secret, `query($id: ID!) { incident(id: $id) { id } }`, { id: first.incidentId }))).toEqual(['FORBIDDEN']);
    // A principal that may read gets its view of the incident as before, with the same receipt fields.
    const reader = ok(await t.as<Receipt>('handler@vnpt.test', RECEIPT, { input: reportInput({ idempotencyKey: 'reader-0001' }) })).reportIncident;
    expect(reader).toMatchObject({ status: 'REPORTED', duplicate: false, incident: { id: reader.incidentId, title: 'Admin test report' } });
  });
});

const ORG_FIELDS = `code name kind country active person ipRanges asns zones contact { focalPoint phone email intakeEmail }`;
const CREATE_ORG = `mutation($input: OrganizationInput!) { createOrganization(input: $input) { organization { ${ORG_FIELDS} } } }`;
const UPDATE_ORG = `mutation($input: OrganizationInput!) { updateOrganization(input: $input) { organization { ${ORG_FIELDS} } } }`;

describe('organizations', () => {
  test('the coordinator’s ADMIN creates an organization, in canonical form, with its first ADMIN; reports route to it', async () => {
    const res = ok(
      await t.as<{ createOrganization: { organization: unknown } }>('admin@vncert.test', CREATE_ORG, {
        input: {
          code: 'cmc-telecom',
          name: 'CMC Telecom',
          kind: 'ISP',
          country: 'vn',
          ipRanges: ['198.51.100.0/24', '2001:DB8:0:0::/32', '198.51.100.0/24'],
          asns: ['AS64500', '64501'],
          zones: ['CMC.VN.', 'bücher.vn', 'cmc.vn'],
          contact: { focalPoint: 'CMC NOC', intakeEmail: 'abuse@cmc.test' },
          admin: { email: 'Admin@CMC-Telecom.test', displayName: 'CMC admin' },
        },
      }),
    );
    expect(res.createOrganization.organization).toEqual({
      code: 'CMC-TELECOM',
      name: 'CMC Telecom',
      kind: 'ISP',
      country: 'VN',
      active: true,
      person: false,
      ipRanges: ['198.51.100.0/24', '2001:db8::/32'],
      asns: ['AS64500', 'AS64501'],
      zones: ['cmc.vn', 'xn--bcher-kva.vn'],
      contact: { focalPoint: 'CMC NOC', phone: null, email: null, intakeEmail: 'abuse@cmc.test' },
    });
    // Its first ADMIN manages its accounts from now on.
    expect(ok(await t.as<ViewerData>('admin@cmc-telecom.test', VIEWER)).viewer).toMatchObject({
      organization: { code: 'CMC-TELECOM' },
      role: { organizationKind: 'ISP', memberRole: 'ADMIN' },
    });
    ok(
      await t.as('admin@cmc-telecom.test', CREATE_ACCOUNT, {
        input: { email: 'handler@cmc-telecom.test', displayName: 'CMC handler', role: 'HANDLER' },
      }),
    );
    // Routing uses the announced ranges at once.
    const report = ok(
      await t.as<{ reportIncident: { incident: { handler: { code: string } } } }>('reporter@acme.test', REPORT, {
        input: reportInput({ affectedSystem: { name: 'Web shop', publicIps: ['198.51.100.7'] } }),
      }),
    );
    expect(report.reportIncident.incident.handler.code).toBe('CMC-TELECOM');
  });

  test('bad organization input is BAD_USER_INPUT naming the field, and nothing is stored', async () => {
    const count = async () => (await t.sql<{ n: number }>('select count(*)::int as n from organization'))[0].n;
    const before = await count();
    const base = { code: 'NEW-ORG', name: 'New organization', kind: 'AGENCY_IT' };
    const cases: [Record<string, unknown>, string][] = [
      [{ code: 'bad code' }, 'input.code'],
      [{ name: '  ' }, 'input.name'],
      [{ name: null }, 'input.name'],
      [{ kind: null }, 'input.kind'],
      [{ ipRanges: ['203.0.113.0/24', '10.0.0.1/8'] }, 'input.ipRanges[1]'],
      [{ ipRanges: ['10.0.0.0/33'] }, 'input.ipRanges[0]'],
      [{ ipRanges: ['not-a-range'] }, 'input.ipRanges[0]'],
      [{ asns: ['ASX'] }, 'input.asns[0]'],
      [{ asns: ['AS0'] }, 'input.asns[0]'],
      [{ zones: ['a..b'] }, 'input.zones[0]'],
      [{ zones: ['ok.vn', '-bad.vn'] }, 'input.zones[1]'],
      [{ country: 'XX' }, 'input.country'],
      [{ country: 'UK' }, 'input.country'],
      [{ person: true }, 'input.person'],
      [{ contact: { intakeEmail: 'nope' } }, 'input.contact.intakeEmail'],
      [{ admin: { email: 'nope', displayName: 'A' } }, 'input.admin.email'],
      // Judged against the stored network: exactly one COORDINATOR, unique codes and ASNs, unique e-mails.
      [{ kind: 'COORDINATOR' }, 'input.kind'],
      [{ code: 'vnpt' }, 'input.code'],
      [{ asns: ['AS45899'] }, 'input.asns[0]'],
      [{ admin: { email: 'admin@vnpt.test', displayName: 'A' } }, 'input.admin.email'],
    ];
    for (const [over, field] of cases) {
      const res = await t.as('admin@vncert.test', CREATE_ORG, { input: { ...base, ...over } });
      expect({ over, ...failure(res) }).toEqual({ over, code: 'BAD_USER_INPUT', field });
    }
    expect(await count()).toBe(before);
  });

  test('only the coordinator’s ADMINs manage organizations', async () => {
    const input = { code: 'NEW-ORG', name: 'New organization', kind: 'AGENCY_IT' };
    expect(codes(await t.as('admin@vnpt.test', CREATE_ORG, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('handler@vncert.test', CREATE_ORG, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('analyst@vncert.test', CREATE_ORG, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('admin@vnpt.test', UPDATE_ORG, { input: { code: 'VIETTEL', name: 'X' } }))).toEqual(['FORBIDDEN']);
    // Unknown codes are bad input (DESIGN.md §3); a constituent the caller may not see answers exactly like one.
    const unknown = await t.as('admin@vnpt.test', UPDATE_ORG, { input: { code: 'PERSON-9999', name: 'X' } });
    const hidden = await t.as('admin@vnpt.test', UPDATE_ORG, { input: { code: 'PERSON-0001', name: 'X' } });
    expect(failure(unknown)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.code' });
    expect(failure(hidden)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.code' });
    expect(hidden.errors![0].message).toBe(unknown.errors![0].message.replace('PERSON-9999', 'PERSON-0001'));
    expect(await t.sql(`select 1 from organization where name = 'X' or code = 'NEW-ORG'`)).toHaveLength(0);
  });

  test('updateOrganization changes only what is given; the coordinator stays the one COORDINATOR and stays active', async () => {
    const updated = ok(
      await t.as<{ updateOrganization: { organization: Record<string, unknown> } }>('admin@vncert.test', UPDATE_ORG, {
        input: { code: 'vnpt', name: 'VNPT Group', contact: { phone: '+84 24 0000 0000' }, asns: ['AS45899', 'AS7643'] },
      }),
    ).updateOrganization.organization;
    expect(updated).toMatchObject({
      code: 'VNPT',
      name: 'VNPT Group',
      kind: 'ISP',
      ipRanges: ['14.160.0.0/11', '113.160.0.0/11', '2001:ee0::/32'],
      asns: ['AS45899', 'AS7643'],
      contact: { focalPoint: 'VNPT NOC', phone: '+84 24 0000 0000', email: null, intakeEmail: 'abuse@vnpt.test' },
    });

    expect(failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'NOPE', name: 'X' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.code',
    });
    expect(failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'VNCERT', kind: 'ISP' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.kind',
    });
    expect(failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'FPT', kind: 'COORDINATOR' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.kind',
    });
    expect(failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'VNCERT', active: false } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.active',
    });
    expect(failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'FPT', person: true } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.person',
    });
    // An ISP's HANDLER and ANALYST accounts have no role in a CONSTITUENT organization.
    expect(failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'MOF-IT', kind: 'CONSTITUENT' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.kind',
    });
    // The coordinator creates an organization's ADMIN only when it has none left.
    expect(
      failure(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'FPT', admin: { email: 'boss@fpt.test', displayName: 'Boss' } } })),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'input.admin' });
    expect(await t.sql(`select 1 from organization where kind = 'COORDINATOR' and active`)).toHaveLength(1);
    expect(
      await t.sql(`select 1 from organization where code in ('FPT', 'MOF-IT') and kind <> 'CONSTITUENT' and kind <> 'COORDINATOR' and not person`),
    ).toHaveLength(2);
  });

  test('a deactivated organization’s accounts are UNAUTHENTICATED on their next request, and every instance is told', async () => {
    const token = await t.token('handler@hanoi-dic.test');
    const id = uuidOf(await accountId('handler@hanoi-dic.test'));
    expect(codes(await t.gql(token, VIEWER))).toEqual([]);
    notified.length = 0;
    const off = ok(
      await t.as<{ updateOrganization: { organization: { active: boolean } } }>('admin@vncert.test', UPDATE_ORG, {
        input: { code: 'HANOI-DIC', active: false },
      }),
    );
    expect(off.updateOrganization.organization.active).toBe(false);
    await waitForNotification(id);
    expect(codes(await t.gql(token, VIEWER))).toEqual(['UNAUTHENTICATED']);
    ok(await t.as('admin@vncert.test', UPDATE_ORG, { input: { code: 'HANOI-DIC', active: true } }));
    expect(codes(await t.gql(token, VIEWER))).toEqual([]);
  });
});
