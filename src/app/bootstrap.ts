import pino, { type Logger } from 'pino';
import type { Config } from '../config';
import type { Clock } from '../clock';
import { Db } from '../db/db';
import { prepareDatabase } from './prepare';
import { buildHubSchema } from './schema';
import { startHub, type Hub } from '../server/app';
import type { Services } from '../graphql/context';
import { EventHub } from '../modules/subscriptions/event-hub';
import { organizationCacheListening, organizationsChangedBy } from '../modules/organizations/organization.loaders';
import { SubscriptionManager } from '../modules/subscriptions/manager';
import { startNotifications } from '../modules/notifications/notifications.service';
import { NotificationAttemptMetrics } from '../modules/notifications/notifications.metrics';

export interface RunningHub extends Hub {
  services: Services;
  seeded: boolean;
  /** Drains the server, then closes the pool. */
  shutdown: () => Promise<void>;
}

/** `destination` lets tests read what the production logger writes (with its redaction). */
export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'incident-hub' },
    // Never log credentials, even by accident.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.headers.authorization',
        'authorization',
        '*.authorization',
        'connectionParams.authorization',
        'secret',
        '*.secret',
        'token',
        '*.token',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Database pool → migrations and demo data → schema → HTTP and WebSocket server. */
export async function bootHub(opts: { config: Config; databaseUrl: string; clock: Clock; log?: Logger; port?: number }): Promise<RunningHub> {
  const log = opts.log ?? createLogger(opts.config);
  const db = new Db(opts.databaseUrl, log, { statementTimeoutMs: opts.config.dbStatementTimeoutMs });
  const services: Services = { db, clock: opts.clock, config: opts.config, log };
  // Live-event work (reading new events, visibility per batch) has its own small pool: it never takes
  // connections from requests, and a request's statements are the request's own.
  const background = new Db(opts.databaseUrl, log, { max: 5, statementTimeoutMs: opts.config.dbStatementTimeoutMs });
  const events = new EventHub(background, log);
  // The network organizations are cached between requests only while this hub hears their changes.
  events.onOrganizations((event, from) =>
    event === 'changed' ? organizationsChangedBy(opts.databaseUrl, from ?? '') : organizationCacheListening(opts.databaseUrl, event === 'listening'),
  );
  try {
    const { seeded } = await prepareDatabase(services, { demoData: opts.config.loadDemoData });
    await events.start();
    const subscriptions = new SubscriptionManager(background, events);
    subscriptions.start();
    const live: Services = {
      ...services,
      subscriptions,
      ...(opts.config.notifications.enabled ? { notificationAttempts: new NotificationAttemptMetrics() } : {}),
    };
    const schema = await buildHubSchema();
    const notifier = await startNotifications(live, schema, opts.databaseUrl);
    const hub = await startHub(live, schema, { port: opts.port ?? opts.config.port, host: opts.config.host, events });
    return {
      ...hub,
      services: live,
      seeded,
      shutdown: async () => {
        await hub.close();
        await notifier?.stop();
        subscriptions.stop();
        await events.stop();
        await background.close();
        await db.close();
      },
    };
  } catch (err) {
    await events.stop().catch(() => undefined);
    await background.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}
