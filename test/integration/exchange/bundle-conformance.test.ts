/**
 * DESIGN.md §8 "Conformance": every bundle the hub produces for every demo account and every demo
 * incident validates against OASIS's STIX 2.1 JSON schemas, and every pattern in it parses with the
 * STIX pattern grammar (the parser that test/integration/exchange/pattern.test.ts holds to the grammar).
 */
import { startTestHub, type TestHub } from '../../harness/hub';
import { ACCOUNTS } from '../../matrix/accounts';
import { parsePattern } from '../../../src/modules/exchange/stix.pattern';
import { bundleErrors, validators } from './conformance';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ RATE_LIMIT_ENABLED: 'false' });
}, 120_000);
afterAll(async () => t?.close());

type Bundle = { type: string; id: string; objects: { type: string; id: string; pattern?: string }[] };

test('every demo account × every demo incident: the bundle validates against the OASIS schemas and its patterns parse', async () => {
  const all = await t.as<{ incidents: { edges: { node: { id: string } }[] } }>(
    'admin@vncert.test',
    '{ incidents(first: 100) { edges { node { id } } } }',
  );
  const ids = all.data!.incidents.edges.map((e) => e.node.id);
  expect(ids.length).toBeGreaterThan(3);
  let bundles = 0;
  let objects = 0;
  const problems: string[] = [];
  for (const email of ACCOUNTS) {
    const token = await t.token(email);
    for (const id of ids) {
      const r = await t.gql<{ incident: { stix: Bundle } | null }>(token, 'query($id: ID!) { incident(id: $id) { stix } }', { id });
      expect(r.errors).toBeUndefined();
      const bundle = r.data?.incident?.stix;
      if (!bundle) continue;
      bundles++;
      objects += bundle.objects.length;
      for (const e of bundleErrors(bundle)) problems.push(`${email} ${id} ${e}`);
      for (const o of bundle.objects) {
        if (o.type !== 'indicator') continue;
        try {
          parsePattern(o.pattern!);
        } catch (err) {
          problems.push(`${email} ${o.id} pattern ${o.pattern}: ${(err as Error).message}`);
        }
      }
    }
  }
  expect(problems).toEqual([]);
  expect(bundles).toBeGreaterThan(ids.length);
  expect(objects).toBeGreaterThan(bundles * 3);
}, 300_000);

test('bundleSchemaQuirk: bundle.json as published rejects any note or incident, so those are validated against their own schemas', () => {
  const v = validators();
  const note = {
    type: 'note',
    spec_version: '2.1',
    id: 'note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
    created: '2016-05-12T08:17:27.000Z',
    modified: '2016-05-12T08:17:27.000Z',
    content: 'A note',
    object_refs: ['malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'],
  };
  expect(v.byType.get('note')!(note)).toBe(true);
  expect(v.core(note)).toBe(true);
  expect(v.bundle({ type: 'bundle', id: 'bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061', objects: [note] })).toBe(false);
  // The validator is not lax: a broken indicator fails both ways.
  const broken = {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
    created: 'yesterday',
    modified: 'x',
    pattern_type: 'stix',
    valid_from: 'x',
  };
  expect(bundleErrors({ type: 'bundle', id: 'bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061', objects: [broken] }).length).toBe(2);
});
