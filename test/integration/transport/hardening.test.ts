/**
 * Production hardening (issue 8, items 2 and 3): security headers, CORS, body limit, CSRF,
 * introspection policy, masked errors with a request id, statement_timeout, rate limits over HTTP and
 * WebSocket, request logs, /metrics, secrets kept out of logs, and a graceful shutdown that lets an
 * in-flight transaction finish.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import { startTestHub, cloneDatabase, TEST_JWT_SECRET, ROOT, type TestHub } from '../../harness/hub';
import { loadConfig } from '../../../src/config';
import { AdjustableClock } from '../../../src/clock';
import { bootHub, createLogger } from '../../../src/app/bootstrap';
import { signDevToken } from '../../../src/auth/tokens';
import { generateApiKey, hashApiKey, apiKeyHint } from '../../../src/auth/apiKeys';
import { EXPLORER_CSP } from '../../../src/server/explorer';
import { API_CSP } from '../../../src/server/security';
import { TokenBucketLimiter } from '../../../src/server/rate-limit';

/** Production switches (NODE_ENV=production needs the JWT settings the harness passes). */
const PRODUCTION = { NODE_ENV: 'production', MASK_ERRORS: 'true', LOG_LEVEL: 'silent' };
const VIEWER = 'query WhoAmI { viewer { organization { code } } }';

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

async function withHub<T>(env: Record<string, string>, fn: (t: TestHub) => Promise<T>, opts: { captureLogs?: boolean } = {}): Promise<T> {
  const t = await startTestHub(env, opts);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

/** An API key of an organization, inserted the way createApiKey stores it. */
async function apiKey(t: TestHub, org: string): Promise<string> {
  const [row] = await t.sql<{ id: string }>(`select id from organization where code = $1`, [org]);
  const secret = generateApiKey();
  await t.sql(
    `insert into api_key (organization_id, name, secret_hash, hint, capabilities, created_at) values ($1, 'hardening', $2, $3, $4, now())`,
    [row!.id, hashApiKey(secret), apiKeyHint(secret), ['INCIDENT_READ', 'DOMAIN_FEED_READ']],
  );
  return secret;
}

function wsClient(t: TestHub, authorization: string): Client {
  return createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
}

/** Runs one operation over graphql-ws: its result, or the errors of an `error` message. */
function wsRun(client: Client, query: string): Promise<{ data?: unknown; errors?: readonly GraphQLFormattedError[] }> {
  return new Promise((resolve) => {
    let result: { data?: unknown; errors?: readonly GraphQLFormattedError[] } = {};
    client.subscribe(
      { query },
      {
        next: (v) => (result = v as typeof result),
        error: (e) => resolve({ errors: Array.isArray(e) ? (e as GraphQLFormattedError[]) : [{ message: String(e) }] }),
        complete: () => resolve(result),
      },
    );
  });
}

describe('security headers and CORS', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ ...PRODUCTION, CORS_ORIGINS: 'https://portal.vncert.test, http://localhost:5173' });
  });
  afterAll(async () => t.close());

  test('API responses carry nosniff, no-referrer and a CSP that loads and frames nothing; no HSTS over plain HTTP', async () => {
    const res = await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${await t.token('handler@vncert.test')}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toBe(API_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
    const health = await fetch(t.url.replace('/graphql', '/healthz'));
    expect(health.headers.get('content-security-policy')).toBe(API_CSP);
  });

  test('the explorer page keeps its own CSP (the one it works under)', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('CORS: listed origins only; preflight answered; others get no CORS header', async () => {
    const token = await t.token('handler@vncert.test');
    const allowed = await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${token}`, origin: 'https://portal.vncert.test' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.vncert.test');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('vary')).toMatch(/Origin/);
    const other = await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${token}`, origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(t.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await fetch(t.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('without CORS_ORIGINS no CORS header is ever sent; HSTS only behind a trusted proxy reporting HTTPS', async () => {
    await withHub({ ...PRODUCTION, TRUST_PROXY: 'loopback' }, async (plain) => {
      const token = await plain.token('handler@vncert.test');
      const res = await post(plain.url, JSON.stringify({ query: VIEWER }), {
        authorization: `Bearer ${token}`,
        origin: 'https://portal.vncert.test',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(plain.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://portal.vncert.test', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull();
      const viaProxy = await post(plain.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https' });
      expect(viaProxy.headers.get('strict-transport-security')).toBe('max-age=31536000');
    });
    // Without TRUST_PROXY a client cannot claim HTTPS.
    const spoofed = await post(t.url, JSON.stringify({ query: VIEWER }), {
      authorization: `Bearer ${await t.token('handler@vncert.test')}`,
      'x-forwarded-proto': 'https',
    });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('abuse limits', () => {
  test('a body over the limit is 413 with a GraphQL error; malformed JSON is 400 with a GraphQL error', async () => {
    await withHub({ ...PRODUCTION, BODY_LIMIT_BYTES: '2048' }, async (t) => {
      const token = await t.token('handler@vncert.test');
      const big = JSON.stringify({ query: VIEWER, variables: { padding: 'x'.repeat(4096) } });
      const res = await post(t.url, big, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { errors: GraphQLFormattedError[] };
      expect(body.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'PAYLOAD_TOO_LARGE', limitBytes: 2048 });
      expect(body.errors[0]!.message).toContain('2048 bytes');

      const malformed = await post(t.url, '{"query": ', { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
      expect(((await malformed.json()) as { errors: GraphQLFormattedError[] }).errors[0]!.extensions?.code).toBe('BAD_REQUEST');

      // Under the limit is fine.
      expect((await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${token}` })).status).toBe(200);
    });
  });

  test('CSRF prevention: a GET or a form/text POST without a preflight-forcing header is refused', async () => {
    await withHub(PRODUCTION, async (t) => {
      const auth = { authorization: `Bearer ${await t.token('handler@vncert.test')}` };
      const get = `${t.url}?query=${encodeURIComponent('{ viewer { organization { code } } }')}`;
      const blocked = await fetch(get, { headers: auth });
      expect(blocked.status).toBe(400);
      expect(await blocked.text()).toContain('Cross-Site Request Forgery');
      const withHeader = await fetch(get, { headers: { ...auth, 'apollo-require-preflight': 'true' } });
      expect(withHeader.status).toBe(200);
      const form = await fetch(t.url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: JSON.stringify({ query: VIEWER }),
      });
      expect(form.status).toBe(400);
      // Mutations never run over GET, even with the header.
      const mutation = await fetch(`${t.url}?query=${encodeURIComponent('mutation { __typename }')}`, {
        headers: { ...auth, 'apollo-require-preflight': 'true' },
      });
      expect(mutation.status).toBe(405);
    });
  });

  test('introspection: authenticated (default) refuses anonymous callers; none refuses everyone with a clear error, over HTTP and WebSocket; all lets anonymous tools read the schema only', async () => {
    const introspect = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
    await withHub(PRODUCTION, async (t) => {
      expect((await post(t.url, introspect)).status).toBe(401);
      const ok = await post(t.url, introspect, { authorization: `Bearer ${await t.token('analyst@vnpt.test')}` });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    });
    await withHub({ ...PRODUCTION, INTROSPECTION: 'none' }, async (t) => {
      const token = await t.token('admin@vncert.test');
      for (const query of [
        '{ __schema { queryType { name } } }',
        '{ __type(name: "Incident") { name } }',
        'query { viewer { organization { code } } ...F } fragment F on Query { __schema { types { name } } }',
      ]) {
        const res = await post(t.url, JSON.stringify({ query }), { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' });
        expect(res.status).toBe(400);
        const body = (await res.json()) as { data?: unknown; errors: GraphQLFormattedError[] };
        expect(body.data).toBeUndefined();
        expect(body.errors[0]!.message).toMatch(/^Introspection is disabled on this server: "__(schema|type)" is refused \(INTROSPECTION=none\)$/);
        expect(body.errors[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'INTROSPECTION_DISABLED' });
      }
      // __typename is not introspection of the schema and stays.
      const typename = await post(t.url, JSON.stringify({ query: '{ __typename }' }), { authorization: `Bearer ${token}` });
      expect(await typename.json()).toEqual({ data: { __typename: 'Query' } });
      const client = wsClient(t, `Bearer ${token}`);
      try {
        const res = await wsRun(client, '{ __schema { queryType { name } } }');
        expect(res.errors?.[0]?.message).toContain('Introspection is disabled on this server');
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'INTROSPECTION_DISABLED' });
        // The socket stays usable.
        expect(((await wsRun(client, VIEWER)).data as { viewer: { organization: { code: string } } }).viewer.organization.code).toBe('VNCERT');
      } finally {
        await client.dispose();
      }
    });
    await withHub({ ...PRODUCTION, INTROSPECTION: 'all' }, async (t) => {
      const anonymous = await post(t.url, introspect);
      expect(anonymous.status).toBe(200);
      expect(await anonymous.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
      // Anything beyond introspection still needs credentials.
      const mixed = await post(t.url, JSON.stringify({ query: '{ __schema { queryType { name } } viewer { capabilities } }' }));
      expect(mixed.status).toBe(401);
      expect(((await mixed.json()) as { errors: GraphQLFormattedError[] }).errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      // An invalid token is not "anonymous".
      expect((await post(t.url, introspect, { authorization: 'Bearer nope' })).status).toBe(401);
    });
  });

  test('production errors are masked: no message, stack or SQL, only a code and the request id that finds the log line; statement_timeout is configurable', async () => {
    await withHub(
      { ...PRODUCTION, DB_STATEMENT_TIMEOUT_MS: '300' },
      async (t) => {
        const shown = await t.hub.services.db.pool.query<{ statement_timeout: string }>('show statement_timeout');
        expect(shown.rows[0]!.statement_timeout).toBe('300ms');
        const token = await t.token('handler@vncert.test');
        const locker = new pg.Client({ connectionString: t.databaseUrl });
        await locker.connect();
        try {
          await locker.query('begin');
          await locker.query('lock table incident in access exclusive mode');
          // Twice: a document's first run is graphql-js's, the next ones its compiled function's (src/server/executor.ts).
          for (let run = 1; run <= 2; run++) {
            const started = Date.now();
            const res = await post(t.url, JSON.stringify({ query: 'query Slow { incidents(first: 1) { edges { node { reference } } } }' }), {
              authorization: `Bearer ${token}`,
              'x-request-id': 'req-mask-0001',
            });
            expect(Date.now() - started).toBeLessThan(10_000);
            const text = await res.text();
            expect(text).not.toMatch(/statement|timeout|cancel|select|incident\b|stack|\.ts:/i);
            const body = JSON.parse(text) as { errors: GraphQLFormattedError[] };
            expect(body.errors).toEqual([
              {
                message: 'Internal error',
                path: ['incidents'],
                locations: [{ line: 1, column: 14 }],
                extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-mask-0001' },
              },
            ]);
            expect(res.headers.get('x-request-id')).toBe('req-mask-0001');
          }
          // graphql-ws does not run Apollo's formatError: the hub masks there too.
          const client = wsClient(t, `Bearer ${token}`);
          try {
            const ws = await wsRun(client, 'query SlowWs { incidents(first: 1) { edges { node { reference } } } }');
            expect(JSON.stringify(ws)).not.toMatch(/statement|timeout|cancel|select|stack/i);
            expect(ws.errors?.[0]?.message).toBe('Internal error');
            expect(ws.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
            const wsLine = t.logs().find((l) => l.msg === 'internal error' && l.requestId === ws.errors?.[0]?.extensions?.requestId);
            expect(wsLine).toBeDefined();
          } finally {
            await client.dispose();
          }
        } finally {
          await locker.query('rollback');
          await locker.end();
        }
        const lines = t.logs().filter((l) => l.requestId === 'req-mask-0001');
        const internal = lines.find((l) => l.msg === 'internal error') as { err: { message: string } } | undefined;
        expect(internal?.err.message).toMatch(/statement timeout/);
        const request = lines.find((l) => l.msg === 'graphql request');
        expect(request).toMatchObject({ operationName: 'Slow', organization: 'VNCERT', outcome: 'INTERNAL_SERVER_ERROR' });
      },
      { captureLogs: true },
    );
  });

  test('rate limits per account and per API key: 429 with Retry-After over HTTP, RATE_LIMITED on the subscribe operation over WebSocket', async () => {
    await withHub({ ...PRODUCTION, RATE_LIMIT: 'true', RATE_LIMIT_PER_MINUTE: '6', RATE_LIMIT_BURST: '3' }, async (t) => {
      const handler = await t.token('handler@vncert.test');
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${handler}` });
        statuses.push(res.status);
        if (res.status === 429) refused = res;
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const retryAfter = Number(refused!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(10); // 6 a minute: one token every 10 s
      const body = (await refused!.json()) as { errors: GraphQLFormattedError[] };
      expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });

      // Another account of the same organization has its own bucket, and so does an API key.
      expect((await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${await t.token('admin@vncert.test')}` })).status).toBe(
        200,
      );
      const key = await apiKey(t, 'VNNIC');
      const keyStatuses: number[] = [];
      for (let i = 0; i < 4; i++) keyStatuses.push((await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${key}` })).status);
      expect(keyStatuses).toEqual([200, 200, 200, 429]);

      // WebSocket: the same bucket per principal; a refused subscribe gets RATE_LIMITED, the socket stays open.
      const analyst = await t.token('analyst@vnpt.test');
      const client = wsClient(t, `Bearer ${analyst}`);
      try {
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await wsRun(client, VIEWER));
        expect(results.slice(0, 3).every((r) => r.errors === undefined)).toBe(true);
        expect(results[3]!.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
        expect(results[3]!.errors?.[0]?.message).toMatch(/^Rate limit exceeded: retry in \d+ s$/);
      } finally {
        await client.dispose();
      }
      const metrics = await (await fetch(t.url.replace('/graphql', '/metrics'))).text();
      expect(metrics).toMatch(/^hub_rate_limited_total\{transport="http",principal="account"\} 1$/m);
      expect(metrics).toMatch(/^hub_rate_limited_total\{transport="http",principal="key"\} 1$/m);
      expect(metrics).toMatch(/^hub_rate_limited_total\{transport="ws",principal="account"\} 1$/m);
    });
  });

  test('configuration: CORS origins are exact origins, no wildcard; the other switches parse', () => {
    const base = { NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, HUB_DATA_DIR: path.join(ROOT, '.data', 'test-hub') };
    const config = loadConfig({
      ...base,
      CORS_ORIGINS: 'https://Portal.vncert.test/, http://localhost:5173',
      TRUST_PROXY: '1',
      METRICS_TOKEN: 'm',
      DB_STATEMENT_TIMEOUT_MS: '5000',
      BODY_LIMIT_BYTES: '4096',
    });
    expect(config.security).toMatchObject({
      corsOrigins: ['https://portal.vncert.test', 'http://localhost:5173'],
      trustProxy: 1,
      metricsToken: 'm',
      bodyLimitBytes: 4096,
    });
    expect(config.dbStatementTimeoutMs).toBe(5000);
    expect(config.security.rateLimit.enabled).toBe(true); // on by default in production
    for (const bad of ['*', 'https://portal.vncert.test/app', 'portal.vncert.test', 'ftp://x.test']) {
      expect(() => loadConfig({ ...base, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
    expect(loadConfig(base).security).toMatchObject({ corsOrigins: [], trustProxy: false, metricsToken: null });
  });

  test('the token bucket refills at the configured rate and holds at most the burst', () => {
    let now = 0;
    const bucket = new TokenBucketLimiter({ perMinute: 60, burst: 2 }, () => now);
    expect(bucket.take('a')).toEqual({ allowed: true });
    expect(bucket.take('a')).toEqual({ allowed: true });
    expect(bucket.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(bucket.take('a')).toEqual({ allowed: true });
    now += 3_600_000; // an hour idle still allows only the burst
    expect([bucket.take('a'), bucket.take('a'), bucket.take('a')].map((d) => d.allowed)).toEqual([true, true, false]);
    expect(bucket.take('b')).toEqual({ allowed: true });
  });
});

describe('operations', () => {
  test('one structured log line per GraphQL request: request id, organization, operation, duration, outcome', async () => {
    await withHub(
      { ...PRODUCTION, RATE_LIMIT: 'true', RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '2' },
      async (t) => {
        const token = await t.token('handler@vnpt.test');
        const ok = await post(t.url, JSON.stringify({ query: VIEWER, operationName: 'WhoAmI' }), { authorization: `Bearer ${token}` });
        const okId = ok.headers.get('x-request-id');
        expect(okId).toMatch(/^[0-9a-f-]{36}$/);
        const forbidden = await post(
          t.url,
          JSON.stringify({
            query: 'query Stats { incidentStatistics(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", groupBy: [STATUS]) { count } }',
          }),
          { authorization: `Bearer ${token}`, 'x-request-id': 'client-chosen-42' },
        );
        expect(forbidden.headers.get('x-request-id')).toBe('client-chosen-42');
        await forbidden.text();
        const limited = await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${token}` });
        expect(limited.status).toBe(429);
        const anonymous = await post(t.url, JSON.stringify({ query: VIEWER }));
        expect(anonymous.status).toBe(401);
        // A header that could forge log content is replaced.
        const forged = await post(t.url, JSON.stringify({ query: VIEWER }), {
          authorization: `Bearer ${await t.token('handler@vncert.test')}`,
          'x-request-id': 'a b\\n{"level":60}',
        });
        expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

        await new Promise((r) => setTimeout(r, 50));
        const lines = t.logs().filter((l) => l.msg === 'graphql request');
        expect(lines).toHaveLength(5);
        expect(lines[0]).toMatchObject({
          requestId: okId,
          transport: 'http',
          method: 'POST',
          status: 200,
          organization: 'VNPT',
          operationName: 'WhoAmI',
          operationType: 'query',
          outcome: 'ok',
        });
        expect(lines[0]!.principal).toMatch(/^account:[0-9a-f-]{36}$/);
        expect(typeof lines[0]!.durationMs).toBe('number');
        expect(lines[1]).toMatchObject({
          requestId: 'client-chosen-42',
          organization: 'VNPT',
          operationName: 'Stats',
          operationType: 'query',
          outcome: 'FORBIDDEN',
        });
        expect(lines[2]).toMatchObject({ status: 429, organization: 'VNPT', outcome: 'RATE_LIMITED', operationName: null });
        expect(lines[3]).toMatchObject({ status: 401, organization: null, outcome: 'UNAUTHENTICATED' });
        expect(lines[4]!.requestId).toBe(forged.headers.get('x-request-id'));
      },
      { captureLogs: true },
    );
  });

  test('/metrics: Prometheus text with requests and latency by operation and outcome, active subscriptions, database pool; METRICS_TOKEN closes it', async () => {
    await withHub({ ...PRODUCTION, METRICS_TOKEN: 'metrics-secret-0123456789' }, async (t) => {
      const metricsUrl = t.url.replace('/graphql', '/metrics');
      expect((await fetch(metricsUrl)).status).toBe(401);
      expect((await fetch(metricsUrl, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const read = async () => {
        const res = await fetch(metricsUrl, { headers: { authorization: 'Bearer metrics-secret-0123456789' } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        return res.text();
      };
      const token = await t.token('handler@vncert.test');
      await post(t.url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${token}` });
      await post(
        t.url,
        JSON.stringify({
          query: 'query Stats { incidentStatistics(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", groupBy: [STATUS]) { count } }',
        }),
        { authorization: `Bearer ${await t.token('handler@vnpt.test')}` },
      );
      await post(t.url, JSON.stringify({ query: VIEWER }));
      const live = wsClient(t, `Bearer ${token}`);
      const events: unknown[] = [];
      const unsubscribe = live.subscribe(
        { query: 'subscription Live { incidentEvents { cursor } }' },
        { next: (v) => events.push(v), error: () => undefined, complete: () => undefined },
      );
      try {
        let text = '';
        for (let i = 0; i < 50 && !/^hub_subscriptions_active 1$/m.test(text); i++) {
          text = await read();
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(text).toMatch(/^hub_subscriptions_active 1$/m);
        expect(text).toMatch(/^# TYPE hub_graphql_request_duration_seconds histogram$/m);
        expect(text).toMatch(/^hub_graphql_requests_total\{transport="http",operation="WhoAmI",outcome="ok"\} 1$/m);
        expect(text).toMatch(/^hub_graphql_requests_total\{transport="http",operation="Stats",outcome="FORBIDDEN"\} 1$/m);
        expect(text).toMatch(/^hub_graphql_requests_total\{transport="http",operation="__unresolved",outcome="UNAUTHENTICATED"\} 1$/m);
        expect(text).toMatch(/^hub_graphql_request_duration_seconds_bucket\{le="0\.5",transport="http",operation="WhoAmI",outcome="ok"\} 1$/m);
        expect(text).toMatch(/^hub_graphql_request_duration_seconds_count\{transport="http",operation="WhoAmI",outcome="ok"\} 1$/m);
        expect(text).toMatch(/^hub_db_pool_connections\{state="total"\} \d+$/m);
        expect(text).toMatch(/^hub_db_pool_connections\{state="idle"\} \d+$/m);
        expect(text).toMatch(/^hub_db_pool_waiting_requests 0$/m);
        expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      } finally {
        unsubscribe();
        await live.dispose();
      }
      let after = '';
      for (let i = 0; i < 50 && !/^hub_subscriptions_active 0$/m.test(after); i++) {
        after = await read();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(after).toMatch(/^hub_subscriptions_active 0$/m);
      expect(after).toMatch(/^hub_graphql_requests_total\{transport="ws",operation="Live",outcome="ok"\} 1$/m);
    });
  });

  test('secrets never reach the logs: bearer tokens, API keys, connection_init credentials', async () => {
    const chunks: string[] = [];
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'trace',
      LOAD_DEMO_DATA: 'false',
      HUB_DATA_DIR: path.join(ROOT, '.data', 'test-hub'),
      HOST: '127.0.0.1',
      DB_STATEMENT_TIMEOUT_MS: '300',
      NOTIFICATIONS: 'off',
    });
    const log = createLogger(
      config,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          chunks.push(chunk.toString());
          cb();
        },
      }),
    );
    const databaseUrl = await cloneDatabase();
    const hub = await bootHub({ config, databaseUrl, clock: new AdjustableClock(), port: 0, log });
    const url = `http://127.0.0.1:${hub.port}/graphql`;
    const direct = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    try {
      const [{ id }] = (await direct.query<{ id: string }>(`select id from account where email = 'admin@vnnic.test'`)).rows as [{ id: string }];
      const jwt = await signDevToken({ secret: new TextEncoder().encode(TEST_JWT_SECRET), accountId: id, now: new Date() });
      // A key made through the API (its secret is in the response only).
      const created = await post(
        url,
        JSON.stringify({ query: 'mutation { createApiKey(input: { name: "feed", capabilities: ["DOMAIN_FEED_READ"] }) { secret apiKey { id } } }' }),
        { authorization: `Bearer ${jwt}` },
      );
      const secret = ((await created.json()) as { data: { createApiKey: { secret: string } } }).data.createApiKey.secret;
      expect(secret).toMatch(/^hubk_/);
      await post(url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${secret}` });
      const typo = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
      await post(url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${typo}` });
      await post(url, JSON.stringify({ query: VIEWER }), { authorization: `Bearer ${jwt}x` });
      // An internal error (statement timeout) on a key's request: logged with its stack, still no secret.
      const locker = new pg.Client({ connectionString: databaseUrl });
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table incident in access exclusive mode');
      await post(url, JSON.stringify({ query: '{ incidents(first: 1) { edges { node { id } } } }' }), { authorization: `Bearer ${jwt}` });
      await locker.query('rollback');
      await locker.end();
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${secret}` },
        retryAttempts: 0,
      });
      await wsRun(client, VIEWER);
      await client.dispose();
      const bad = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${typo}` },
        retryAttempts: 0,
      });
      await wsRun(bad, VIEWER);
      await bad.dispose();
      // Redaction itself: whatever a future log call passes, the configured paths are censored.
      log.info(
        { req: { headers: { authorization: `Bearer ${jwt}` } }, connectionParams: { authorization: `Bearer ${secret}` }, secret, token: jwt },
        'redaction probe',
      );
      await new Promise((r) => setTimeout(r, 100));

      const text = chunks.join('');
      expect(text).toContain('"graphql request"');
      expect(text).toContain('internal error');
      expect(text).toContain('redaction probe');
      for (const s of [jwt, `${jwt}x`, secret, typo, secret.slice(5), jwt.split('.')[2]!]) expect(text).not.toContain(s);
      expect(text).not.toMatch(/hubk_[0-9A-Za-z]{20,}/);
      expect(text).not.toMatch(/eyJ[0-9A-Za-z_-]{10,}\./);
      const probe = JSON.parse(chunks.find((c) => c.includes('redaction probe'))!) as Record<string, unknown>;
      expect(probe).toMatchObject({
        req: { headers: { authorization: '[redacted]' } },
        connectionParams: { authorization: '[redacted]' },
        secret: '[redacted]',
        token: '[redacted]',
      });
    } finally {
      await direct.end();
      await hub.shutdown();
    }
  });

  test('graceful shutdown: an in-flight mutation finishes and commits, subscribers get 1001, then the port is closed', async () => {
    const t = await startTestHub(PRODUCTION);
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    let shutdown: Promise<void> | undefined;
    try {
      const token = await t.token('reporter@acme.test');
      const subscriber = wsClient(t, `Bearer ${await t.token('handler@vncert.test')}`);
      const closed = new Promise<number>((resolve) => subscriber.on('closed', (e) => resolve((e as { code: number }).code)));
      subscriber.subscribe(
        { query: 'subscription { incidentEvents { cursor } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      await new Promise<void>((resolve) => subscriber.on('connected', () => resolve()));

      await locker.query('begin');
      await locker.query('lock table incident in exclusive mode');
      const report = post(
        t.url,
        JSON.stringify({
          query: 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference } }',
          variables: {
            i: {
              title: 'Slow report during shutdown',
              description: 'in flight',
              detectedAt: '2026-11-20T08:00:00Z',
              reporterContact: { name: 'A' },
              idempotencyKey: 'shutdown-inflight-1',
            },
          },
        }),
        { authorization: `Bearer ${token}` },
      );
      // Wait until the report's transaction is blocked on the lock: it is in flight.
      for (let i = 0; i < 100; i++) {
        const { rows } = await locker.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if (Number(rows[0]!.n) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      let shutdownDone = false;
      shutdown = t.hub.shutdown().then(() => {
        shutdownDone = true;
      });
      expect(await closed).toBe(1001);
      await new Promise((r) => setTimeout(r, 300));
      expect(shutdownDone).toBe(false); // still draining: the request holds it open
      await locker.query('commit');
      const res = await report;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { reportIncident: { reference: string } } };
      expect(body.data.reportIncident.reference).toMatch(/^VN-\d{4}-\d{6}$/);
      await shutdown;
      const rows = await t.sql<{ n: string }>(`select count(*) as n from incident where reference = $1`, [body.data.reportIncident.reference]);
      expect(Number(rows[0]!.n)).toBe(1);
      await expect(fetch(t.url, { method: 'POST' })).rejects.toThrow();
      await subscriber.dispose();
    } finally {
      await locker.end().catch(() => undefined);
      await shutdown?.catch(() => undefined);
      // The hub is already shut down: close() ends the harness's own pool, then fails on the second shutdown.
      await t.close().catch(() => undefined);
    }
  });
});
