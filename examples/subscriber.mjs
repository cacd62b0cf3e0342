#!/usr/bin/env node
// Live subscriber: prints incident events and resumes from its last cursor after a disconnect, so no
// event is missed or seen twice. Stops for good when the server says retrying cannot help (4401).
//
//   HUB_URL=http://localhost:4000/graphql HUB_TOKEN=$(npm run --silent token -- handler@vnpt.test) node examples/subscriber.mjs
//
// Optional: CURSOR_FILE (default ./subscriber-cursor.txt), INCIDENT_ID (follow one incident).
import fs from 'node:fs';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';

const url = (process.env.HUB_URL ?? 'http://localhost:4000/graphql').replace(/^http/, 'ws');
const token = process.env.HUB_TOKEN;
const cursorFile = process.env.CURSOR_FILE ?? './subscriber-cursor.txt';
if (!token) {
  console.error('Set HUB_TOKEN (npm run --silent token -- handler@vnpt.test).');
  process.exit(2);
}
let cursor = fs.existsSync(cursorFile) ? fs.readFileSync(cursorFile, 'utf8').trim() || null : null;
const query = `subscription($incidentId: ID, $after: String) {
  incidentEvents(incidentId: $incidentId, after: $after) { cursor type occurredAt incidentId incident { reference title status } changes } }`;

for (let attempt = 0; ; attempt++) {
  const outcome = await new Promise((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0, // we reconnect ourselves, with the latest cursor
      on: { closed: (e) => resolve({ code: e.code, reason: e.reason }) },
    });
    client.subscribe(
      { query, variables: { incidentId: process.env.INCIDENT_ID || null, after: cursor } },
      {
        next: ({ data, errors }) => {
          if (errors) console.error(JSON.stringify(errors));
          const e = data?.incidentEvents;
          if (!e) return;
          console.log(`${e.occurredAt} ${e.type.padEnd(22)} ${e.incident?.reference ?? e.incidentId} ${JSON.stringify(e.changes)}`);
          cursor = e.cursor;
          fs.writeFileSync(cursorFile, cursor);
        },
        error: (err) => resolve({ code: 0, reason: String(err?.message ?? JSON.stringify(err)) }),
        complete: () => resolve({ code: 1000, reason: 'complete' }),
      },
    );
  });
  if (outcome.code === 4401 || outcome.reason === 'complete') {
    console.error(`stopped: ${outcome.code} ${outcome.reason}`);
    process.exit(outcome.code === 4401 ? 1 : 0);
  }
  const wait = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
  console.error(`disconnected (${outcome.code} ${outcome.reason}); resuming after ${cursor ?? 'now'} in ${wait} ms`);
  await new Promise((r) => setTimeout(r, wait));
}
