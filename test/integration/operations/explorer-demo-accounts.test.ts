/**
 * The explorer's demo-account picker (issue 15, item 6) exists only on a development hub that signs
 * with the generated development secret and loads the demo data. In production — and with a
 * configured secret, or without the demo data — the page does not mention it and its endpoints are
 * 404, whatever the request. The picker itself is driven in a browser by browser.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub, type TestHub } from '../../harness/hub';

const EXPLORER = { accept: 'text/html' };
const FROM_EXPLORER = { 'x-graphql-explorer': '1' };

function origin(t: TestHub): string {
  return new URL(t.url).origin;
}

async function page(t: TestHub): Promise<string> {
  const res = await fetch(t.url, { headers: EXPLORER });
  expect(res.status).toBe(200);
  return res.text();
}

async function accounts(t: TestHub, headers: Record<string, string> = FROM_EXPLORER): Promise<Response> {
  return fetch(`${origin(t)}/explorer-demo/accounts`, { headers });
}

async function token(t: TestHub, email: string, headers: Record<string, string> = FROM_EXPLORER): Promise<Response> {
  return fetch(`${origin(t)}/explorer-demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email }),
  });
}

/** A hub, its data folder (for the generated secret) removed afterwards. */
async function withHub(env: Record<string, string>, fn: (t: TestHub) => Promise<void>): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-explorer-demo-'));
  const t = await startTestHub({ HUB_DATA_DIR: dataDir, ...env });
  try {
    await fn(t);
  } finally {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function expectNotOffered(t: TestHub): Promise<void> {
  const html = await page(t);
  expect(html).not.toContain('data-demo-accounts');
  expect(html).not.toContain('data-demo-token');
  expect(html).not.toContain('explorer-demo');
  expect((await accounts(t)).status).toBe(404);
  for (const email of ['handler@vncert.test', 'admin@vncert.test', 'reporter@acme.test']) {
    const res = await token(t, email);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
  }
}

test('production settings, demo data loaded: no demo accounts on the page, none served', async () => {
  await withHub({ NODE_ENV: 'production', MASK_ERRORS: 'true', RATE_LIMIT: 'true', LOAD_DEMO_DATA: 'true' }, async (t) => {
    expect(t.config.env).toBe('production');
    // The demo accounts exist in this database: only the hub's settings keep them off the page.
    expect(await t.sql('select 1 from account where email = $1', ['handler@vncert.test'])).toHaveLength(1);
    await expectNotOffered(t);
  });
});

test('development with a configured JWT_SECRET: not offered', async () => {
  await withHub({ NODE_ENV: 'development', LOAD_DEMO_DATA: 'true' }, async (t) => {
    expect(t.config.jwt.mode === 'hs256' && t.config.jwt.generated).toBeFalsy();
    await expectNotOffered(t);
  });
});

test('development with the generated secret but without the demo data: not offered', async () => {
  await withHub({ NODE_ENV: 'development', JWT_SECRET: '', LOAD_DEMO_DATA: 'false' }, async (t) => {
    await expectNotOffered(t);
  });
});

test('the test environment (the harness default), generated secret and demo data: not offered', async () => {
  await withHub({ JWT_SECRET: '', LOAD_DEMO_DATA: 'true' }, async (t) => {
    expect(t.config.env).toBe('test');
    await expectNotOffered(t);
  });
});

test('development with the generated secret and the demo data: the demo accounts, and tokens for them only', async () => {
  await withHub({ NODE_ENV: 'development', JWT_SECRET: '', LOAD_DEMO_DATA: 'true' }, async (t) => {
    expect(await page(t)).toContain('data-demo-accounts="/explorer-demo/accounts"');

    const listed = await accounts(t);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    const { accounts: offered } = (await listed.json()) as { accounts: { email: string; organization: string; kind: string; role: string }[] };
    expect(offered[0]).toEqual({ email: 'admin@vncert.test', organization: 'VNCERT', kind: 'COORDINATOR', role: 'ADMIN' });
    expect(offered).toContainEqual({ email: 'reporter@person-0001.test', organization: 'PERSON-0001', kind: 'CONSTITUENT', role: 'REPORTER' });
    expect(offered).toHaveLength(34);

    // The explorer's header is required: a cross-site form or link cannot send it without a preflight.
    expect((await accounts(t, {})).status).toBe(400);
    expect((await token(t, 'handler@vnpt.test', {})).status).toBe(400);

    const minted = await token(t, 'handler@vnpt.test');
    expect(minted.status).toBe(200);
    const { token: jwt } = (await minted.json()) as { token: string };
    const viewer = await t.gql<{ viewer: { organization: { code: string }; role: { memberRole: string } } }>(
      jwt,
      '{ viewer { organization { code } role { memberRole } } }',
    );
    expect(viewer.data?.viewer).toEqual({ organization: { code: 'VNPT' }, role: { memberRole: 'HANDLER' } });

    // An account that is not in the demo network gets no token here (`npm run token` is for those).
    await t.sql(`insert into account (organization_id, email, display_name, member_role, created_at, updated_at)
      select id, 'someone@vnpt.test', 'Someone', 'ANALYST', now(), now() from organization where code = 'VNPT'`);
    expect((await token(t, 'someone@vnpt.test')).status).toBe(404);
    expect((await token(t, 'nobody@example.test')).status).toBe(404);
    // A deactivated demo account is not offered either.
    await t.sql(`update account set active = false where email = 'analyst@vnpt.test'`);
    expect((await token(t, 'analyst@vnpt.test')).status).toBe(404);
  });
});
