import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startHubProcess, processesMentioning } from '../../harness/process';
import { ROOT } from '../../harness/hub';

/**
 * `npm start` without DATABASE_URL: the hub starts its own embedded PostgreSQL in a data folder,
 * Ctrl-C drains and stops it with nothing left behind, and a database left running by a killed
 * hub is detected on the next start.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

jest.setTimeout(240_000);

const dataDir = fs.mkdtempSync(path.join(ROOT, '.data', 'process-test-'));
afterAll(() => {
  for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function env(pgPort: number): Record<string, string> {
  // No DATABASE_URL: the embedded path, exactly as `npm start` on a fresh clone.
  return { DATABASE_URL: '', HUB_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), NODE_ENV: 'development' };
}

test('first start loads demo data; Ctrl-C (SIGINT to the process group) leaves no process behind', async () => {
  const pgPort = await freePort();
  const hub = await startHubProcess(env(pgPort));
  expect(hub.output()).toContain('demo data loaded');
  const health = await fetch(hub.url.replace('/graphql', '/readyz'));
  expect(health.status).toBe(200);
  expect(processesMentioning(dataDir).length).toBeGreaterThan(0); // the embedded postgres

  process.kill(-hub.child.pid!, 'SIGINT');
  expect(await hub.exited).toBe(0);
  expect(processesMentioning(dataDir)).toEqual([]);
  expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
});

test('a database left running by a killed hub is detected on the next start; demo data is not loaded twice', async () => {
  const pgPort = await freePort();
  const first = await startHubProcess(env(pgPort));
  expect(first.output()).not.toContain('demo data loaded');
  process.kill(-first.child.pid!, 'SIGKILL'); // the hub dies; its postgres (own process group) keeps running
  await first.exited;
  expect(processesMentioning(dataDir).length).toBeGreaterThan(0);

  const second = await startHubProcess(env(pgPort));
  const ready = await fetch(second.url.replace('/graphql', '/readyz'));
  expect(ready.status).toBe(200);
  process.kill(-second.child.pid!, 'SIGINT');
  expect(await second.exited).toBe(0);
  expect(processesMentioning(dataDir)).toEqual([]);
});

test('the data folder lives under ./.data, which git ignores', () => {
  expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.data\/$/m);
  expect(dataDir.startsWith(path.join(ROOT, '.data'))).toBe(true);
  expect(os.platform()).toBe('linux');
});

/** Child processes of `parent` that run the hub (the embedded postgres is a child of the primary too). */
function hubChildren(parent: number): number[] {
  return processesMentioning('dist/main.js').filter((pid) => {
    try {
      return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[2]) === parent;
    } catch {
      return false; // gone meanwhile
    }
  });
}

test('HUB_WORKERS=2: two hub processes share the port, a killed worker is replaced, Ctrl-C stops them all and then the database', async () => {
  const pgPort = await freePort();
  const hub = await startHubProcess({ ...env(pgPort), HUB_WORKERS: '2' });
  const pids = /Workers: 2 processes sharing the port \(pids (\d+), (\d+)\)/.exec(hub.output())!.slice(1).map(Number);
  expect(pids).toHaveLength(2);
  const ready = () => fetch(hub.url.replace('/graphql', '/readyz')).then((r) => r.status);
  expect(await ready()).toBe(200);

  process.kill(pids[0], 'SIGKILL');
  const deadline = Date.now() + 60_000;
  while (!(hubChildren(hub.child.pid!).length === 2 && !hubChildren(hub.child.pid!).includes(pids[0])) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const now = hubChildren(hub.child.pid!);
  expect(now).toHaveLength(2);
  expect(now).toContain(pids[1]);
  for (let i = 0; i < 5; i++) expect(await ready()).toBe(200); // the survivor served meanwhile; the replacement too

  process.kill(-hub.child.pid!, 'SIGINT');
  expect(await hub.exited).toBe(0);
  expect([...now, ...pids].filter((pid) => fs.existsSync(`/proc/${pid}`))).toEqual([]);
  expect(processesMentioning(dataDir)).toEqual([]);
  expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
});
