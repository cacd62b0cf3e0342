import { startTestHub, codes, type TestHub, type GqlResult } from '../../harness/hub';
import { reportIncident } from '../../harness/incidents';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const HOUR = 3_600_000;
const VNCERT = 'handler@vncert.test';
const VNNIC = 'handler@vnnic.test';
const VIETTEL = 'handler@viettel.test';
const VNPT = 'handler@vnpt.test';
const FPT = 'handler@fpt.test';

const D = `id status version action instructions tlp pap issuedAt dueAt acknowledgementDueAt acknowledgedAt startedAt completedAt declinedAt cancelledAt
  overdue acknowledgementOverdue result declineReason cancelReason targets { type value displayValue } issuer { code } recipient { code }
  incident { id status } viewerCan { acknowledge start complete decline cancel }`;
interface Dir {
  id: string;
  status: string;
  version: number;
  action: string;
  instructions: string;
  tlp: string;
  pap: string | null;
  issuedAt: string;
  dueAt: string;
  acknowledgementDueAt: string;
  acknowledgedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  declinedAt: string | null;
  cancelledAt: string | null;
  overdue: boolean;
  acknowledgementOverdue: boolean;
  result: string | null;
  declineReason: string | null;
  cancelReason: string | null;
  targets: { type: string; value: string; displayValue: string }[];
  issuer: { code: string };
  recipient: { code: string };
  incident: { id: string; status: string } | null;
  viewerCan: Record<string, boolean>;
}
interface Inc {
  id: string;
  status: string;
  version: number;
  coordinator: { code: string } | null;
  accessLevel: string;
}
const INC = 'id status version coordinator { code } accessLevel';

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const MISSING_DIRECTIVE = Buffer.from('Directive:00000000-0000-4000-8000-000000000000').toString('base64url');

function report(email: string, over: Record<string, unknown> = {}): Promise<Inc> {
  return reportIncident(
    t,
    email,
    {
      title: 'Directive case',
      description: 'd',
      detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
      reporterContact: { name: 'R' },
      ...over,
    },
    INC,
  );
}

async function incMove(
  email: string,
  mutation: string,
  type: string,
  input: Record<string, unknown>,
): Promise<GqlResult<Record<string, { incident: Inc }>>> {
  return t.as(email, `mutation($i: ${type}!) { ${mutation}(input: $i) { incident { ${INC} } } }`, { i: input });
}

async function incOk(email: string, mutation: string, type: string, input: Record<string, unknown>): Promise<Inc> {
  const res = await incMove(email, mutation, type, input);
  expect(res.errors).toBeUndefined();
  return res.data![mutation].incident;
}

/** An incident reported by ACME to VNPT and escalated by VNPT (VNCERT may then issue directives). */
async function escalated(over: Record<string, unknown> = {}): Promise<Inc> {
  const inc = await report('reporter@acme.test', { reportTo: 'VNPT', ...over });
  return incOk(VNPT, 'escalateIncident', 'EscalateIncidentInput', { id: inc.id, expectedVersion: inc.version, reason: 'Beyond our capacity' });
}

async function issue(email: string, input: Record<string, unknown>): Promise<GqlResult<{ issueDirective: { directive: Dir } }>> {
  return t.as(email, `mutation($i: IssueDirectiveInput!) { issueDirective(input: $i) { directive { ${D} } } }`, {
    i: { instructions: 'Act on the targets', ...input },
  });
}

async function issueOk(input: Record<string, unknown>): Promise<Dir> {
  const res = await issue(VNCERT, input);
  expect(res.errors).toBeUndefined();
  return res.data!.issueDirective.directive;
}

const DIRECTIVE_INPUT: Record<string, string> = {
  acknowledgeDirective: 'DirectiveActionInput',
  startDirective: 'DirectiveActionInput',
  completeDirective: 'CompleteDirectiveInput',
  declineDirective: 'DeclineDirectiveInput',
  cancelDirective: 'CancelDirectiveInput',
};
const EXTRA: Record<string, Record<string, string>> = {
  completeDirective: { result: 'Done' },
  declineDirective: { reason: 'Not ours' },
  cancelDirective: { reason: 'No longer needed' },
};

async function dMove(email: string, mutation: string, input: Record<string, unknown>): Promise<GqlResult<Record<string, { directive: Dir }>>> {
  return t.as(email, `mutation($i: ${DIRECTIVE_INPUT[mutation]}!) { ${mutation}(input: $i) { directive { ${D} } } }`, {
    i: { ...EXTRA[mutation], ...input },
  });
}

async function dOk(email: string, mutation: string, input: Record<string, unknown>): Promise<Dir> {
  const res = await dMove(email, mutation, input);
  expect(res.errors).toBeUndefined();
  return res.data![mutation].directive;
}

async function readIncident(
  email: string,
  id: string,
): Promise<(Inc & { directives: { edges: { node: Dir }[] }; indicators: { type: string; value: string }[] }) | null> {
  const res = await t.as<{ incident: (Inc & { directives: { edges: { node: Dir }[] }; indicators: { type: string; value: string }[] }) | null }>(
    email,
    `query($id: ID!) { incident(id: $id) { ${INC} indicators { type value } directives { edges { node { ${D} } } } } }`,
    { id },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.incident;
}

async function listDirectives(email: string, filter: Record<string, unknown>, first?: number, after?: string) {
  const res = await t.as<{ directives: { edges: { cursor: string; node: Dir }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    email,
    `query($f: DirectiveFilter, $first: Int, $after: String) { directives(filter: $f, first: $first, after: $after) {
      edges { cursor node { ${D} } } pageInfo { hasNextPage endCursor } } }`,
    { f: filter, first, after },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.directives;
}

async function node(email: string, id: string): Promise<Dir | null> {
  const res = await t.as<{ node: Dir | null }>(email, `query($id: ID!) { node(id: $id) { ... on Directive { ${D} } } }`, { id });
  expect(res.errors).toBeUndefined();
  return res.data!.node;
}

/** What a refused move must leave untouched: the directive row, its events and the incident's version. */
async function snapshot(directiveId: string) {
  return t.sql(
    `select d.status, d.version, d.updated_at, d.acknowledged_at, d.result, d.decline_reason, d.cancel_reason,
      (select count(*)::int from incident_event e where e.directive_id = d.id) as events,
      i.version as incident_version, i.status as incident_status
    from directive d join incident i on i.id = d.incident_id where d.id = $1`,
    [uuidOf(directiveId)],
  );
}

async function eventsOf(incidentId: string) {
  return t.sql<{ type: string; data: Record<string, unknown>; directive_id: string | null }>(
    `select type, data, directive_id from incident_event where incident_id = $1 order by position`,
    [uuidOf(incidentId)],
  );
}

test('(b) an ISP escalates; VNCERT mobilizes VNNIC and VIETTEL; VNNIC completes, VIETTEL declines; VNCERT resolves', async () => {
  const T0 = new Date('2031-03-02T01:00:00.000Z');
  t.clock.set(T0);
  try {
    let inc = await escalated();
    expect(inc.status).toBe('ESCALATED');

    const suspend = await issueOk({
      incidentId: inc.id,
      recipient: 'VNNIC',
      action: 'SUSPEND_DOMAIN',
      instructions: 'Suspend the phishing domain',
      targets: [{ type: 'DOMAIN', value: 'acme-login[.]vn' }],
    });
    // DESIGN.md §2: 24 h for domain suspension, acknowledgement within 2 h, TLP of the incident (AMBER by default).
    expect(suspend).toMatchObject({
      status: 'ISSUED',
      version: 1,
      action: 'SUSPEND_DOMAIN',
      tlp: 'AMBER',
      issuer: { code: 'VNCERT' },
      recipient: { code: 'VNNIC' },
      issuedAt: '2031-03-02T01:00:00.000Z',
      dueAt: '2031-03-03T01:00:00.000Z',
      acknowledgementDueAt: '2031-03-02T03:00:00.000Z',
      acknowledgedAt: null,
      overdue: false,
      acknowledgementOverdue: false,
      result: null,
      targets: [{ type: 'DOMAIN', value: 'acme-login.vn', displayValue: 'acme-login.vn' }],
      incident: { id: inc.id, status: 'COORDINATING' },
      viewerCan: { acknowledge: false, start: false, complete: false, decline: false, cancel: true },
    });
    const afterFirst = (await readIncident(VNCERT, inc.id))!;
    expect(afterFirst.status).toBe('COORDINATING');
    expect(afterFirst.coordinator?.code).toBe('VNCERT');
    expect(afterFirst.version).toBe(inc.version + 1);
    expect(afterFirst.indicators).toContainEqual({ type: 'DOMAIN', value: 'acme-login.vn' });

    const takedown = await issueOk({
      incidentId: inc.id,
      recipient: 'VIETTEL',
      action: 'TAKE_DOWN_CONTENT',
      instructions: 'Take the page down',
      targets: [{ type: 'URL', value: 'hxxp://acme-login[.]vn/login' }],
    });
    expect(takedown).toMatchObject({ status: 'ISSUED', version: 1, dueAt: '2031-03-03T01:00:00.000Z', recipient: { code: 'VIETTEL' } });
    expect(takedown.targets).toEqual([
      { type: 'DOMAIN', value: 'acme-login.vn', displayValue: 'acme-login.vn' },
      { type: 'URL', value: 'http://acme-login.vn/login', displayValue: 'http://acme-login.vn/login' },
    ]);
    inc = (await readIncident(VNCERT, inc.id))!;
    expect(inc.version).toBe(afterFirst.version + 1); // a new recipient and a new target, no status change

    // The recipient acknowledges ten minutes later, then completes with a result.
    t.clock.set(new Date(T0.getTime() + 10 * 60_000));
    expect((await readIncident(VNNIC, inc.id))!.accessLevel).toBe('RECIPIENT');
    const mine = (await listDirectives(VNNIC, { incident: inc.id })).edges.map((e) => e.node);
    expect(mine.map((d) => d.id)).toEqual([suspend.id]);
    expect(mine[0].viewerCan).toEqual({ acknowledge: true, start: false, complete: true, decline: true, cancel: false });
    let s = await dOk(VNNIC, 'acknowledgeDirective', { id: suspend.id, expectedVersion: 1 });
    expect(s).toMatchObject({ status: 'ACKNOWLEDGED', version: 2, acknowledgedAt: '2031-03-02T01:10:00.000Z' });
    expect(s.viewerCan).toEqual({ acknowledge: false, start: true, complete: true, decline: true, cancel: false });
    s = await dOk(VNNIC, 'completeDirective', { id: suspend.id, expectedVersion: 2, result: 'Domain suspended at the registry' });
    expect(s).toMatchObject({ status: 'COMPLETED', version: 3, result: 'Domain suspended at the registry', completedAt: '2031-03-02T01:10:00.000Z' });

    // VIETTEL declines straight from ISSUED: that counts as acknowledging.
    const v = await dOk(VIETTEL, 'declineDirective', { id: takedown.id, expectedVersion: 1, reason: 'The content is not hosted on our network' });
    expect(v).toMatchObject({
      status: 'DECLINED',
      version: 2,
      declineReason: 'The content is not hosted on our network',
      acknowledgedAt: '2031-03-02T01:10:00.000Z',
    });

    // Directive moves bump the directive's version only.
    const now = (await readIncident(VNCERT, inc.id))!;
    expect(now.status).toBe('COORDINATING');
    expect(now.version).toBe(inc.version);

    const types = (await eventsOf(inc.id)).map((e) => e.type);
    expect(types).toEqual([
      'REPORTED',
      'ESCALATED',
      'COORDINATION_STARTED',
      'INDICATORS_ADDED',
      'DIRECTIVE_ISSUED',
      'INDICATORS_ADDED',
      'DIRECTIVE_ISSUED',
      'DIRECTIVE_ACKNOWLEDGED',
      'DIRECTIVE_COMPLETED',
      'DIRECTIVE_DECLINED',
    ]);
    const events = await eventsOf(inc.id);
    expect(events[2].data).toEqual({ from: 'ESCALATED', to: 'COORDINATING' });
    expect(events.filter((e) => e.type.startsWith('DIRECTIVE_')).map((e) => e.directive_id)).toEqual([
      uuidOf(suspend.id),
      uuidOf(takedown.id),
      uuidOf(suspend.id),
      uuidOf(suspend.id),
      uuidOf(takedown.id),
    ]);

    // No open directives: VNCERT, the owner since it coordinated, resolves.
    const resolved = await incOk(VNCERT, 'resolveIncident', 'ResolveIncidentInput', {
      id: inc.id,
      expectedVersion: now.version,
      summary: 'Domain suspended',
    });
    expect(resolved.status).toBe('RESOLVED');
  } finally {
    t.clock.set(null);
  }
});

test('resolving is refused while a directive is open; cancelOpenDirectives cancels it in the same transaction', async () => {
  const inc0 = await escalated();
  const open = await issueOk({ incidentId: inc0.id, recipient: 'FPT', action: 'BLOCK_IP', targets: [{ type: 'IPV4', value: '198.51.100.7' }] });
  const done = await issueOk({ incidentId: inc0.id, recipient: 'VNNIC', action: 'PROVIDE_INFORMATION' });
  await dOk(VNNIC, 'completeDirective', { id: done.id, expectedVersion: 1, result: 'Registrant data sent' });
  const inc = (await readIncident(VNCERT, inc0.id))!;
  const before = await snapshot(open.id);

  const refused = await incMove(VNCERT, 'resolveIncident', 'ResolveIncidentInput', { id: inc.id, expectedVersion: inc.version, summary: 'done' });
  expect(codes(refused)).toEqual(['INVALID_TRANSITION']);
  expect(refused.errors![0].extensions).toMatchObject({ reason: 'OPEN_DIRECTIVES' });
  expect(await snapshot(open.id)).toEqual(before);

  const resolved = await incOk(VNCERT, 'resolveIncident', 'ResolveIncidentInput', {
    id: inc.id,
    expectedVersion: inc.version,
    summary: 'done',
    cancelOpenDirectives: true,
  });
  expect(resolved.status).toBe('RESOLVED');
  const cancelled = (await node(VNCERT, open.id))!;
  expect(cancelled).toMatchObject({ status: 'CANCELLED', version: 2, overdue: false });
  expect(cancelled.cancelReason).toBeTruthy();
  // The completed one stays as it was.
  expect(await node(VNCERT, done.id)).toMatchObject({ status: 'COMPLETED', version: 2 });
  const cancelEvents = (await eventsOf(inc.id)).filter((e) => e.type === 'DIRECTIVE_CANCELLED');
  expect(cancelEvents.map((e) => e.directive_id)).toEqual([uuidOf(open.id)]);
});

test('(f) VNCERT cancels a directive with a reason; the recipient cannot cancel, and nothing moves a cancelled directive', async () => {
  const inc = await escalated();
  const d = await issueOk({ incidentId: inc.id, recipient: 'VNNIC', action: 'BLOCK_DOMAIN', targets: [{ type: 'DOMAIN', value: 'cancel-me.vn' }] });
  await dOk(VNNIC, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 });
  expect(codes(await dMove(VNNIC, 'cancelDirective', { id: d.id, expectedVersion: 2, reason: 'x' }))).toEqual(['FORBIDDEN']);
  const blank = await dMove(VNCERT, 'cancelDirective', { id: d.id, expectedVersion: 2, reason: '   ' });
  expect(codes(blank)).toEqual(['BAD_USER_INPUT']);
  expect(blank.errors![0].extensions).toMatchObject({ field: 'input.reason' });
  const c = await dOk(VNCERT, 'cancelDirective', { id: d.id, expectedVersion: 2, reason: 'The site went offline by itself' });
  expect(c).toMatchObject({ status: 'CANCELLED', version: 3, cancelReason: 'The site went offline by itself' });
  expect(c.cancelledAt).not.toBeNull();
  expect(c.viewerCan).toEqual({ acknowledge: false, start: false, complete: false, decline: false, cancel: false });
  const late = await dMove(VNNIC, 'completeDirective', { id: d.id, expectedVersion: 3, result: 'too late' });
  expect(codes(late)).toEqual(['INVALID_TRANSITION']);
  expect(late.errors![0].extensions).toMatchObject({ allowed: [] });
  // The cancellation is on the timeline, with its reason, for those who see the directive.
  const ev = (await eventsOf(inc.id)).filter((e) => e.type === 'DIRECTIVE_CANCELLED');
  expect(ev).toHaveLength(1);
  expect(ev[0].data).toMatchObject({ reason: 'The site went offline by itself' });
});

test('overdue and acknowledgementOverdue follow the clock, and the overdue filter pages agree with the fields', async () => {
  const T0 = new Date('2031-05-10T00:00:00.000Z');
  t.clock.set(T0);
  try {
    const inc = await escalated();
    const a = await issueOk({ incidentId: inc.id, recipient: 'VNNIC', action: 'SUSPEND_DOMAIN' }); // due T0+24h
    const b = await issueOk({ incidentId: inc.id, recipient: 'VIETTEL', action: 'PROVIDE_INFORMATION' }); // due T0+72h
    const c = await issueOk({ incidentId: inc.id, recipient: 'FPT', action: 'INVESTIGATE' }); // due T0+120h
    const d = await issueOk({ incidentId: inc.id, recipient: 'FPT', action: 'BLOCK_IP' }); // due T0+24h, completed in time
    const e = await issueOk({
      incidentId: inc.id,
      recipient: 'MOF-IT',
      action: 'PATCH_VULNERABILITY',
      dueAt: '2031-05-10T06:00:00.000Z',
      tlp: 'RED',
      pap: 'AMBER',
    });
    expect([a.dueAt, b.dueAt, c.dueAt, d.dueAt, e.dueAt]).toEqual([
      '2031-05-11T00:00:00.000Z',
      '2031-05-13T00:00:00.000Z',
      '2031-05-15T00:00:00.000Z',
      '2031-05-11T00:00:00.000Z',
      '2031-05-10T06:00:00.000Z',
    ]);
    expect(e).toMatchObject({ tlp: 'RED', pap: 'AMBER', acknowledgementDueAt: '2031-05-10T02:00:00.000Z' });
    await dOk(FPT, 'completeDirective', { id: d.id, expectedVersion: 1, result: 'Blocked' });
    await dOk('handler@mof-it.test', 'declineDirective', { id: e.id, expectedVersion: 1, reason: 'Not our system' });

    // T0+3h: past every acknowledgement deadline; the three still ISSUED are late to acknowledge, none is overdue.
    t.clock.set(new Date(T0.getTime() + 3 * HOUR));
    await dOk(VNNIC, 'acknowledgeDirective', { id: a.id, expectedVersion: 1 });
    const all = (await listDirectives(VNCERT, { incident: inc.id }, 10)).edges.map((x) => x.node);
    const flags = (list: Dir[]) => Object.fromEntries(list.map((x) => [x.recipient.code + ':' + x.action, [x.overdue, x.acknowledgementOverdue]]));
    expect(flags(all)).toEqual({
      'VNNIC:SUSPEND_DOMAIN': [false, false], // acknowledged (late, but no longer waiting)
      'VIETTEL:PROVIDE_INFORMATION': [false, true],
      'FPT:INVESTIGATE': [false, true],
      'FPT:BLOCK_IP': [false, false],
      'MOF-IT:PATCH_VULNERABILITY': [false, false], // declined: closed, though past its 6 h due time
    });
    expect((await listDirectives(VNCERT, { incident: inc.id, overdue: true })).edges).toEqual([]);

    // T0+25h: the acknowledged SUSPEND_DOMAIN is overdue; the completed BLOCK_IP with the same due time is not.
    t.clock.set(new Date(T0.getTime() + 25 * HOUR));
    expect((await listDirectives(VNCERT, { incident: inc.id, overdue: true })).edges.map((x) => x.node.id)).toEqual([a.id]);

    // T0+73h: SUSPEND_DOMAIN and PROVIDE_INFORMATION are overdue; paging one by one gives exactly them, in due order.
    t.clock.set(new Date(T0.getTime() + 73 * HOUR));
    const p1 = await listDirectives(VNCERT, { incident: inc.id, overdue: true }, 1);
    expect(p1.edges.map((x) => x.node.id)).toEqual([a.id]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await listDirectives(VNCERT, { incident: inc.id, overdue: true }, 1, p1.pageInfo.endCursor!);
    expect(p2.edges.map((x) => x.node.id)).toEqual([b.id]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect([...p1.edges, ...p2.edges].every((x) => x.node.overdue)).toBe(true);
    const notOverdue = (await listDirectives(VNCERT, { incident: inc.id, overdue: false }, 10)).edges.map((x) => x.node.id);
    expect(notOverdue.sort()).toEqual([c.id, d.id, e.id].sort());
    // Without the incident filter: every row is overdue, and both of this incident's are there.
    const everywhere = (await listDirectives(VNCERT, { overdue: true }, 100)).edges.map((x) => x.node);
    expect(everywhere.every((x) => x.overdue)).toBe(true);
    expect(everywhere.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    // The recipient's own view agrees, and a status filter combines with it.
    expect((await listDirectives(VIETTEL, { overdue: true, incident: inc.id })).edges.map((x) => x.node.id)).toEqual([b.id]);
    expect((await listDirectives(VNCERT, { incident: inc.id, overdue: true, status: ['ACKNOWLEDGED'] })).edges.map((x) => x.node.id)).toEqual([a.id]);
    expect((await listDirectives(VNCERT, { incident: inc.id, recipient: 'FPT' }, 10)).edges.map((x) => x.node.id).sort()).toEqual(
      [c.id, d.id].sort(),
    );
  } finally {
    t.clock.set(null);
  }
});

test("recipients never see each other's directives; the handling organization sees all; others see none", async () => {
  const inc = await escalated({ tlp: 'GREEN' });
  const forVnnic = await issueOk({
    incidentId: inc.id,
    recipient: 'VNNIC',
    action: 'SUSPEND_DOMAIN',
    targets: [{ type: 'DOMAIN', value: 'private-one.vn' }],
  });
  const forViettel = await issueOk({ incidentId: inc.id, recipient: 'VIETTEL', action: 'TAKE_DOWN_CONTENT' });

  const viettelView = (await readIncident(VIETTEL, inc.id))!;
  expect(viettelView.accessLevel).toBe('RECIPIENT');
  expect(viettelView.directives.edges.map((e) => e.node.id)).toEqual([forViettel.id]);
  expect(viettelView.indicators).toEqual([]); // RECIPIENT view: the summary fields, plus its own directives
  expect((await listDirectives(VIETTEL, { incident: inc.id })).edges.map((e) => e.node.id)).toEqual([forViettel.id]);
  expect((await listDirectives(VIETTEL, { recipient: 'VNNIC' })).edges).toEqual([]);
  expect(await node(VIETTEL, forVnnic.id)).toBeNull();
  expect((await node(VIETTEL, forViettel.id))!.recipient.code).toBe('VIETTEL');

  // The handling organization (VNPT) sees both, but may act on neither.
  const vnptView = (await readIncident(VNPT, inc.id))!;
  expect(vnptView.directives.edges.map((e) => e.node.id).sort()).toEqual([forVnnic.id, forViettel.id].sort());
  expect(vnptView.directives.edges[0].node.viewerCan).toEqual({ acknowledge: false, start: false, complete: false, decline: false, cancel: false });

  // FPT has a SUMMARY view of this GREEN incident: no directives anywhere.
  const fptView = (await readIncident(FPT, inc.id))!;
  expect(fptView.accessLevel).toBe('SUMMARY');
  expect(fptView.directives.edges).toEqual([]);
  expect((await listDirectives(FPT, { incident: inc.id })).edges).toEqual([]);
  expect(await node(FPT, forVnnic.id)).toBeNull();
  // The reporting constituent sees none either.
  const acme = await t.as<{ incident: { directives: { edges: unknown[] } } }>(
    'reporter@acme.test',
    `query($id: ID!) { incident(id: $id) { directives { edges { cursor } } } }`,
    { id: inc.id },
  );
  expect(acme.data!.incident.directives.edges).toEqual([]);
});

test('a recipient of a confidential incident sees its directive and targets, with incident: null', async () => {
  const inc = await escalated({ confidential: true });
  const d = await issueOk({
    incidentId: inc.id,
    recipient: 'VNNIC',
    action: 'PRESERVE_EVIDENCE',
    targets: [{ type: 'DOMAIN', value: 'secret-case.vn' }],
  });
  expect(d.incident).toEqual({ id: inc.id, status: 'COORDINATING' });
  expect(await readIncident(VNNIC, inc.id)).toBeNull();
  const listed = (await listDirectives(VNNIC, { incident: inc.id })).edges.map((e) => e.node);
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({
    id: d.id,
    incident: null,
    targets: [{ type: 'DOMAIN', value: 'secret-case.vn', displayValue: 'secret-case.vn' }],
  });
  expect(await node(VNNIC, d.id)).toMatchObject({ id: d.id, incident: null });
  const ack = await dOk(VNNIC, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 });
  expect(ack).toMatchObject({ status: 'ACKNOWLEDGED', incident: null });
  // Another recipient kind without a link sees nothing at all.
  expect(await node(VIETTEL, d.id)).toBeNull();
});

describe('error precedence; refused moves change nothing', () => {
  test('non-recipients get NOT_FOUND with the text of a missing id; then FORBIDDEN, CONFLICT, INVALID_TRANSITION', async () => {
    const inc = await escalated();
    const d = await issueOk({ incidentId: inc.id, recipient: 'VNNIC', action: 'SUSPEND_DOMAIN' });
    const before = await snapshot(d.id);

    const invisible = await dMove(FPT, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 });
    const otherRecipient = await dMove(VIETTEL, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 });
    const missing = await dMove(VNNIC, 'acknowledgeDirective', { id: MISSING_DIRECTIVE, expectedVersion: 1 });
    const garbage = await dMove(VNNIC, 'acknowledgeDirective', { id: 'garbage', expectedVersion: 1 });
    const incidentId = await dMove(VNNIC, 'acknowledgeDirective', { id: inc.id, expectedVersion: 1 });
    for (const r of [invisible, otherRecipient, missing, garbage, incidentId]) {
      expect(codes(r)).toEqual(['NOT_FOUND']);
      expect(r.errors![0].message).toBe(missing.errors![0].message);
    }
    // BAD_USER_INPUT comes before NOT_FOUND.
    expect(codes(await dMove(FPT, 'completeDirective', { id: d.id, expectedVersion: 1, result: ' ' }))).toEqual(['BAD_USER_INPUT']);
    // Visible but not theirs to answer: the handling ISP, the coordinator, the recipient's analyst.
    expect(codes(await dMove(VNPT, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 }))).toEqual(['FORBIDDEN']);
    expect(codes(await dMove(VNCERT, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 }))).toEqual(['FORBIDDEN']);
    expect(codes(await dMove('analyst@vnnic.test', 'acknowledgeDirective', { id: d.id, expectedVersion: 1 }))).toEqual(['FORBIDDEN']);
    expect(codes(await dMove('analyst@vncert.test', 'cancelDirective', { id: d.id, expectedVersion: 1 }))).toEqual(['FORBIDDEN']);
    // FORBIDDEN wins over CONFLICT; CONFLICT over INVALID_TRANSITION.
    expect(codes(await dMove('analyst@vnnic.test', 'acknowledgeDirective', { id: d.id, expectedVersion: 99 }))).toEqual(['FORBIDDEN']);
    const stale = await dMove(VNNIC, 'acknowledgeDirective', { id: d.id, expectedVersion: 2 });
    expect(codes(stale)).toEqual(['CONFLICT']);
    expect(codes(await dMove(VNNIC, 'startDirective', { id: d.id, expectedVersion: 2 }))).toEqual(['CONFLICT']);
    const wrong = await dMove(VNNIC, 'startDirective', { id: d.id, expectedVersion: 1 });
    expect(codes(wrong)).toEqual(['INVALID_TRANSITION']);
    expect((wrong.errors![0].extensions!.allowed as string[]).sort()).toEqual(['ACKNOWLEDGE', 'COMPLETE', 'DECLINE']);
    expect(await snapshot(d.id)).toEqual(before);

    // A stale version after a real move is CONFLICT too, and changes nothing.
    await dOk(VNNIC, 'acknowledgeDirective', { id: d.id, expectedVersion: 1 });
    const mid = await snapshot(d.id);
    expect(codes(await dMove(VNNIC, 'startDirective', { id: d.id, expectedVersion: 1 }))).toEqual(['CONFLICT']);
    expect(codes(await dMove(VNCERT, 'cancelDirective', { id: d.id, expectedVersion: 1, reason: 'r' }))).toEqual(['CONFLICT']);
    expect(await snapshot(d.id)).toEqual(mid);
  });

  // Every move the table does not allow from each state, tried by an actor who could make it elsewhere.
  const PATHS: Record<string, [string, string][]> = {
    ISSUED: [],
    ACKNOWLEDGED: [['acknowledgeDirective', VNNIC]],
    IN_PROGRESS: [
      ['acknowledgeDirective', VNNIC],
      ['startDirective', VNNIC],
    ],
    COMPLETED: [['completeDirective', VNNIC]],
    DECLINED: [['declineDirective', VNNIC]],
    CANCELLED: [['cancelDirective', VNCERT]],
  };
  const ALL = ['acknowledgeDirective', 'startDirective', 'completeDirective', 'declineDirective', 'cancelDirective'];
  const ILLEGAL: [string, string][] = [
    ['startDirective', 'ISSUED'],
    ['acknowledgeDirective', 'ACKNOWLEDGED'],
    ['acknowledgeDirective', 'IN_PROGRESS'],
    ['startDirective', 'IN_PROGRESS'],
    ...['COMPLETED', 'DECLINED', 'CANCELLED'].flatMap((s) => ALL.map((m): [string, string] => [m, s])),
  ];
  test.each(ILLEGAL)('%s from %s is INVALID_TRANSITION and changes nothing', async (mutation, state) => {
    const inc = await escalated();
    let d = await issueOk({ incidentId: inc.id, recipient: 'VNNIC', action: 'OTHER' });
    for (const [step, who] of PATHS[state]) d = await dOk(who, step, { id: d.id, expectedVersion: d.version });
    expect(d.status).toBe(state);
    const before = await snapshot(d.id);
    const actor = mutation === 'cancelDirective' ? VNCERT : VNNIC;
    const res = await dMove(actor, mutation, { id: d.id, expectedVersion: d.version });
    expect(codes(res)).toEqual(['INVALID_TRANSITION']);
    expect(await snapshot(d.id)).toEqual(before);
  });
});

describe('issueDirective refusals', () => {
  test('by a non-coordinator → FORBIDDEN (NOT_FOUND where the incident is invisible); nothing is written', async () => {
    const inc = await escalated();
    const input = { incidentId: inc.id, recipient: 'VNNIC', action: 'SUSPEND_DOMAIN' };
    expect(codes(await issue(VNPT, input))).toEqual(['FORBIDDEN']); // the handling ISP sees it but may not issue
    expect(codes(await issue('analyst@vncert.test', input))).toEqual(['FORBIDDEN']);
    expect(codes(await issue(FPT, input))).toEqual(['NOT_FOUND']);
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from directive where incident_id = $1', [uuidOf(inc.id)]);
    expect(n).toBe(0);
    expect((await readIncident(VNCERT, inc.id))!).toMatchObject({ status: 'ESCALATED', version: inc.version });
  });

  test('on a REJECTED, RESOLVED or CLOSED incident → INVALID_TRANSITION', async () => {
    const rejected0 = await report('reporter@acme.test', { reportTo: 'VNPT' });
    const rejected = await incOk(VNPT, 'rejectIncident', 'RejectIncidentInput', {
      id: rejected0.id,
      expectedVersion: rejected0.version,
      reason: 'Not an incident',
    });
    const r1 = await issue(VNCERT, { incidentId: rejected.id, recipient: 'VNNIC', action: 'OTHER' });
    expect(codes(r1)).toEqual(['INVALID_TRANSITION']);
    expect(r1.errors![0].extensions).toMatchObject({ allowed: ['REOPEN'] });

    let closed = await report('reporter@acme.test', { scope: 'WIDESPREAD' });
    closed = await incOk(VNCERT, 'coordinateIncident', 'IncidentActionInput', { id: closed.id, expectedVersion: closed.version });
    closed = await incOk(VNCERT, 'resolveIncident', 'ResolveIncidentInput', { id: closed.id, expectedVersion: closed.version, summary: 's' });
    expect(codes(await issue(VNCERT, { incidentId: closed.id, recipient: 'VNNIC', action: 'OTHER' }))).toEqual(['INVALID_TRANSITION']);
    closed = await incOk(VNCERT, 'submitFinalReport', 'FinalReportInput', {
      id: closed.id,
      expectedVersion: closed.version,
      result: 'r',
      remediation: 'm',
      prevention: 'p',
    });
    closed = await incOk(VNCERT, 'closeIncident', 'IncidentActionInput', { id: closed.id, expectedVersion: closed.version });
    expect(closed.status).toBe('CLOSED');
    expect(codes(await issue(VNCERT, { incidentId: closed.id, recipient: 'VNNIC', action: 'OTHER' }))).toEqual(['INVALID_TRANSITION']);
    for (const inc of [rejected, closed]) {
      const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from directive where incident_id = $1', [uuidOf(inc.id)]);
      expect(n).toBe(0);
      expect((await readIncident(VNCERT, inc.id))!.version).toBe(inc.version);
    }
  });

  test('a recipient of the wrong kind, unknown, or a bad target → BAD_USER_INPUT naming the field, before NOT_FOUND', async () => {
    const inc = await escalated();
    for (const recipient of ['MPS-A05', 'ACME', 'MIC', 'VNCERT', 'NO-SUCH-ORG']) {
      const res = await issue(VNCERT, { incidentId: inc.id, recipient, action: 'OTHER' });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].extensions).toMatchObject({ field: 'input.recipient' });
    }
    const badTarget = await issue(VNCERT, {
      incidentId: inc.id,
      recipient: 'VNNIC',
      action: 'OTHER',
      targets: [
        { type: 'DOMAIN', value: 'ok.vn' },
        { type: 'DOMAIN', value: 'a..b' },
      ],
    });
    expect(codes(badTarget)).toEqual(['BAD_USER_INPUT']);
    expect(badTarget.errors![0].extensions).toMatchObject({ field: 'input.targets[1].value' });
    const blank = await issue(VNCERT, { incidentId: inc.id, recipient: 'VNNIC', action: 'OTHER', instructions: '  ' });
    expect(blank.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.instructions' });
    // An invisible incident and a wrong recipient: the input error wins.
    expect(codes(await issue(FPT, { incidentId: inc.id, recipient: 'MPS-A05', action: 'OTHER' }))).toEqual(['BAD_USER_INPUT']);
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from indicator where incident_id = $1 and value = 'ok.vn'`, [
      uuidOf(inc.id),
    ]);
    expect(n).toBe(0);
  });
});

test('Incident.directives for a page of incidents takes the same number of statements for 2 or 4 incidents', async () => {
  const tag = `Batch-${Date.now()}`;
  for (let i = 0; i < 4; i++) {
    const inc = await escalated({ title: `${tag} ${i}` });
    await issueOk({ incidentId: inc.id, recipient: 'VNNIC', action: 'OTHER' });
    await issueOk({ incidentId: inc.id, recipient: 'VIETTEL', action: 'OTHER' });
  }
  const q = `query($f: IncidentFilter, $n: Int) { incidents(filter: $f, first: $n) { edges { node { id
    directives(first: 1) { edges { node { id recipient { code } issuer { code } incident { id } targets { value } } } pageInfo { hasNextPage } } } } } }`;
  const counter = t.hub.services.db.statements;
  const run = async (n: number) => {
    const token = await t.token(VNPT);
    await t.gql(token, '{ viewer { capabilities } }'); // warm up authentication caches, if any
    const start = counter.count;
    const res = await t.gql<{ incidents: { edges: { node: { directives: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } } }[] } }>(
      token,
      q,
      { f: { text: tag }, n },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.incidents.edges).toHaveLength(n);
    for (const e of res.data!.incidents.edges) {
      expect(e.node.directives.edges).toHaveLength(1);
      expect(e.node.directives.pageInfo.hasNextPage).toBe(true);
    }
    return counter.count - start;
  };
  expect(await run(4)).toBe(await run(2));
});
