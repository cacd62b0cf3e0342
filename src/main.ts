import 'reflect-metadata';
import { loadConfig, ConfigError } from './config';
import { systemClock, AdjustableClock } from './clock';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded';
import { bootHub, createLogger, type RunningHub } from './server/bootstrap';

/** Process entry: config → database → server; Ctrl-C drains the server, then stops the database. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config);
  // Test-only: a server process whose clock runs offset from real time (multi-process tests move time).
  const clock = config.env === 'test' && process.env.HUB_CLOCK_OFFSET_MS ? new AdjustableClock(Number(process.env.HUB_CLOCK_OFFSET_MS)) : systemClock;

  let embedded: EmbeddedPostgres | null = null;
  let hub: RunningHub | null = null;
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and subscriptions');
    try {
      if (hub) await hub.shutdown();
      if (embedded) {
        log.info('stopping the embedded PostgreSQL');
        await embedded.stop();
      }
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log: (m) => log.info(m) });
      databaseUrl = embedded.url('postgres');
    }
    hub = await bootHub({ config, databaseUrl, clock, log });
    const started = Date.now() - (globalThis as { __startedAt?: number }).__startedAt!;
    const banner = [
      '',
      `  Incident coordination hub ready in ${started} ms`,
      `  GraphQL (HTTP and WebSocket): ${hub.url}`,
      `  Explorer: open ${hub.url} in a browser`,
      `  Health: http://localhost:${hub.port}/healthz, readiness: http://localhost:${hub.port}/readyz`,
      `  Database: ${embedded ? `embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${embedded.dataDir})` : 'DATABASE_URL'}${hub.seeded ? ', demo data loaded' : ''}`,
      `  Get a token: npm run token -- handler@vncert.test`,
      '',
    ].join('\n');
    process.stdout.write(`${banner}\n`);
    log.info({ url: hub.url, startupMs: started }, 'ready');
  } catch (err) {
    log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : err }, 'startup failed');
    if (hub) await hub.shutdown().catch(() => undefined);
    if (embedded) await embedded.stop().catch(() => undefined);
    process.exit(1);
  }
}

(globalThis as { __startedAt?: number }).__startedAt = Date.now();
void main();
