/**
 * For each viewer, the STIX bundle agrees with the GraphQL answer (DESIGN.md §8): the same incidents,
 * the same visible fields, indicators, directives and notes — compared against what the API answers to
 * the viewer's own query, not against the builder's code — on every demo account × demo incident and on
 * random worlds of the differential test of the views (test/differential/). Every bundle of the random
 * worlds also validates against OASIS's schemas.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startTestHub, type TestHub } from '../../harness/hub';
import { ACCOUNTS } from '../../matrix/accounts';
import { DEMO_NETWORK, worldArb } from '../../differential/world';
import { insertWorld, deleteWorld, referenceOf } from '../../differential/store';
import { SHARED_DIR } from '../../harness/shared';
import { bundleErrors } from './conformance';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const WORLDS = Number(process.env.STIX_WORLDS ?? 2);

let t: TestHub;
beforeAll(async () => {
  console.log(`STIX differential: seed ${SEED}, ${WORLDS} random worlds (reproduce with FC_SEED=${SEED})`);
  t = await startTestHub({ RATE_LIMIT: 'false' });
}, 120_000);
afterAll(async () => t?.close());

/** The official TLP 2.0 marking definitions, read from the reference the hub embeds them from. */
const TLP_MARKINGS: Record<string, { id: string; name: string }> = Object.fromEntries(
  fs
    .readFileSync(path.join(SHARED_DIR, 'reference', 'stix-tlp2.md'), 'utf8')
    .split('\n')
    .map((l) => /^\| (CLEAR|GREEN|AMBER|AMBER\+STRICT|RED) \| `(marking-definition--[0-9a-f-]+)` \| `([^`]+)` \|/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => [m[1].replace('+', '_'), { id: m[2], name: m[3] }]),
);

const Q = `query($ref: String!) { incidentByReference(reference: $ref) {
  reference title description status severity tlp updatedAt accessLevel
  classification { rsitClass rsitType }
  handler { name } reportingOrganization { name } coordinator { name } participants { name }
  indicators { type value }
  directives(first: 100) { edges { node { action instructions status targets { type value } recipient { name } } } }
  notes(first: 100) { edges { node { body authorOrganization { name } } } }
  stix
} }`;
type Org = { name: string };
interface Answer {
  reference: string;
  title: string;
  description: string | null;
  status: string;
  severity: string | null;
  tlp: string;
  updatedAt: string;
  accessLevel: string;
  classification: { rsitClass: string | null; rsitType: string | null } | null;
  handler: Org;
  reportingOrganization: Org | null;
  coordinator: Org | null;
  participants: Org[];
  indicators: { type: string; value: string }[];
  directives: {
    edges: { node: { action: string; instructions: string; status: string; targets: { type: string; value: string }[]; recipient: Org } }[];
  };
  notes: { edges: { node: { body: string; authorOrganization: Org | null } }[] };
  stix: { type: string; objects: StixObject[] } | null;
}
type StixObject = Record<string, unknown> & { type: string; id: string };

/** The value a pattern compares (`[type:path = 'v']` or `= n`), read with a regular expression, not with the hub's parser. */
function patternValue(pattern: string): string {
  const s = /= '((?:[^'\\]|\\.)*)'\]$/.exec(pattern);
  if (s) return s[1].replace(/\\(.)/g, '$1');
  const n = /= (\d+)\]$/.exec(pattern);
  return n ? `AS${n[1]}` : `?${pattern}`;
}
const sorted = <T>(xs: T[]) => [...xs].map((x) => JSON.stringify(x)).sort();

/** Every difference between the viewer's GraphQL answer and its bundle (§8's mapping, by hand). */
function differences(a: Answer): string[] {
  const out: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`${a.reference} ${what}: bundle ${JSON.stringify(got)} ≠ GraphQL ${JSON.stringify(want)}`);
  };
  if (!a.stix) return [`${a.reference}: no bundle for a visible incident`];
  const objects = a.stix.objects;
  const of = (type: string) => objects.filter((o) => o.type === type);
  const [incident] = of('incident');
  expect('incidents', of('incident').length, 1);
  expect('name', incident.name, a.title);
  expect('description', incident.description ?? null, a.description);
  expect('reference', (incident.external_references as { external_id: string }[])[0].external_id, a.reference);
  expect('modified', incident.modified, new Date(a.updatedAt).toISOString());
  const ext = (incident.extensions as Record<string, Record<string, unknown>>)['extension-definition--ef765651-680c-498d-9894-99799f2fa126'];
  expect('criticality shown', 'criticality' in ext, a.severity !== null);
  expect('incident_types', ext.incident_types ?? [], [a.classification?.rsitClass, a.classification?.rsitType].filter(Boolean));
  expect(
    'investigation_status',
    ext.investigation_status,
    { REPORTED: 'new', RESOLVED: 'closed', CLOSED: 'closed', REJECTED: 'closed' }[a.status] ?? 'open',
  );
  // Markings: the incident's TLP on every object, the definition embedded as published.
  const tlp = TLP_MARKINGS[a.tlp];
  expect(
    'marking definitions',
    of('marking-definition').map((m) => [m.id, m.name]),
    [[tlp.id, tlp.name]],
  );
  const unmarked = objects
    .filter((o) => o.type !== 'marking-definition' && o.id !== objects.find((x) => x.identity_class === 'system')?.id)
    .filter((o) => JSON.stringify(o.object_marking_refs) !== JSON.stringify([tlp.id]));
  expect(
    'objects without the incident marking',
    unmarked.map((o) => o.id),
    [],
  );
  // Organizations: exactly those the answer names.
  const orgs = new Set(
    [
      a.handler,
      a.reportingOrganization,
      a.coordinator,
      ...a.participants,
      ...a.directives.edges.map((e) => e.node.recipient),
      ...a.notes.edges.map((e) => e.node.authorOrganization),
    ]
      .filter((o): o is Org => !!o)
      .map((o) => o.name),
  );
  expect(
    'identities',
    of('identity')
      .filter((o) => o.identity_class !== 'system')
      .map((o) => o.name)
      .sort(),
    [...orgs].sort(),
  );
  // Indicators: the incident's and the directives' targets, one comparison each, with its observable.
  const values = new Set([...a.indicators, ...a.directives.edges.flatMap((e) => e.node.targets)].map((i) => i.value));
  expect(
    'indicators',
    of('indicator')
      .map((o) => patternValue(String(o.pattern)))
      .sort(),
    [...values].sort(),
  );
  const observed = objects.filter((o) =>
    ['domain-name', 'ipv4-addr', 'ipv6-addr', 'url', 'email-addr', 'autonomous-system', 'file'].includes(o.type),
  );
  expect(
    'observables',
    observed.length,
    new Set(of('indicator').map((o) => String(o.pattern).replace(/^\[([a-z0-9-]+):.*/, '$1') + patternValue(String(o.pattern)))).size,
  );
  expect(
    'tasks',
    sorted(of('task').map((o) => [o.name, o.description])),
    sorted(a.directives.edges.map((e) => [e.node.action, e.node.instructions])),
  );
  expect(
    'notes',
    sorted(of('note').map((o) => [o.content, (o.authors as string[] | undefined)?.[0] ?? null])),
    sorted(a.notes.edges.map((e) => [e.node.body, e.node.authorOrganization?.name ?? null])),
  );
  // Every reference inside the bundle resolves inside it.
  const ids = new Set(objects.map((o) => o.id));
  for (const r of of('relationship'))
    for (const ref of [r.source_ref, r.target_ref]) if (!ids.has(String(ref))) out.push(`${a.reference} dangling ${String(ref)}`);
  for (const n of of('note')) for (const ref of n.object_refs as string[]) if (!ids.has(ref)) out.push(`${a.reference} dangling note ref ${ref}`);
  return out;
}

async function compare(
  email: string,
  references: string[],
  sensitive: Map<string, string[]>,
  problems: string[],
  validate: boolean,
): Promise<number> {
  const token = await t.token(email);
  let bundles = 0;
  for (const ref of references) {
    const r = await t.gql<{ incidentByReference: Answer | null }>(token, Q, { ref });
    if (r.errors) {
      problems.push(`${email} ${ref}: ${JSON.stringify(r.errors)}`);
      continue;
    }
    const a = r.data!.incidentByReference;
    if (!a) continue;
    bundles++;
    for (const d of differences(a)) problems.push(`${email} ${d}`);
    // What no bundle carries, whatever the view: the reporter's contact, reasons, the final report.
    const text = JSON.stringify(a.stix);
    for (const s of sensitive.get(ref) ?? []) if (text.includes(s)) problems.push(`${email} ${ref}: bundle carries ${JSON.stringify(s)}`);
    if (validate) for (const e of bundleErrors(a.stix)) problems.push(`${email} ${ref} schema ${e}`);
  }
  return bundles;
}

async function sensitiveStrings(references: string[]): Promise<Map<string, string[]>> {
  const rows = await t.sql<{
    reference: string;
    contact: { email?: string; phone?: string };
    escalation_reason: string | null;
    final_report: Record<string, string> | null;
  }>(`select reference, reporter_contact as contact, escalation_reason, final_report from incident where reference = any($1)`, [references]);
  return new Map(
    rows.map((r) => [
      r.reference,
      [r.contact.email, r.contact.phone, r.escalation_reason, r.final_report?.remediation].filter((s): s is string => !!s && s.length > 4),
    ]),
  );
}

test('every demo account × every demo incident: the bundle says what GraphQL says', async () => {
  const refs = (await t.sql<{ reference: string }>(`select reference from incident order by reference`)).map((r) => r.reference);
  const sensitive = await sensitiveStrings(refs);
  const problems: string[] = [];
  let bundles = 0;
  for (const email of ACCOUNTS) bundles += await compare(email, refs, sensitive, problems, false);
  expect(problems).toEqual([]);
  expect(bundles).toBeGreaterThan(refs.length);
}, 300_000);

test('random worlds of the views differential test: every viewer’s bundle says what GraphQL says and validates', async () => {
  const worlds = fc.sample(worldArb, { numRuns: WORLDS, seed: SEED });
  let run = 0;
  for (const world of worlds) {
    const prefix = `STIXW-${++run}-`;
    await insertWorld(t, prefix, world);
    try {
      const refs = world.incidents.map((_, n) => referenceOf(prefix, n));
      const sensitive = await sensitiveStrings(refs);
      const problems: string[] = [];
      let bundles = 0;
      for (const org of DEMO_NETWORK) {
        const [row] = await t.sql<{ email: string }>(
          `select a.email from account a join organization o on o.id = a.organization_id
          where o.code = $1 and a.active order by case a.member_role when 'HANDLER' then 0 when 'REPORTER' then 1 else 2 end, a.email limit 1`,
          [org.code],
        );
        bundles += await compare(row.email, refs, sensitive, problems, true);
      }
      expect(problems).toEqual([]);
      expect(bundles).toBeGreaterThan(0);
    } finally {
      await deleteWorld(t, prefix);
    }
  }
}, 600_000);
