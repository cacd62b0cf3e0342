/**
 * GraphQL error messages over graphql-ws follow the connection's language (DESIGN.md §7), as
 * `Accept-Language` does over HTTP: the upgrade request's header, or `acceptLanguage` in
 * connectionParams (which wins). `extensions.code` never changes.
 */
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { startTestHub, type TestHub } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';
import { INCIDENT_EVENTS } from '../../harness/ws';

let t: TestHub;
let amberId: string;
beforeAll(async () => {
  t = await startTestHub();
  // An AMBER incident VNPT handles: FPT cannot see it (NOT_FOUND when FPT subscribes to it).
  const inc = await reportIncident(
    t,
    'reporter@acme.test',
    {
      title: 'Language case',
      description: 'd',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      reportTo: 'VNPT',
      tlp: 'AMBER',
    },
    'id',
  );
  amberId = inc.id;
}, 60_000);
afterAll(async () => {
  await t.close();
});

type WsError = { message: string; extensions?: { code?: string; field?: string } };

/** The errors of one operation on a fresh connection with the given upgrade header and connectionParams. */
async function errorsOf(opts: { header?: string; param?: string }, query: string, variables: Record<string, unknown> = {}): Promise<WsError[]> {
  const token = await t.token('handler@fpt.test');
  const header = opts.header;
  class UpgradeWithLanguage extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, header ? { headers: { 'accept-language': header } } : {});
    }
  }
  const client = createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: UpgradeWithLanguage,
    connectionParams: { authorization: `Bearer ${token}`, ...(opts.param ? { acceptLanguage: opts.param } : {}) },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    return await new Promise<WsError[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no error arrived')), 15_000);
      const done = (errors: WsError[]) => {
        clearTimeout(timer);
        resolve(errors);
      };
      client.subscribe<unknown>(
        { query, variables },
        {
          next: (v) => {
            if (v.errors) done(v.errors as WsError[]);
          },
          // Errors before execution (validation) arrive as an error message: an array of GraphQL errors.
          error: (e) => (Array.isArray(e) ? done(e as WsError[]) : reject(e instanceof Error ? e : new Error(JSON.stringify(e)))),
          complete: () => undefined,
        },
      );
    });
  } finally {
    await Promise.resolve(client.dispose()).catch(() => undefined);
  }
}

test('the upgrade request’s Accept-Language: vi gets Vietnamese, en English; the code is the same', async () => {
  const vi = await errorsOf({ header: 'vi-VN,vi;q=0.9,en;q=0.5' }, INCIDENT_EVENTS, { incidentId: amberId });
  const en = await errorsOf({ header: 'en-US,en;q=0.9' }, INCIDENT_EVENTS, { incidentId: amberId });
  expect(vi.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  expect(en.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  expect(vi[0].message).toBe('Sự cố: không tìm thấy');
  expect(en[0].message).toBe('Incident not found');
});

test('no header and no parameter: English', async () => {
  const none = await errorsOf({}, INCIDENT_EVENTS, { incidentId: amberId });
  expect(none.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'Incident not found']]);
});

test('connectionParams.acceptLanguage sets the language and wins over the header', async () => {
  const vi = await errorsOf({ header: 'en', param: 'vi' }, INCIDENT_EVENTS, { incidentId: amberId });
  const en = await errorsOf({ header: 'vi', param: 'en' }, INCIDENT_EVENTS, { incidentId: amberId });
  expect(vi.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'Sự cố: không tìm thấy']]);
  expect(en.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'Incident not found']]);
});

test('input errors during execution and validation errors before it: localized, codes and fields unchanged', async () => {
  const badCursor = { after: 'abc' };
  const vi = await errorsOf({ header: 'vi' }, INCIDENT_EVENTS, badCursor);
  const en = await errorsOf({ header: 'en' }, INCIDENT_EVENTS, badCursor);
  expect(vi.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(vi.map((e) => e.extensions)).toEqual(en.map((e) => e.extensions));
  expect(vi[0].message).not.toBe(en[0].message);
  expect(vi[0].message).toMatch(/^Dữ liệu không hợp lệ/);

  const unknownField = 'subscription { incidentEvents { noSuchField } }';
  const viInvalid = await errorsOf({ param: 'vi' }, unknownField);
  const enInvalid = await errorsOf({ param: 'en' }, unknownField);
  expect(viInvalid.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  expect(enInvalid.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  expect(viInvalid[0].message).toBe('Truy vấn GraphQL không hợp lệ');
  expect(enInvalid[0].message).toMatch(/noSuchField/);
});
