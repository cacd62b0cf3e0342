import type { GraphQLObjectType } from 'graphql';
import { sql, raw, type Sql } from '../../db/sql';
import { PROJECTIONS, type FieldEntry } from '../../auth/projection';
import { NotCompiled, globalIdSql, jsonObjectSql, typenameSql } from '../../graphql/compiled';
import type { SelectedField } from '../../graphql/lookahead';

/** Organization fields as toOrganization presents them, over an organization row `o`. */
const COLUMNS: Record<string, Sql> = {
  id: globalIdSql('Organization', raw('o.id')),
  code: raw('o.code'),
  name: raw('o.name'),
  kind: raw('o.kind'),
  country: raw('o.country'),
  active: raw('o.active'),
  person: raw('o.person'),
  ipRanges: raw('to_json(o.ip_ranges::text[])'),
  asns: raw(`(select coalesce(json_agg('AS' || a.asn order by a.n), '[]'::json) from unnest(o.asns) with ordinality a(asn, n))`),
  zones: raw('to_json(o.zones)'),
};

/**
 * The JSON of the organization whose id is `id` (null when there is none), as toOrganization projects it:
 * the fields every viewer reads (the table's entries with no rule of their own); `contact` and
 * `accounts`, under rules, are not compiled.
 */
export function organizationJsonSql(fields: readonly SelectedField[], type: GraphQLObjectType, id: Sql): Sql {
  const table: Record<string, FieldEntry> = PROJECTIONS.Organization;
  const entries = fields.map((f): [string, Sql] => {
    if (f.name === '__typename') return [f.key, typenameSql(type)];
    const entry = table[f.name];
    const column = COLUMNS[f.name];
    // toOrganization projects with the FULL view: a field under a rule, or not shown there, is not compiled.
    if (!entry || entry.rule || entry.items || !entry.views.includes('FULL') || !column) throw new NotCompiled(`Organization.${f.name}`);
    return [f.key, column];
  });
  return sql`(select ${jsonObjectSql(entries)} from organization o where o.id = ${id})`;
}
