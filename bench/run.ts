import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT, tokens, incidentRepo, clockModule, type Viewer } from './dist';
import { startDatabase, freshDatabase, prepareBench, loadedScale, markLoaded, serverVersion, withDatabase, BENCH_DATABASE } from './setup';
import { loadData, sizesAt, orgByCode, orgViewer, ensureConstituentAccounts, type OrgRow } from './data';
import {
  INCIDENTS_PAGE,
  INCIDENT_DETAIL,
  NODE_BY_ID,
  TYPENAME,
  typenameFloor,
  DOMAIN_CASES_PAGE,
  REPORT_INCIDENT,
  incidentsPageFloor,
  incidentDetailFloor,
  nodeByIdFloor,
  domainCasesFloor,
  reportFloor,
  sameData,
  firstDifference,
  type Operation,
  type ReportInput,
} from './operations';
import { startHub, post, BENCH_JWT_SECRET, type HubProcess } from './hub';
import { hubLoad, floorLoad, type Stats } from './load';
import { explainOperations, summarize, StatementCapture, type ExplainResult } from './explain';
import { subscriptionBench, nationalSubscribers, subscriptionFigures, subscriptionLine, type SubscriptionResult } from './subscriptions';
import { newestProfile, summarizeProfile } from './profile';
import { CpuMeter } from './cpu';
import { abuseBench, type AbuseResult } from './abuse';
import { notificationBench, type NotificationResult } from './notifications';

/**
 * `npm run bench` (DESIGN.md §6 bench/, issue 6): a large data set, the hub over HTTP under load at
 * several concurrency levels against the SQL floor, EXPLAIN plans, and live subscriptions.
 *
 * Environment: BENCH_SCALE (1 = 100k incidents), BENCH_DURATION (seconds per measurement, 5),
 * BENCH_WARMUP (seconds of load before the first measurement of each operation, 5: the JIT settles),
 * BENCH_CONCURRENCY (1,8,32), BENCH_ONLY (operation names; `abuse` or `notifications` alone runs only that section),
 * BENCH_VIEWERS (coordinator,isp,registry), BENCH_SUBSCRIBERS (1000),
 * BENCH_SUBSCRIBERS_LARGE (10000 of 20 organizations; 0 skips that run), BENCH_SUB_PROCESSES (its client processes, 4),
 * BENCH_EVENT_RATE (reports/s, 25), BENCH_SUB_SECONDS (10), BENCH_ABUSE_SECONDS (3), BENCH_REUSE=1 (keep a loaded data set of
 * the same scale), BENCH_CPU_PROF=1 (profile the hub), BENCH_SKIP=explain,subscriptions,abuse,notifications,
 * BENCH_NOTIFY_ENDPOINTS (webhook receivers, 50), BENCH_NOTIFY_BACKLOG (reports whose notifications are drained, 300),
 * BENCH_NOTIFY_RATE (reports/s, 25), BENCH_NOTIFY_SECONDS (10),
 * BENCH_DATABASE_URL (else an embedded PostgreSQL in .data/bench),
 * BENCH_HUB_DIST and BENCH_HUB_NODE_FLAGS (another build of the hub, other Node flags: before/after an optimization),
 * BENCH_HUB_WORKERS (the hub's HUB_WORKERS, 1), BENCH_RESULTS (where to write the results of a partial run).
 */

const env = process.env;
const SCALE = Number(env.BENCH_SCALE ?? '1');
const SECONDS = Number(env.BENCH_DURATION ?? '5');
const WARMUP_SECONDS = Number(env.BENCH_WARMUP ?? '5');
const CONCURRENCY = (env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const ONLY = env.BENCH_ONLY ? env.BENCH_ONLY.split(',') : null;
const VIEWERS = env.BENCH_VIEWERS ? env.BENCH_VIEWERS.split(',') : null;
const SKIP = new Set((env.BENCH_SKIP ?? '').split(',').filter(Boolean));
/**
 * BENCH_ONLY=abuse or notifications: that section alone (after the data, which the hub reads); other
 * BENCH_ONLY values leave them out.
 */
const NAMED_SECTIONS = ['abuse', 'notifications'];
const SECTIONS_ONLY = ONLY !== null && ONLY.every((name) => NAMED_SECTIONS.includes(name));
const runs = (section: 'explain' | 'subscriptions' | 'abuse' | 'notifications'): boolean =>
  !SKIP.has(section) && (NAMED_SECTIONS.includes(section) ? !ONLY || ONLY.includes(section) : !SECTIONS_ONLY);
const ABUSE_SECONDS = Number(env.BENCH_ABUSE_SECONDS ?? '3');
const SUBSCRIBERS = Number(env.BENCH_SUBSCRIBERS ?? '1000');
const LARGE_SUBSCRIBERS = Number(env.BENCH_SUBSCRIBERS_LARGE ?? '10000');
const SUB_PROCESSES = Number(env.BENCH_SUB_PROCESSES ?? '4');
const EVENT_RATE = Number(env.BENCH_EVENT_RATE ?? '25');
const SUB_SECONDS = Number(env.BENCH_SUB_SECONDS ?? '10');
const NOTIFY_ENDPOINTS = Number(env.BENCH_NOTIFY_ENDPOINTS ?? '50');
const NOTIFY_BACKLOG = Number(env.BENCH_NOTIFY_BACKLOG ?? '300');
const NOTIFY_RATE = Number(env.BENCH_NOTIFY_RATE ?? String(EVENT_RATE));
const NOTIFY_SECONDS = Number(env.BENCH_NOTIFY_SECONDS ?? '10');
const REUSE = env.BENCH_REUSE === '1';
const CPU_PROF = env.BENCH_CPU_PROF === '1';
const VARIANTS = 20;
const PAGE = 50;
/** Only a complete full-size run writes the committed results. */
const FULL_RUN =
  SCALE === 1 && !ONLY && !VIEWERS && SKIP.size === 0 && !CPU_PROF && !env.BENCH_HUB_DIST && !env.BENCH_HUB_NODE_FLAGS && !env.BENCH_HUB_WORKERS;
const RESULTS = env.BENCH_RESULTS
  ? path.resolve(env.BENCH_RESULTS)
  : FULL_RUN
    ? path.join(ROOT, 'bench', 'results', 'latest.json')
    : path.join(ROOT, '.data', 'bench', 'partial-results.json');
const PROF_DIR = path.join(ROOT, '.data', 'bench', 'prof');

const log = (msg: string) => process.stdout.write(`${msg}\n`);

interface Persona {
  key: 'coordinator' | 'isp' | 'registry';
  email: string;
  org: OrgRow;
  viewer: Viewer;
  accountId: string;
  token: string;
}

interface OperationResult {
  name: string;
  viewer: string;
  concurrency: number;
  /** rssPeakMb: the hub's resident memory (its workers' included) at its highest during this load. */
  hub: { rps: number; p50Ms: number; p99Ms: number; cpuMsPerRequest: Stats['cpuMs']; rssPeakMb: number };
  sqlFloor: { rps: number; p50Ms: number; p99Ms: number; cpuMsPerRequest: Stats['cpuMs'] };
  ratio: number;
  /** CPU per request, hub (process + database) / floor (client + database): independent of the machine's other load. */
  cpuRatio: number | null;
  hubErrors: number;
  floorErrors: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: '',
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  log(
    `Benchmark: scale ${SCALE}, ${SECONDS} s per measurement, concurrency ${CONCURRENCY.join('/')}, ${machine.cores} × ${machine.cpu}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );

  const { adminUrl, pg: embeddedPg } = await startDatabase(log);
  let hub: HubProcess | null = null;
  let failed = false;
  try {
    const url = withDatabase(adminUrl, BENCH_DATABASE);
    machine.postgres = await serverVersion(adminUrl);
    const sizes = sizesAt(SCALE);
    let loadSeconds: number | null = null;
    if (REUSE && (await loadedScale(adminUrl)) === SCALE) {
      log(`Data: reusing the loaded ${BENCH_DATABASE} (scale ${SCALE})`);
      await prepareBench(url, false);
    } else {
      const t0 = Date.now();
      log(
        `Data: ${sizes.incidents} incidents, ${sizes.indicators} indicators, ${sizes.directives} directives, ${sizes.events} timeline events, ${sizes.notes} notes`,
      );
      await freshDatabase(adminUrl);
      await loadData(url, sizes, log);
      await markLoaded(url, SCALE);
      loadSeconds = Number(((Date.now() - t0) / 1000).toFixed(1));
      log(`Data loaded in ${loadSeconds} s (migrations and demo data included)`);
    }

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const persona = async (key: Persona['key'], email: string, code: string): Promise<Persona> => {
      const org = await orgByCode(client, code);
      const account = await client.query<{ id: string }>('select id from account where email = $1', [email]);
      const accountId = account.rows[0].id;
      const token = await tokens.signDevToken({ secret: new TextEncoder().encode(BENCH_JWT_SECRET), accountId, expiresInSeconds: 4 * 3600 });
      return { key, email, org, viewer: orgViewer(org), accountId, token };
    };
    const personas = [
      await persona('coordinator', 'handler@vncert.test', 'VNCERT'),
      await persona('isp', 'handler@vnpt.test', 'VNPT'),
      await persona('registry', 'handler@vnnic.test', 'VNNIC'),
    ];
    const operations = (await buildOperations(client, personas)).filter((op) => !VIEWERS || VIEWERS.includes(op.viewer));
    await client.end();

    // ---- EXPLAIN ----
    let explained: ExplainResult[] = [];
    let filterPlans: FilterPlan[] = [];
    if (runs('explain')) {
      log("\nEXPLAIN (ANALYZE, BUFFERS) of the hub's statements and the floor, default planner settings:");
      explained = await explainOperations(
        url,
        operations
          .filter((op) => !op.write)
          .map((op) => ({
            name: op.name,
            viewer: op.viewer,
            accountId: personas.find((p) => p.key === op.viewer)!.accountId,
            query: op.query,
            variables: op.variants[0].variables,
            floor: op.variants[0].floor,
          })),
      );
      printPlans(explained);
      filterPlans = await explainFilters(url, personas);
    }

    // ---- load ----
    hub = await startHub(url, CPU_PROF ? { cpuProfDir: PROF_DIR } : {});
    log(`\nHub: ${hub.url} (pid ${hub.pid})${CPU_PROF ? `, profiling into ${PROF_DIR}` : ''}`);
    const postmaster = embeddedPg?.pid() ?? null;
    const hubMeter = new CpuMeter(hub.pid, postmaster, true);
    const floorMeter = new CpuMeter(process.pid, postmaster);
    const results: OperationResult[] = [];
    for (const op of operations) {
      const p = personas.find((x) => x.key === op.viewer)!;
      // The check: the hub's data and the floor's JSON are deep-equal for every variant (reads), or
      // have the same shape and routing (the report).
      let checked = true;
      const checkClient = new pg.Client({ connectionString: url });
      await checkClient.connect();
      for (const v of op.write ? op.variants.slice(0, 2) : op.variants) {
        const hubRes = await post<unknown>(hub.url, p.token, op.query, v.variables);
        const floorRes = await checkClient.query<{ data: unknown }>(v.floor.text, v.floor.values);
        if (hubRes.errors || !sameData(hubRes.data, floorRes.rows[0].data, op.write)) {
          checked = false;
          log(
            `  MISMATCH ${op.name} as ${op.viewer} ${JSON.stringify(v.variables).slice(0, 120)}: ${
              hubRes.errors ? JSON.stringify(hubRes.errors) : firstDifference(hubRes.data, floorRes.rows[0].data)
            }`,
          );
          break;
        }
      }
      await checkClient.end();
      if (!checked) failed = true;
      log(
        `\n${op.name} as ${op.viewer}: ${checked ? `hub and floor agree on ${op.write ? 'shape and routing' : `all ${op.variants.length} variants`}` : 'CHECK FAILED'}`,
      );
      const bodies = op.variants.map((v) => JSON.stringify({ query: op.query, variables: v.variables }));
      const floors = op.variants.map((v) => v.floor);
      await hubLoad(hub.url, p.token, bodies, 8, WARMUP_SECONDS, hubMeter); // warm-up: the JIT settles (TurboFan was still recompiling after 1 s)
      for (const c of CONCURRENCY) {
        const h = await hubLoad(hub.url, p.token, bodies, c, SECONDS, hubMeter);
        const f = await floorLoad(url, floors, c, SECONDS, floorMeter);
        const r = row(op, c, h, f);
        results.push(r);
        log(
          `  c=${String(c).padStart(2)}  hub ${fmt(h)}  floor ${fmt(f)}  ratio ${r.ratio.toFixed(2)}${h.errors || f.errors ? `  (errors: hub ${h.errors}, floor ${f.errors})` : ''}`,
        );
        log(
          `        CPU ms per request: hub node ${h.cpuMs.app} + db ${h.cpuMs.db ?? '?'}; floor client ${f.cpuMs.app} + db ${f.cpuMs.db ?? '?'}; CPU ratio ${r.cpuRatio ?? '?'}; hub RSS peak ${h.rssPeakMb} MiB`,
        );
      }
    }

    // ---- subscriptions ----
    let subscriptions: SubscriptionResult | null = null;
    let subscriptionsLarge: SubscriptionResult | null = null;
    if (runs('subscriptions')) {
      log(`\nSubscriptions: ${SUBSCRIBERS} subscribers, ${EVENT_RATE} reports/s for ${SUB_SECONDS} s`);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await ensureConstituentAccounts(c);
      const tok = (email: string) => accountToken(c, email);
      const base = await nationalSubscribers(c, tok, SUBSCRIBERS, 20);
      // Issue 16: ten thousand subscribers of 20 organizations (7 members, 13 constituents).
      const large = LARGE_SUBSCRIBERS > 0 ? await nationalSubscribers(c, tok, LARGE_SUBSCRIBERS, 13) : null;
      await c.end();
      const meter = new CpuMeter(hub.pid, postmaster, true);
      subscriptions = await subscriptionBench(hub, base.groups, base.reporters, EVENT_RATE, SUB_SECONDS, log, { meter });
      log(subscriptionLine(subscriptions));
      if (large) {
        log(
          `\nSubscriptions: ${LARGE_SUBSCRIBERS} subscribers of ${large.groups.length} organizations, ${EVENT_RATE} reports/s for ${SUB_SECONDS} s`,
        );
        subscriptionsLarge = await subscriptionBench(hub, large.groups, large.reporters, EVENT_RATE, SUB_SECONDS, log, {
          meter,
          processes: SUB_PROCESSES,
        });
        log(subscriptionLine(subscriptionsLarge));
      }
      for (const s of [subscriptions, subscriptionsLarge]) if (s && s.deliveries < s.expectedDeliveries) failed = true;
    }

    // ---- abuse limits (DESIGN.md §4, issue 13): validation cost of abusive documents, before and after ----
    let abuse: AbuseResult | null = null;
    if (runs('abuse')) {
      log(
        `\nAbuse limits: documents whose validation grows faster than their size (a constituent's token), and another organization's trivial request meanwhile`,
      );
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const abuser = await accountToken(c, 'reporter@acme.test');
      const other = await accountToken(c, 'handler@vnpt.test');
      await c.end();
      abuse = await abuseBench(hub, { abuser, other }, ABUSE_SECONDS, log);
    }

    // ---- notifications (DESIGN.md §7, issue 17): signed webhooks to verifying receivers, backlog drain and steady latency ----
    let notifications: NotificationResult | null = null;
    if (runs('notifications')) {
      log(
        `\nNotifications: ${NOTIFY_ENDPOINTS} webhook endpoints, a backlog of ${NOTIFY_BACKLOG} reports drained, then ${NOTIFY_RATE} reports/s for ${NOTIFY_SECONDS} s`,
      );
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await ensureConstituentAccounts(c);
      // Up to 25 constituent organizations, each following its own reports through its endpoints.
      const orgs = (
        await c.query<{ id: string; code: string }>(`select id, code from organization where code like 'BENCH-C%' order by code limit $1`, [
          Math.min(25, NOTIFY_ENDPOINTS),
        ])
      ).rows;
      const reporters = [];
      for (const o of orgs) reporters.push({ org: o.code, orgId: o.id, token: await accountToken(c, `reporter@${o.code.toLowerCase()}.test`) });
      const adminToken = await accountToken(c, 'admin@vncert.test');
      await c.end();
      notifications = await notificationBench({
        databaseUrl: url,
        hub,
        adminToken,
        reporters,
        endpoints: NOTIFY_ENDPOINTS,
        backlog: NOTIFY_BACKLOG,
        rate: NOTIFY_RATE,
        seconds: NOTIFY_SECONDS,
        postmaster: embeddedPg?.pid() ?? null,
        log,
      });
      const n = notifications;
      const lost = n.backlog.receivedWebhooks < n.backlog.expectedWebhooks || n.steady.receivedWebhooks < n.steady.expectedWebhooks;
      if (lost || n.backlog.badSignatures + n.steady.badSignatures > 0) failed = true;
    }

    await hub.stop();
    hub = null;
    let profile: ReturnType<typeof summarizeProfile> | null = null;
    if (CPU_PROF) {
      const file = newestProfile(PROF_DIR);
      if (file) {
        profile = summarizeProfile(file, 20);
        log(`\nHub CPU profile ${file} (${profile.totalMs} ms on CPU), self time by module:`);
        for (const e of profile.modules.slice(0, 15)) log(`  ${e.selfPercent.toFixed(1).padStart(5)} %  ${e.name}`);
        log('by function:');
        for (const e of profile.functions.slice(0, 20)) log(`  ${e.selfPercent.toFixed(1).padStart(5)} %  ${e.name}`);
      }
    }

    const output = {
      machine,
      scale: SCALE,
      sizes,
      loadSeconds,
      durationSeconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      hubWorkers: Number(env.BENCH_HUB_WORKERS ?? 1),
      ratioDefinition:
        'ratio = floor throughput / hub throughput (lower is better; 1 = as fast as the hand-written SQL); cpuRatio = CPU per request of the hub (node process + PostgreSQL) / of the floor (pg client + PostgreSQL)',
      operations: results.map(({ hubErrors: _h, floorErrors: _f, ...r }) => r),
      subscriptions: subscriptions && subscriptionFigures(subscriptions),
      subscriptionsLarge: subscriptionsLarge && subscriptionFigures(subscriptionsLarge),
      plans: explained.map((e) => ({
        name: e.name,
        viewer: e.viewer,
        statements: e.statements.map((s) => ({ source: s.source, sql: summarize(s.text), executionMs: s.executionMs, seqScans: s.seqScans })),
      })),
      filterPlans,
      abuse,
      notifications,
      ...(profile ? { profile: { modules: profile.modules.slice(0, 15), functions: profile.functions.slice(0, 20) } } : {}),
      totalSeconds: Math.round((Date.now() - started) / 1000),
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    if (results.length) log(`\n${markdownTable(results, subscriptions)}`);
    log(`Results: ${path.relative(ROOT, RESULTS)}; total ${output.totalSeconds} s${failed ? '; SOME CHECKS FAILED' : ''}`);
  } finally {
    if (hub) await hub.stop().catch(() => undefined);
    if (embeddedPg) await embeddedPg.stop();
  }
  if (failed) process.exitCode = 1;
}

/** A development token of a demo or benchmark account, valid for the run. */
async function accountToken(c: pg.Client, email: string): Promise<string> {
  const id = (await c.query<{ id: string }>('select id from account where email = $1', [email])).rows[0].id;
  return tokens.signDevToken({ secret: new TextEncoder().encode(BENCH_JWT_SECRET), accountId: id, expiresInSeconds: 4 * 3600 });
}

function fmt(s: Stats): string {
  return `${s.rps.toFixed(0).padStart(6)} rps p50 ${s.p50Ms.toFixed(1).padStart(6)} ms p99 ${s.p99Ms.toFixed(1).padStart(6)} ms`;
}

function row(op: Operation, c: number, h: Stats, f: Stats): OperationResult {
  const strip = (s: Stats) => ({ rps: s.rps, p50Ms: s.p50Ms, p99Ms: s.p99Ms, cpuMsPerRequest: s.cpuMs });
  return {
    name: op.name,
    viewer: op.viewer,
    concurrency: c,
    hub: { ...strip(h), rssPeakMb: h.rssPeakMb },
    sqlFloor: strip(f),
    ratio: Number((f.rps / Math.max(0.001, h.rps)).toFixed(2)),
    cpuRatio:
      h.cpuMs.db === null || f.cpuMs.db === null ? null : Number(((h.cpuMs.app + h.cpuMs.db) / Math.max(0.001, f.cpuMs.app + f.cpuMs.db)).toFixed(2)),
    hubErrors: h.errors,
    floorErrors: f.errors,
  };
}

/** The README table: per operation and viewer, hub and floor throughput at each concurrency. */
export function markdownTable(results: OperationResult[], subs: SubscriptionResult | null): string {
  const levels = [...new Set(results.map((r) => r.concurrency))];
  const top = Math.max(...levels);
  const head = `| operation | viewer | ${levels.map((c) => `c=${c}: hub / floor rps (ratio)`).join(' | ')} | hub p50 / p99 ms at c=${levels[Math.floor(levels.length / 2)]} | hub RSS peak MiB at c=${top} |`;
  const sep = `|---|---|${levels.map(() => '---|').join('')}---|---|`;
  const keys = [...new Set(results.map((r) => `${r.name}|${r.viewer}`))];
  const lines = keys.map((k) => {
    const [name, viewer] = k.split('|');
    const cells = levels.map((c) => {
      const r = results.find((x) => x.name === name && x.viewer === viewer && x.concurrency === c);
      return r ? `${Math.round(r.hub.rps)} / ${Math.round(r.sqlFloor.rps)} (${r.ratio.toFixed(2)})` : '';
    });
    const mid = results.find((x) => x.name === name && x.viewer === viewer && x.concurrency === levels[Math.floor(levels.length / 2)]);
    const most = results.find((x) => x.name === name && x.viewer === viewer && x.concurrency === top);
    return `| ${name} | ${viewer} | ${cells.join(' | ')} | ${mid ? `${mid.hub.p50Ms} / ${mid.hub.p99Ms}` : ''} | ${most?.hub.rssPeakMb ?? ''} |`;
  });
  const subLine = subs
    ? `\nSubscriptions: ${subs.subscribers} subscribers, ${subs.eventsPerSecond} reports/s → delivery p50 ${subs.p50Ms} ms, p99 ${subs.p99Ms} ms; ${(subs.bytesPerSubscriber / 1024).toFixed(1)} KiB RSS per subscriber.`
    : '';
  return [head, sep, ...lines].join('\n') + subLine;
}

function printPlans(results: ExplainResult[]): void {
  const planFile = path.join(ROOT, '.data', 'bench', 'plans.txt');
  const all: string[] = [];
  for (const r of results) {
    log(`\n== ${r.name} as ${r.viewer}`);
    for (const s of r.statements) {
      const flag = s.seqScans.length ? `  SEQ SCAN: ${s.seqScans.join(', ')}` : '';
      log(`  [${s.source}] ${s.executionMs.toFixed(2).padStart(8)} ms  ${summarize(s.text)}${flag}`);
      all.push(`== ${r.name} as ${r.viewer} [${s.source}] ${s.executionMs} ms\n${s.text}\n\n${s.plan}\n`);
    }
    // The plans of the main statements: the hub's slowest and the floor.
    const hubMain = r.statements.filter((s) => s.source === 'hub').sort((a, b) => b.executionMs - a.executionMs)[0];
    const floor = r.statements.find((s) => s.source === 'floor');
    for (const s of [hubMain, floor]) {
      if (!s) continue;
      log(`  --- plan of the ${s.source === 'hub' ? "hub's slowest statement" : 'floor'}:`);
      log(
        s.plan
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
    }
  }
  const withSeq = results.flatMap((r) =>
    r.statements.filter((s) => s.seqScans.length).map((s) => `${r.name}/${r.viewer} [${s.source}] ${s.seqScans.join(', ')}: ${summarize(s.text)}`),
  );
  log(`\nSequential scans of large tables: ${withSeq.length ? `\n  ${withSeq.join('\n  ')}` : 'none'}`);
  fs.mkdirSync(path.dirname(planFile), { recursive: true });
  fs.writeFileSync(planFile, all.join('\n'));
  log(`(every plan: ${path.relative(ROOT, planFile)})`);
}

interface FilterPlan {
  field: string;
  args: string;
  viewer: string;
  executionMs: number;
  indexes: string[];
  seqScans: string[];
}

/**
 * Every filter and order of the API (IncidentFilter, IncidentOrder, DirectiveFilter, DomainCaseFilter),
 * planned at full size: the page statement's time, the indexes it uses and any sequential scan.
 */
async function explainFilters(url: string, personas: Persona[]): Promise<FilterPlan[]> {
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const weeksAgo = new Date(Date.now() - 20 * 86_400_000).toISOString();
  const incidents = `query($filter: IncidentFilter, $orderBy: IncidentOrder) { incidents(first: 50, filter: $filter, orderBy: $orderBy) { edges { node { id } } } }`;
  const directives = `query($filter: DirectiveFilter) { directives(first: 50, filter: $filter) { edges { node { id } } } }`;
  const cases = `query($filter: DomainCaseFilter) { domainCases(first: 50, filter: $filter) { edges { node { cursor } } } }`;
  const incidentCases: Record<string, unknown>[] = [
    { filter: { status: ['RESPONDING'] } },
    { filter: { severity: ['CRITICAL'] } },
    { filter: { rsitClass: 'fraud' } },
    { filter: { tlp: ['RED'] } },
    { filter: { handler: 'FPT' } },
    { filter: { reportedFrom: monthAgo, reportedTo: weeksAgo } },
    { filter: { text: 'Hospital 42' } },
    { filter: { text: 'zzz-no-such-title' } },
    { filter: { text: 'VN-2025-0123' } },
    { orderBy: 'REPORTED_AT_ASC' },
    { orderBy: 'UPDATED_AT_DESC' },
    { orderBy: 'SEVERITY_DESC' },
    { filter: { status: ['TRIAGED'], severity: ['HIGH'] }, orderBy: 'SEVERITY_DESC' },
  ];
  const directiveCases: Record<string, unknown>[] = [
    {},
    { filter: { recipient: 'VIETTEL' } },
    { filter: { status: ['ISSUED'] } },
    { filter: { overdue: true } },
    { filter: { recipient: 'FPT', status: ['IN_PROGRESS'] } },
  ];
  const caseFilters: Record<string, unknown>[] = [{ filter: { zone: 'gov.vn' } }, { filter: { status: ['RESOLVED'] } }];
  const capture = await StatementCapture.open(url);
  const out: FilterPlan[] = [];
  try {
    const runAll = async (field: string, query: string, variants: Record<string, unknown>[], who: Persona[]) => {
      for (const p of who) {
        for (const variables of variants) {
          const r = await capture.run({ name: field, viewer: p.key, accountId: p.accountId, query, variables });
          const main = r.statements.sort((a, b) => b.executionMs - a.executionMs)[0];
          const entry = {
            field,
            args: JSON.stringify(variables),
            viewer: p.key,
            executionMs: main.executionMs,
            indexes: main.indexes,
            seqScans: main.seqScans,
          };
          out.push(entry);
          log(
            `  ${field.padEnd(11)} ${p.key.padEnd(11)} ${entry.args.padEnd(62)} ${main.executionMs.toFixed(2).padStart(8)} ms  ${main.seqScans.length ? `SEQ SCAN ${main.seqScans.join(',')}  ` : ''}${main.indexes.join(', ')}`,
          );
        }
      }
    };
    log('\nFilters and orders (the page statement: execution time, indexes used):');
    const members = personas.filter((p) => p.key !== 'registry');
    await runAll('incidents', incidents, incidentCases, members);
    await runAll('directives', directives, directiveCases, members);
    await runAll(
      'domainCases',
      cases,
      caseFilters,
      personas.filter((p) => p.key === 'registry'),
    );
  } finally {
    await capture.close();
  }
  return out;
}

async function sample(client: pg.Client, viewer: Viewer, where: string, values: unknown[]): Promise<string[]> {
  const v = incidentRepo.visibleIncidentsSql(viewer).toQuery();
  const n = v.values.length;
  const text = `select v.id from (${v.text}) v where ${where.replace(/\$(\d+)/g, (_m, d: string) => `$${Number(d) + n}`)}
    order by md5(v.id::text) limit ${VARIANTS}`;
  const res = await client.query<{ id: string }>(text, [...v.values, ...values]);
  return res.rows.map((r) => r.id);
}

const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const encodeCursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function buildOperations(client: pg.Client, personas: Persona[]): Promise<Operation[]> {
  const ops: Operation[] = [];
  const want = (name: string) => !ONLY || ONLY.includes(name);
  if (want('incidentsPage')) {
    for (const p of personas) {
      ops.push({
        name: 'incidentsPage',
        viewer: p.key,
        query: INCIDENTS_PAGE,
        write: false,
        variants: [{ variables: { first: PAGE }, floor: incidentsPageFloor(p.viewer, PAGE) }],
      });
    }
  }
  if (want('incidentDetail')) {
    for (const p of personas) {
      // "Everything": incidents with directives and notes in the views that show the most to each viewer.
      const ids =
        p.key === 'registry'
          ? await sample(client, p.viewer, `v.access_level in ('DOMAIN_FEED','RECIPIENT')`, [])
          : await sample(
              client,
              p.viewer,
              `v.access_level = 'FULL' and exists (select 1 from directive d where d.incident_id = v.id)
              and exists (select 1 from note n where n.incident_id = v.id)`,
              [],
            );
      ops.push({
        name: 'incidentDetail',
        viewer: p.key,
        query: INCIDENT_DETAIL,
        write: false,
        variants: ids.map((id) => ({ variables: { id: toGlobalId('Incident', id) }, floor: incidentDetailFloor(p.viewer, id) })),
      });
    }
  }
  if (want('domainCasesPage')) {
    const p = personas.find((x) => x.key === 'registry')!;
    const positions = await client.query<{ position: string }>(
      `select position::text as position from domain_feed_entry where registry_org_id = $1 order by md5(position::text) limit ${VARIANTS - 1}`,
      [p.org.id],
    );
    const afters: (string | null)[] = [null, ...positions.rows.map((r) => r.position)];
    ops.push({
      name: 'domainCasesPage',
      viewer: p.key,
      query: DOMAIN_CASES_PAGE,
      write: false,
      variants: afters.map((a) => ({ variables: { first: PAGE, after: a ? encodeCursor([a]) : null }, floor: domainCasesFloor(p.viewer, PAGE, a) })),
    });
  }
  if (want('nodeById')) {
    for (const p of personas) {
      const ids = await sample(client, p.viewer, 'true', []);
      ops.push({
        name: 'nodeById',
        viewer: p.key,
        query: NODE_BY_ID,
        write: false,
        variants: ids.map((id) => ({ variables: { id: toGlobalId('Incident', id) }, floor: nodeByIdFloor(p.viewer, id) })),
      });
    }
  }
  if (want('typename')) {
    for (const p of personas)
      ops.push({ name: 'typename', viewer: p.key, query: TYPENAME, write: false, variants: [{ variables: {}, floor: typenameFloor() }] });
  }
  if (want('reportIncident')) {
    const now = new Date();
    const year = clockModule.vnDateParts(now).year;
    for (const p of personas) {
      const variants = Array.from({ length: 500 }, (_, i) => {
        const input: ReportInput = {
          title: `Benchmark report ${p.key} ${i}`,
          description: 'Phishing pages on a domain in the .vn zone.',
          detectedAt: new Date(now.getTime() - 3_600_000).toISOString(),
          scope: p.key === 'coordinator' ? 'WIDESPREAD' : 'LOCAL',
          tlp: p.key === 'registry' ? 'AMBER' : 'GREEN',
          ...(p.key === 'registry' ? { reportTo: 'VIETTEL' } : {}),
          ...(p.key === 'isp' ? { affectedSystem: { name: 'Customer portal', publicIps: [`14.160.0.${(i % 250) + 1}`] } } : {}),
          indicators: [
            { type: 'DOMAIN', value: `bench-report-${i}.vn` },
            { type: 'IPV4', value: `198.51.100.${(i % 250) + 1}` },
          ],
          reporterContact: { name: 'Bench reporter', email: 'bench@example.test' },
        };
        return { variables: { input }, floor: reportFloor({ orgId: p.org.id, accountId: p.accountId }, input, year, now) };
      });
      ops.push({ name: 'reportIncident', viewer: p.key, query: REPORT_INCIDENT, write: true, variants });
    }
  }
  return ops;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
