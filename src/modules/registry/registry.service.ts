import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { toGlobalId, decodeKeyset, encodeCursor, pageOf, clampFirst, type Connection } from '../../graphql/relay';
import { project, projectItems } from '../../auth/projection';
import { normalizeDomain, normalizeZone, normalizedInput } from '../indicators/normalize';
import { planForDomainCases } from '../incidents/incident.read';
import type { Incident } from '../incidents/incident.types';
import { Domain } from '../incidents/incident.types';
import { cursorKeyOf } from '../incidents/incident.repo';
import { presentIncident } from '../incidents/incident.service';
import { feedEntries, casesOfDomain } from './registry.repo';
import { DomainCase, type DomainCaseFilter } from './registry.types';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** `domainCases`: the registry feed, in commit order of the changes, with tombstones. */
export async function domainCases(
  ctx: Context,
  info: GraphQLResolveInfo,
  args: PageArgs & { filter?: DomainCaseFilter | null },
): Promise<Connection<DomainCase>> {
  const { filter } = args;
  const n = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['bigint']);
  const zoneFilter = filter?.zone;
  const zone = zoneFilter ? normalizedInput('filter.zone', () => normalizeZone(zoneFilter)) : null;
  const viewer = ctx.authz.require('DOMAIN_FEED_READ', 'reading the domain feed');
  // The cases' domains and what their incidents' selection asks for, in this statement (incidents/incident.read.ts).
  const plan = planForDomainCases(ctx, info);
  const rows = await feedEntries(
    ctx.db,
    viewer,
    { zone, status: filter?.status ?? null, afterPosition: cursor ? cursor[0] : null, limit: n + 1 },
    plan.columns,
  );
  for (const r of rows) if (!r.entry_removed && r.id) plan.prime(r);
  const page = pageOf(rows, n, (r) => encodeCursor([r.entry_position]));
  const edges = await Promise.all(
    page.edges.map(async (e) => {
      const r = e.node;
      const incident = r.entry_removed ? null : presentIncident(ctx, r);
      // A tombstone shows no incident and no domains: the case left the viewer's feed.
      const view = r.entry_removed ? null : r.access_level;
      const all = view ? await ctx.loaders.indicators.load(r.entry_incident_id) : [];
      const c = Object.assign(
        new DomainCase(),
        project(
          'DomainCase',
          { viewer: viewerOf(ctx), view, facts: null },
          {
            cursor: e.cursor,
            removed: r.entry_removed,
            incidentId: toGlobalId('Incident', r.entry_incident_id),
            incident,
            domains: projectItems('DomainCase', 'domains', { viewer: viewerOf(ctx), view, facts: null }, all)
              .filter((x) => x.type === 'DOMAIN')
              .map((x) => ({ type: 'DOMAIN' as const, value: x.value, displayValue: x.display_value })),
          },
          { domains: [] },
        ),
      );
      return { cursor: e.cursor, node: c };
    }),
  );
  return { ...page, edges };
}

/** `domain`: any valid domain (Unicode or punycode). */
export function domain(ctx: Context, name: string): Domain {
  const d = normalizedInput('name', () => normalizeDomain(name));
  ctx.authz.require('INCIDENT_READ', 'reading incidents');
  return Object.assign(new Domain(), { name: d.ascii, unicodeName: d.unicode });
}

/** `Domain.cases`: visible incidents with this DOMAIN indicator, newest first. */
export async function casesOf(ctx: Context, domain: Domain, args: PageArgs): Promise<Connection<Incident>> {
  const n = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['timestamp', 'uuid']);
  const viewer = viewerOf(ctx);
  if (!ctx.authz.has('INCIDENT_READ')) return pageOf([], n, () => '');
  // Only an indicator the row's view shows may match (SUMMARY and RECIPIENT show none; REPORTER its report's).
  const rows = await casesOfDomain(ctx.db, viewer, domain.name, { after: cursor ? [cursor[0], cursor[1]] : null, limit: n + 1 });
  const page = pageOf(rows, n, (r) => encodeCursor(cursorKeyOf(r, 'REPORTED_AT_DESC')));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: presentIncident(ctx, e.node) })) };
}
