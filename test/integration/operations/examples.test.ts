import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub, ROOT, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

jest.setTimeout(120_000);

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

test('examples/registry-sync.mjs syncs the feed into its state file, then resumes and applies a tombstone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-'));
  const state = path.join(dir, 'state.json');
  const run = async () => {
    // Asynchronous: the hub under test runs in this process and must keep answering.
    const r = await promisify(execFile)(process.execPath, [path.join(ROOT, 'examples', 'registry-sync.mjs')], {
      env: { ...process.env, HUB_URL: t.url, HUB_TOKEN: await t.token('handler@vnnic.test'), STATE_FILE: state, PAGE_SIZE: '2' },
      timeout: 30_000,
    });
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { cases: number; upserts: number; removals: number };
  };
  const first = await run();
  expect(first.cases).toBe(4); // the demo cases of VNNIC's feed
  // A case leaves the feed: the next run removes it and changes nothing else.
  const [green] = await t.sql<{ id: string; version: number }>(`select id, version from incident where title like 'Spam campaign%'`);
  const id = Buffer.from(`Incident:${green.id}`).toString('base64url');
  await t.as('handler@vncert.test', `mutation($i: SetTlpInput!) { setIncidentTlp(input: $i) { incident { tlp } } }`, {
    i: { id, expectedVersion: green.version, tlp: 'RED' },
  });
  const second = await run();
  expect(second).toMatchObject({ cases: 3, upserts: 0, removals: 1 });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('examples/subscriber.mjs prints events and, restarted, resumes from its cursor file without repeats', async () => {
  const { spawn } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sub-'));
  const cursorFile = path.join(dir, 'cursor.txt');
  const token = await t.token('handler@vncert.test');
  const start = () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'examples', 'subscriber.mjs')], {
      env: { ...process.env, HUB_URL: t.url, HUB_TOKEN: token, CURSOR_FILE: cursorFile },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" in: ${out}`)), 45_000);
        const check = () => {
          if (out.includes(text)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    return { child, waitFor, out: () => out };
  };
  const report = async (title: string) =>
    (
      await reportIncident<{ reference: string }>(
        t,
        'reporter@acme.test',
        { title, description: 'd', detectedAt: new Date(Date.now() - 60_000).toISOString(), reporterContact: { name: 'R' } },
        'reference',
      )
    ).reference;
  // Start from the current position, so the first run does not depend on when its subscription registered.
  const [{ p }] = await t.sql<{ p: string }>(`select coalesce(max(position), 0)::text as p from incident_event`);
  fs.writeFileSync(cursorFile, p);
  const first = start();
  const a = await report('Example A');
  await first.waitFor(a);
  // Stop it once it has saved its cursor (a crash between printing and saving would rightly repeat A).
  for (let i = 0; i < 100 && fs.readFileSync(cursorFile, 'utf8').trim() === p; i++) await new Promise((r) => setTimeout(r, 50));
  first.child.kill();
  const b = await report('Example B'); // happens while the subscriber is down
  const second = start();
  await second.waitFor(b);
  second.child.kill();
  expect(second.out()).not.toContain(a); // resumed after A: no repeat
  fs.rmSync(dir, { recursive: true, force: true });
});
