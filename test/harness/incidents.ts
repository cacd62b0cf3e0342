/** Incident fixtures: `reportIncident` for every test file, and the helpers the rule tests share (authorization/field-rules, views-and-precedence, role-change-and-feed-order): report, move, read the timeline. */
import type { TestHub, GqlResult } from './hub';

export interface Inc {
  id: string;
  reference: string;
  version: number;
  status: string;
}
export interface TimelineEntry {
  cursor: string;
  type: string;
  changes: Record<string, unknown>;
  actorAccountEmail: string | null;
  actorOrganization: { code: string } | null;
}
const INC = 'id reference version status';

/**
 * The one way tests report an incident as a fixture: `reportIncident(input)` as `email` through the
 * API, returning the incident with `fields` (GraphQL selection). Each test file passes its own input
 * (titles, contacts, addressees its assertions rely on). A report that fails is the fixture failing,
 * never a test outcome: it throws with the errors. Tests whose subject is the report itself (its
 * receipt, its refusals) send the mutation themselves.
 */
export async function reportIncident<T = Inc>(t: TestHub, email: string, input: Record<string, unknown>, fields: string = INC): Promise<T> {
  const res = await t.as<{ reportIncident: { incident: T } }>(
    email,
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { incident { ${fields} } } }`,
    { i: input },
  );
  if (res.errors?.length || !res.data?.reportIncident) {
    throw new Error(`reportIncident as ${email} failed (HTTP ${res.status}): ${JSON.stringify(res.errors ?? res.data)}`);
  }
  return res.data.reportIncident.incident;
}

/** `hub` is a getter: test files assign their hub in beforeAll, after these helpers are made. */
export function incidentHelpers(hub: () => TestHub) {
  async function report(email: string, over: Record<string, unknown> = {}): Promise<Inc> {
    const t = hub();
    return reportIncident(t, email, {
      title: 'Field rule case',
      description: 'what the reporter saw',
      detectedAt: new Date(t.clock.now().getTime() - 60_000).toISOString(),
      reporterContact: { name: 'Reporter', email: 'someone@acme.test' },
      reportTo: 'VNPT',
      ...over,
    });
  }

  async function mutate(
    email: string,
    name: string,
    type: string,
    input: Record<string, unknown>,
  ): Promise<GqlResult<Record<string, { incident: Inc }>>> {
    return hub().as(email, `mutation($i: ${type}!) { ${name}(input: $i) { incident { ${INC} } } }`, { i: input });
  }

  async function move(email: string, name: string, type: string, input: Record<string, unknown>): Promise<Inc> {
    const res = await mutate(email, name, type, input);
    expect(res.errors).toBeUndefined();
    return res.data![name].incident;
  }

  async function version(id: string): Promise<number> {
    const res = await hub().as<{ incident: { version: number } }>('handler@vncert.test', `query($id: ID!) { incident(id: $id) { version } }`, { id });
    return res.data!.incident.version;
  }

  async function share(id: string, organization: string): Promise<void> {
    await move('handler@vncert.test', 'shareIncident', 'ShareIncidentInput', { id, expectedVersion: await version(id), organization });
  }

  async function timeline(email: string, id: string): Promise<TimelineEntry[]> {
    const res = await hub().as<{ incident: { timeline: { edges: { node: TimelineEntry }[] } } | null }>(
      email,
      `query($id: ID!) { incident(id: $id) { timeline(first: 100) { edges { node { cursor type changes actorAccountEmail actorOrganization { code } } } } } }`,
      { id },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.incident!.timeline.edges.map((e) => e.node);
  }
  const eventOf = async (email: string, id: string, type: string) => (await timeline(email, id)).find((e) => e.type === type)!;

  return { report, mutate, move, version, share, timeline, eventOf };
}
