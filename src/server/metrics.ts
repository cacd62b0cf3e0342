/**
 * /metrics in the Prometheus text format (prom-client). One registry per hub instance (tests run
 * several hubs in one process; the global default registry would refuse the second).
 */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Services } from '../graphql/context';
import type { Transport } from './rate-limit';
import { registerNotificationMetrics } from '../modules/notifications/notifications.metrics';

/** Operation names come from clients: past this many distinct names, new ones are counted as `__other`. */
const MAX_OPERATION_LABELS = 200;

export class HubMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'transport' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'transport' | 'operation' | 'outcome'>;
  private readonly refusals: Counter<'transport' | 'principal'>;
  private readonly operationNames = new Set<string>();

  constructor(services: Pick<Services, 'db' | 'subscriptions' | 'clock' | 'config' | 'notificationAttempts'>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'hub_graphql_requests_total',
      help: 'GraphQL requests (HTTP) and operations (WebSocket) by operation name and outcome (ok or the error code)',
      labelNames: ['transport', 'operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'hub_graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL request to the end of its response (WebSocket: of a query or mutation; subscriptions: until they end)',
      labelNames: ['transport', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.refusals = new Counter({
      name: 'hub_rate_limited_total',
      help: 'Requests refused by the per-principal rate limit',
      labelNames: ['transport', 'principal'],
      registers,
    });
    const { db, subscriptions } = services;
    if (services.config.notifications.enabled) registerNotificationMetrics(registers, services);
    services.notificationAttempts?.register(this.registry);
    new Gauge({
      name: 'hub_subscriptions_active',
      help: 'Live GraphQL subscriptions on this instance',
      registers,
      collect() {
        this.set(subscriptions?.count ?? 0);
      },
    });
    new Gauge({
      name: 'hub_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total = idle + in use)',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'total' }, db.pool.totalCount);
        this.set({ state: 'idle' }, db.pool.idleCount);
        this.set({ state: 'in_use' }, db.pool.totalCount - db.pool.idleCount);
      },
    });
    new Gauge({
      name: 'hub_db_pool_waiting_requests',
      help: 'Queries waiting for a free PostgreSQL pool connection',
      registers,
      collect() {
        this.set(db.pool.waitingCount);
      },
    });
  }

  /** A bounded label: `__anonymous` for unnamed operations, `__unresolved` when the request never got as far as a valid operation. */
  operationLabel(name: string | null | undefined, resolved: boolean): string {
    if (!resolved) return '__unresolved';
    if (!name) return '__anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_LABELS) return '__other';
    this.operationNames.add(name);
    return name;
  }

  observeRequest(transport: Transport, operation: string, outcome: string, seconds: number): void {
    const labels = { transport, operation, outcome };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  rateLimited(transport: Transport, key: string): void {
    this.refusals.inc({ transport, principal: key.slice(0, key.indexOf(':')) });
  }
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the length must not leak either.
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** GET /metrics; open unless a token is configured, then `Authorization: Bearer <token>`. */
export function metricsHandler(metrics: HubMetrics, token: string | null): RequestHandler {
  return async (req, res) => {
    if (token) {
      const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
      if (!match?.[1] || !sameSecret(match[1], token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        res.status(401).type('text/plain').send('Unauthorized: /metrics needs "Authorization: Bearer <METRICS_TOKEN>"\n');
        return;
      }
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    // end(), not send(): Express would rewrite the exposition format's content type.
    res.end(await metrics.registry.metrics());
  };
}
