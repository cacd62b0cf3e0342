import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './dist';

export const BENCH_JWT_SECRET = 'bench-only-secret-'.padEnd(40, 'x');

export interface HubProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * `node dist/main.js` as a process of its own (its own event loop, apart from the load generator),
 * with production settings: errors masked, no rate limit, warnings only. With `cpuProfDir` it runs
 * under `--cpu-prof` and writes its profile there when it stops; `env` overrides its settings.
 */
export async function startHub(databaseUrl: string, opts: { cpuProfDir?: string; env?: Record<string, string> } = {}): Promise<HubProcess> {
  // The Node flags `npm start` runs the hub with; BENCH_HUB_NODE_FLAGS replaces them (experiments).
  const args: string[] = (process.env.BENCH_HUB_NODE_FLAGS ?? startFlags()).split(' ').filter(Boolean);
  if (opts.cpuProfDir) {
    fs.mkdirSync(opts.cpuProfDir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  }
  // BENCH_HUB_DIST: another build of the hub (e.g. before an optimization), same database and floor.
  args.push(path.join(process.env.BENCH_HUB_DIST ?? path.join(ROOT, 'dist'), 'main.js'));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      JWT_SECRET: BENCH_JWT_SECRET,
      NODE_ENV: 'production',
      MASK_ERRORS: 'true',
      RATE_LIMIT: 'false',
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      HUB_DATA_DIR: path.join(ROOT, '.data', 'bench', 'hub'),
      HUB_WORKERS: process.env.BENCH_HUB_WORKERS ?? '1',
      // The subscription benchmark's subscribers share one account per organization, each standing for a desk of its own.
      WS_MAX_CONNECTIONS_PER_PRINCIPAL: '100000',
      // Requests alone: in production the hub would refuse to start with notifications on and no SMTP_URL,
      // and deliveries would compete with the load. The notifications section starts a delivering hub of
      // its own (bench/notifications.ts) and registers receivers on 127.0.0.1 through this one.
      NOTIFICATIONS: 'off',
      NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
      ...opts.env,
    },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in 120 s:\n${out}`)), 120_000);
    const check = () => {
      const m = /GraphQL \(HTTP and WebSocket\): http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} during start:\n${out}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}/graphql`,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The flags between `node` and `dist/main.js` in package.json's start script. */
function startFlags(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const m = /^node\s+(.*?)\s*dist\/main\.js$/.exec(pkg.scripts.start);
  if (!m) throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return m[1];
}

/** Resident set size of a process, from /proc/<pid>/status (VmRSS), in bytes. */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export async function post<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: T; errors?: unknown[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}
