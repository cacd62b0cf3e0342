import DataLoader from 'dataloader';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { decodeId, decodeKeyset, encodeCursor, pageOf, type Connection } from '../../graphql/relay';
import { organizationByCode } from '../organizations/organization.repo';
import { clampFirst } from '../../graphql/relay';
import type { Incident } from '../incidents/incident.types';
import { registerPagedRelation } from '../incidents/incident.read';
import {
  listVisibleDirectives,
  visibleDirectivesByIds,
  visibleDirectivesForIncidents,
  directiveCursorKey,
  incidentDirectivesPageAfterSql,
  type DirectiveCursor,
  type DirectiveRow,
  type IncidentDirectivesKey,
} from './directive.repo';
import { toDirective, type Directive, type DirectiveFilter } from './directive.types';
// Registers Incident.directives with the compiled answers of incidents.
import './directive.compiled';

interface DirectiveLoaders {
  /** Visible directives by id (invisible or missing → null). */
  directive: DataLoader<string, DirectiveRow | null>;
  /** One page of an incident's visible directives, all incidents of a level in one statement. */
  byIncident: DataLoader<IncidentDirectivesKey, DirectiveRow[], string>;
}

/**
 * Per-request loaders of this module, kept beside the request's context rather than in
 * src/graphql/loaders.ts because their SQL needs the injected clock (overdue flags), which the
 * shared loader factory does not receive. Same lifetime: one request (or one subscription context).
 */
export function directiveLoaders(ctx: Context): DirectiveLoaders {
  return requestLoader(ctx, 'directives', () => createDirectiveLoaders(ctx));
}

function createDirectiveLoaders(ctx: Context): DirectiveLoaders {
  const viewer = viewerOf(ctx);
  const created: DirectiveLoaders = {
    directive: new DataLoader(async (ids) => {
      const rows = await visibleDirectivesByIds(ctx.db, viewer, ctx.clock.now(), ids);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    byIncident: new DataLoader(
      async (keys) => {
        const rows = await visibleDirectivesForIncidents(ctx.db, viewer, ctx.clock.now(), keys);
        const out: DirectiveRow[][] = keys.map(() => []);
        for (const { key_index, ...row } of rows) {
          // `with ordinality` numbers keys from 1.
          out[Number(key_index) - 1].push(row as DirectiveRow);
        }
        for (const list of out) for (const row of list) created.directive.prime(row.id, row);
        return out;
      },
      { cacheKeyFn: (k) => JSON.stringify([k.incidentId, k.after?.dueAt ?? null, k.after?.id ?? null, k.limit]) },
    ),
  };
  return created;
}

function parseCursor(after: string | null | undefined): DirectiveCursor | null {
  if (!after) return null;
  const key = decodeKeyset(after, ['timestamp', 'uuid'])!;
  return { dueAt: key[0], id: key[1] };
}

function connectionOf(ctx: Context, rows: DirectiveRow[], first: number): Connection<Directive> {
  const page = pageOf(rows, first, (r) => encodeCursor(directiveCursorKey(r)));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toDirective(viewerOf(ctx), e.node) })) };
}

function emptyConnection(): Connection<Directive> {
  return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
}

/** A directive by its uuid if the viewer may see it (the payload of the mutations). */
export async function loadVisibleDirective(ctx: Context, id: string): Promise<Directive | null> {
  const loader = directiveLoaders(ctx).directive;
  loader.clear(id);
  const row = await loader.load(id);
  return row ? toDirective(viewerOf(ctx), row) : null;
}

/** `node(id)` for a Directive: invisible, missing and undecodable all answer null. */
export async function directiveNode(ctx: Context, globalId: string): Promise<Directive | null> {
  if (!ctx.authz.has('INCIDENT_READ')) return null;
  const id = decodeId(globalId, 'Directive');
  if (!id) return null;
  const row = await directiveLoaders(ctx).directive.load(id);
  return row ? toDirective(viewerOf(ctx), row) : null;
}

/** `Query.directives`: keyset pages in (dueAt, id) order, filtered by the field rule in SQL. */
export async function listDirectives(
  ctx: Context,
  args: { filter?: DirectiveFilter | null; first?: number | null; after?: string | null },
): Promise<Connection<Directive>> {
  const first = clampFirst(ctx, args.first);
  const after = parseCursor(args.after);
  const filter = args.filter ?? {};
  let recipientOrgId: string | null = null;
  if (filter.recipient) {
    const org = await organizationByCode(ctx.db, viewerOf(ctx), filter.recipient);
    if (!org) throw badInput('filter.recipient', `unknown organization "${filter.recipient}"`);
    recipientOrgId = org.id;
  }
  ctx.authz.require('INCIDENT_READ', 'reading directives');
  let incidentId: string | null = null;
  if (filter.incident) {
    incidentId = decodeId(filter.incident, 'Incident');
    // An id that names no incident matches nothing, like a missing one.
    if (!incidentId) return emptyConnection();
  }
  const rows = await listVisibleDirectives(ctx.db, viewerOf(ctx), {
    now: ctx.clock.now(),
    filter: { status: filter.status, recipientOrgId, incidentId, overdue: filter.overdue },
    after,
    limit: first + 1,
  });
  const loader = directiveLoaders(ctx).directive;
  for (const row of rows) loader.prime(row.id, row);
  return connectionOf(ctx, rows, first);
}

/** Gives the directive loaders a page read by the compiled read (the key `incidentDirectives` will ask with). */
export function primeIncidentDirectives(
  ctx: Context,
  incidentId: string,
  first: number,
  after: string | null | undefined,
  rows: DirectiveRow[],
): void {
  const loaders = directiveLoaders(ctx);
  loaders.byIncident.prime({ incidentId, after: parseCursor(after), limit: first + 1 }, rows);
  for (const row of rows) loaders.directive.prime(row.id, row);
}

/** `Incident.directives`: only the directives the viewer may see, none in views that show none. */
export async function incidentDirectives(
  ctx: Context,
  incident: Incident,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<Directive>> {
  const first = clampFirst(ctx, args.first);
  const after = parseCursor(args.after);
  if (!incident.shown.has('directives')) return emptyConnection();
  const rows = await directiveLoaders(ctx).byIncident.load({ incidentId: incident.row.id, after, limit: first + 1 });
  return connectionOf(ctx, rows, first);
}

// An incident read compiled from its selection reads the directives page in its own statement (incidents/incident.read.ts).
registerPagedRelation('directives', {
  cursor: ['timestamp', 'uuid'],
  order: 'r.due_at, r.id',
  sql: incidentDirectivesPageAfterSql,
  prime: (ctx, row, first, after, rows) => primeIncidentDirectives(ctx, row.id, first, after, rows as DirectiveRow[]),
});
