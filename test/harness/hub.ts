import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { AdjustableClock } from '../../src/clock';
import { bootHub, createLogger, type RunningHub } from '../../src/app/bootstrap';
import { signDevToken } from '../../src/auth/tokens';
import pino from 'pino';
import { Writable } from 'node:stream';

export const TEST_JWT_SECRET = 'x'.repeat(32);
export const ROOT = path.resolve(__dirname, '..', '..');

export function adminUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL missing: run the tests through jest (global setup)');
  return url;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh database cloned from the template (migrations and demo data already applied). */
export async function cloneDatabase(): Promise<string> {
  // hub_test_<pid of the run>_<random>: the run's teardown (or a later run, if this one was killed) drops it.
  const runPid = /_(\d+)$/.exec(process.env.TEST_TEMPLATE_DATABASE ?? '')?.[1] ?? '0';
  const name = `hub_test_${runPid}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${process.env.TEST_TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl(), name);
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface TestHub {
  hub: RunningHub;
  url: string;
  databaseUrl: string;
  clock: AdjustableClock;
  config: Config;
  token(email: string, opts?: { expiresInSeconds?: number }): Promise<string>;
  gql<T = Record<string, unknown>>(auth: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  as<T = Record<string, unknown>>(email: string, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Structured log lines written so far (with `captureLogs`). */
  logs(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real server on a free port, over a cloned database, with production-like switches unless overridden. */
export async function startTestHub(
  env: Record<string, string> = {},
  opts: { captureLogs?: boolean } = {},
  existingDatabaseUrl?: string,
): Promise<TestHub> {
  const databaseUrl = existingDatabaseUrl ?? (await cloneDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    LOAD_DEMO_DATA: 'false',
    HUB_DATA_DIR: path.join(ROOT, '.data', 'test-hub'),
    HOST: '127.0.0.1',
    // Notifications run only in the tests that ask for them (NOTIFICATIONS=on).
    NOTIFICATIONS: 'off',
    ...env,
  });
  const clock = new AdjustableClock();
  const lines: Record<string, unknown>[] = [];
  const log = opts.captureLogs
    ? pino(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
            cb();
          },
        }),
      )
    : createLogger(config);
  const hub = await bootHub({ config, databaseUrl, clock, port: 0, log });
  const url = `http://127.0.0.1:${hub.port}/graphql`;
  const direct = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const accountIds = new Map<string, string>();
  const token = async (email: string, opts: { expiresInSeconds?: number } = {}) => {
    let id = accountIds.get(email);
    if (!id) {
      const res = await direct.query<{ id: string }>('select id from account where email = $1', [email]);
      if (!res.rows[0]) throw new Error(`no account ${email}`);
      id = res.rows[0].id;
      accountIds.set(email, id);
    }
    return signDevToken({
      secret: new TextEncoder().encode(TEST_JWT_SECRET),
      accountId: id,
      expiresInSeconds: opts.expiresInSeconds,
      now: clock.now(),
    });
  };
  const gql = async <T>(auth: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers.authorization = auth.startsWith('Bearer ') ? auth : `Bearer ${auth}`;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as GqlResult<T>;
    return { ...body, status: res.status };
  };
  return {
    hub,
    url,
    databaseUrl,
    clock,
    config,
    token,
    gql,
    as: async (email, query, variables) => gql(await token(email), query, variables),
    sql: async (text, values) => (await direct.query(text, values)).rows,
    logs: () => lines,
    close: async () => {
      await direct.end();
      await hub.shutdown();
    },
  };
}

/** The error codes of a result, for compact assertions. */
export function codes(result: GqlResult): string[] {
  return (result.errors ?? []).map((e) => String(e.extensions?.code));
}
