import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import type pg from 'pg';
import { rssBytes, post, type HubProcess } from './hub';
import type { CpuMeter } from './cpu';
import type { ClientSpec, FromSubscribers, SubscriberReport, ToSubscribers } from './subscriber-process';

/** One report of the run: who reports it and to whom. */
export interface ReportSpec {
  reporter: string;
  handler: string;
}

export interface SubscriberGroup {
  org: string;
  token: string;
  count: number;
  /** Whether this organization's wildcard stream carries the report (its view is not SUMMARY). */
  receives: (report: ReportSpec) => boolean;
}

export interface Reporter {
  org: string;
  token: string;
}

export interface SubscriptionResult {
  subscribers: number;
  organizations: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  bytesPerSubscriber: number;
  reports: number;
  failedReports: number;
  deliveries: number;
  expectedDeliveries: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  connectSeconds: number;
  /** The hub's CPU (its process, reports included) and PostgreSQL's during the steady phase, per delivery. */
  hubCpuMsPerDelivery: number | null;
  dbCpuMsPerDelivery: number | null;
  /** The subscribers' processes: their worst event-loop delay (p99 and max, ms) and CPU use (% of one core) while measuring. */
  clients: { processes: number; lagP99Ms: number; lagMaxMs: number; cpuPercent: number };
}

const REPORT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { reference } }`;
/** Reports go to the ISPs and agency units in turn. */
export const HANDLERS = ['VNPT', 'VIETTEL', 'FPT', 'VNPT', 'VIETTEL', 'FPT', 'MOF-IT', 'HANOI-DIC'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * A national hub's live clients: the coordinator's and the registry's desks, the handlers' desks, and
 * `constituents` companies following their own reports (7 + `constituents` organizations); each report
 * reaches the coordinator, the registry (a GREEN .vn domain), its handler and its reporter.
 */
export async function nationalSubscribers(
  c: pg.Client,
  token: (email: string) => Promise<string>,
  subscribers: number,
  constituents: number,
): Promise<{ groups: SubscriberGroup[]; reporters: Reporter[] }> {
  const n = (f: number) => Math.max(1, Math.round(subscribers * f));
  const codes = (
    await c.query<{ code: string }>(`select code from organization where code like 'BENCH-C%' order by code limit $1`, [constituents])
  ).rows.map((r) => r.code);
  if (codes.length < constituents)
    throw new Error(`${constituents} benchmark constituents wanted, ${codes.length} loaded: reload the data (no BENCH_REUSE)`);
  const groups: SubscriberGroup[] = [
    { org: 'VNCERT', token: await token('handler@vncert.test'), count: n(0.1), receives: () => true },
    // The registry's view of these reports is DOMAIN_FEED, which shows no timeline events (DESIGN.md §3):
    // its subscribers are evaluated for every batch but receive none of them.
    { org: 'VNNIC', token: await token('handler@vnnic.test'), count: n(0.05), receives: () => false },
  ];
  for (const [org, share] of [
    ['VNPT', 0.15],
    ['VIETTEL', 0.15],
    ['FPT', 0.15],
    ['MOF-IT', 0.05],
    ['HANOI-DIC', 0.05],
  ] as const) {
    groups.push({ org, token: await token(`handler@${org.toLowerCase()}.test`), count: n(share), receives: (r: ReportSpec) => r.handler === org });
  }
  const left = subscribers - groups.reduce((k, g) => k + g.count, 0);
  const reporters: Reporter[] = [];
  for (let i = 0; i < codes.length; i++) {
    const org = codes[i];
    const t = await token(`reporter@${org.toLowerCase()}.test`);
    reporters.push({ org, token: t });
    const count = Math.floor(left / codes.length) + (i < left % codes.length ? 1 : 0);
    if (count > 0) groups.push({ org, token: t, count, receives: (r: ReportSpec) => r.reporter === org });
  }
  return { groups, reporters };
}

/** The subscribers split evenly over `processes` forked processes (subscriber-process.ts). */
function forkSubscribers(groups: SubscriberGroup[], processes: number): { child: ChildProcess; clients: ClientSpec[] }[] {
  return Array.from({ length: processes }, (_, p) => {
    const clients = groups
      .map((g) => ({ token: g.token, count: Math.floor(g.count / processes) + (p < g.count % processes ? 1 : 0) }))
      .filter((s) => s.count > 0);
    const child = fork(path.join(__dirname, 'subscriber-process.ts'), [], { execArgv: ['-r', path.join(__dirname, 'register.cjs')] });
    return { child, clients };
  });
}

const tell = (child: ChildProcess, m: ToSubscribers) => child.send(m);

function nextMessage<K extends FromSubscribers['kind']>(child: ChildProcess, kind: K): Promise<Extract<FromSubscribers, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromSubscribers) => {
      if (m.kind !== kind) return;
      child.off('message', onMessage);
      child.off('close', onExit);
      resolve(m as Extract<FromSubscribers, { kind: K }>);
    };
    // 'close', not 'exit': 'exit' can come before the last messages of the IPC channel are read (a large
    // 'done' report sent just before the child disconnects), 'close' only after the channel closed.
    const onExit = (code: number | null) => reject(new Error(`subscriber process exited with ${code} before '${kind}'`));
    child.on('message', onMessage);
    child.once('close', onExit);
  });
}

/**
 * Subscribers of several organizations on the wildcard stream, a steady rate of reports, and the
 * delivery latency: from the event's `occurredAt` (the hub's clock when it accepted the report; same
 * machine) to its arrival at the subscriber. The subscribers run in `processes` child processes, the
 * reports are sent from this one. Memory per subscriber: the hub's RSS (/proc VmRSS) before and after
 * the subscribers connected, divided by their number. CPU per delivery: the hub's (and the database's,
 * with `meter`) from the first report until the last delivery, divided by the deliveries.
 */
export async function subscriptionBench(
  hub: HubProcess,
  groups: SubscriberGroup[],
  reporters: Reporter[],
  eventsPerSecond: number,
  seconds: number,
  log: (msg: string) => void,
  opts: { processes?: number; meter?: CpuMeter } = {},
): Promise<SubscriptionResult> {
  const wsUrl = hub.url.replace(/^http/, 'ws');
  const total = groups.reduce((n, g) => n + g.count, 0);
  const processes = Math.max(1, Math.min(opts.processes ?? 1, total));
  await sleep(1000);
  const rssBefore = rssBytes(hub.pid);
  const t0 = Date.now();
  const children = forkSubscribers(groups, processes);
  try {
    const counts = await Promise.all(
      children.map(({ child, clients }) => {
        const connected = nextMessage(child, 'connected');
        tell(child, { kind: 'connect', wsUrl, clients });
        return connected;
      }),
    );
    const connected = counts.reduce((n, m) => n + m.connected, 0);
    const connectSeconds = (Date.now() - t0) / 1000;
    log(`  ${connected}/${total} subscribers connected in ${connectSeconds.toFixed(1)} s (${processes} client process${processes > 1 ? 'es' : ''})`);
    // The subscribe messages follow the connection acknowledgements; let them register.
    await sleep(3000);
    const rssAfter = rssBytes(hub.pid);

    const progress = new Map<ChildProcess, number>();
    for (const { child } of children) child.on('message', (m: FromSubscribers) => m.kind === 'progress' && progress.set(child, m.deliveries));
    const delivered = () => [...progress.values()].reduce((n, d) => n + d, 0);
    const startedAt = Date.now();
    for (const { child } of children) tell(child, { kind: 'start', startedAt });
    opts.meter?.start();
    const count = Math.round(eventsPerSecond * seconds);
    let expected = 0;
    let failedReports = 0;
    const failures = new Map<string, number>();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const due = startedAt + (i * 1000) / eventsPerSecond;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const handler = HANDLERS[i % HANDLERS.length];
      const reporter = reporters[i % reporters.length];
      const spec = { reporter: reporter.org, handler };
      const receivers = groups.filter((g) => g.receives(spec)).reduce((n, g) => n + g.count, 0);
      pending.push(
        post(hub.url, reporter.token, REPORT, {
          input: {
            title: `Subscription benchmark report ${i}`,
            description: 'A phishing domain in the .vn zone.',
            detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
            reportTo: handler,
            tlp: 'GREEN',
            indicators: [{ type: 'DOMAIN', value: `sub-bench-${i}.com.vn` }],
            reporterContact: { name: 'Bench reporter', email: 'bench@example.test' },
          },
        }).then((r) => {
          if (r.errors) {
            // A refused report has no event: it is not expected anywhere.
            failedReports++;
            const code = String((r.errors[0] as { extensions?: { code?: string } }).extensions?.code ?? 'ERROR');
            failures.set(code, (failures.get(code) ?? 0) + 1);
          } else expected += receivers;
        }),
      );
    }
    const sendSeconds = (Date.now() - startedAt) / 1000;
    await Promise.all(pending);
    // Drain: until everything arrived, or nothing more arrives for 5 s.
    let last = -1;
    let quietSince = Date.now();
    let lastArrival = Date.now();
    while (delivered() < expected && Date.now() - quietSince < 5000) {
      await sleep(200);
      if (delivered() !== last) {
        last = delivered();
        quietSince = lastArrival = Date.now();
      }
    }
    // The CPU of the quiet tail is idle time (a few ms of timers), not delivery work.
    const cpu = opts.meter?.stop() ?? null;
    const reports = await Promise.all(
      children.map(({ child }) => {
        const done = nextMessage(child, 'done');
        tell(child, { kind: 'stop' });
        return done;
      }),
    );
    const latencies = reports.flatMap((r: SubscriberReport) => r.latencies).sort((a, b) => a - b);
    const deliveries = reports.reduce((n, r) => n + r.deliveries, 0);
    const closedEarly = reports.reduce((n, r) => n + r.closedEarly, 0);
    if (failedReports) log(`  ${failedReports} reports refused: ${JSON.stringify(Object.fromEntries(failures))}`);
    if (closedEarly) log(`  ${closedEarly} subscriptions were closed by the hub during the run`);
    const perDelivery = (ms: number | null | undefined) =>
      ms === null || ms === undefined || !deliveries ? null : Number((ms / deliveries).toFixed(4));
    const clientCpu = reports.reduce((n, r) => n + r.cpuMs, 0);
    const wallMs = Math.max(1, lastArrival - startedAt);
    return {
      subscribers: connected,
      organizations: groups.length,
      eventsPerSecond: Number((count / sendSeconds).toFixed(1)),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      bytesPerSubscriber: Math.round((rssAfter - rssBefore) / Math.max(1, connected)),
      reports: count,
      failedReports,
      deliveries,
      expectedDeliveries: expected,
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
      connectSeconds,
      hubCpuMsPerDelivery: perDelivery(cpu?.appMs),
      dbCpuMsPerDelivery: perDelivery(cpu?.dbMs),
      clients: {
        processes,
        lagP99Ms: Math.max(...reports.map((r) => r.lagP99Ms)),
        lagMaxMs: Math.max(...reports.map((r) => r.lagMaxMs)),
        cpuPercent: Math.round((100 * clientCpu) / wallMs),
      },
    };
  } finally {
    for (const { child } of children) if (child.exitCode === null && child.connected) child.kill();
  }
}

/** The figures of a run that go into the results. */
export function subscriptionFigures(s: SubscriptionResult) {
  return {
    subscribers: s.subscribers,
    organizations: s.organizations,
    eventsPerSecond: s.eventsPerSecond,
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    bytesPerSubscriber: s.bytesPerSubscriber,
    deliveries: s.deliveries,
    expectedDeliveries: s.expectedDeliveries,
    hubCpuMsPerDelivery: s.hubCpuMsPerDelivery,
    dbCpuMsPerDelivery: s.dbCpuMsPerDelivery,
    clients: s.clients,
  };
}

/** One line of the run's log. */
export function subscriptionLine(s: SubscriptionResult): string {
  return (
    `  ${s.reports - s.failedReports}/${s.reports} reports at ${s.eventsPerSecond}/s, ${s.deliveries}/${s.expectedDeliveries} deliveries, ` +
    `latency p50 ${s.p50Ms} ms p99 ${s.p99Ms} ms, ${(s.bytesPerSubscriber / 1024).toFixed(1)} KiB per subscriber (RSS), ` +
    `hub CPU ${s.hubCpuMsPerDelivery ?? '?'} ms + db ${s.dbCpuMsPerDelivery ?? '?'} ms per delivery; ` +
    `clients: ${s.clients.processes} processes, event-loop delay p99 ${s.clients.lagP99Ms} ms (max ${s.clients.lagMaxMs}), CPU ${s.clients.cpuPercent}% of a core`
  );
}
