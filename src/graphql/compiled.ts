import {
  GraphQLError,
  Kind,
  getNamedType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { sql, raw, join, type Sql } from '../db/sql';
import type { Context } from './context';
import { responseFields, subSelections, type LookaheadEnv, type SelectedField } from './lookahead';
import { declaredRootRules, type RuleSpec } from '../auth/rules';
import { ACCESS_LEVELS } from '../auth/views';

/**
 * Answers compiled into SQL (DESIGN.md §6 "Reads compiled from the selection", issue 16): for a query
 * whose every root field a module has a compiler for, and whose selection the compilers cover entirely,
 * PostgreSQL builds the answer's JSON in one statement per root field and the hub skips per-field
 * execution. The compilers read the rulebook's projection table (views become `access_level = any(…)`)
 * and its SQL rules (views.ts); anything they do not cover — a field under a rule of its own, another
 * argument, a relation not compiled — makes the whole operation run through the resolvers as before,
 * so the compiled answer is an optimization of answers the resolvers define, never a second source of
 * them (the differential test compares both on every viewer).
 */

/** Compiles one root field: SQL returning one row whose `data` column is the field's JSON value, or null (not covered). */
export type CompiledRoot = (ctx: Context, env: LookaheadEnv, field: SelectedField) => Sql | null;

const ROOTS = new Map<string, CompiledRoot>();
/** The root fields' declared rules, read once (the schema's resolvers are all loaded by then). */
let ROOT_RULES: Map<string, RuleSpec> | null = null;
const rootRules = (): Map<string, RuleSpec> => (ROOT_RULES ??= declaredRootRules());

export function registerCompiledRoot(field: string, compile: CompiledRoot): void {
  ROOTS.set(field, compile);
}

/** Thrown by a compiler deep in a selection it does not cover: the operation runs through the resolvers. */
export class NotCompiled extends Error {
  constructor(what: string) {
    super(`not compiled: ${what}`);
  }
}

/**
 * The operation's answer from compiled SQL, or null when it is not covered (or failed: the resolvers
 * then answer, with their own errors). Only queries; variables must coerce (else graphql-js reports them).
 */
export async function executeCompiled(
  ctx: Context,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Promise<{ data: Record<string, unknown> } | null> {
  const queryType = schema.getQueryType();
  if (operation.operation !== 'query' || !queryType || !ctx.viewer) return null;
  // Most queries name a root field no module compiles: known before coercing anything.
  const named = operation.selectionSet.selections;
  if (named.some((s) => s.kind === Kind.FIELD && s.name.value !== '__typename' && !ROOTS.has(s.name.value))) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const env: LookaheadEnv = { schema, fragments, variableValues: coerced.coerced };
  let plan: { key: string; value: string | Sql }[];
  const rules = rootRules();
  try {
    plan = responseFields(env, [operation.selectionSet], queryType).map((field) => {
      if (field.name === '__typename') return { key: field.key, value: queryType.name };
      // The root field's declared rule (auth/rules.ts), as its rule middleware applies it: without the
      // capability the resolver answers, with its FORBIDDEN.
      const rule = rules.get(`Query.${field.name}`);
      if (!rule || 'object' in rule || ('capability' in rule && !ctx.authz.has(rule.capability))) throw new NotCompiled(`Query.${field.name}`);
      const compiled = ROOTS.get(field.name)?.(ctx, env, field) ?? null;
      if (!compiled) throw new NotCompiled(`Query.${field.name}`);
      return { key: field.key, value: compiled };
    });
  } catch (err) {
    // Arguments that do not coerce, a selection not covered: the resolvers answer (and report the errors).
    if (err instanceof NotCompiled || err instanceof GraphQLError) return null;
    throw err;
  }
  if (!plan.some((p) => typeof p.value !== 'string')) return null;
  try {
    const values = await Promise.all(
      plan.map(async (p) => (typeof p.value === 'string' ? p.value : (await ctx.db.one<{ data: unknown }>(p.value.asPrepared()))?.data)),
    );
    const data: Record<string, unknown> = {};
    plan.forEach((p, i) => (data[p.key] = values[i]));
    return { data };
  } catch {
    // A database failure: the resolvers meet it again and report it as they do (503, DATABASE_UNAVAILABLE).
    return null;
  }
}

// ---- the hub's JSON encodings, in SQL (what the GraphQL types serialize in Node) ----

/** Relay global id (relay.ts toGlobalId): base64url, no padding, of `Type:uuid`. */
export function globalIdSql(type: string, column: Sql): Sql {
  return sql`translate(encode(convert_to(${raw(`'${type}:'`)} || (${column})::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
}

/** DateTime (graphql-scalars serializes a Date with toISOString): milliseconds, UTC, `Z`. */
export function isoSql(column: Sql): Sql {
  return sql`to_char((${column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A keyset cursor (relay.ts encodeCursor): base64url of the JSON array of the sort key, as JSON.stringify writes it. */
export function cursorSql(parts: readonly { kind: 'timestamp' | 'string' | 'int'; column: Sql }[]): Sql {
  // Strings here are uuids and digits (positions): nothing JSON would escape.
  const items = parts.map((p) =>
    p.kind === 'int'
      ? sql`(${p.column})::text`
      : p.kind === 'timestamp'
        ? sql`'"' || ${isoSql(p.column)} || '"'`
        : sql`'"' || (${p.column})::text || '"'`,
  );
  return sql`translate(encode(convert_to('[' || ${join(items, ` || ',' || `)} || ']', 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
}

/** `json_build_object` of response keys and values, in response order (json keeps it; at most 50 pairs: its 100 arguments). */
export function jsonObjectSql(entries: readonly (readonly [string, Sql])[]): Sql {
  if (entries.length === 0) return raw(`'{}'::json`);
  if (entries.length > 50) throw new NotCompiled('more than 50 fields in one object');
  return sql`json_build_object(${join(entries.map(([key, value]) => sql`${raw(`'${key}'`)}, ${value}`))})`;
}

/** `case when` the row's view is one of `views` `then` the value (else null, or `hidden`). */
export function shownSql(viewColumn: Sql, views: readonly string[], value: Sql, hidden: Sql | null = null): Sql {
  if (ACCESS_LEVELS.every((v) => views.includes(v))) return value;
  if (views.length === 0) return hidden ?? raw('null');
  return sql`case when ${viewColumn} = any(${[...views]}::text[]) then ${value} else ${hidden ?? raw('null')} end`;
}

/** A schema name as an SQL string literal (`__typename`; names are GraphQL identifiers). */
export function typenameSql(type: GraphQLObjectType): Sql {
  return raw(`'${type.name}'`);
}

function fieldObjectType(type: GraphQLObjectType, field: string): GraphQLObjectType {
  const t = getNamedType(type.getFields()[field]?.type);
  if (!t || !isObjectType(t)) throw new NotCompiled(`${type.name}.${field}`);
  return t;
}

/** The fields selected on the object type of `field` (below it), `__typename` included. */
export function fieldsBelow(env: LookaheadEnv, field: SelectedField, type: GraphQLObjectType): SelectedField[] {
  return responseFields(env, subSelections([field]), type);
}

/**
 * A connection (relay.ts pageOf) over a page of rows read with limit first + 1, aliased `page.alias`:
 * `edges` in the page's order, `pageInfo` (hasNextPage from the extra row, no previous page, the first
 * and last cursors), `__typename`; `totalCount` and anything else is not compiled.
 */
export function connectionSql(
  env: LookaheadEnv,
  field: SelectedField,
  connection: GraphQLObjectType,
  page: {
    rows: Sql;
    alias: string;
    order: string;
    reverse: string;
    first: number;
    cursor: Sql;
    node: (fields: SelectedField[], type: GraphQLObjectType) => Sql;
  },
): Sql {
  const a = page.alias;
  const pageName = raw(`${a}_page`);
  const shownName = raw(`${a}_shown`);
  const alias = raw(a);
  const edgeType = fieldObjectType(connection, 'edges');
  const nodeType = fieldObjectType(edgeType, 'node');
  const pageInfoType = fieldObjectType(connection, 'pageInfo');
  const ordered = (order: string) => sql`(select ${page.cursor} from ${shownName} ${alias} order by ${raw(order)} limit 1)`;
  const entries = fieldsBelow(env, field, connection).map((f): [string, Sql] => {
    if (f.name === '__typename') return [f.key, typenameSql(connection)];
    if (f.name === 'edges') {
      const edge = jsonObjectSql(
        fieldsBelow(env, f, edgeType).map((e): [string, Sql] => {
          if (e.name === '__typename') return [e.key, typenameSql(edgeType)];
          if (e.name === 'cursor') return [e.key, page.cursor];
          if (e.name === 'node') return [e.key, page.node(fieldsBelow(env, e, nodeType), nodeType)];
          throw new NotCompiled(`${edgeType.name}.${e.name}`);
        }),
      );
      return [f.key, sql`(select coalesce(json_agg(${edge} order by ${raw(page.order)}), '[]'::json) from ${shownName} ${alias})`];
    }
    if (f.name === 'pageInfo') {
      return [
        f.key,
        jsonObjectSql(
          fieldsBelow(env, f, pageInfoType).map((p): [string, Sql] => {
            if (p.name === '__typename') return [p.key, typenameSql(pageInfoType)];
            if (p.name === 'hasNextPage') return [p.key, sql`((select count(*) from ${pageName}) > ${page.first}::int)`];
            if (p.name === 'hasPreviousPage') return [p.key, raw('false')];
            if (p.name === 'startCursor') return [p.key, ordered(page.order)];
            if (p.name === 'endCursor') return [p.key, ordered(page.reverse)];
            throw new NotCompiled(`PageInfo.${p.name}`);
          }),
        ),
      ];
    }
    throw new NotCompiled(`${connection.name}.${f.name}`);
  });
  return sql`(with ${pageName} as materialized (${page.rows}),
      ${shownName} as (select * from ${pageName} ${alias} order by ${raw(page.order)} limit ${page.first}::int)
    select ${jsonObjectSql(entries)})`;
}
