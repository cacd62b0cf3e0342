import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub, ROOT, type TestHub } from '../harness/hub';

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
  await t.as('handler@vncert.test', `mutation($i: SetTlpInput!) { setIncidentTlp(input: $i) { incident { tlp } } }`, { i: { id, expectedVersion: green.version, tlp: 'RED' } });
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
        const timer = setTimeout(() => reject(new Error(`no "${text}" in: ${out}`)), 15_000);
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
    (await t.as<{ reportIncident: { reference: string } }>('reporter@acme.test', `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference } }`,
      { i: { title, description: 'd', detectedAt: new Date(Date.now() - 60_000).toISOString(), reporterContact: { name: 'R' } } })).data!.reportIncident.reference;
  const first = start();
  await new Promise((r) => setTimeout(r, 800));
  const a = await report('Example A');
  await first.waitFor(a);
  first.child.kill();
  const b = await report('Example B'); // happens while the subscriber is down
  const second = start();
  await second.waitFor(b);
  second.child.kill();
  expect(second.out()).not.toContain(a); // resumed after A: no repeat
  fs.rmSync(dir, { recursive: true, force: true });
});
