import { Gauge, type Registry } from 'prom-client';
import type { Services } from '../../graphql/context';
import { deliveryCountsByOutcome, oldestPendingDeliveryAt, pendingDeliveryCount } from './notifications.repo';

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
