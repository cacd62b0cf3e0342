import 'reflect-metadata';
import { loadConfig, ConfigError } from './config';
import { systemClock, AdjustableClock } from './clock';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded';
import cluster from 'node:cluster';
import { bootHub, createLogger, type RunningHub } from './app/bootstrap';
import { banner } from './server/banner';
import { runPrimary, onPrimaryStop, tellPrimary } from './server/cluster';

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
  const startedAt = (globalThis as { __startedAt?: number }).__startedAt!;
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, log, startedAt);
  const worker = cluster.isWorker;
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
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (worker) onPrimaryStop((reason) => void (stopping || stop(reason)));
  else process.on('SIGINT', () => void stop('SIGINT'));

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log: (m) => log.info(m) });
      databaseUrl = embedded.url('postgres');
    }
    hub = await bootHub({ config, databaseUrl, clock, log });
    if (worker) {
      tellPrimary({ type: 'ready', url: hub.url, port: hub.port, seeded: hub.seeded });
      return;
    }
    const started = Date.now() - startedAt;
    process.stdout.write(`${banner({ startedMs: started, url: hub.url, port: hub.port, embedded, seeded: hub.seeded })}\n`);
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
