import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';

/**
 * One process of the subscription benchmark's subscribers (forked by subscriptions.ts): graphql-ws
 * clients on the wildcard stream, apart from the hub's and the report sender's event loops, so that
 * thousands of clients parsing their messages do not delay the reports or each other's measurements.
 * It reports its own event-loop delay and CPU, to show whether the client side kept up.
 */

export interface ClientSpec {
  token: string;
  count: number;
}

export type ToSubscribers = { kind: 'connect'; wsUrl: string; clients: ClientSpec[] } | { kind: 'start'; startedAt: number } | { kind: 'stop' };

export interface SubscriberReport {
  latencies: number[];
  deliveries: number;
  closedEarly: number;
  /** Event-loop delay during the steady phase, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** CPU time of this process during the steady phase, ms. */
  cpuMs: number;
  wallMs: number;
}

export type FromSubscribers =
  { kind: 'connected'; connected: number } | { kind: 'progress'; deliveries: number } | ({ kind: 'done' } & SubscriberReport);

const SUBSCRIPTION = `subscription { incidentEvents { cursor type incidentId occurredAt } }`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (m: FromSubscribers) => process.send?.(m);

const clients: Client[] = [];
const latencies: number[] = [];
let startedAt = Number.POSITIVE_INFINITY;
let deliveries = 0;
let closedEarly = 0;
let cpuAtStart = process.cpuUsage();
let progress: NodeJS.Timeout | null = null;
const lag = monitorEventLoopDelay({ resolution: 10 });

/**
 * Connections opened and not yet acknowledged, at most: a fleet arriving faster than the hub accepts
 * would have sockets closed by graphql-ws's connection-init timeout (3 s) while they wait in its queue.
 */
const MAX_CONNECTING = 20;

async function connect(wsUrl: string, specs: ClientSpec[]): Promise<void> {
  let connected = 0;
  let settledAt = Date.now();
  let connecting = 0;
  let admit: (() => void) | null = null;
  const subscribed: Promise<void>[] = [];
  for (const spec of specs) {
    for (let i = 0; i < spec.count; i++) {
      while (connecting >= MAX_CONNECTING) await new Promise<void>((r) => (admit = r));
      connecting++;
      let settled = false;
      let onConnected: () => void = () => undefined;
      const settle = () => {
        if (settled) return;
        settled = true;
        settledAt = Date.now();
        connecting--;
        onConnected();
        admit?.();
      };
      subscribed.push(new Promise<void>((r) => (onConnected = r)));
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${spec.token}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
        on: {
          connected: () => {
            connected++;
            settle();
          },
          closed: () => {
            settle();
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
            // occurredAt is the hub's clock when it accepted the report (same machine).
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
    }
  }
  // Until every client is connected or refused, or none was for 30 s.
  let all = false;
  void Promise.all(subscribed).then(() => (all = true));
  while (!all && Date.now() - settledAt < 30_000) await sleep(100);
  send({ kind: 'connected', connected });
}

process.on('message', (m: ToSubscribers) => {
  if (m.kind === 'connect') void connect(m.wsUrl, m.clients);
  else if (m.kind === 'start') {
    startedAt = m.startedAt;
    cpuAtStart = process.cpuUsage();
    lag.reset();
    lag.enable();
    progress = setInterval(() => send({ kind: 'progress', deliveries }), 200);
  } else if (m.kind === 'stop') {
    if (progress) clearInterval(progress);
    lag.disable();
    const cpu = process.cpuUsage(cpuAtStart);
    const wallMs = Date.now() - startedAt;
    void Promise.all(clients.map((c) => c.dispose())).then(() => {
      // Disconnect once the report is written to the channel, not while it may still be queued.
      const report: FromSubscribers = {
        kind: 'done',
        latencies,
        deliveries,
        closedEarly,
        lagP99Ms: Number((lag.percentile(99) / 1e6).toFixed(1)),
        lagMaxMs: Number((lag.max / 1e6).toFixed(1)),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        wallMs,
      };
      process.send?.(report, () => process.disconnect());
    });
  }
});
