import DataLoader from 'dataloader';
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { requestLoader } from '../../graphql/loaders';
import { objectType, rootSelections, selectedFields, selectionsAt } from '../../graphql/lookahead';
import { sql, raw, type Sql } from '../../db/sql';
import { PROJECTIONS, type FieldEntry, type ProtectedType } from '../../auth/projection';
import { ACCESS_LEVELS, type AccessLevel } from '../../auth/views';
import {
  incidentIndicatorsSql,
  linkedParticipantsSql,
  visibleIncidentsWithRelations,
  type IncidentRow,
  type IndicatorRow,
  type LinkedParticipantRow,
} from './incident.repo';
import { primeParticipants } from './participants';
import { decodeKeyset } from '../../graphql/relay';
import type { Viewer } from '../../auth/viewer';

/**
 * A paged relation of an incident that a later module reads (`directives`, `timeline`, `notes`): the
 * module registers its page SQL and how to prime its loader, so this module needs no import of it (the
 * module order of eslint.config.mjs). A relation not registered is left to its loader.
 */
export interface PagedRelation {
  /** The keyset cursor's parts, as `decodeKeyset` reads them. */
  cursor: Parameters<typeof decodeKeyset>[1];
  /** `order by` of the JSON array, over the page SQL's columns as `r`. */
  order: string;
  /** Columns that come back from JSON as numbers but are strings in the row type (bigints). */
  bigints?: readonly string[];
  sql(viewer: Viewer, now: Date, cursor: readonly string[] | null, limit: Sql): Sql;
  prime(ctx: Context, row: IncidentRow, first: number, after: string | null, rows: unknown[]): void;
}
type PagedField = 'directives' | 'timeline' | 'notes';
const PAGED_RELATIONS = new Map<PagedField, PagedRelation>();
export function registerPagedRelation(field: PagedField, relation: PagedRelation): void {
  PAGED_RELATIONS.set(field, relation);
}

/**
 * Reads compiled from the selection (DESIGN.md §6): a root field that returns incidents looks ahead
 * into what the query asks of each incident and reads those relations — indicators, participants,
 * directives, timeline, notes — in the statement that reads the incidents, each as a JSON array built
 * by PostgreSQL beside the incident's row.
 *
 * What it does not change is who decides: each relation is read by the very SQL its loader runs
 * (the rulebook's row rules from views.ts: events by class, notes by audience, directives by their
 * field rule), only for rows whose view the projection table gives that field (PROJECTIONS'
 * `views`, compiled to a CASE), and the result is handed to that loader under the key its resolver
 * will ask with. The resolvers then run as before and apply `project(...)` to these rows, so the
 * projection stays the single place that masks fields, and every path answers the same.
 * What the plan does not cover (organizations, nested incidents, other arguments) the loaders read.
 */

/** One relation column of the plan: its SQL over the incident row `v`, and how its JSON primes a loader. */
interface Relation {
  column: string;
  sql: Sql;
  prime: (ctx: Context, row: IncidentRow, value: unknown[]) => void;
}

export interface IncidentReadPlan {
  /** Extra select-list entries over a visible-incident row aliased `v` (empty: the selection asks for no relation). */
  columns: Sql[];
  /** What the columns read, as a key (plans with the same key batch together). */
  signature: string;
  /** Hands one row's relations to the request's loaders and removes them from the row. */
  prime(row: IncidentRow): void;
}

const NO_PLAN: IncidentReadPlan = { columns: [], signature: '', prime: () => undefined };

/**
 * JSON has no timestamps or 64-bit integers: the rows' `*_at` columns (every timestamp column of the
 * relations read here is named so) come back as Date, and the listed bigint columns as strings, the
 * way the driver returns them for the loaders' own statements.
 */
function revive<T>(rows: unknown[], bigints: readonly string[] = []): T[] {
  for (const row of rows as Record<string, unknown>[]) {
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === 'string' && k.endsWith('_at')) row[k] = new Date(v);
      else if (v !== null && bigints.includes(k)) row[k] = String(v);
    }
  }
  return rows as T[];
}

/**
 * `case when` the row's view shows one of the fields (by the projection table) `then` the relation's
 * JSON array: rows whose view shows none of the fields that read the relation do not read it.
 */
function shownOnly(fields: readonly (readonly [ProtectedType, string])[], json: Sql): Sql {
  const views = new Set<AccessLevel>();
  for (const [type, field] of fields) for (const v of (PROJECTIONS[type] as Record<string, FieldEntry>)[field].views) views.add(v);
  if (views.size === ACCESS_LEVELS.length) return json;
  return sql`case when v.access_level = any(${[...views]}::text[]) then ${json} end`;
}

function jsonArray(rows: Sql, order: string | null): Sql {
  return sql`(select coalesce(json_agg(r${raw(order ? ` order by ${order}` : '')}), '[]'::json) from (${rows}) r)`;
}

/** A page size as the resolvers will take it, or null where they will refuse it (they report the error). */
function pageArgs(ctx: Context, args: Record<string, unknown>, shape: PagedRelation['cursor']): { first: number; after: string | null } | null {
  const first = args.first ?? 20;
  const after = typeof args.after === 'string' ? args.after : null;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > ctx.config.maxPageSize) return null;
  try {
    decodeKeyset(after, shape);
  } catch {
    return null;
  }
  return { first, after };
}

/**
 * Plans the relations of the incidents selected by `sets` (selection sets on the Incident type);
 * `indicators` reads them whatever the selection (a registry case's `domains`).
 */
export function planIncidentRead(
  ctx: Context,
  info: GraphQLResolveInfo,
  sets: SelectionSetNode[],
  opts: { indicators?: boolean } = {},
): IncidentReadPlan {
  const type = objectType(info, 'Incident');
  if (!type || (!sets.length && !opts.indicators) || !ctx.viewer) return NO_PLAN;
  const viewer = viewerOf(ctx);
  const now = ctx.clock.now();
  const relations: Relation[] = [];
  const signature: string[] = [];
  const fields = selectedFields(info, sets, type);
  const has = (name: string) => fields.some((f) => f.name === name);

  if (opts.indicators || has('indicators') || has('domains')) {
    relations.push({
      column: '$indicators',
      sql: shownOnly(
        [['Incident', 'indicators'], ['Incident', 'domains'], ...(opts.indicators ? [['DomainCase', 'domains'] as const] : [])],
        jsonArray(incidentIndicatorsSql(), 'r.id'),
      ),
      prime: (c, row, value) =>
        c.loaders.indicators.prime(
          row.id,
          (value as (IndicatorRow & { id?: unknown })[]).map(({ id: _id, ...r }) => r as IndicatorRow),
        ),
    });
    signature.push('indicators');
  }
  if (has('participants') || has('participantRoles')) {
    relations.push({
      column: '$participants',
      // Unordered, as the loader reads them: the resolver orders and deduplicates by the participants rule.
      sql: shownOnly(
        [
          ['Incident', 'participants'],
          ['Incident', 'participantRoles'],
        ],
        jsonArray(linkedParticipantsSql(), null),
      ),
      prime: (c, row, value) => primeParticipants(c, row.id, value as LinkedParticipantRow[]),
    });
    signature.push('participants');
  }
  // Each distinct argument set of a paged relation (aliases may ask for several) is a column of its own.
  const seen = new Set<string>();
  for (const f of fields) {
    const relation = PAGED_RELATIONS.get(f.name as PagedField);
    if (!relation) continue;
    const page = pageArgs(ctx, f.args, relation.cursor);
    if (!page) continue;
    const key = `${f.name}(${page.first},${page.after ?? ''})`;
    if (seen.has(key)) continue;
    seen.add(key);
    const limit = sql`${page.first + 1}::int`;
    const cursor = decodeKeyset(page.after, relation.cursor);
    relations.push({
      column: `$${f.name}_${seen.size}`,
      sql: shownOnly([['Incident', f.name]], jsonArray(relation.sql(viewer, now, cursor, limit), relation.order)),
      prime: (c, row, value) => relation.prime(c, row, page.first, page.after, revive(value, relation.bigints)),
    });
    signature.push(key);
  }
  if (!relations.length) return NO_PLAN;
  return {
    columns: relations.map((r) => sql`${r.sql} as ${raw(`"${r.column}"`)}`),
    signature: signature.join(';'),
    prime(row) {
      const record = row as Record<string, unknown>;
      for (const r of relations) {
        const value = record[r.column];
        delete record[r.column];
        // null: the row's view does not show the field, and its resolver reads nothing.
        if (Array.isArray(value)) r.prime(ctx, row, value);
      }
    },
  };
}

/**
 * The plan for a field returning one incident (`incident`, `node`, `incidentByReference`, `_entities`),
 * or for the incident a payload returns (`within`: the payload type and the field, as `reportIncident`'s).
 */
export function planForIncidentField(ctx: Context, info: GraphQLResolveInfo | undefined, within?: { type: string; field: string }): IncidentReadPlan {
  if (!info) return NO_PLAN;
  if (!within) return planIncidentRead(ctx, info, rootSelections(info));
  const payload = objectType(info, within.type);
  return payload ? planIncidentRead(ctx, info, selectionsAt(info, rootSelections(info), payload, [within.field])) : NO_PLAN;
}

/** The plan for a connection of incidents (`incidents`): the selection under `edges.node`. */
export function planForIncidentConnection(ctx: Context, info: GraphQLResolveInfo | undefined): IncidentReadPlan {
  if (!info) return NO_PLAN;
  const connection = objectType(info, 'IncidentConnection');
  return connection ? planIncidentRead(ctx, info, selectionsAt(info, rootSelections(info), connection, ['edges', 'node'])) : NO_PLAN;
}

/**
 * The plan for the registry feed (`domainCases`): each case's `domains` (the incident's indicators)
 * and the relations its `incident` asks for.
 */
export function planForDomainCases(ctx: Context, info: GraphQLResolveInfo): IncidentReadPlan {
  const connection = objectType(info, 'DomainCaseConnection');
  const node = objectType(info, 'DomainCase');
  if (!connection || !node) return NO_PLAN;
  const nodes = selectionsAt(info, rootSelections(info), connection, ['edges', 'node']);
  const domains = selectedFields(info, nodes, node).some((f) => f.name === 'domains');
  return planIncidentRead(ctx, info, selectionsAt(info, nodes, node, ['incident']), { indicators: domains });
}

/**
 * Incidents by id with a plan's relations: one statement for all the ids a tick asks with the same
 * plan (the representations of `_entities`, aliased `node` fields), primed into the request's loaders.
 */
export function loadIncidentWithPlan(ctx: Context, plan: IncidentReadPlan, id: string): Promise<IncidentRow | null> {
  const loader = requestLoader(
    ctx,
    `incidentRead:${plan.signature}`,
    () =>
      new DataLoader<string, IncidentRow | null>(async (ids) => {
        const rows = await visibleIncidentsWithRelations(ctx.db, viewerOf(ctx), { ids }, plan.columns);
        const byId = new Map<string, IncidentRow>();
        for (const row of rows) {
          plan.prime(row);
          ctx.loaders.incident.prime(row.id, row);
          byId.set(row.id, row);
        }
        return ids.map((i) => byId.get(i) ?? null);
      }),
  );
  return loader.load(id);
}

/** `incidentByReference` with a plan's relations, in one statement. */
export async function incidentByReferenceWithPlan(ctx: Context, plan: IncidentReadPlan, reference: string): Promise<IncidentRow | null> {
  const [row] = await visibleIncidentsWithRelations(ctx.db, viewerOf(ctx), { reference }, plan.columns);
  if (!row) return null;
  plan.prime(row);
  ctx.loaders.incident.prime(row.id, row);
  return row;
}
