/**
 * Availability findings of the outside security review (issue 13, findings 7, 8 and 9), against a
 * real hub with production settings: documents whose validation grows faster than their size are
 * refused before validation; a deep chain of fragments is a client error; a WebSocket holds a
 * bounded number of operations, a principal a bounded number of sockets, and a message obeys the
 * HTTP body limit. (How fast these refusals are is measured by `npm run bench`, not here.)
 */
import type { Client } from 'graphql-ws';
import { connect as connectWs } from '../../harness/ws';
import { getIntrospectionQuery, type GraphQLFormattedError } from 'graphql';
import { startTestHub, codes, type GqlResult, type TestHub } from '../../harness/hub';
import { loadConfig } from '../../../src/config';

const PRODUCTION = { NODE_ENV: 'production', MASK_ERRORS: 'true', LOG_LEVEL: 'silent' };
const CONSTITUENT = 'reporter@acme.test';

const times = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');
/** The review's document: one selection repeated 4,000 times (86 kB). */
const REPEATED = `{ viewer { ${times(4000, () => 'organization { code }')} } }`;
/** A chain of 3,000 nested fragments. */
const CHAIN = `{ viewer { ...F0 } } ${times(3000, (i) => `fragment F${i} on Viewer { capabilities ${i < 2999 ? `...F${i + 1}` : ''} }`)}`;

interface Socket {
  client: Client;
  /** Resolves once the server acknowledged the connection. */
  connected: Promise<void>;
  /** Resolves with the close code when the server closes the socket. */
  closed: Promise<number>;
}

function connect(t: TestHub, token: string): Socket {
  let onConnected: () => void = () => undefined;
  let onClosed: (code: number) => void = () => undefined;
  const connected = new Promise<void>((r) => (onConnected = r));
  const closed = new Promise<number>((r) => (onClosed = r));
  const client = connectWs(
    t.url,
    token,
    (code) => onClosed(code),
    () => onConnected(),
  );
  return { client, connected, closed };
}

interface Operation {
  /** The errors of an `error` message, if the server refused the operation. */
  refused: Promise<readonly GraphQLFormattedError[]>;
  result: Promise<{ data?: unknown; errors?: readonly GraphQLFormattedError[] }>;
  unsubscribe: () => void;
}

/** One operation over an open socket. */
function operate(client: Client, query: string): Operation {
  let onRefused: (e: readonly GraphQLFormattedError[]) => void = () => undefined;
  let onResult: (r: { data?: unknown; errors?: readonly GraphQLFormattedError[] }) => void = () => undefined;
  const refused = new Promise<readonly GraphQLFormattedError[]>((r) => (onRefused = r));
  const result = new Promise<{ data?: unknown; errors?: readonly GraphQLFormattedError[] }>((r) => (onResult = r));
  let last: { data?: unknown; errors?: readonly GraphQLFormattedError[] } = {};
  const unsubscribe = client.subscribe(
    { query },
    {
      next: (v) => (last = v as typeof last),
      error: (e) => {
        const errors = Array.isArray(e) ? (e as GraphQLFormattedError[]) : [{ message: String(e) }];
        onRefused(errors);
        onResult({ errors });
      },
      complete: () => onResult(last),
    },
  );
  return { refused, result, unsubscribe };
}

const EVENTS = 'subscription { incidentEvents { cursor } }';

describe('finding 7: one request must not stall the hub', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(PRODUCTION);
  });
  afterAll(async () => {
    await t.close();
  });

  test("the review's document (one selection repeated 4,000 times, 86 kB, a constituent's token) is refused before validation; another organization is answered", async () => {
    expect(REPEATED.length).toBeGreaterThan(80_000);
    const res = await t.as(CONSTITUENT, REPEATED);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
    // Refused at parse time: over the token limit (validation would have said GRAPHQL_VALIDATION_FAILED, or nothing).
    expect(res.errors![0].extensions).toMatchObject({ tokens: t.config.limits.maxTokens + 1 });
    const other = await t.as('handler@vnpt.test', '{ __typename viewer { organization { code } } }');
    expect(other).toEqual({ status: 200, data: { __typename: 'Query', viewer: { organization: { code: 'VNPT' } } } });
  });

  test('the repetition itself, well within the size and token limits (1,000 repeats, 22 kB), is refused before validation, with its numbers', async () => {
    const res = await t.as(CONSTITUENT, `{ viewer { ${times(1000, () => 'organization { code }')} } }`);
    expect([res.status, codes(res)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
    const ext = res.errors![0].extensions!;
    expect(ext.fieldComparisons as number).toBeGreaterThan(t.config.limits.maxFieldComparisons);
    expect(ext).toMatchObject({ repeatedField: 'organization', limits: { maxFieldComparisons: t.config.limits.maxFieldComparisons } });
    expect(res.errors![0].message).toContain('"organization" selected');
  });

  test('the same selection repeated through many fragments, or one fragment spread many times, is refused the same way', async () => {
    const viaFragments = `{ viewer { ${times(600, (i) => `...F${i}`)} } } ${times(600, (i) => `fragment F${i} on Viewer { organization { code } }`)}`;
    const spread = `{ viewer { ${times(4000, () => '...F')} } } fragment F on Viewer { organization { code } }`;
    const sameArgs = `{ ${times(60, () => 'incidents(first: 1, filter: { status: [REPORTED, TRIAGED] }) { totalCount }')} }`;
    for (const query of [viaFragments, spread, sameArgs]) {
      const res = await t.as(CONSTITUENT, query);
      expect([res.status, codes(res)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
    }
  });

  test('parse-time limits: a document over the size or token limit, or nested too deeply to parse, is refused with QUERY_TOO_COMPLEX', async () => {
    const { maxLength, maxTokens } = t.config.limits;
    const long = `{ viewer { organization { code } } } # ${'x'.repeat(maxLength)}`;
    const longRes = await t.as(CONSTITUENT, long);
    expect([longRes.status, codes(longRes)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
    expect(longRes.errors![0].extensions).toMatchObject({ length: long.length });

    // Distinct aliases of a leaf: no repeated response name, only tokens (three per alias).
    const tokens = `{ ${times(Math.ceil(maxTokens / 3) + 1, (i) => `a${i}:__typename`)} }`;
    expect(tokens.length).toBeLessThan(maxLength);
    const tokensRes = await t.as(CONSTITUENT, tokens);
    expect([tokensRes.status, codes(tokensRes)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
    expect(tokensRes.errors![0].extensions).toMatchObject({ tokens: maxTokens + 1 });

    const deepList = `{ incidents(first: 1, filter: { status: ${'['.repeat(5000)}REPORTED${']'.repeat(5000)} }) { totalCount } }`;
    const deepRes = await t.as(CONSTITUENT, deepList);
    expect([deepRes.status, codes(deepRes)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
  });

  test('many distinct aliases of one field: refused before validation by the selection count', async () => {
    const aliases = `{ viewer { ${times(1200, (i) => `a${i}: organization { code }`)} } }`;
    const res = await t.as(CONSTITUENT, aliases);
    expect([res.status, codes(res)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
    expect(res.errors![0].extensions!.selections as number).toBeGreaterThan(t.config.limits.maxSelections);
  });

  test('many operations in one document (validation visits each for its variables) are refused before validation', async () => {
    const operations = times(t.config.limits.maxOperations + 1, (i) => `query Q${i} { __typename }`);
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(CONSTITUENT)}` },
      body: JSON.stringify({ query: operations, operationName: 'Q0' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Omit<GqlResult, 'status'>;
    expect(codes({ status: res.status, ...body })).toEqual(['QUERY_TOO_COMPLEX']);
    expect(body.errors![0].extensions).toMatchObject({ operations: t.config.limits.maxOperations + 1 });
  });

  test('legitimate documents pass: the full introspection query, and a field selected in a few fragments', async () => {
    const introspection = await t.as(
      'analyst@vnpt.test',
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      }),
    );
    expect(introspection.errors).toBeUndefined();
    const fragments = `{ viewer { ...A ...B ...C organization { code } } }
      fragment A on Viewer { organization { code name } } fragment B on Viewer { organization { code kind } } fragment C on Viewer { organization { id code } }`;
    const res = await t.as<{ viewer: { organization: { code: string } } }>(CONSTITUENT, fragments);
    expect(res.errors).toBeUndefined();
    expect(res.data!.viewer.organization.code).toBe('ACME');
  });

  test('syntax errors keep their own code (the pre-validation pass leaves them to the parser)', async () => {
    const res = await t.as(CONSTITUENT, '{ viewer { organization { code } ');
    expect([res.status, codes(res)]).toEqual([400, ['GRAPHQL_PARSE_FAILED']]);
  });

  test('a GET request is held to the same limits', async () => {
    const res = await fetch(`${t.url}?query=${encodeURIComponent(`{ viewer { ${times(200, () => 'organization { code }')} } }`)}`, {
      headers: { authorization: `Bearer ${await t.token(CONSTITUENT)}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(400);
    expect(codes({ status: res.status, ...((await res.json()) as Omit<GqlResult, 'status'>) })).toEqual(['QUERY_TOO_COMPLEX']);
  });

  test('over WebSocket: the same limits refuse the operation with QUERY_TOO_COMPLEX, and the socket stays usable', async () => {
    const socket = connect(t, await t.token(CONSTITUENT));
    try {
      await socket.connected;
      const subscription = `subscription { incidentEvents { ${times(200, () => 'incident { reference }')} } }`;
      for (const query of [REPEATED, subscription]) {
        const errors = await operate(socket.client, query).refused;
        expect(errors.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
      }
      const ok = await operate(socket.client, '{ viewer { organization { code } } }').result;
      expect(ok).toEqual({ data: { viewer: { organization: { code: 'ACME' } } } });
    } finally {
      await socket.client.dispose();
    }
  });
});

describe('finding 8: a chain of 3,000 nested fragments', () => {
  let t: TestHub;
  beforeAll(async () => {
    // Size and token limits raised: the chain is refused for its nesting, not only for its 150 kB.
    t = await startTestHub({ ...PRODUCTION, QUERY_MAX_LENGTH: '1000000', QUERY_MAX_TOKENS: '1000000' });
  });
  afterAll(async () => {
    await t.close();
  });

  test('is a client error over HTTP (400, QUERY_TOO_COMPLEX), not a 500', async () => {
    const res = await t.as(CONSTITUENT, CHAIN);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  test('as well as nested inline fragments, and a chain within the nesting limit that grows validation quadratically', async () => {
    const inline = `{ viewer { ${'... on Viewer { '.repeat(1000)}capabilities${' }'.repeat(1000)} } }`;
    const shortChain = `{ viewer { ...F0 } } ${times(50, (i) => `fragment F${i} on Viewer { capabilities ${i < 49 ? `...F${i + 1}` : ''} }`)}`;
    const inlineRes = await t.as(CONSTITUENT, inline);
    expect([inlineRes.status, codes(inlineRes)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
    expect(inlineRes.errors![0].extensions!.nesting as number).toBeGreaterThan(t.config.limits.maxNesting);
    const chainRes = await t.as(CONSTITUENT, shortChain);
    expect([chainRes.status, codes(chainRes)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
  });

  test('fragments that spread each other exponentially are refused, not run without their cost check', async () => {
    // Each level spreads two fragments of the next: 2^24 selections once expanded. Validation is cheap; the depth and
    // alias measure walked all of them (seconds, doubling per level), then the cost measure gave up at 10,000 nodes
    // with an error taken for a variable error, and the query ran without its cost check.
    const fanOut = `{ viewer { ...F0 ...G0 } } ${times(24, (i) => `fragment F${i} on Viewer { capabilities ${i < 23 ? `...F${i + 1} ...G${i + 1}` : ''} } fragment G${i} on Viewer { role { memberRole } ${i < 23 ? `...F${i + 1} ...G${i + 1}` : ''} }`)}`;
    const res = await t.as(CONSTITUENT, fanOut);
    expect([res.status, codes(res)]).toEqual([400, ['QUERY_TOO_COMPLEX']]);
  });

  test('is a client error over WebSocket too', async () => {
    const socket = connect(t, await t.token(CONSTITUENT));
    try {
      await socket.connected;
      const errors = await operate(socket.client, CHAIN).refused;
      expect(errors.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    } finally {
      await socket.client.dispose();
    }
  });
});

describe('finding 9: WebSocket subscriptions, connections and message size are bounded', () => {
  test('the defaults: 100 operations per connection, 20 connections per principal, messages within BODY_LIMIT_BYTES', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
    expect(config.security.webSocket).toEqual({ maxSubscriptionsPerConnection: 100, maxConnectionsPerPrincipal: 20 });
    expect(config.security.bodyLimitBytes).toBe(1024 * 1024);
  });

  describe('with small caps', () => {
    let t: TestHub;
    beforeAll(async () => {
      t = await startTestHub({ ...PRODUCTION, WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5', WS_MAX_CONNECTIONS_PER_PRINCIPAL: '3' });
    });
    afterAll(async () => {
      await t.close();
    });

    test('one socket holds at most the cap of subscriptions: the next subscribe gets RATE_LIMITED, the socket stays open, a completed one frees its place', async () => {
      const socket = connect(t, await t.token(CONSTITUENT));
      try {
        await socket.connected;
        // Sent together: admitted in their order.
        const subs = Array.from({ length: 7 }, () => operate(socket.client, EVENTS));
        const refusals = await Promise.all(subs.slice(5).map((s) => s.refused));
        for (const errors of refusals) {
          expect(errors.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
          expect(errors[0].extensions).toMatchObject({ limit: 5 });
        }
        // A query counts as an operation in progress too.
        expect((await operate(socket.client, '{ __typename }').refused)[0].extensions?.code).toBe('RATE_LIMITED');
        // Completing a subscription (and an error ending one) frees its place on the same socket.
        subs[0].unsubscribe();
        const ok = await operate(socket.client, '{ viewer { organization { code } } }').result;
        expect(ok).toEqual({ data: { viewer: { organization: { code: 'ACME' } } } });
        const again = operate(socket.client, EVENTS);
        const extra = operate(socket.client, EVENTS);
        expect((await extra.refused)[0].extensions?.code).toBe('RATE_LIMITED');
        again.unsubscribe();
      } finally {
        await socket.client.dispose();
      }
      // A new socket starts with none.
      const fresh = connect(t, await t.token(CONSTITUENT));
      try {
        await fresh.connected;
        const subs = Array.from({ length: 5 }, () => operate(fresh.client, EVENTS));
        const last = await operate(fresh.client, '{ viewer { organization { code } } }').refused;
        expect(last[0].extensions?.code).toBe('RATE_LIMITED');
        for (const s of subs) s.unsubscribe();
      } finally {
        await fresh.client.dispose();
      }
    });

    test('a principal holds at most the cap of connections: the next is closed with 4429; closing one lets a new one in; another principal is unaffected', async () => {
      const token = await t.token('handler@vnpt.test');
      const open = [connect(t, token), connect(t, token), connect(t, token)];
      try {
        await Promise.all(open.map((s) => s.connected));
        const fourth = connect(t, token);
        expect(await fourth.closed).toBe(4429);
        await fourth.client.dispose();
        // An API key or another account is another principal.
        const other = connect(t, await t.token('analyst@vnpt.test'));
        await other.connected;
        await other.client.dispose();
        // Closing one frees its place.
        await open.shift()!.client.dispose();
        await new Promise((r) => setTimeout(r, 200));
        const replacement = connect(t, token);
        await replacement.connected;
        open.push(replacement);
      } finally {
        await Promise.all(open.map((s) => s.client.dispose()));
      }
    });

    test('a subscribe message over the HTTP body limit closes the socket with 1009 before it is processed; under the limit is fine', async () => {
      const limit = t.config.security.bodyLimitBytes;
      const socket = connect(t, await t.token(CONSTITUENT));
      await socket.connected;
      // A 5 MB subscribe message (the review's), made of a padding comment.
      operate(socket.client, `${EVENTS} # ${'x'.repeat(5 * 1024 * 1024)}`);
      expect(await socket.closed).toBe(1009);
      await socket.client.dispose();
      // HTTP refuses the same size with 413.
      const http = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(CONSTITUENT)}` },
        body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(limit)}` }),
      });
      expect(http.status).toBe(413);
      const small = connect(t, await t.token(CONSTITUENT));
      try {
        await small.connected;
        expect(await operate(small.client, `{ viewer { organization { code } } } # ${'x'.repeat(50_000)}`).result).toEqual({
          data: { viewer: { organization: { code: 'ACME' } } },
        });
      } finally {
        await small.client.dispose();
      }
    });
  });
});
