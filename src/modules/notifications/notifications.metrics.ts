import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Services } from '../../graphql/context';
import { deliveryCountsByOutcome, oldestPendingDeliveryAt, pendingDeliveryCount } from './notifications.repo';
import type { Channel } from './notification.entity';

declare module '../../graphql/context' {
  interface Services {
    /** This instance's own delivery attempts (where notifications run). */
    notificationAttempts?: NotificationAttemptMetrics;
  }
}

/**
 * Per-instance counters of the attempts this process makes (prom-client, reset with the process),
 * beside the cluster-wide gauges below that are read from the database: rates per instance, and the
 * attempt latency as a histogram, which the database's rows give only one by one.
 */
export class NotificationAttemptMetrics {
  private readonly attempts = new Counter({
    name: 'hub_notification_attempts_total',
    help: 'Delivery attempts made by this instance, by channel, kind and outcome (DELIVERED, RETRY, GONE, DEAD, SKIPPED, CANCELLED, REFUSED)',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: [],
  });
  private readonly latency = new Histogram({
    name: 'hub_notification_attempt_duration_seconds',
    help: "Time of the webhook POST or SMTP send of this instance's attempts, by channel and outcome",
    labelNames: ['channel', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [],
  });

  /** Into a hub's registry (one per hub: tests run several hubs in one process). */
  register(registry: Registry): void {
    registry.registerMetric(this.attempts);
    registry.registerMetric(this.latency);
  }

  /** One finished attempt; `latencyMs` is null when nothing was sent (skipped, cancelled). */
  observe(channel: Channel, kind: string, outcome: string, latencyMs: number | null): void {
    this.attempts.inc({ channel, kind, outcome });
    if (latencyMs !== null) this.latency.observe({ channel, outcome }, latencyMs / 1000);
  }
}

/**
 * Notification metrics (DESIGN.md §7), read from the database at scrape time so that every instance
 * reports the same cluster-wide numbers and nothing is lost with a restarted process: deliveries by
 * kind, channel and outcome (status), the queue's depth (pending deliveries) and the age of the
 * oldest pending one by the hub's clock.
 */
export function registerNotificationMetrics(registers: Registry[], services: Pick<Services, 'db' | 'clock'>): void {
  // Registered only where notifications run (the scrape reads the database).
  const { db, clock } = services;
  new Gauge({
    name: 'hub_notification_deliveries',
    help: 'Notification deliveries by kind, channel and outcome (PENDING, DELIVERED, DEAD, SKIPPED, CANCELLED), all instances',
    labelNames: ['kind', 'channel', 'outcome'],
    registers,
    async collect() {
      this.reset();
      const rows = await deliveryCountsByOutcome(db).catch(() => []);
      for (const r of rows) this.set({ kind: r.kind, channel: r.channel, outcome: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'hub_notification_queue_depth',
    help: 'Deliveries waiting to be made (pending, due or scheduled for a retry)',
    registers,
    async collect() {
      const n = await pendingDeliveryCount(db).catch(() => undefined);
      this.set(n ?? 0);
    },
  });
  new Gauge({
    name: 'hub_notification_oldest_pending_seconds',
    help: 'Age of the oldest pending delivery, in seconds (0 when none)',
    registers,
    async collect() {
      const at = await oldestPendingDeliveryAt(db).catch(() => undefined);
      this.set(at ? Math.max(0, (clock.now().getTime() - at.getTime()) / 1000) : 0);
    },
  });
}
