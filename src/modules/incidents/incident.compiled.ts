import { getNamedType, isNonNullType, isObjectType, type GraphQLObjectType } from 'graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { sql, raw, type Sql } from '../../db/sql';
import { PROJECTIONS, type FieldEntry } from '../../auth/projection';
import { ACCESS_LEVELS, INDICATOR_SHOWN_SQL } from '../../auth/views';
import {
  NotCompiled,
  connectionSql,
  cursorSql,
  fieldsBelow,
  globalIdSql,
  isoSql,
  jsonObjectSql,
  registerCompiledRoot,
  shownSql,
  typenameSql,
} from '../../graphql/compiled';
import { objectType, type LookaheadEnv, type SelectedField } from '../../graphql/lookahead';
import { clampFirst, decodeId, decodeKeyset } from '../../graphql/relay';
import { organizationJsonSql } from '../organizations/organization.compiled';
import { incidentIndicatorsSql, orderKeyColumns, visibleIncidentRowsSql, visibleIncidentsPageSql, type IncidentOrder } from './incident.repo';

/**
 * `incidents` compiled into one statement (graphql/compiled.ts): the page of visibleIncidentsPageSql,
 * and for each incident the JSON the resolvers would answer — toIncident's fields, each shown by the
 * projection table's views (`case when v.access_level = any(views)`, hidden as project() hides it),
 * the organizations toOrganization presents, the indicators by the indicators rule, and the relations
 * other modules compile (directives). Fields under a rule of their own (reporter contact, reporting
 * organization), `viewerCan` and the other relations are not compiled: the resolvers answer those queries.
 */

/** toIncident's scalar fields over an incident row `v`, and the value project() gives a hidden one (null unless listed). */
const SCALARS: Record<string, { value: Sql; hidden?: Sql }> = {
  id: { value: globalIdSql('Incident', raw('v.id')) },
  reference: { value: raw('v.reference') },
  title: { value: raw('v.title') },
  description: { value: raw('v.description') },
  status: { value: raw('v.status') },
  severity: { value: raw('v.severity') },
  scope: { value: raw('v.scope') },
  serious: { value: raw('v.serious'), hidden: raw('false') },
  tlp: { value: raw('v.tlp') },
  pap: { value: raw('v.pap') },
  confidential: { value: raw('v.confidential') },
  accessLevel: { value: raw('v.access_level') },
  detectedAt: { value: isoSql(raw('v.detected_at')) },
  occurredAt: { value: isoSql(raw('v.occurred_at')) },
  reportedAt: { value: isoSql(raw('v.reported_at')) },
  updatedAt: { value: isoSql(raw('v.updated_at')) },
  version: { value: raw('v.version') },
};

/** An indicator row `x`'s columns, as the Indicator type presents them. */
export const INDICATOR_ROW: IndicatorColumns = { type: raw('x.type'), value: raw('x.value'), displayValue: raw('x.display_value') };
export type IndicatorColumns = Record<'type' | 'value' | 'displayValue', Sql>;

/** The JSON of one Indicator as `field` selects it, from the given columns. */
export function indicatorJsonSql(env: LookaheadEnv, field: SelectedField, columns: IndicatorColumns): Sql {
  const indicator = objectType(env, 'Indicator');
  if (!indicator) throw new NotCompiled('Indicator');
  return jsonObjectSql(
    fieldsBelow(env, field, indicator).map((i): [string, Sql] => {
      if (i.name === '__typename') return [i.key, typenameSql(indicator)];
      const column = columns[i.name as keyof IndicatorColumns];
      if (!column) throw new NotCompiled(`Indicator.${i.name}`);
      return [i.key, column];
    }),
  );
}

/**
 * The indicators of incident row `v` its view shows (the indicators rule, INDICATOR_SHOWN_SQL), read by
 * the loader's SQL (incidentIndicatorsSql) in its order, as `field` selects each; `domains` only the DOMAIN ones.
 */
export function shownIndicatorsJsonSql(env: LookaheadEnv, field: SelectedField, opts: { domains?: boolean } = {}): Sql {
  const item = indicatorJsonSql(env, field, INDICATOR_ROW);
  return sql`(select coalesce(json_agg(${item} order by x.id), '[]'::json) from (${incidentIndicatorsSql()}) x
    where ${INDICATOR_SHOWN_SQL}${opts.domains ? sql` and x.type = 'DOMAIN'` : sql``})`;
}

/** A relation of an incident that a later module compiles (`directives`), as registerPagedRelation hands reads over. */
export type CompiledRelation = (ctx: Context, env: LookaheadEnv, field: SelectedField, type: GraphQLObjectType) => Sql;
const RELATIONS = new Map<string, CompiledRelation>();
export function registerCompiledRelation(field: 'directives', compile: CompiledRelation): void {
  RELATIONS.set(field, compile);
}

const VIEW = raw('v.access_level');

function entryOf(field: string): FieldEntry {
  const entry = (PROJECTIONS.Incident as Record<string, FieldEntry>)[field];
  if (!entry) throw new NotCompiled(`Incident.${field}`);
  return entry;
}

/** The JSON of incident row `v` for the selected fields. */
export function incidentJsonSql(ctx: Context, env: LookaheadEnv, fields: readonly SelectedField[], type: GraphQLObjectType): Sql {
  return jsonObjectSql(
    fields.map((f): [string, Sql] => {
      if (f.name === '__typename') return [f.key, typenameSql(type)];
      const entry = entryOf(f.name);
      const child = (name: string) => {
        const t = objectType(env, name);
        if (!t) throw new NotCompiled(name);
        return fieldsBelow(env, f, t);
      };
      const scalar = SCALARS[f.name];
      if (scalar) {
        if (entry.rule || entry.items) throw new NotCompiled(`Incident.${f.name}`);
        // A non-null field some view hides with no stand-in: the resolvers' path answers (with its error).
        const nonNull = isNonNullType(type.getFields()[f.name]?.type);
        if (nonNull && !scalar.hidden && ACCESS_LEVELS.some((v) => !entry.views.includes(v))) throw new NotCompiled(`Incident.${f.name}`);
        return [f.key, shownSql(VIEW, entry.views, scalar.value, scalar.hidden ?? null)];
      }
      if (f.name === 'handler' || f.name === 'coordinator') {
        const nonNull = isNonNullType(type.getFields()[f.name]?.type);
        if (entry.rule || (nonNull && ACCESS_LEVELS.some((v) => !entry.views.includes(v)))) throw new NotCompiled(`Incident.${f.name}`);
        const org = objectType(env, 'Organization')!;
        const column = raw(f.name === 'handler' ? 'v.handler_org_id' : 'v.coordinator_org_id');
        return [f.key, shownSql(VIEW, entry.views, organizationJsonSql(child('Organization'), org, column))];
      }
      if (f.name === 'indicators') {
        return [f.key, shownSql(VIEW, entry.views, shownIndicatorsJsonSql(env, f), raw(`'[]'::json`))];
      }
      const relation = RELATIONS.get(f.name);
      if (relation) {
        const t = getNamedType(type.getFields()[f.name]?.type);
        if (!t || !isObjectType(t)) throw new NotCompiled(`Incident.${f.name}`);
        return [f.key, relation(ctx, env, f, t)];
      }
      throw new NotCompiled(`Incident.${f.name}`);
    }),
  );
}

/** Column and cursor kind of each sort key (cursorKeyOf: dates as ISO strings, the severity rank as a number). */
const KEY_KINDS: Record<string, 'timestamp' | 'string' | 'int'> = {
  reported_at: 'timestamp',
  updated_at: 'timestamp',
  sort_severity: 'int',
  id: 'string',
};

const COMPILED_FILTERS = ['status', 'severity', 'tlp', 'reportedFrom', 'reportedTo'];

registerCompiledRoot('incidents', (ctx, env, field) => {
  const args = field.args as {
    filter?: Record<string, unknown> | null;
    first?: number | null;
    after?: string | null;
    orderBy?: IncidentOrder | null;
  };
  const connection = objectType(env, 'IncidentConnection');
  // Filters without validators of their own only: a handler is looked up first, and the text filters'
  // lengths are checked by the input type's validators, which only the resolver runs.
  const filter = args.filter ?? {};
  if (!connection || Object.keys(filter).some((k) => filter[k] != null && !COMPILED_FILTERS.includes(k))) return null;
  let first: number;
  let after: unknown[] | null;
  const order = args.orderBy ?? 'REPORTED_AT_DESC';
  try {
    first = clampFirst(ctx, args.first);
    after = decodeKeyset(args.after, order === 'SEVERITY_DESC' ? ['int', 'timestamp', 'uuid'] : ['timestamp', 'uuid']);
  } catch {
    return null; // the resolver reports it
  }
  const {
    page,
    order: orderBy,
    reverse,
  } = visibleIncidentsPageSql(viewerOf(ctx), {
    filter: { ...filter, handlerOrgId: null },
    order,
    after,
    limit: first + 1,
  });
  const cursor = cursorSql(orderKeyColumns(order).map((c) => ({ kind: KEY_KINDS[c]!, column: raw(`v.${c}`) })));
  return sql`select ${connectionSql(env, field, connection, {
    rows: page,
    alias: 'v',
    order: orderBy,
    reverse,
    first,
    cursor,
    node: (fields, type) => incidentJsonSql(ctx, env, fields, type),
  })} as data`;
});

/**
 * One incident by its uuid as `field` selects it (`incident(id)`, `node(id)` of an Incident id): its
 * JSON, or null when it is missing or not visible (the visibility condition of visibleIncidentsSql).
 */
export function incidentByIdJsonSql(ctx: Context, env: LookaheadEnv, field: SelectedField, id: string): Sql {
  const type = objectType(env, 'Incident');
  if (!type) throw new NotCompiled('Incident');
  const node = incidentJsonSql(ctx, env, fieldsBelow(env, field, type), type);
  return sql`select (select ${node} from (${visibleIncidentRowsSql(viewerOf(ctx), { ids: [id] })}) v) as data`;
}

registerCompiledRoot('incident', (ctx, env, field) => {
  const id = decodeId(String(field.args.id), 'Incident');
  // Undecodable: null, as incidentById answers.
  return id ? incidentByIdJsonSql(ctx, env, field, id) : sql`select null::json as data`;
});
