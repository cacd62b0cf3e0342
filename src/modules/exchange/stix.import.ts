import type { Context } from '../../graphql/context';
import { HubError, badInput } from '../../graphql/errors';
import { addIndicators } from '../incidents/collaboration.commands';
import { normalizeIndicator, IndicatorError, type IndicatorType } from '../indicators/normalize';
import { parsePattern, simpleComparison, PatternError, type Literal } from './stix.pattern';

/**
 * `importStix` (DESIGN.md §8): the indicators and observables of a STIX 2.1 bundle become the incident's
 * indicators, through `addIndicators` — the same normalization, the same decision (handling organization
 * while open, coordinator always), one transaction with its event. All or nothing: any indicator whose
 * pattern is not one comparison of a supported observable, or whose value does not normalize, refuses
 * the whole bundle with BAD_USER_INPUT naming every such object; nothing is added.
 */

const MAX_OBJECTS = 10_000;
const MAX_INDICATORS = 1000;
const HASHES = new Map([
  ['md5', 32],
  ['sha-1', 40],
  ['sha1', 40],
  ['sha-256', 64],
  ['sha256', 64],
  ['sha-512', 128],
  ['sha512', 128],
]);

type Extracted = { type: IndicatorType; value: string } | { unsupported: string };

function ipType(value: string, single: IndicatorType): IndicatorType {
  return value.includes('/') ? 'CIDR' : single;
}

/** One comparison's object path and literal → the hub's indicator, when the hub has that kind. */
function fromComparison(objectType: string, path: string[], value: Literal): Extracted {
  const key = path.join('.');
  const str = value.kind === 'string' ? value.value : null;
  if (objectType === 'domain-name' && key === 'value' && str !== null) return { type: 'DOMAIN', value: str };
  if (objectType === 'ipv4-addr' && key === 'value' && str !== null) return { type: ipType(str, 'IPV4'), value: str };
  if (objectType === 'ipv6-addr' && key === 'value' && str !== null) return { type: ipType(str, 'IPV6'), value: str };
  if (objectType === 'url' && key === 'value' && str !== null) return { type: 'URL', value: str };
  if (objectType === 'email-addr' && key === 'value' && str !== null) return { type: 'EMAIL', value: str };
  if (objectType === 'autonomous-system' && key === 'number' && value.kind === 'int') return { type: 'ASN', value: `AS${Number(value.value)}` };
  if (objectType === 'file' && path.length === 2 && path[0] === 'hashes' && str !== null) {
    const length = HASHES.get(path[1].toLowerCase());
    if (length && str.length === length) return { type: 'FILE_HASH', value: str };
  }
  return { unsupported: `${objectType}:${key} is not an observable the hub keeps` };
}

/** An observable (SCO) of a supported kind; other objects (identities, relationships, markings…) are not indicators and are ignored. */
function fromObservable(o: Record<string, unknown>): Extracted | null {
  const t = o.type;
  if (['domain-name', 'ipv4-addr', 'ipv6-addr', 'url', 'email-addr'].includes(String(t))) {
    if (typeof o.value !== 'string') return { unsupported: 'value must be a string' };
    return fromComparison(String(t), ['value'], { kind: 'string', value: o.value });
  }
  if (t === 'autonomous-system') {
    if (!Number.isInteger(o.number)) return { unsupported: 'number must be an integer' };
    return { type: 'ASN', value: `AS${o.number as number}` };
  }
  if (t === 'file' && o.hashes && typeof o.hashes === 'object') {
    for (const [name, hash] of Object.entries(o.hashes as Record<string, unknown>)) {
      const length = HASHES.get(name.toLowerCase());
      if (length && typeof hash === 'string' && hash.length === length) return { type: 'FILE_HASH', value: hash };
    }
    return null; // a file without a hash the hub keeps (a name only): nothing to add
  }
  return null;
}

function fromIndicator(o: Record<string, unknown>): Extracted {
  if (o.pattern_type !== 'stix') return { unsupported: `pattern_type ${JSON.stringify(o.pattern_type)} is not supported (only "stix")` };
  if (typeof o.pattern !== 'string') return { unsupported: 'pattern must be a string' };
  let simple;
  try {
    simple = simpleComparison(parsePattern(o.pattern));
  } catch (err) {
    if (err instanceof PatternError) return { unsupported: `not a STIX pattern: ${err.message}` };
    throw err;
  }
  if (!simple) return { unsupported: 'the pattern is not a single comparison of one observable' };
  return fromComparison(simple.objectType, simple.path, simple.value);
}

/** The bundle's indicators and observables as the hub's indicator inputs; throws BAD_USER_INPUT naming every object refused. */
export function indicatorsOfBundle(bundle: unknown): { type: IndicatorType; value: string }[] {
  if (!bundle || typeof bundle !== 'object' || Array.isArray(bundle)) throw badInput('input.bundle', 'bundle must be a STIX 2.1 bundle object');
  const b = bundle as Record<string, unknown>;
  if (b.type !== 'bundle' || !Array.isArray(b.objects)) throw badInput('input.bundle', 'bundle must have "type": "bundle" and an "objects" list');
  if (b.objects.length > MAX_OBJECTS) throw badInput('input.bundle', `a bundle may hold at most ${MAX_OBJECTS} objects`);
  const values: { type: IndicatorType; value: string }[] = [];
  const refused: { id: string; reason: string }[] = [];
  b.objects.forEach((raw, index) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      refused.push({ id: `objects[${index}]`, reason: 'not an object' });
      return;
    }
    const o = raw as Record<string, unknown>;
    const id = typeof o.id === 'string' ? o.id : `objects[${index}]`;
    const got = o.type === 'indicator' ? fromIndicator(o) : fromObservable(o);
    if (!got) return;
    if ('unsupported' in got) {
      refused.push({ id, reason: got.unsupported });
      return;
    }
    try {
      normalizeIndicator(got.type, got.value);
    } catch (err) {
      if (!(err instanceof IndicatorError)) throw err;
      refused.push({ id, reason: err.reason });
      return;
    }
    values.push(got);
  });
  if (refused.length) {
    const ids = refused.map((r) => r.id);
    throw new HubError('BAD_USER_INPUT', `unsupported objects, nothing was imported: ${refused.map((r) => `${r.id} (${r.reason})`).join('; ')}`, {
      field: 'input.bundle',
      objects: ids,
    });
  }
  if (values.length === 0) throw badInput('input.bundle', 'the bundle holds no indicator or observable the hub keeps');
  if (values.length > MAX_INDICATORS) throw badInput('input.bundle', `a bundle may add at most ${MAX_INDICATORS} indicators`);
  return values;
}

/** Judged before the incident is looked at (§3 precedence: BAD_USER_INPUT, then NOT_FOUND, then FORBIDDEN). */
export async function importStix(ctx: Context, input: { incidentId: string; bundle: unknown }): Promise<string> {
  const values = indicatorsOfBundle(input.bundle);
  return addIndicators(ctx, input.incidentId, values);
}
