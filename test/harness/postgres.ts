import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { ROOT, withDatabase } from './hub';

/**
 * A PostgreSQL server of its own (not the shared test one) that a fault test can stop and start:
 * `test/harness/pg-server.mjs` runs it in a child process (the embedded binaries are ESM-only) and
 * takes `stop` / `start` commands. Stopping is PostgreSQL's fast shutdown (SIGINT to the postmaster):
 * the server process really goes away, with every connection.
 */
export interface DedicatedPostgres {
  /** Connection URL of a database on this server (default `postgres`). */
  url(database?: string): string;
  port: number;
  dataDir: string;
  /** Process id of the postmaster, or null while it is stopped. */
  pid(): number | null;
  /** Fast shutdown; resolves once the postmaster has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

interface Message {
  event: 'ready' | 'stopped' | 'started' | 'error';
  url?: string;
  port?: number;
  pid?: number | null;
  dataDir?: string;
  message?: string;
}

export async function startDedicatedPostgres(timeoutMs = 120_000): Promise<DedicatedPostgres> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'test', 'harness', 'pg-server.mjs')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waiting: ((m: Message) => void)[] = [];
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let msg: Message;
    try {
      msg = JSON.parse(line) as Message;
    } catch {
      return; // not ours
    }
    waiting.shift()?.(msg);
  });
  const next = (what: string, ms: number) =>
    new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dedicated PostgreSQL: no answer to ${what} in ${ms} ms\n${stderr}`)), ms);
      waiting.push((m) => {
        clearTimeout(timer);
        if (m.event === 'error') reject(new Error(`dedicated PostgreSQL: ${what} failed: ${m.message}\n${stderr}`));
        else resolve(m);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`dedicated PostgreSQL exited (${code}) while waiting for ${what}\n${stderr}`));
      });
    });

  const ready = await next('start', timeoutMs);
  const adminUrl = ready.url!;
  let pid: number | null = ready.pid ?? null;
  let chain: Promise<unknown> = Promise.resolve();
  const command = (cmd: 'stop' | 'start', ms: number): Promise<Message> => {
    const run = chain.then(() => {
      const answer = next(cmd, ms);
      child.stdin!.write(`${cmd}\n`);
      return answer;
    });
    chain = run.catch(() => undefined);
    return run;
  };

  return {
    url: (database = 'postgres') => withDatabase(adminUrl, database),
    port: ready.port!,
    dataDir: ready.dataDir!,
    pid: () => pid,
    stop: async () => {
      await command('stop', 60_000);
      pid = null;
    },
    start: async () => {
      const m = await command('start', 60_000);
      pid = m.pid ?? null;
    },
    createDatabase: async (name: string) => {
      const admin = new pg.Client({ connectionString: adminUrl });
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        await admin.query(`create database "${name}"`);
      } finally {
        await admin.end();
      }
      return withDatabase(adminUrl, name);
    },
    close: async () => {
      if (child.exitCode === null) {
        child.stdin!.end('exit\n');
        const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * One statement on a short-lived connection: nothing of the test's own stays idle across an outage of the
 * database (fault tests stop and start it under the hubs).
 */
export async function sqlOnce<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = [], connectTimeoutMs = 5000): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}
