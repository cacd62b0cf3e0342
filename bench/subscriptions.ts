import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { rssBytes, post, type HubProcess } from './hub';

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
}

const SUBSCRIPTION = `subscription { incidentEvents { cursor type incidentId occurredAt } }`;
const REPORT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { reference } }`;
/** Reports go to the ISPs and agency units in turn. */
export const HANDLERS = ['VNPT', 'VIETTEL', 'FPT', 'VNPT', 'VIETTEL', 'FPT', 'MOF-IT', 'HANOI-DIC'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Subscribers of several organizations on the wildcard stream, a steady rate of reports, and the
 * delivery latency: from the event's `occurredAt` (the hub's clock when it accepted the report; same
 * machine) to its arrival at the subscriber. Memory per subscriber: the hub's RSS (/proc VmRSS)
 * before and after the subscribers connected, divided by their number.
 */
export async function subscriptionBench(
  hub: HubProcess,
  groups: SubscriberGroup[],
  reporters: Reporter[],
  eventsPerSecond: number,
  seconds: number,
  log: (msg: string) => void,
): Promise<SubscriptionResult> {
  const wsUrl = hub.url.replace(/^http/, 'ws');
  const latencies: number[] = [];
  let startedAt = Number.POSITIVE_INFINITY;
  let deliveries = 0;
  let closedEarly = 0;
  await sleep(1000);
  const rssBefore = rssBytes(hub.pid);
  const clients: Client[] = [];
  const t0 = Date.now();
  let connected = 0;
  const total = groups.reduce((n, g) => n + g.count, 0);
  const subscribed: Promise<void>[] = [];
  for (const g of groups) {
    for (let i = 0; i < g.count; i++) {
      let onConnected: () => void = () => undefined;
      subscribed.push(new Promise<void>((r) => (onConnected = r)));
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${g.token}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
        on: {
          connected: () => {
            connected++;
            onConnected();
          },
          closed: () => {
            if (Date.now() > startedAt) closedEarly++;
          },
        },
      });
      client.subscribe<{ incidentEvents: { type: string; occurredAt: string } }>(
        { query: SUBSCRIPTION },
        {
          next: (v) => {
            const ev = v.data?.incidentEvents;
            if (!ev || ev.type !== 'REPORTED') return;
            const at = Date.parse(ev.occurredAt);
            if (at < startedAt) return;
            deliveries++;
            latencies.push(Date.now() - at);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      clients.push(client);
      // Connect in small waves, as a fleet of clients would arrive.
      if (clients.length % 50 === 0) await sleep(50);
    }
  }
  await Promise.race([Promise.all(subscribed), sleep(60_000)]);
  const connectSeconds = (Date.now() - t0) / 1000;
  log(`  ${connected}/${total} subscribers connected in ${connectSeconds.toFixed(1)} s`);
  // The subscribe messages follow the connection acknowledgements; let them register.
  await sleep(3000);
  const rssAfter = rssBytes(hub.pid);

  startedAt = Date.now();
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
  while (deliveries < expected && Date.now() - quietSince < 5000) {
    await sleep(200);
    if (deliveries !== last) {
      last = deliveries;
      quietSince = Date.now();
    }
  }
  await Promise.all(clients.map((c) => c.dispose()));
  if (failedReports) log(`  ${failedReports} reports refused: ${JSON.stringify(Object.fromEntries(failures))}`);
  if (closedEarly) log(`  ${closedEarly} subscriptions were closed by the hub during the run`);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    subscribers: connected,
    eventsPerSecond: Number((count / sendSeconds).toFixed(1)),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    bytesPerSubscriber: Math.round((rssAfter - rssBefore) / Math.max(1, connected)),
    reports: count,
    failedReports,
    deliveries,
    expectedDeliveries: expected,
    rssBeforeBytes: rssBefore,
    rssAfterBytes: rssAfter,
    connectSeconds,
  };
}
