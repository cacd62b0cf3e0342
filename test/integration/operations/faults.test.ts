import crypto from 'node:crypto';
import WebSocket from 'ws';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { TEST_JWT_SECRET } from '../../harness/hub';
import { startHubProcess, type HubProcess } from '../../harness/process';
import { startDedicatedPostgres, sqlOnce as sqlOnceOn, type DedicatedPostgres } from '../../harness/postgres';
import { INCIDENT_EVENTS } from '../../harness/ws';
import { signDevToken } from '../../../src/auth/tokens';

/**
 * DESIGN.md / issue 8 "Faults": the PostgreSQL server process goes away (fast shutdown of the
 * postmaster, not just pool connections killed) while clients keep reporting and a subscriber
 * listens; it comes back a few seconds later. Every answer is either a success or a clear
 * SERVICE_UNAVAILABLE (HTTP 503) — never a hang or a crash —, every success exists exactly once,
 * every failure can be retried with its idempotency key and then exists exactly once, the
 * subscriber ends with every committed event exactly once and in order, and the hub recovers by itself.
 *
 * The database is a dedicated server (test/harness/postgres.ts), not the shared test one; the hub
 * runs as a separate process (`node dist/main.js`) so that a crash would show as an exit.
 */

const TEST_BUDGET_MS = 85_000;
jest.setTimeout(TEST_BUDGET_MS + 5_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pgServer: DedicatedPostgres | undefined;
let hub: HubProcess | undefined;
let databaseUrl = '';
let subscriber: ResumingSubscriber | undefined;

/** Statements on a short-lived connection (the harness's `sqlOnce`) against this file's database. */
function sqlOnce<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return sqlOnceOn<T>(databaseUrl, text, values, 5000);
}

async function tokenFor(email: string): Promise<string> {
  const [row] = await sqlOnce<{ id: string }>('select id from account where email = $1', [email]);
  if (!row) throw new Error(`no account ${email}`);
  return signDevToken({ secret: new TextEncoder().encode(TEST_JWT_SECRET), accountId: row.id, expiresInSeconds: 3600 });
}

/** Waits until `check` holds, at most `ms`; returns whether it did. */
async function until(check: () => boolean | Promise<boolean>, ms: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}

type Phase = 'before' | 'down' | 'after';

interface ReportInput {
  title: string;
  description: string;
  detectedAt: string;
  reporterContact: { name: string };
  indicators: { type: string; value: string }[];
  idempotencyKey: string;
}

interface Answer {
  httpStatus: number | null; // null: no HTTP answer at all (network error or our timeout)
  retryAfter: string | null;
  code: string | null;
  reference: string | null;
  duplicate: boolean | null;
  ms: number;
  failure: string | null;
}

interface Attempt extends Answer {
  client: string;
  /** Who sent it: a retry must come from the same principal. */
  email: string;
  input: ReportInput;
  phase: Phase;
}

const REPORT = `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference duplicate incident { id } } }`;

async function postReport(url: string, token: string, input: ReportInput): Promise<Answer> {
  const t0 = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: REPORT, variables: { i: input } }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as {
      data?: { reportIncident: { reference: string; duplicate: boolean } } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const ok = res.status === 200 && !body.errors?.length && body.data?.reportIncident;
    return {
      httpStatus: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body.errors?.[0]?.extensions?.code ?? null,
      reference: ok ? body.data!.reportIncident.reference : null,
      duplicate: ok ? body.data!.reportIncident.duplicate : null,
      ms: Date.now() - t0,
      failure: ok ? null : `HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`,
    };
  } catch (err) {
    return {
      httpStatus: null,
      retryAfter: null,
      code: null,
      reference: null,
      duplicate: null,
      ms: Date.now() - t0,
      failure: `no answer: ${(err as Error).message}`,
    };
  }
}

interface Received {
  cursor: string;
  type: string;
  reference: string | null;
}

/**
 * A graphql-ws subscriber that behaves as a careful client should: when its socket closes or an event
 * arrives with errors, it reconnects and resumes with `after` = the last cursor it received.
 */
class ResumingSubscriber {
  readonly received: Received[] = [];
  readonly closeCodes: number[] = [];
  readonly errors: string[] = [];
  connects = 0;
  private client: Client | null = null;
  private stopped = false;

  constructor(
    private readonly wsUrl: string,
    private readonly token: string,
    private cursor: string,
    private readonly maxConnects = 200,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.stopped || this.connects >= this.maxConnects) return;
    this.connects++;
    let over = false;
    const again = () => {
      if (over) return;
      over = true;
      // dispose() rejects when the socket never opened (closed during connection_init): nothing to do then.
      Promise.resolve(client.dispose()).catch(() => undefined);
      if (!this.stopped) setTimeout(() => this.connect(), 300);
    };
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: {
        closed: (e) => {
          if (over || this.stopped) return;
          this.closeCodes.push((e as { code: number }).code);
          again();
        },
      },
    });
    this.client = client;
    client.subscribe<{ incidentEvents: { cursor: string; type: string; incident: { reference: string } | null } | null }>(
      { query: INCIDENT_EVENTS, variables: { after: this.cursor } },
      {
        next: (v) => {
          if (over) return;
          if (v.errors?.length) {
            this.errors.push(JSON.stringify(v.errors).slice(0, 300));
            again(); // this event was not received whole: resume before it
            return;
          }
          const e = v.data?.incidentEvents;
          if (!e) return;
          this.received.push({ cursor: e.cursor, type: e.type, reference: e.incident?.reference ?? null });
          this.cursor = e.cursor;
        },
        error: (err) => {
          if (over) return;
          this.errors.push(String((err as Error)?.message ?? JSON.stringify(err)).slice(0, 300));
          again();
        },
        complete: () => again(),
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.resolve(this.client?.dispose()).catch(() => undefined);
  }
}

beforeAll(async () => {
  pgServer = await startDedicatedPostgres();
  databaseUrl = await pgServer.createDatabase('hub_fault');
  // An empty database: the hub runs the migrations and loads the demo data itself.
  hub = await startHubProcess({
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    NODE_ENV: 'test',
    LOAD_DEMO_DATA: 'true',
    LOG_LEVEL: 'warn',
  });
}, 120_000);

afterAll(async () => {
  await subscriber?.stop();
  if (hub && hub.child.exitCode !== null) process.stderr.write(`hub exited with ${hub.child.exitCode}:\n${hub.output().slice(-6000)}\n`);
  if (hub && hub.child.exitCode === null) {
    process.kill(-hub.child.pid!, 'SIGTERM');
    await Promise.race([hub.exited, sleep(15_000)]);
    if (hub.child.exitCode === null) process.kill(-hub.child.pid!, 'SIGKILL');
  }
  await pgServer?.close();
}, 60_000);

test('PostgreSQL stopped and restarted under load: 503s, no hang, no crash, every report exactly once, subscriber without a gap', async () => {
  const began = Date.now();
  const deadline = began + TEST_BUDGET_MS - 15_000; // leave room for the checks
  const url = hub!.url;
  const base = url.replace(/\/graphql$/, '');
  const writers = ['reporter@acme.test', 'handler@vnpt.test', 'handler@fpt.test'];
  const tokens = new Map<string, string>();
  for (const email of [...writers, 'handler@vncert.test']) tokens.set(email, await tokenFor(email));
  const [{ start }] = await sqlOnce<{ start: string }>('select coalesce(max(position), 0)::text as start from incident_event');

  // The subscriber is connected (and receiving) before the outage.
  const sub = new ResumingSubscriber(url.replace(/^http/, 'ws'), tokens.get('handler@vncert.test')!, start);
  subscriber = sub;

  let phase: Phase = 'before';
  let stopWriters = false;
  const attempts: Attempt[] = [];
  const run = crypto.randomBytes(4).toString('hex');
  const writer = async (email: string) => {
    const name = email.split('@')[0] + '-' + email.split('@')[1].split('.')[0];
    for (let n = 0; !stopWriters && n < 5000 && Date.now() < deadline; n++) {
      const input: ReportInput = {
        title: `Fault run ${run}: ${name} #${n}`,
        description: 'Reported while the database restarts',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        reporterContact: { name: 'Fault tester' },
        indicators: [{ type: 'DOMAIN', value: `r${n}.${name}.fault-${run}.vn` }],
        idempotencyKey: `fault-${run}-${name}-${n}`,
      };
      const at = phase;
      const answer = await postReport(url, tokens.get(email)!, input);
      attempts.push({ ...answer, client: name, email, input, phase: at === 'down' || phase === 'down' ? 'down' : at });
      await sleep(10);
    }
  };
  const readyz: { phase: Phase; status: number | null }[] = [];
  const readyzPoller = (async () => {
    while (!stopWriters && Date.now() < deadline) {
      const at = phase;
      let status: number | null = null;
      try {
        status = (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
      } catch {
        status = null;
      }
      readyz.push({ phase: at, status });
      await sleep(200);
    }
  })();
  const running = writers.map((w) => writer(w));

  // Load before the outage, and the subscriber demonstrably live.
  expect(await until(() => attempts.filter((a) => a.reference).length >= 9 && sub.received.length >= 3, 20_000)).toBe(true);

  // The outage: the postmaster itself goes away (fast shutdown), stays away, and comes back.
  phase = 'down';
  const stopAt = Date.now();
  const pidBefore = pgServer!.pid();
  await pgServer!.stop();
  const stoppedAt = Date.now();
  expect(pgServer!.pid()).toBeNull();
  await sleep(3_000);
  // While it is down the hub answers, fast, with 503.
  const duringDown = await postReport(url, tokens.get('reporter@acme.test')!, {
    title: 'probe',
    description: 'probe',
    detectedAt: new Date(Date.now() - 60_000).toISOString(),
    reporterContact: { name: 'p' },
    indicators: [],
    idempotencyKey: `fault-${run}-probe`,
  });
  const readyDown = await fetch(`${base}/readyz`);
  await pgServer!.start();
  const upAt = Date.now();
  phase = 'after';
  const pidAfter = pgServer!.pid();

  // The hub recovers by itself: each writer gets successes again, /readyz says ready.
  const recovered = await until(
    () => writers.every((w) => attempts.filter((a) => a.email === w && a.phase === 'after' && a.reference).length >= 3),
    25_000,
  );
  stopWriters = true;
  await Promise.all(running);
  await readyzPoller;
  expect(recovered).toBe(true);

  // --- every answer was a success or a clear, fast 503 ---
  const successes = attempts.filter((a) => a.reference);
  const failures = attempts.filter((a) => !a.reference);
  const unexpected = failures.filter((a) => !(a.httpStatus === 503 && a.code === 'SERVICE_UNAVAILABLE'));
  expect(unexpected.map((a) => `${a.client} ${a.phase}: ${a.failure}`)).toEqual([]);
  expect(failures.length).toBeGreaterThan(0); // the outage was felt
  expect(Math.max(...attempts.map((a) => a.ms))).toBeLessThan(10_000); // no hang
  expect(duringDown.httpStatus).toBe(503);
  expect(duringDown.code).toBe('SERVICE_UNAVAILABLE');
  expect(duringDown.retryAfter).toMatch(/^\d+$/);
  expect(duringDown.ms).toBeLessThan(6_000);
  expect(readyDown.status).toBe(503);
  expect(readyz.some((r) => r.phase === 'down' && r.status === 503)).toBe(true);
  expect(readyz.filter((r) => r.status === null)).toEqual([]); // the hub itself never went away
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect(hub!.child.exitCode).toBeNull();

  // --- every success exists exactly once, under its own reference ---
  const byKey = async (keys: string[]) =>
    new Map(
      (
        await sqlOnce<{ key: string; n: number; reference: string }>(
          `select idempotency_key as key, count(*)::int as n, min(reference) as reference from incident where idempotency_key = any($1::text[]) group by idempotency_key`,
          [keys],
        )
      ).map((r) => [r.key, r]),
    );
  const stored = await byKey(successes.map((a) => a.input.idempotencyKey));
  for (const a of successes) {
    expect({
      key: a.input.idempotencyKey,
      n: stored.get(a.input.idempotencyKey)?.n,
      reference: stored.get(a.input.idempotencyKey)?.reference,
    }).toEqual({ key: a.input.idempotencyKey, n: 1, reference: a.reference });
  }

  // --- every failure can be retried with its idempotency key, and then exists exactly once ---
  let retriedDuplicates = 0;
  const failedKeys = [...new Set(failures.map((a) => a.input.idempotencyKey))];
  const committedBeforeRetry = (await byKey(failedKeys)).size; // answered with an error, yet committed (commit reply lost)
  for (const a of failures) {
    // The same principal as the first attempt: an idempotency key is scoped to it.
    const retry = await postReport(url, tokens.get(a.email)!, a.input);
    expect({ key: a.input.idempotencyKey, failure: retry.failure }).toEqual({ key: a.input.idempotencyKey, failure: null });
    if (retry.duplicate) retriedDuplicates++;
    a.reference = retry.reference;
  }
  const afterRetry = await byKey(failedKeys);
  for (const a of failures) {
    expect({
      key: a.input.idempotencyKey,
      n: afterRetry.get(a.input.idempotencyKey)?.n,
      reference: afterRetry.get(a.input.idempotencyKey)?.reference,
    }).toEqual({ key: a.input.idempotencyKey, n: 1, reference: a.reference });
  }
  // Nothing else was created: one incident per key of this run (and the probe, if it got through).
  const [{ total }] = await sqlOnce<{ total: number }>(
    `select count(*)::int as total from incident where idempotency_key like $1 and idempotency_key <> $2`,
    [`fault-${run}-%`, `fault-${run}-probe`],
  );
  expect(total).toBe(new Set(attempts.map((a) => a.input.idempotencyKey)).size);

  // --- the subscriber resumed without a gap: the committed events, in commit order, exactly once ---
  const committed = await sqlOnce<{ position: string; type: string; reference: string }>(
    `select e.position::text as position, e.type, i.reference from incident_event e join incident i on i.id = e.incident_id where e.position > $1::bigint order by e.position`,
    [start],
  );
  const drained = await until(() => sub.received.length >= committed.length, 20_000);
  await sub.stop();
  expect(drained).toBe(true);
  expect(sub.received.map((e) => `${e.cursor} ${e.type} ${e.reference}`)).toEqual(committed.map((e) => `${e.position} ${e.type} ${e.reference}`));
  // …and they are exactly the REPORTED events of the reports that succeeded (the first time or on retry), one each.
  const reported = new Set(attempts.map((a) => a.reference!));
  expect(committed.filter((e) => e.type !== 'REPORTED')).toEqual([]);
  expect(committed.length).toBe(reported.size);
  expect(new Set(committed.map((e) => e.reference))).toEqual(reported);

  // --- and the server answers normally ---
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('handler@vncert.test')}` },
    body: JSON.stringify({
      query: `query($r: String!) { viewer { organization { code } } incidentByReference(reference: $r) { reference status } }`,
      variables: { r: successes[successes.length - 1].reference },
    }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    data: {
      viewer: { organization: { code: 'VNCERT' } },
      incidentByReference: { reference: successes[successes.length - 1].reference, status: 'REPORTED' },
    },
  });
  // The event listener reconnected once: one LISTEN connection, not a pile of them.
  const [{ listeners }] = await sqlOnce<{ listeners: number }>(
    `select count(*)::int as listeners from pg_stat_activity where application_name = 'incident-hub-listener' and datname = current_database()`,
  );
  expect(listeners).toBe(1);
  expect(hub!.output()).not.toMatch(/"msg":"internal error"/);

  const summary = {
    postmasterPid: { before: pidBefore, after: pidAfter },
    outageMs: upAt - stopAt,
    stopMs: stoppedAt - stopAt,
    attempts: attempts.length,
    succeeded: successes.length,
    failedThenRetried: failures.length,
    failedButCommitted: committedBeforeRetry,
    retriedAnsweredDuplicate: retriedDuplicates,
    failuresByPhase: {
      before: failures.filter((a) => a.phase === 'before').length,
      down: failures.filter((a) => a.phase === 'down').length,
      after: failures.filter((a) => a.phase === 'after').length,
    },
    slowestAnswerMs: Math.max(...attempts.map((a) => a.ms)),
    slowestFailureMs: Math.max(...failures.map((a) => a.ms)),
    readyz: { down503: readyz.filter((r) => r.status === 503).length, ok200: readyz.filter((r) => r.status === 200).length },
    subscriber: {
      events: sub.received.length,
      committedEvents: committed.length,
      connects: sub.connects,
      closeCodes: sub.closeCodes,
      errors: sub.errors.length,
    },
    testMs: Date.now() - began,
  };
  process.stdout.write(`fault test: ${JSON.stringify(summary)}\n`);
  expect(Date.now() - began).toBeLessThan(TEST_BUDGET_MS);
});
