import fc from 'fast-check';
import { startTestHub, type TestHub, type GqlResult } from '../../harness/hub';
import {
  INDICATOR_TYPES,
  IndicatorError,
  normalizeIndicator,
  normalizeIndicators,
  type IndicatorType,
  type NormalizedIndicator,
} from '../../../src/modules/indicators/normalize';

/**
 * Issue 8 "Bad input": whatever arrives — any string, any Unicode (lone surrogates, bidi controls,
 * zero-width characters, control characters, 100 KB strings), huge lists, values of the wrong type —
 * `reportIncident` answers with data or BAD_USER_INPUT, never an internal error, and what it stores
 * is clean: every stored indicator is its own normal form (normalizing it again changes nothing),
 * within the length limits, well-formed Unicode without control characters; free text is stored as sent.
 *
 * Two levels: the pure normalizer with many runs, and the real HTTP API with fewer.
 * FC_SEED=<n> replays a run; the seed is printed at the start.
 */

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2_147_483_647;
const UNIT_RUNS = Number(process.env.FC_UNIT_RUNS ?? 1500);
const HTTP_RUNS = Number(process.env.FC_HTTP_RUNS ?? 50);
process.stdout.write(`input-properties: fast-check seed ${SEED} (replay with FC_SEED=${SEED})\n`);

const MAX_VALUE = 2048;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

// ---------------------------------------------------------------------------
// Arbitraries

/** Characters that break naive code: controls, invisibles, bidi, surrogate halves, combining marks, look-alike dots. */
const NASTY = [
  '\u0000',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u00ad',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\ufeff',
  '\u3000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '😀',
  '\u0301',
  'é',
  'e\u0301',
  'ß',
  'ﬀ',
  'İ',
  'K',
  'ا',
  'ב',
  '中',
  'я',
  '.',
  '[.]',
  '(.)',
  '[dot]',
  '。',
  '．',
  '-',
  '--',
  '@',
  ':',
  '[:]',
  '/',
  '\\',
  '%',
  '%00',
  '#',
  '?',
  '[',
  ']',
  ' ',
  '"',
  "'",
  '<',
  '>',
  'xn--',
  'xn--ls8h',
  'AS',
  '0x',
  '::',
];
const nastyChar = fc.constantFrom(...NASTY);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyChar = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: nastyChar },
  { weight: 1, arbitrary: loneSurrogate },
);
/** Any string, biased towards trouble. */
const anyString = (maxLength = 60) => fc.string({ unit: anyChar, maxLength });
/** A long string: up to ~100 KB, one repeated piece with noise. */
const longString = fc
  .tuple(anyString(8), fc.integer({ min: 1_000, max: 100_000 }), anyString(8))
  .map(([piece, length, tail]) => (piece || 'x').repeat(Math.ceil(length / Math.max(1, (piece || 'x').length))).slice(0, length) + tail);

const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/),
  fc.constantFrom(
    'xn--bcher-kva',
    'bücher',
    'пример',
    'مثال',
    '例え',
    'a\u200db',
    'xn--',
    'a--b',
    '-a',
    'a'.repeat(64),
    'vn',
    'com',
    '123',
    'ß',
    'İ',
  ),
  anyString(8),
);
const domainLike = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 5 }), fc.constantFrom('.', '[.]', '。', '(.)'), fc.constantFrom('', '.', '..'))
  .map(([labels, dot, end]) => labels.join(dot) + end);
const ipLike = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: -1, max: 200 })).map(([ip, len]) => `${ip}/${len}`),
  fc.tuple(fc.ipV6(), anyString(6)).map(([ip, zone]) => `${ip}%${zone}`),
);
const urlLike = fc
  .tuple(
    fc.constantFrom('http', 'https', 'hxxp', 'hxxps', 'ftp', 'fxp', 'HTTP', 'javascript', 'file', 'data', ''),
    fc.constantFrom('://', '[:]//', ':', ':\\\\', ':///'),
    fc.oneof(
      domainLike,
      ipLike.map((ip) => (ip.includes(':') ? `[${ip}]` : ip)),
      fc.constant('user:pw@evil.vn'),
    ),
    fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 70_000 }).map((p) => `:${p}`),
    ),
    anyString(40),
  )
  .map(([scheme, sep, host, port, rest]) => `${scheme}${sep}${host}${port}/${rest}`);
const emailLike = fc
  .tuple(fc.oneof(fc.stringMatching(/^[a-zA-Z0-9._%+-]{1,20}$/), anyString(20)), fc.constantFrom('@', '@@', ''), domainLike)
  .map(([l, at, d]) => `${l}${at}${d}`);
const hashLike = fc.tuple(fc.constantFrom(31, 32, 40, 64, 128, 129), fc.boolean()).map(([n, upper]) => {
  const hex = Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7 + n) % 16]).join('');
  return upper ? hex.toUpperCase() : hex;
});
const asnLike = fc.oneof(
  fc.bigInt({ min: BigInt(-1), max: BigInt(2) ** BigInt(40) }).map((n) => `AS${n}`),
  fc.nat().map(String),
  fc.constantFrom('as 15169', 'AS0', 'AS4294967296', 'AS00001'),
);

/** A value for an indicator: valid-looking shapes with damage, and anything at all. */
const indicatorValue = fc.oneof(
  { weight: 3, arbitrary: anyString(60) },
  { weight: 3, arbitrary: domainLike },
  { weight: 3, arbitrary: urlLike },
  { weight: 2, arbitrary: emailLike },
  { weight: 2, arbitrary: ipLike },
  { weight: 1, arbitrary: hashLike },
  { weight: 1, arbitrary: asnLike },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(domainLike, urlLike), nastyChar, fc.nat(3))
      .map(([v, c, where]) => (where === 0 ? c + v : where === 1 ? v + c : v.slice(0, 3) + c + v.slice(3))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 3000 }).map((n) => `http://evil.vn/${'é'.repeat(n / 4)}${'a'.repeat(n / 2)}`) },
);
const indicatorType: fc.Arbitrary<IndicatorType> = fc.constantFrom(...INDICATOR_TYPES);

/** Unicode labels an IDN may use (Vietnamese, Cyrillic, Arabic, CJK, Greek, emoji) — and one with a joiner. */
const idnLabel = fc.constantFrom('bücher', 'ví-dụ', 'tiếng-việt', 'пример', 'مثال', '例え', 'ελληνικά', '😀', 'straße', 'İstanbul', 'a\u200db');
const hostname = fc.oneof(
  { weight: 4, arbitrary: fc.domain() },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.array(
          fc.oneof(
            idnLabel,
            fc.domain().map((d) => d.split('.')[0]),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom('vn', 'com.vn', 'xn--p1ai', 'рф', 'org'),
      )
      .map(([labels, tld]) => [...labels, tld].join('.')),
  },
);
/** Ways analysts write a valid value: case, defanging, a trailing dot, surrounding whitespace. */
const respell = (v: fc.Arbitrary<string>) =>
  fc.tuple(v, fc.constantFrom('as-is', 'upper', 'defang', 'dot', 'space', 'fullwidth-dot')).map(([value, how]) => {
    switch (how) {
      case 'upper':
        return value.toUpperCase();
      case 'defang':
        return value.replace(/\.(?=[^.]*\.)/, '[.]');
      case 'dot':
        return `${value}.`;
      case 'space':
        return ` ${value}\t`;
      case 'fullwidth-dot':
        return value.replace('.', '。');
      default:
        return value;
    }
  });
/** Damage: one nasty character somewhere. */
const damage = (v: fc.Arbitrary<string>) =>
  fc.tuple(v, nastyChar, fc.nat()).map(([value, c, at]) => value.slice(0, at % (value.length + 1)) + c + value.slice(at % (value.length + 1)));
const cidr = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 33 })).map(([ip, len]) => {
    const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const masked = len === 0 ? 0 : len >= 32 ? n : Math.floor(n / 2 ** (32 - len)) * 2 ** (32 - len);
    return `${[24, 16, 8, 0].map((shift) => Math.floor(masked / 2 ** shift) % 256).join('.')}/${len}`;
  }),
  fc.ipV6().map((ip) => `${ip}/128`),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, len]) => `${ip}/${len}`),
);
/** Plausible values for each type: mostly valid, respelled, sometimes damaged. */
const typedValue: Record<IndicatorType, fc.Arbitrary<string>> = {
  DOMAIN: hostname,
  IPV4: fc.oneof({ weight: 4, arbitrary: fc.ipV4() }, { weight: 1, arbitrary: fc.ipV4Extended() }),
  IPV6: fc.oneof(
    fc.ipV6(),
    fc.ipV4().map((ip) => `::ffff:${ip}`),
  ),
  CIDR: cidr,
  URL: fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom('http', 'https', 'hxxp', 'hxxps', 'ftp', 'HTTP'),
        fc.constantFrom('://', '[:]//'),
        fc.oneof(
          hostname,
          fc.ipV4(),
          fc.ipV6().map((ip) => `[${ip}]`),
        ),
        fc.oneof(
          fc.constant(''),
          fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`),
        ),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
      )
      .map(([scheme, sep, host, port, path]) => `${scheme}${sep}${host}${port}/${path}`),
  ),
  EMAIL: fc.oneof(
    fc.emailAddress(),
    fc
      .tuple(fc.oneof(fc.stringMatching(/^[a-z0-9._+-]{1,20}$/), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), idnLabel), hostname)
      .map(([local, host]) => `${local}@${host}`),
  ),
  ASN: fc.oneof(
    fc.integer({ min: 0, max: 4_294_967_296 }).map((n) => `AS${n}`),
    fc.integer({ min: 1, max: 65535 }).map((n) => `as ${n}`),
    fc.nat().map(String),
  ),
  FILE_HASH: fc
    .constantFrom(32, 40, 64, 128, 63)
    .chain((n) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: n, maxLength: n })),
};
/** A (type, value) pair: the type's plausible values (respelled, damaged now and then), or anything for any type. */
const typedIndicator: fc.Arbitrary<{ type: IndicatorType; value: string }> = fc.oneof(
  { weight: 6, arbitrary: indicatorType.chain((type) => respell(typedValue[type]).map((value) => ({ type, value }))) },
  { weight: 2, arbitrary: indicatorType.chain((type) => damage(typedValue[type]).map((value) => ({ type, value }))) },
  { weight: 3, arbitrary: fc.record({ type: indicatorType, value: indicatorValue }) },
);

// ---------------------------------------------------------------------------
// What "clean" means

function cleanProblems(r: NormalizedIndicator): string[] {
  const problems: string[] = [];
  if (!(INDICATOR_TYPES as readonly string[]).includes(r.type)) problems.push(`unknown type ${r.type}`);
  for (const [field, v] of [
    ['value', r.value],
    ['displayValue', r.displayValue],
  ] as const) {
    if (typeof v !== 'string' || v.length === 0) problems.push(`${field} empty`);
    else {
      if (v.length > MAX_VALUE) problems.push(`${field} longer than ${MAX_VALUE}`);
      if (CONTROL.test(v)) problems.push(`${field} has a control character`);
      if (LONE_SURROGATE.test(v)) problems.push(`${field} is not well-formed Unicode`);
      if (v !== v.trim()) problems.push(`${field} has surrounding whitespace`);
    }
  }
  // Machine forms are printable ASCII (an EMAIL's local part may be Unicode, RFC 6531).
  if (r.type !== 'EMAIL' && !PRINTABLE_ASCII.test(r.value)) problems.push(`value ${JSON.stringify(r.value)} is not printable ASCII`);
  if (r.type === 'EMAIL' && /[\s\p{Cf}]/u.test(r.value)) problems.push('EMAIL has whitespace or an invisible formatting character');
  return problems;
}

/** Normalizing a stored indicator again gives exactly itself; normalizing its display form gives the same value. */
function renormalizationProblems(r: NormalizedIndicator): string[] {
  const problems: string[] = [];
  try {
    const again = normalizeIndicator(r.type, r.value);
    if (JSON.stringify(again[0]) !== JSON.stringify(r)) problems.push(`not idempotent: ${JSON.stringify(r)} → ${JSON.stringify(again[0])}`);
  } catch (err) {
    problems.push(`its own value is refused: ${(err as Error).message}`);
  }
  try {
    const fromDisplay = normalizeIndicator(r.type, r.displayValue);
    if (fromDisplay[0].value !== r.value)
      problems.push(
        `display form ${JSON.stringify(r.displayValue)} normalizes to ${JSON.stringify(fromDisplay[0].value)}, not ${JSON.stringify(r.value)}`,
      );
  } catch (err) {
    problems.push(`its display form is refused: ${(err as Error).message}`);
  }
  return problems;
}

/** normalizeIndicator never throws anything but IndicatorError. */
function attempt(type: IndicatorType, value: string): NormalizedIndicator[] | IndicatorError {
  try {
    return normalizeIndicator(type, value);
  } catch (err) {
    if (err instanceof IndicatorError) return err;
    throw new Error(`normalizeIndicator(${type}, ${JSON.stringify(value).slice(0, 200)}) threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
}

// ---------------------------------------------------------------------------
// Unit level: the pure normalizer

describe('normalizeIndicator, for any input', () => {
  it('returns clean, idempotent indicators or refuses with an IndicatorError — nothing else', () => {
    const accepted: Record<string, number> = {};
    fc.assert(
      fc.property(typedIndicator, ({ type, value }) => {
        const result = attempt(type, value);
        if (!(result instanceof IndicatorError)) accepted[type] = (accepted[type] ?? 0) + 1;
        if (result instanceof IndicatorError) {
          expect(result.index).toBe(-1);
          expect(result.message.length).toBeLessThan(400); // messages quote at most 100 characters of the value
          return;
        }
        expect(result.length).toBeGreaterThan(0);
        expect(result[0].type).toBe(type);
        for (const r of result) expect({ r, problems: [...cleanProblems(r), ...renormalizationProblems(r)] }).toEqual({ r, problems: [] });
        if (type === 'URL') {
          expect(result).toHaveLength(2);
          expect(['DOMAIN', 'IPV4', 'IPV6']).toContain(result[1].type);
          // The URL's own normal form yields the same pair.
          expect(normalizeIndicator('URL', result[0].value)).toEqual(result);
        } else {
          expect(result).toHaveLength(1);
        }
      }),
      { seed: SEED, numRuns: UNIT_RUNS },
    );
    process.stdout.write(`input-properties: normalizeIndicator accepted ${JSON.stringify(accepted)} of ${UNIT_RUNS}\n`);
    // Every type must be exercised on its success path too, or idempotence is not tested for it.
    if (UNIT_RUNS >= 1000)
      for (const type of INDICATOR_TYPES) expect({ type, accepted: (accepted[type] ?? 0) > 5 }).toEqual({ type, accepted: true });
  });

  it('is safe for callers outside GraphQL: unknown types and non-string values are refused cleanly', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyString(12), fc.constantFrom('domain', 'Url', '', '__proto__', 'constructor')),
        fc.oneof(fc.anything(), indicatorValue),
        (type, value) => {
          try {
            normalizeIndicator(type as IndicatorType, value as string);
            // Only a real type with a string value can succeed.
            expect((INDICATOR_TYPES as readonly string[]).includes(type) && typeof value === 'string').toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(IndicatorError);
          }
        },
      ),
      { seed: SEED, numRuns: Math.ceil(UNIT_RUNS / 3) },
    );
  });
});

describe('normalizeIndicators, for any list', () => {
  it('merges duplicates, keeps order, and names the first bad position', () => {
    const item = typedIndicator;
    const list = fc.array(item, { maxLength: 40 }).chain((items) =>
      // Duplicates and re-spellings of earlier items.
      fc
        .array(fc.nat({ max: Math.max(0, items.length - 1) }), { maxLength: items.length ? 10 : 0 })
        .map((picks) => [...items, ...picks.map((i) => ({ ...items[i], value: ` ${items[i].value.toUpperCase()} ` }))]),
    );
    fc.assert(
      fc.property(list, (inputs) => {
        let out: NormalizedIndicator[];
        try {
          out = normalizeIndicators(inputs);
        } catch (err) {
          expect(err).toBeInstanceOf(IndicatorError);
          const index = (err as IndicatorError).index;
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThan(inputs.length);
          for (let i = 0; i < index; i++) expect(attempt(inputs[i].type, inputs[i].value)).not.toBeInstanceOf(IndicatorError);
          expect(attempt(inputs[index].type, inputs[index].value)).toBeInstanceOf(IndicatorError);
          return;
        }
        const expected: NormalizedIndicator[] = [];
        const seen = new Set<string>();
        for (const input of inputs) {
          for (const r of normalizeIndicator(input.type, input.value)) {
            const key = JSON.stringify([r.type, r.value]);
            if (!seen.has(key)) {
              seen.add(key);
              expected.push(r);
            }
          }
        }
        expect(out).toEqual(expected);
        for (const r of out) expect(cleanProblems(r)).toEqual([]);
      }),
      { seed: SEED, numRuns: Math.ceil(UNIT_RUNS / 5) },
    );
  });

  it('handles thousands of indicators (the normalizer itself has no cap; the API has)', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ type: 'DOMAIN' as const, value: `host-${i % 1500}.example.vn` }));
    const t0 = Date.now();
    const out = normalizeIndicators(many);
    expect(out).toHaveLength(1500);
    expect(Date.now() - t0).toBeLessThan(20_000); // ~0.2–0.6 ms a domain compiled; slower under Jest's transform
  });
});

// ---------------------------------------------------------------------------
// HTTP level: reportIncident over the real server

const REPORT = `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { reference duplicate incident { id } } }`;

let t: TestHub;
let token: string;

interface IncidentRow {
  id: string;
  title: string;
  description: string;
  reporter_contact: Record<string, unknown>;
  affected_system: Record<string, unknown> | null;
}

describe('reportIncident over HTTP, for any input', () => {
  beforeAll(async () => {
    t = await startTestHub();
    token = await t.token('reporter@acme.test');
  });
  afterAll(async () => {
    await t?.close();
  });

  let counter = 0;
  /** Weight of a valid-but-tricky value against 1 for a hostile one, per field: about half of the reports should be stored. */
  const VALID = 30;
  const recent = () => new Date(Date.now() - 3_600_000).toISOString();
  /** Values of any JSON type, for fields that expect something else. */
  const wrongType = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(anyString(5), fc.integer(), { maxKeys: 3 }),
  );
  /**
   * Legal but tricky text: any Unicode graphemes (RTL, emoji, combining marks), invisible characters and
   * the bidi mark U+200F. Bidi override, embedding and isolate characters are not legal text (DESIGN.md §4's
   * text rule, decided by the security review), so they are only among the hostile values.
   */
  const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
  const trickyText = (maxLength: number) =>
    fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength }),
        fc.array(fc.constantFrom('\u200b', '\u200d', '\u200f', '\ufeff', '\u00ad', 'ا', '😀', 'e\u0301'), { maxLength: 3 }),
      )
      .map(([text, extra]) => `x${extra.join('')}${text.replace(BIDI_CONTROLS, '')}`.slice(0, maxLength));
  /** Mostly valid-but-tricky, sometimes anything (any string, 100 KB, another type). */
  const field = <T>(valid: fc.Arbitrary<T>, hostileWeight = 1) =>
    fc.oneof({ weight: VALID, arbitrary: valid }, { weight: hostileWeight, arbitrary: fc.oneof(anyString(80), longString, wrongType) });
  const optionalField = (valid: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: valid },
      { weight: 1, arbitrary: fc.oneof(anyString(60), longString, wrongType) },
    );
  const hostileDate = fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom(
      '-271821-04-20T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '2024-02-30T00:00:00Z',
      '2024-01-01',
      'yesterday',
      '',
      '2999-01-01T00:00:00Z',
    ),
    anyString(30),
    wrongType,
  );
  const validIndicator = fc.oneof(
    fc.domain().map((value) => ({ type: 'DOMAIN', value })),
    fc.constantFrom('bücher.de', 'xn--bcher-kva.de', 'пример.рф', 'EVIL[.]VN.', 'ví-dụ.vn', '例え.jp').map((value) => ({ type: 'DOMAIN', value })),
    fc.ipV4().map((value) => ({ type: 'IPV4', value })),
    fc.ipV6().map((value) => ({ type: 'IPV6', value })),
    fc.webUrl({ withQueryParameters: true, withFragments: true }).map((value) => ({ type: 'URL', value })),
    fc.emailAddress().map((value) => ({ type: 'EMAIL', value })),
    fc.integer({ min: 1, max: 4_294_967_295 }).map((n) => ({ type: 'ASN', value: `AS${n}` })),
    hashLike.filter((h) => [32, 40, 64, 128].includes(h.length)).map((value) => ({ type: 'FILE_HASH', value })),
  );
  const hostileIndicator = fc.record({
    type: fc.oneof({ weight: 5, arbitrary: indicatorType }, { weight: 1, arbitrary: anyString(8) }),
    value: fc.oneof({ weight: 9, arbitrary: indicatorValue }, { weight: 1, arbitrary: wrongType }),
  });
  const indicatorsArb = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.array(fc.oneof({ weight: VALID, arbitrary: validIndicator }, { weight: 1, arbitrary: hostileIndicator }), { maxLength: 12 }),
    },
    { weight: 2, arbitrary: fc.array(hostileIndicator, { maxLength: 6 }) },
    // Huge lists around the cap of 1000: valid values, so only the size decides.
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 990, max: 2500 })
        .map((n) => Array.from({ length: n }, (_, i) => ({ type: 'IPV4', value: `10.${(i >> 8) & 255}.${i & 255}.7` }))),
    },
    { weight: 1, arbitrary: fc.oneof(wrongType, fc.constant(undefined)) },
  );
  const inputArb = fc.record(
    {
      title: field(trickyText(300)),
      description: field(fc.oneof(trickyText(2000), fc.constant('line 1\nline 2\r\n\ttabbed'))),
      detectedAt: fc.oneof({ weight: VALID, arbitrary: fc.constant('recent') }, { weight: 1, arbitrary: hostileDate }),
      occurredAt: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 6, arbitrary: fc.constant('earlier') },
        { weight: 1, arbitrary: hostileDate },
      ),
      scope: fc.oneof(
        { weight: VALID, arbitrary: fc.constantFrom(undefined, 'LOCAL', 'WIDESPREAD') },
        { weight: 1, arbitrary: fc.oneof(anyString(10), wrongType) },
      ),
      reportTo: fc.oneof(
        { weight: VALID, arbitrary: fc.constantFrom(undefined, 'VNPT', 'vnpt', 'VNCERT', 'FPT', 'MOF-IT') },
        { weight: 1, arbitrary: fc.oneof(fc.constantFrom('ACME', 'MIC', 'NOPE'), anyString(40)) },
      ),
      indicators: indicatorsArb,
      reporterContact: fc.oneof(
        {
          weight: 12,
          arbitrary: fc.record(
            {
              name: field(trickyText(200)),
              email: optionalField(fc.emailAddress().filter((e) => e.length <= 254)),
              phone: optionalField(fc.stringMatching(/^\+84 ?[0-9]{9}$/)),
              organizationName: optionalField(trickyText(300)),
            },
            { requiredKeys: ['name'] },
          ),
        },
        { weight: 1, arbitrary: wrongType },
      ),
      affectedSystem: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        {
          weight: 4,
          arbitrary: fc.record(
            {
              name: optionalField(trickyText(300)),
              level: fc.oneof(
                { weight: 8, arbitrary: fc.integer({ min: 1, max: 5 }) },
                { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -3, max: 8 }), fc.constant(2 ** 31), fc.double(), anyString(3)) },
              ),
              operator: optionalField(trickyText(300)),
              publicIps: fc.oneof(
                { weight: 6, arbitrary: fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 4 }) },
                { weight: 1, arbitrary: fc.array(fc.oneof(ipLike, anyString(20)), { maxLength: 4 }) },
                { weight: 1, arbitrary: wrongType },
              ),
              connectivityProvider: fc.oneof(
                { weight: 6, arbitrary: fc.constantFrom(undefined, 'VNPT', 'AS45899', 'VIETTEL') },
                { weight: 1, arbitrary: fc.oneof(fc.constantFrom('AS 1', 'ACME', 'AS99999999999'), anyString(20)) },
              ),
            },
            { requiredKeys: [] },
          ),
        },
        { weight: 1, arbitrary: wrongType },
      ),
      tlp: fc.oneof(
        { weight: VALID, arbitrary: fc.constantFrom(undefined, 'CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED') },
        { weight: 1, arbitrary: fc.oneof(anyString(6), wrongType) },
      ),
      confidential: fc.oneof({ weight: VALID, arbitrary: fc.constantFrom(undefined, true, false) }, { weight: 1, arbitrary: wrongType }),
      idempotencyKey: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 6, arbitrary: trickyText(100) },
        { weight: 1, arbitrary: fc.oneof(anyString(40), wrongType) },
      ),
    },
    { requiredKeys: ['title', 'description', 'detectedAt', 'reporterContact'] },
  );
  /** Now and then a required field is missing altogether. */
  const reportArb = fc
    .tuple(
      inputArb,
      fc.oneof(
        { weight: 14, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom('title', 'description', 'detectedAt', 'reporterContact') },
      ),
    )
    .map(([input, drop]) => {
      const copy: Record<string, unknown> = { ...input };
      if (drop) delete copy[drop];
      return copy;
    });

  it('answers with data or BAD_USER_INPUT only, and stores nothing unclean', async () => {
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(reportArb, async (raw) => {
        const n = ++counter;
        const input: Record<string, unknown> = { ...raw };
        if (input.detectedAt === 'recent') input.detectedAt = recent();
        if (input.occurredAt === 'earlier') input.occurredAt = new Date(Date.now() - 86_400_000).toISOString();
        // Keys unique to this run: a repeated key with other input is a legitimate CONFLICT, not what is tested here.
        if (typeof input.idempotencyKey === 'string') input.idempotencyKey = `${input.idempotencyKey}#${SEED}-${n}`;
        const body = JSON.stringify({ query: REPORT, variables: { i: input } });
        if (body.length > 900_000) return; // the request body limit (413) is another test's subject
        const before = await t.sql<{ n: number }>('select count(*)::int as n from incident');
        const res = await t.gql<{ reportIncident: { reference: string; incident: { id: string } } | null }>(token, REPORT, { i: input });
        const errorCodes = (res.errors ?? []).map((e) => String(e.extensions?.code));
        const label = res.errors?.length ? [...new Set(errorCodes)].join(',') : 'OK';
        if (process.env.FC_DEBUG && res.errors?.length) process.stdout.write(`reject: ${res.errors[0].message.split('; ').pop()!.slice(0, 160)}\n`);
        outcomes[label] = (outcomes[label] ?? 0) + 1;
        // Never an internal error: data, or BAD_USER_INPUT only (HTTP 200 or 400).
        expect({ errorCodes, messages: (res.errors ?? []).map((e) => e.message.slice(0, 200)) }).toEqual({
          errorCodes: errorCodes.map(() => 'BAD_USER_INPUT'),
          messages: expect.any(Array),
        });
        expect([200, 400]).toContain(res.status);
        if (res.errors?.length) {
          // Refused: nothing was stored.
          expect(res.data?.reportIncident ?? null).toBeNull();
          const after = await t.sql<{ n: number }>('select count(*)::int as n from incident');
          expect(after[0].n).toBe(before[0].n);
          return;
        }
        await checkStored(res, input);
      }),
      { seed: SEED, numRuns: HTTP_RUNS, interruptAfterTimeLimit: 45_000 },
    );
    process.stdout.write(`input-properties: reportIncident outcomes ${JSON.stringify(outcomes)}\n`);
    // The inputs are mostly valid-but-tricky: a good share must be stored, or "nothing unclean is stored" proves nothing.
    if (HTTP_RUNS >= 30) expect(outcomes.OK ?? 0).toBeGreaterThanOrEqual(Math.floor(HTTP_RUNS / 10));
  });

  async function checkStored(
    res: GqlResult<{ reportIncident: { reference: string; incident: { id: string } } | null }>,
    input: Record<string, unknown>,
  ): Promise<void> {
    const reference = res.data!.reportIncident!.reference;
    const [row] = await t.sql<IncidentRow>('select id, title, description, reporter_contact, affected_system from incident where reference = $1', [
      reference,
    ]);
    expect(row).toBeDefined();
    // Free text is stored as sent (trimmed title), not silently altered.
    expect(row.title).toBe(String(input.title).trim());
    expect(row.description).toBe(input.description);
    for (const s of [row.title, row.description, ...Object.values(row.reporter_contact).filter((v): v is string => typeof v === 'string')]) {
      expect(LONE_SURROGATE.test(s)).toBe(false);
      expect(s.includes('\u0000')).toBe(false);
    }
    const stored = await t.sql<NormalizedIndicator & { display_value: string }>(
      'select type, value, display_value from indicator where incident_id = $1',
      [row.id],
    );
    const submitted = Array.isArray(input.indicators) ? (input.indicators as { type: IndicatorType; value: string }[]) : [];
    expect(stored.length).toBeLessThanOrEqual(submitted.length * 2);
    expect(stored.length).toBe(submitted.length ? normalizeIndicators(submitted).length : 0);
    for (const s of stored) {
      const r: NormalizedIndicator = { type: s.type, value: s.value, displayValue: s.display_value };
      expect({ r, problems: [...cleanProblems(r), ...renormalizationProblems(r)] }).toEqual({ r, problems: [] });
    }
  }

  it('caps the indicator list at 1000: 1000 are stored, 1001 or 5000 are a clean BAD_USER_INPUT and store nothing', async () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'IPV4', value: `10.${(i >> 8) & 255}.${i & 255}.1` }));
    const base = { title: 'Many indicators', description: 'd', detectedAt: recent(), reporterContact: { name: 'R' } };
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from incident'))[0].n;
    for (const n of [1001, 5000]) {
      const res = await t.gql(token, REPORT, { i: { ...base, indicators: list(n) } });
      expect({ n, codes: (res.errors ?? []).map((e) => e.extensions?.code), field: res.errors?.[0]?.extensions?.field }).toEqual({
        n,
        codes: ['BAD_USER_INPUT'],
        field: 'input.indicators',
      });
    }
    expect((await t.sql<{ n: number }>('select count(*)::int as n from incident'))[0].n).toBe(before);
    const ok = await t.gql<{ reportIncident: { reference: string } }>(token, REPORT, { i: { ...base, indicators: list(1000) } });
    expect(ok.errors).toBeUndefined();
    const [{ n }] = await t.sql<{ n: number }>(
      'select count(*)::int as n from indicator i join incident x on x.id = i.incident_id where x.reference = $1',
      [ok.data!.reportIncident.reference],
    );
    expect(n).toBe(1000);
  });

  it.each([
    ['a lone surrogate in an e-mail indicator', { indicators: [{ type: 'EMAIL', value: 'a\ud800b@evil.vn' }] }, 'input.indicators[0].value'],
    ['a bidi override in an e-mail indicator', { indicators: [{ type: 'EMAIL', value: 'adm\u202enimda@evil.vn' }] }, 'input.indicators[0].value'],
    ['a zero-width space in an e-mail indicator', { indicators: [{ type: 'EMAIL', value: 'ad\u200bmin@evil.vn' }] }, 'input.indicators[0].value'],
    ['a lone surrogate in a URL path', { indicators: [{ type: 'URL', value: 'http://evil.vn/\udc00' }] }, 'input.indicators[0].value'],
    ['NUL in the title', { title: 'a\u0000b' }, 'input.title'],
    ['NUL in the description', { description: 'a\u0000b' }, 'input.description'],
    ['a lone surrogate in the description', { description: 'a\ud83d' }, 'input.description'],
    ['NUL in the reporter name', { reporterContact: { name: 'R\u0000' } }, 'input.reporterContact.name'],
    [
      'a lone surrogate in the reporter e-mail (validator.js throws on it)',
      { reporterContact: { name: 'R', email: 'a\ud800@acme.vn' } },
      'input.reporterContact.email',
    ],
    ['NUL in the idempotency key', { idempotencyKey: 'k\u0000' }, 'input.idempotencyKey'],
    ['NUL in reportTo', { reportTo: 'VNPT\u0000' }, 'input.reportTo'],
    ['NUL in the connectivity provider', { affectedSystem: { connectivityProvider: 'VN\u0000PT' } }, 'input.affectedSystem.connectivityProvider'],
    ['a scoped IPv6 public address', { affectedSystem: { publicIps: ['fe80::1%eth0'] } }, 'input.affectedSystem.publicIps[0]'],
    // RFC 3339 and the DateTime scalar take the year 0000; PostgreSQL does not (the text rule's STORABLE_DATES).
    ['a detection time in the year 0000 (found by the property below)', { detectedAt: '0000-01-01T00:00:00Z' }, 'input.detectedAt'],
    // Variable coercion (the DateTime scalar) refuses these: BAD_USER_INPUT, with graphql-js's message and no field.
    ['a detection time before the year 0', { detectedAt: '-271821-04-20T00:00:00.000Z' }, undefined],
    ['an occurrence time of another shape', { occurredAt: '+275760-09-13T00:00:00.000Z' }, undefined],
    ['no reporter contact at all', { reporterContact: undefined }, undefined],
    ['a level that is no 32-bit integer', { affectedSystem: { level: 2 ** 31 } }, undefined],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_what, over, field) => {
    const input = { title: 'Bad input', description: 'd', detectedAt: recent(), reporterContact: { name: 'R' }, ...over };
    const res = await t.gql(token, REPORT, { i: input });
    expect({ codes: (res.errors ?? []).map((e) => e.extensions?.code), field: res.errors?.[0]?.extensions?.field }).toEqual({
      codes: ['BAD_USER_INPUT'],
      field,
    });
  });
});
