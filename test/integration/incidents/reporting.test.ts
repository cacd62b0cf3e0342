import { startTestHub, codes, type TestHub } from '../../harness/hub';

const REPORT = /* GraphQL */ `
  mutation Report($input: ReportIncidentInput!) {
    reportIncident(input: $input) {
      reference
      duplicate
      incident {
        id
        reference
        status
        handler {
          code
        }
        coordinator {
          code
        }
        accessLevel
        indicators {
          type
          value
          displayValue
        }
      }
    }
  }
`;

const READ = /* GraphQL */ `
  query Read($id: ID!) {
    incident(id: $id) {
      id
      reference
      title
      accessLevel
      handler {
        code
      }
      reporterContact {
        name
      }
    }
  }
`;

const SEARCH = /* GraphQL */ `
  query Search($text: String!) {
    incidents(filter: { text: $text }, first: 50) {
      edges {
        node {
          id
          title
        }
      }
    }
  }
`;

interface ReportData {
  reportIncident: {
    reference: string;
    duplicate: boolean;
    incident: {
      id: string;
      reference: string;
      status: string;
      handler: { code: string };
      coordinator: { code: string } | null;
      accessLevel: string;
      indicators: { type: string; value: string; displayValue: string }[];
    };
  };
}

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

function input(over: Record<string, unknown> = {}) {
  return {
    title: 'Phishing page imitating a bank',
    description: 'A fake login page collects passwords.',
    detectedAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
    reporterContact: { name: 'Lê Văn Cường', email: 'cuong@acme.test', phone: '+84 90 111 2222' },
    ...over,
  };
}

async function counts() {
  const [row] = await t.sql<{ incidents: string; indicators: string; events: string; counter: string | null }>(
    `select (select count(*) from incident)::text as incidents, (select count(*) from indicator)::text as indicators,
            (select count(*) from incident_event)::text as events, (select sum(last_value) from reference_counter)::text as counter`,
  );
  return row;
}

test('a report addressed to VNPT is read back by VNPT; FPT gets null and cannot find it by its title', async () => {
  const title = `Unique phishing title ${Date.now()}`;
  const res = await t.as<ReportData>('reporter@acme.test', REPORT, { input: input({ title, reportTo: 'VNPT' }) });
  expect(res.errors).toBeUndefined();
  const report = res.data!.reportIncident;
  expect(report.reference).toMatch(/^VN-\d{4}-\d{6}$/);
  expect(report.incident.handler.code).toBe('VNPT');
  expect(report.incident.accessLevel).toBe('REPORTER');
  expect(report.duplicate).toBe(false);

  const vnpt = await t.as<{ incident: { reference: string; accessLevel: string; reporterContact: { name: string } | null } }>(
    'handler@vnpt.test',
    READ,
    { id: report.incident.id },
  );
  expect(vnpt.data!.incident.reference).toBe(report.reference);
  expect(vnpt.data!.incident.accessLevel).toBe('FULL');
  expect(vnpt.data!.incident.reporterContact?.name).toBe('Lê Văn Cường');

  const fpt = await t.as('handler@fpt.test', READ, { id: report.incident.id });
  expect(fpt.errors).toBeUndefined();
  expect(fpt.data!.incident).toBeNull();
  const fptSearch = await t.as<{ incidents: { edges: unknown[] } }>('handler@fpt.test', SEARCH, { text: title });
  expect(fptSearch.data!.incidents.edges).toHaveLength(0);
  const vnptSearch = await t.as<{ incidents: { edges: unknown[] } }>('handler@vnpt.test', SEARCH, { text: title });
  expect(vnptSearch.data!.incidents.edges).toHaveLength(1);
});

test('an idempotent retry returns the same incident; a changed retry is CONFLICT and stores nothing', async () => {
  const key = `retry-${Date.now()}`;
  const same = input({ idempotencyKey: key });
  const first = await t.as<ReportData>('reporter@acme.test', REPORT, { input: same });
  const again = await t.as<ReportData>('reporter@acme.test', REPORT, { input: same });
  expect(again.errors).toBeUndefined();
  expect(again.data!.reportIncident.incident.id).toBe(first.data!.reportIncident.incident.id);
  expect(again.data!.reportIncident.reference).toBe(first.data!.reportIncident.reference);
  expect(again.data!.reportIncident.duplicate).toBe(true);

  const before = await counts();
  const changed = await t.as('reporter@acme.test', REPORT, { input: { ...same, title: 'Something else' } });
  expect(codes(changed)).toEqual(['CONFLICT']);
  expect(await counts()).toEqual(before);

  // The key is scoped to the account: another account may use the same key for its own report.
  const other = await t.as<ReportData>('admin@acme.test', REPORT, { input: same });
  expect(other.data!.reportIncident.duplicate).toBe(false);
  expect(other.data!.reportIncident.incident.id).not.toBe(first.data!.reportIncident.incident.id);
});

describe('indicators are normalized, and every bad form is BAD_USER_INPUT that stores nothing', () => {
  test('accepted forms are stored normalized and merged', async () => {
    const res = await t.as<ReportData>('reporter@acme.test', REPORT, {
      input: input({
        indicators: [
          { type: 'DOMAIN', value: 'EVIL[.]vn.' },
          { type: 'DOMAIN', value: 'Bücher.VN' },
          { type: 'URL', value: 'hxxps://evil[.]vn/login?x=1' },
          { type: 'IPV6', value: '2001:DB8:0:0:0:0:0:1' },
          { type: 'CIDR', value: '10.0.0.0/24' },
          { type: 'ASN', value: 'as64500' },
          { type: 'FILE_HASH', value: 'D41D8CD98F00B204E9800998ECF8427E' },
          { type: 'EMAIL', value: 'Phisher@EVIL.VN' },
        ],
      }),
    });
    expect(res.errors).toBeUndefined();
    const got = res.data!.reportIncident.incident.indicators.map((i) => `${i.type} ${i.value} ${i.displayValue}`);
    expect(got).toEqual([
      'DOMAIN evil.vn evil.vn',
      'DOMAIN xn--bcher-kva.vn bücher.vn',
      'URL https://evil.vn/login?x=1 https://evil.vn/login?x=1',
      'IPV6 2001:db8::1 2001:db8::1',
      'CIDR 10.0.0.0/24 10.0.0.0/24',
      'ASN AS64500 AS64500',
      'FILE_HASH d41d8cd98f00b204e9800998ecf8427e d41d8cd98f00b204e9800998ecf8427e',
      'EMAIL Phisher@evil.vn Phisher@evil.vn',
    ]);
  });

  const bad: [string, string][] = [
    ['DOMAIN', 'a..b'],
    ['DOMAIN', '-evil.vn'],
    ['DOMAIN', 'evil_site.vn'],
    ['DOMAIN', 'localhost'],
    ['DOMAIN', `${'a'.repeat(64)}.vn`],
    ['IPV4', '256.1.1.1'],
    ['IPV4', '010.1.1.1'],
    ['IPV6', '2001:db8::g'],
    ['CIDR', '10.0.0.1/24'],
    ['CIDR', '10.0.0.0/33'],
    ['URL', 'javascript:alert(1)'],
    ['URL', 'http://a..b/x'],
    ['URL', 'http://user:pass@evil.vn/'],
    ['EMAIL', 'no-at-sign.vn'],
    ['EMAIL', 'x@a..b'],
    ['ASN', 'AS0'],
    ['ASN', 'ASX'],
    ['FILE_HASH', 'abc123'],
    ['FILE_HASH', 'z'.repeat(32)],
  ];
  test.each(bad)('%s %s is refused', async (type, value) => {
    const before = await counts();
    const res = await t.as('reporter@acme.test', REPORT, {
      input: input({
        indicators: [
          { type: 'DOMAIN', value: 'fine.vn' },
          { type, value },
        ],
      }),
    });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions!.field).toBe('input.indicators[1].value');
    expect(await counts()).toEqual(before);
  });
});

describe('receipt references', () => {
  test('50 concurrent reports get 50 consecutive references', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.as<ReportData>('handler@vnpt.test', REPORT, { input: input({ title: `Concurrent ${i}` }) })),
    );
    const numbers = results.map((r) => {
      expect(r.errors).toBeUndefined();
      return Number(r.data!.reportIncident.reference.slice(-6));
    });
    numbers.sort((a, b) => a - b);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1] + 1);
    expect(new Set(results.map((r) => r.data!.reportIncident.reference.slice(3, 7))).size).toBe(1);
  });

  test('a report that fails after taking its number leaves no gap', async () => {
    // Make the database itself fail after the reference was taken (the indicator insert comes after it).
    await t.sql(`create function fail_indicator() returns trigger language plpgsql as $$ begin
      if new.value = 'fail-after-reference.vn' then raise exception 'injected failure'; end if; return new; end $$`);
    await t.sql(`create trigger fail_indicator before insert on indicator for each row execute function fail_indicator()`);
    try {
      const ok1 = await t.as<ReportData>('handler@vnpt.test', REPORT, { input: input() });
      const failed = await t.as('handler@vnpt.test', REPORT, {
        input: input({ indicators: [{ type: 'DOMAIN', value: 'fail-after-reference.vn' }] }),
      });
      expect(codes(failed)).toEqual(['INTERNAL_SERVER_ERROR']);
      const ok2 = await t.as<ReportData>('handler@vnpt.test', REPORT, { input: input() });
      expect(Number(ok2.data!.reportIncident.reference.slice(-6))).toBe(Number(ok1.data!.reportIncident.reference.slice(-6)) + 1);
    } finally {
      await t.sql('drop trigger fail_indicator on indicator');
    }
  });

  test('the sequence restarts at 000001 when the clock passes New Year in Asia/Ho_Chi_Minh', async () => {
    try {
      // 2029-12-31 23:59:59 in Hanoi is 16:59:59 UTC.
      t.clock.set(new Date('2029-12-31T16:59:59Z'));
      const before = await t.as<ReportData>('handler@vnpt.test', REPORT, { input: input({ detectedAt: '2029-12-31T10:00:00Z' }) });
      expect(before.data!.reportIncident.reference).toBe('VN-2029-000001');
      t.clock.set(new Date('2029-12-31T17:00:00Z'));
      const after = await t.as<ReportData>('handler@vnpt.test', REPORT, { input: input({ detectedAt: '2029-12-31T10:00:00Z' }) });
      expect(after.data!.reportIncident.reference).toBe('VN-2030-000001');
      const next = await t.as<ReportData>('handler@vnpt.test', REPORT, { input: input({ detectedAt: '2029-12-31T10:00:00Z' }) });
      expect(next.data!.reportIncident.reference).toBe('VN-2030-000002');
    } finally {
      t.clock.set(null);
    }
  });
});

describe('routing', () => {
  test('a WIDESPREAD report addressed to VNPT goes to VNCERT, which takes part', async () => {
    const res = await t.as<ReportData>('reporter@acme.test', REPORT, { input: input({ scope: 'WIDESPREAD', reportTo: 'VNPT' }) });
    expect(res.data!.reportIncident.incident.handler.code).toBe('VNCERT');
    const [row] = await t.sql<{ addressee: string }>(
      `select o.code as addressee from incident i join organization o on o.id = i.addressee_org_id where i.reference = $1`,
      [res.data!.reportIncident.reference],
    );
    expect(row.addressee).toBe('VNPT');
  });

  test("an attacker IP in VNPT's range does not route to VNPT; the victim's public IP does", async () => {
    const attacker = await t.as<ReportData>('reporter@acme.test', REPORT, {
      input: input({
        indicators: [
          { type: 'IPV4', value: '14.160.1.2' },
          { type: 'URL', value: 'http://14.160.1.2/phish' },
        ],
      }),
    });
    expect(attacker.data!.reportIncident.incident.handler.code).toBe('VNCERT');
    const victim = await t.as<ReportData>('reporter@acme.test', REPORT, {
      input: input({ affectedSystem: { name: 'Web shop', publicIps: ['14.160.9.9'] } }),
    });
    expect(victim.data!.reportIncident.incident.handler.code).toBe('VNPT');
    const provider = await t.as<ReportData>('reporter@acme.test', REPORT, {
      input: input({ affectedSystem: { name: 'Office', connectivityProvider: 'FPT' } }),
    });
    expect(provider.data!.reportIncident.incident.handler.code).toBe('FPT');
  });

  test('reportTo must be an active ISP, agency unit or the coordinator', async () => {
    for (const code of ['VNNIC', 'ACME', 'NOPE', 'MPS-A05']) {
      const res = await t.as('reporter@acme.test', REPORT, { input: input({ reportTo: code }) });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].extensions!.field).toBe('input.reportTo');
    }
  });
});

describe('authentication', () => {
  test('no token, a bad token and a token of an unknown account are UNAUTHENTICATED', async () => {
    for (const auth of [null, 'Bearer not-a-jwt', 'Bearer hubk_invalidchecksum000000000000000000000000']) {
      const res = await t.gql(auth, '{ viewer { capabilities } }');
      expect(res.status).toBe(401);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    }
  });

  test('an expired token is UNAUTHENTICATED', async () => {
    const token = await t.token('handler@vnpt.test', { expiresInSeconds: 1 });
    t.clock.advance(5_000);
    try {
      expect(codes(await t.gql(token, '{ viewer { capabilities } }'))).toEqual(['UNAUTHENTICATED']);
    } finally {
      t.clock.set(null);
    }
  });

  test('the regulator and analysts may not report', async () => {
    for (const email of ['analyst@mic.test', 'analyst@vnpt.test']) {
      const res = await t.as(email, REPORT, { input: input() });
      expect(codes(res)).toEqual(['FORBIDDEN']);
    }
  });
});
