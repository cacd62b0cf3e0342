import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded';
import { banner } from './banner';

/**
 * HUB_WORKERS > 1: this process (the primary) starts the embedded PostgreSQL when there is no
 * DATABASE_URL, forks that many hub processes sharing the port (node:cluster), and coordinates their
 * shutdown. It serves nothing itself. The workers are ordinary hub instances: events, principal
 * changes and subscriptions already cross instances through PostgreSQL; the first to take the
 * migration lock migrates and loads the demo data. Rate limits and /metrics stay per process.
 */

/** Messages between the primary and its workers. */
export type WorkerMessage = { type: 'ready'; url: string; port: number; seeded: boolean } | { type: 'shutdown' };

const SHUTDOWN_TIMEOUT_MS = 30_000;
const RESTART_DELAY_MS = 1_000;

export async function runPrimary(config: Config, log: Logger, startedAt: number): Promise<void> {
  let embedded: EmbeddedPostgres | null = null;
  let stopping = false;
  let started = false;
  const workers = new Set<Worker>();
  let env: Record<string, string> = {};

  const exitOf = (w: Worker) =>
    new Promise<number | null>((resolve) => (w.process.exitCode !== null ? resolve(w.process.exitCode) : w.once('exit', (code) => resolve(code))));

  const stop = async (reason: string, code: number) => {
    if (stopping) {
      log.warn({ reason }, 'second signal: exiting now');
      for (const w of workers) w.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    log.info({ reason }, 'shutting down: the workers drain their requests and subscriptions');
    const exits = [...workers].map(async (w) => {
      if (w.isConnected()) w.send({ type: 'shutdown' } satisfies WorkerMessage);
      const timer = setTimeout(() => w.process.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
      const exitCode = await exitOf(w);
      clearTimeout(timer);
      return exitCode;
    });
    const codes = await Promise.all(exits);
    if (embedded) {
      log.info('stopping the embedded PostgreSQL');
      await embedded.stop().catch((err: unknown) => log.error({ err }, 'stopping the embedded PostgreSQL failed'));
    }
    log.info('stopped');
    process.exit(codes.every((c) => c === 0) ? code : 1);
  };
  // A terminal's Ctrl-C reaches the whole process group: the workers ignore SIGINT and wait for the
  // primary's word, so that each drains once and the database stops after the last of them.
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));

  const fork = (): Promise<Extract<WorkerMessage, { type: 'ready' }>> => {
    const w = cluster.fork(env);
    workers.add(w);
    w.once('exit', (code, signal) => {
      workers.delete(w);
      if (stopping || !started) return;
      // A worker that dies while serving is replaced; the others keep serving meanwhile.
      log.error({ pid: w.process.pid, code, signal }, 'a hub worker exited: starting another');
      setTimeout(() => {
        if (!stopping) fork().catch((err: unknown) => log.error({ err }, 'a replacement worker failed to start'));
      }, RESTART_DELAY_MS);
    });
    return new Promise((resolve, reject) => {
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve(m);
      });
      w.once('exit', (code) => reject(new Error(`hub worker ${w.process.pid} exited with ${code} during start`)));
    });
  };

  try {
    if (config.databaseUrl) {
      env = {};
    } else {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log: (m) => log.info(m) });
      env = { DATABASE_URL: embedded.url('postgres') };
    }
    const ready = await Promise.all(Array.from({ length: config.workers }, fork));
    started = true;
    const first = ready[0];
    process.stdout.write(
      `${banner({
        startedMs: Date.now() - startedAt,
        url: first.url,
        port: first.port,
        embedded,
        seeded: ready.some((r) => r.seeded),
        workers: [...workers].map((w) => w.process.pid!),
      })}\n`,
    );
    log.info({ url: first.url, workers: workers.size, startupMs: Date.now() - startedAt }, 'ready');
  } catch (err) {
    log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : err }, 'startup failed');
    await stop('startup failed', 1);
  }
}

/** In a worker: the primary's shutdown message, or the primary going away, stop this hub. */
export function onPrimaryStop(stop: (reason: string) => void): void {
  process.on('SIGINT', () => undefined); // the primary decides (see runPrimary)
  process.on('message', (m: WorkerMessage) => {
    if (m.type === 'shutdown') stop('shutdown');
  });
  process.on('disconnect', () => stop('primary gone'));
}

export function tellPrimary(message: WorkerMessage): void {
  process.send?.(message);
}
