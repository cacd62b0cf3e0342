import { parse, validate, type GraphQLSchema } from 'graphql';
import { configModule, limitsModule, schemaModule } from './dist';
import { BENCH_JWT_SECRET, type HubProcess } from './hub';
import { processCpuMs } from './cpu';

/**
 * Abuse limits (DESIGN.md §4, issue 13 findings 7 and 8): documents whose validation grows faster
 * than their size. For each family of document:
 * - before: graphql-js `parse` + `validate` called directly on the hub's schema, without the new
 *   limits (what the hub did with such a document before they held), at a size that costs a
 *   noticeable time, and at half that size (the growth exponent);
 * - after: the same document sent to the hub (status, code, latency), and the largest document of
 *   the family that the hub's limits still accept (its validation time, directly and over HTTP):
 *   the most an attacker can make the hub validate;
 * then the p50/p99 of a trivial request from another organization, alone, while abusive documents
 * are sent concurrently, and while bodies of 1 MiB of variables are.
 */

export interface Abusive {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

interface Family {
  name: string;
  /** The document with `n` repetitions (fields, fragments, arguments, levels, …). */
  build: (n: number) => Abusive;
  /** The size the "before" is measured at (and half of it). */
  n: number;
}

const times = (n: number, f: (i: number) => string, sep = ' ') => Array.from({ length: n }, (_, i) => f(i)).join(sep);

/** The families tried; the first one is the review's (finding 7). */
export const FAMILIES: Family[] = [
  { name: 'repeatedField', n: 1000, build: (n) => ({ query: `{ viewer { ${times(n, () => 'organization { code }')} } }` }) },
  { name: 'repeatedLeaf', n: 2000, build: (n) => ({ query: `{ ${times(n, () => '__typename')} }` }) },
  {
    name: 'sameFieldViaFragments',
    n: 400,
    build: (n) => ({
      query: `{ viewer { ${times(n, (i) => `...F${i}`)} } } ${times(n, (i) => `fragment F${i} on Viewer { organization { code } }`)}`,
    }),
  },
  {
    name: 'sameFragmentSpread',
    n: 4000,
    build: (n) => ({ query: `{ viewer { ${times(n, () => '...F')} } } fragment F on Viewer { organization { code } }` }),
  },
  {
    name: 'fragmentChain',
    n: 1000,
    build: (n) => ({
      query: `{ viewer { ...F0 } } ${times(n, (i) => `fragment F${i} on Viewer { capabilities ${i + 1 < n ? `...F${i + 1}` : ''} }`)}`,
    }),
  },
  {
    // Two distinct spreads per level: validation is cheap, but expanding the fragments (depth, alias and
    // cost measures) meets 2^n selections.
    name: 'fragmentFanOut',
    n: 20,
    build: (n) => ({
      query: `{ viewer { ...F0 ...G0 } } ${times(n, (i) => `fragment F${i} on Viewer { capabilities ${i + 1 < n ? `...F${i + 1} ...G${i + 1}` : ''} } fragment G${i} on Viewer { role { memberRole } ${i + 1 < n ? `...F${i + 1} ...G${i + 1}` : ''} }`)}`,
    }),
  },
  { name: 'distinctAliases', n: 4000, build: (n) => ({ query: `{ viewer { ${times(n, (i) => `a${i}: organization { code }`)} } }` }) },
  {
    // Long argument lists on fields that share a response name: every pair compares every argument.
    name: 'repeatedArgumentLists',
    n: 200,
    build: (n) => ({ query: `{ viewer { ${times(40, () => `organization(${times(n, (i) => `a${i}: 1`, ', ')}) { code }`)} } }` }),
  },
  {
    name: 'repeatedLargeValues',
    n: 1000,
    build: (n) => ({
      query: `{ ${times(40, () => `incidents(first: 1, filter: { status: [${times(n, () => 'REPORTED', ', ')}] }) { totalCount }`)} }`,
    }),
  },
  {
    name: 'unknownFields',
    n: 2000,
    build: (n) => ({ query: `{ incidents(first: 1) { edges { node { ${times(n, (i) => `reportingOrganizatio${i}`)} } } } }` }),
  },
  { name: 'manyOperations', n: 2000, build: (n) => ({ query: times(n, (i) => `query Q${i} { __typename }`), operationName: 'Q0' }) },
  {
    name: 'nestedInlineFragments',
    n: 1500,
    build: (n) => ({ query: `{ viewer { ${'... on Viewer { '.repeat(n)}capabilities${' }'.repeat(n)} } }` }),
  },
  {
    name: 'nestedListValue',
    n: 4000,
    build: (n) => ({ query: `{ incidents(first: 1, filter: { status: ${'['.repeat(n)}REPORTED${']'.repeat(n)} }) { totalCount } }` }),
  },
  {
    name: 'hugeVariables',
    n: 60_000,
    build: (n) => ({
      query: 'query($s: [IncidentStatus!]) { incidents(first: 1, filter: { status: $s }) { totalCount } }',
      variables: { s: Array.from({ length: n }, () => 'REPORTED') },
    }),
  },
];

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const round = (x: number, d = 1) => Number(x.toFixed(d));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** parse + validate as the hub ran them without the new limits; a thrown RangeError is what a 500 came from. */
function validateDirectly(schema: GraphQLSchema, doc: Abusive): { ms: number; outcome: string } {
  const t0 = process.hrtime.bigint();
  try {
    const errors = validate(schema, parse(doc.query));
    return { ms: round(ms(t0)), outcome: errors.length ? `${errors.length} validation errors` : 'valid' };
  } catch (err) {
    return { ms: round(ms(t0)), outcome: `threw ${(err as Error).name}: ${(err as Error).message.slice(0, 60)}` };
  }
}

interface HubAnswer {
  status: number;
  code: string | null;
  ms: number;
}

const bodyOf = (doc: Abusive) => JSON.stringify({ query: doc.query, variables: doc.variables, operationName: doc.operationName });

async function send(url: string, token: string, doc: Abusive): Promise<HubAnswer> {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: bodyOf(doc),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code ?? null, ms: round(ms(t0)) };
}

/** The median of three answers (the first may meet a cold JIT). */
async function sendMedian(url: string, token: string, doc: Abusive): Promise<HubAnswer> {
  const answers = [await send(url, token, doc), await send(url, token, doc), await send(url, token, doc)];
  return { ...answers[2], ms: median(answers.map((a) => a.ms)) };
}

export interface FamilyResult {
  name: string;
  /** parse + validate without the new limits, at n and n/2, and the growth exponent between them. */
  before: { n: number; bytes: number; ms: number; halfMs: number; exponent: number; outcome: string };
  /** The hub's answer to the same document. */
  after: HubAnswer;
  /** The largest n the limits accept (null: none): its parse + validate time (median of 5) and the hub's answer. */
  largestAccepted: { n: number; bytes: number; validateMs: number; hub: HubAnswer } | null;
}

export interface LatencyStats {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface DuringAbuse {
  abusiveRequests: number;
  trivial: LatencyStats;
  hubCpuMsPerRequest: number;
}

export interface AbuseResult {
  limits: Record<string, number>;
  families: FamilyResult[];
  /** The review's document (4,000 repeats): its validation time before, extrapolated quadratically, and the hub's answer now. */
  review: { bytes: number; estimatedBeforeMs: number; after: HubAnswer };
  worst: { beforePerByte: string; acceptedValidation: string | null; acceptedLatency: string | null };
  trivial: { alone: LatencyStats; duringAbusiveDocuments: DuringAbuse; duringLargeVariables: DuringAbuse };
}

function stats(latencies: number[]): LatencyStats {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0);
  return { requests: s.length, p50Ms: round(at(50)), p99Ms: round(at(99)), maxMs: round(s[s.length - 1] ?? 0) };
}

/** Requests in a loop until `until`, each latency recorded. */
async function loop(url: string, token: string, docs: Abusive[], until: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; Date.now() < until; i++) latencies.push((await send(url, token, docs[i % docs.length])).ms);
  return latencies;
}

/** The largest n whose document the hub accepts up to validation (body limit, parse-time and pre-validation limits), by bisection. */
function largestAccepted(family: Family, accepts: (doc: Abusive) => boolean): number | null {
  if (!accepts(family.build(1))) return null;
  let lo = 1;
  let hi = 2;
  while (accepts(family.build(hi))) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (accepts(family.build(mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

export async function abuseBench(
  hub: HubProcess,
  tokens: { abuser: string; other: string },
  seconds: number,
  log: (msg: string) => void,
): Promise<AbuseResult> {
  const schema = await schemaModule().buildHubSchema();
  const limitsLib = limitsModule();
  // The hub's own settings: its configuration as bench/hub.ts starts it.
  const config = configModule.loadConfig({ ...process.env, NODE_ENV: 'production', JWT_SECRET: BENCH_JWT_SECRET });
  const limits = config.limits;
  const accepts = (doc: Abusive) =>
    Buffer.byteLength(bodyOf(doc)) <= config.security.bodyLimitBytes && limitsLib.preValidate(doc.query, limits) === null;
  log(`  limits: ${JSON.stringify(limits)}`);
  log(
    `  ${'family'.padEnd(22)} | before: bytes, parse+validate (at n/2, exponent) | after: the hub's answer | largest accepted: n, bytes, parse+validate, the hub's answer`,
  );
  const families: FamilyResult[] = [];
  for (const [index, f] of FAMILIES.entries()) {
    const doc = f.build(f.n);
    // A smaller document first, so that the JIT does not count against the half-size measurement (the exponent).
    for (let i = 0; i < 3; i++) validateDirectly(schema, f.build(Math.max(1, Math.floor(f.n / 8))));
    // The review's family is extrapolated to its 4,000 repeats: the faster of two runs (a shared machine's noise).
    const runs = index === 0 ? 2 : 1;
    const fastest = (d: Abusive) => Array.from({ length: runs }, () => validateDirectly(schema, d)).sort((a, b) => a.ms - b.ms)[0];
    const half = fastest(f.build(Math.max(1, Math.floor(f.n / 2))));
    const full = fastest(doc);
    const exponent = round(Math.log2(Math.max(0.1, full.ms) / Math.max(0.1, half.ms)), 2);
    const after = await sendMedian(hub.url, tokens.abuser, doc);
    const n = largestAccepted(f, accepts);
    let largest: FamilyResult['largestAccepted'] = null;
    if (n !== null) {
      const max = f.build(n);
      const direct = median(Array.from({ length: 5 }, () => validateDirectly(schema, max).ms));
      largest = { n, bytes: Buffer.byteLength(bodyOf(max)), validateMs: direct, hub: await sendMedian(hub.url, tokens.abuser, max) };
    }
    const bytes = Buffer.byteLength(bodyOf(doc));
    const r: FamilyResult = {
      name: f.name,
      before: { n: f.n, bytes, ms: full.ms, halfMs: half.ms, exponent, outcome: full.outcome },
      after,
      largestAccepted: largest,
    };
    families.push(r);
    log(
      `  ${f.name.padEnd(22)} | ${String(bytes).padStart(7)} B ${`${full.ms} ms`.padStart(10)} (${half.ms} ms, ^${exponent})`.padEnd(62) +
        `| ${after.status} ${after.code ?? 'ok'} ${after.ms} ms`.padEnd(30) +
        `| ${largest ? `n=${largest.n}, ${largest.bytes} B, ${largest.validateMs} ms, ${largest.hub.status} ${largest.hub.code ?? 'ok'} ${largest.hub.ms} ms` : 'none'}`,
    );
    if (full.outcome.startsWith('threw')) log(`  ${''.padEnd(22)}   before: ${full.outcome}`);
  }

  // The review's document: 4,000 repeats (86 kB). Measuring it before would take seconds: its time is
  // extrapolated as the overlap rule grows, quadratically (the measured exponent is close to 2 on a quiet machine).
  const first = families[0];
  const reviewDoc = FAMILIES[0].build(4000);
  const review = {
    bytes: Buffer.byteLength(bodyOf(reviewDoc)),
    estimatedBeforeMs: Math.round(first.before.ms * (4000 / first.before.n) ** 2),
    after: await sendMedian(hub.url, tokens.abuser, reviewDoc),
  };
  log(
    `  the review's document (${review.bytes} B): before ≈ ${review.estimatedBeforeMs} ms of validation (${first.before.ms} ms at ${first.before.n} repeats, ×${(4000 / first.before.n) ** 2}); now ${review.after.status} ${review.after.code} in ${review.after.ms} ms`,
  );
  const accepted = families.filter((f) => f.largestAccepted);
  const worstBefore = [...families].sort((a, b) => b.before.ms / b.before.bytes - a.before.ms / a.before.bytes)[0];
  const worstValidation = [...accepted].sort((a, b) => b.largestAccepted!.validateMs - a.largestAccepted!.validateMs)[0] ?? null;
  const worstLatency = [...accepted].sort((a, b) => b.largestAccepted!.hub.ms - a.largestAccepted!.hub.ms)[0] ?? null;
  log(
    `  worst before (validation time per byte): ${worstBefore.name}; worst accepted now: validation ${worstValidation ? `${worstValidation.name}, ${worstValidation.largestAccepted!.validateMs} ms` : 'none'}, ` +
      `hub latency ${worstLatency ? `${worstLatency.name}, ${worstLatency.largestAccepted!.hub.ms} ms` : 'none'}`,
  );

  // A trivial request of another organization, alone, then while two clients of a constituent send
  // abusive documents (every family at its "before" size, refused, and at its largest accepted size),
  // then while they send 1 MiB of variables (what any body at the size limit costs to read and coerce).
  const trivial: Abusive[] = [{ query: '{ viewer { organization { code } } }' }];
  const abusive = FAMILIES.flatMap((f, i) => {
    const n = families[i].largestAccepted?.n;
    return n === undefined ? [f.build(f.n)] : [f.build(f.n), f.build(n)];
  });
  const isVariables = (doc: Abusive) => doc.variables !== undefined;
  await loop(hub.url, tokens.other, trivial, Date.now() + 500); // warm-up
  const alone = stats(await loop(hub.url, tokens.other, trivial, Date.now() + seconds * 1000));
  const during = async (docs: Abusive[], what: string): Promise<DuringAbuse> => {
    const until = Date.now() + seconds * 1000;
    const cpu0 = processCpuMs(hub.pid);
    const [a1, a2, latencies] = await Promise.all([
      loop(hub.url, tokens.abuser, docs, until),
      loop(hub.url, tokens.abuser, docs, until),
      loop(hub.url, tokens.other, trivial, until),
    ]);
    const cpuMs = processCpuMs(hub.pid) - cpu0;
    const r = {
      abusiveRequests: a1.length + a2.length,
      trivial: stats(latencies),
      hubCpuMsPerRequest: round(cpuMs / Math.max(1, a1.length + a2.length + latencies.length), 2),
    };
    log(
      `    while 2 clients sent ${r.abusiveRequests} ${what} in ${seconds} s: p50 ${r.trivial.p50Ms} ms p99 ${r.trivial.p99Ms} ms max ${r.trivial.maxMs} ms (hub CPU ${r.hubCpuMsPerRequest} ms per request)`,
    );
    return r;
  };
  log(`  trivial request of another organization: alone p50 ${alone.p50Ms} ms p99 ${alone.p99Ms} ms`);
  const documents = await during(
    abusive.filter((d) => !isVariables(d)),
    'abusive documents',
  );
  const variables = await during(abusive.filter(isVariables), '1 MiB variables bodies');
  return {
    limits,
    families,
    review,
    worst: { beforePerByte: worstBefore.name, acceptedValidation: worstValidation?.name ?? null, acceptedLatency: worstLatency?.name ?? null },
    trivial: { alone, duringAbusiveDocuments: documents, duringLargeVariables: variables },
  };
}
