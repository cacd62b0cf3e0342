#!/usr/bin/env node
// Registry sync client: pulls the domain-case feed, keeps its cursor and cases in a file, applies
// tombstones, and resumes where it stopped. Run it as often as you like (cron, a loop).
//
//   HUB_URL=http://localhost:4000/graphql HUB_TOKEN=<VNNIC API key or token> node examples/registry-sync.mjs
//
// Optional: STATE_FILE (default ./registry-sync-state.json), ZONE (e.g. "gov.vn"), PAGE_SIZE (default 100).
import fs from 'node:fs';

const url = process.env.HUB_URL ?? 'http://localhost:4000/graphql';
const token = process.env.HUB_TOKEN;
const stateFile = process.env.STATE_FILE ?? './registry-sync-state.json';
const zone = process.env.ZONE || null;
const pageSize = Number(process.env.PAGE_SIZE ?? 100);
if (!token) {
  console.error('Set HUB_TOKEN (a VNNIC API key with DOMAIN_FEED_READ, or a token of a VNNIC account).');
  process.exit(2);
}

const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { cursor: null, cases: {} };
const query = `query($f: DomainCaseFilter, $a: String, $n: Int) {
  domainCases(filter: $f, first: $n, after: $a) {
    edges { node { cursor removed incidentId incident { reference status tlp } domains { value displayValue } } }
    pageInfo { hasNextPage endCursor } } }`;

let upserts = 0;
let removals = 0;
for (;;) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { f: zone ? { zone } : null, a: state.cursor, n: pageSize } }),
  });
  const body = await res.json();
  if (body.errors) {
    console.error(JSON.stringify(body.errors));
    process.exit(1);
  }
  const { edges, pageInfo } = body.data.domainCases;
  for (const { node } of edges) {
    if (node.removed) {
      delete state.cases[node.incidentId];
      removals++;
    } else {
      state.cases[node.incidentId] = { ...node.incident, domains: node.domains.map((d) => d.value) };
      upserts++;
    }
    state.cursor = node.cursor;
  }
  // Save after every page: a crash resumes from the last applied page, never skipping one.
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  if (!pageInfo.hasNextPage) break;
}
console.log(JSON.stringify({ cases: Object.keys(state.cases).length, upserts, removals, cursor: state.cursor }));
