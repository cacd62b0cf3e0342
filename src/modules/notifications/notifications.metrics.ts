import { Gauge, type Registry } from 'prom-client';
import type { Services } from '../../graphql/context';
import { sql } from '../../db/sql';

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
      const rows = await db.query<{ kind: string; channel: string; status: string; n: number }>(sql`
        select n.kind, d.channel, d.status, count(*)::int as n from notification_delivery d join notification n on n.id = d.notification_id
        group by 1, 2, 3`).catch(() => []);
      for (const r of rows) this.set({ kind: r.kind, channel: r.channel, outcome: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'hub_notification_queue_depth',
    help: 'Deliveries waiting to be made (pending, due or scheduled for a retry)',
    registers,
    async collect() {
      const row = await db.one<{ n: number }>(sql`select count(*)::int as n from notification_delivery where status = 'PENDING'`).catch(() => undefined);
      this.set(row?.n ?? 0);
    },
  });
  new Gauge({
    name: 'hub_notification_oldest_pending_seconds',
    help: 'Age of the oldest pending delivery, in seconds (0 when none)',
    registers,
    async collect() {
      const row = await db.one<{ at: Date | null }>(sql`select min(created_at) as at from notification_delivery where status = 'PENDING'`).catch(() => undefined);
      this.set(row?.at ? Math.max(0, (clock.now().getTime() - row.at.getTime()) / 1000) : 0);
    },
  });
}
