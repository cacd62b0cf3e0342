import type { GraphQLObjectType } from 'graphql';
import { viewerOf } from '../../graphql/context';
import { sql, raw, type Sql } from '../../db/sql';
import { PROJECTIONS, type FieldEntry } from '../../auth/projection';
import { NotCompiled, connectionSql, cursorSql, fieldsBelow, globalIdSql, isoSql, jsonObjectSql, typenameSql } from '../../graphql/compiled';
import { objectType, selectedFields, selectionsAt, subSelections, type LookaheadEnv, type SelectedField } from '../../graphql/lookahead';
import { clampFirst, decodeKeyset } from '../../graphql/relay';
import { organizationJsonSql } from '../organizations/organization.compiled';
import { indicatorJsonSql, registerCompiledRelation } from '../incidents/incident.compiled';
import { incidentDirectivesPageAfterSql } from './directive.repo';

/** toDirective's fields over a directive row `c` of visibleDirectivesSql. */
const COLUMNS: Record<string, Sql> = {
  id: globalIdSql('Directive', raw('c.id')),
  action: raw('c.action'),
  instructions: raw('c.instructions'),
  tlp: raw('c.tlp'),
  pap: raw('c.pap'),
  status: raw('c.status'),
  issuedAt: isoSql(raw('c.issued_at')),
  dueAt: isoSql(raw('c.due_at')),
  acknowledgementDueAt: isoSql(raw('c.acknowledgement_due_at')),
  acknowledgedAt: isoSql(raw('c.acknowledged_at')),
  startedAt: isoSql(raw('c.started_at')),
  completedAt: isoSql(raw('c.completed_at')),
  declinedAt: isoSql(raw('c.declined_at')),
  cancelledAt: isoSql(raw('c.cancelled_at')),
  overdue: raw('c.overdue'),
  acknowledgementOverdue: raw('c.acknowledgement_overdue'),
  result: raw('c.result'),
  declineReason: raw('c.decline_reason'),
  cancelReason: raw('c.cancel_reason'),
  version: raw('c.version'),
};

/** The JSON of directive row `c` (toDirective projects with the FULL view: fields under a rule or items rule are not compiled). */
function directiveJsonSql(env: LookaheadEnv, fields: readonly SelectedField[], type: GraphQLObjectType): Sql {
  const table: Record<string, FieldEntry> = PROJECTIONS.Directive;
  return jsonObjectSql(
    fields.map((f): [string, Sql] => {
      if (f.name === '__typename') return [f.key, typenameSql(type)];
      const entry = table[f.name];
      if (!entry || entry.rule || entry.items || !entry.views.includes('FULL')) throw new NotCompiled(`Directive.${f.name}`);
      const column = COLUMNS[f.name];
      if (column) return [f.key, column];
      if (f.name === 'issuer' || f.name === 'recipient') {
        const org = objectType(env, 'Organization')!;
        return [f.key, organizationJsonSql(fieldsBelow(env, f, org), org, raw(f.name === 'issuer' ? 'c.issuer_org_id' : 'c.recipient_org_id'))];
      }
      if (f.name === 'targets') {
        const item = indicatorJsonSql(env, f, {
          type: raw(`t.target->>'type'`),
          value: raw(`t.target->>'value'`),
          displayValue: raw(`t.target->>'displayValue'`),
        });
        return [
          f.key,
          sql`(select coalesce(json_agg(${item} order by t.n), '[]'::json) from json_array_elements(c.targets) with ordinality t(target, n))`,
        ];
      }
      throw new NotCompiled(`Directive.${f.name}`);
    }),
  );
}

// `Incident.directives(first, after)`: incidentDirectives' page (the directive rule is in its SQL), empty
// where the incident's view does not show the field (its rows are then not read).
registerCompiledRelation('directives', (ctx, env, field, connection) => {
  const entry = (PROJECTIONS.Incident as Record<string, FieldEntry>).directives;
  const args = field.args as { first?: number | null; after?: string | null };
  let first: number;
  let cursor: string[] | null;
  try {
    first = clampFirst(ctx, args.first);
    cursor = decodeKeyset(args.after, ['timestamp', 'uuid']);
  } catch {
    throw new NotCompiled('Incident.directives arguments'); // the resolver reports them
  }
  if (entry.rule) throw new NotCompiled('Incident.directives');
  // Directive rows compute their targets only where the selection asks for them.
  const nodes = selectionsAt(env, subSelections([field]), connection, ['edges', 'node']);
  const targets = selectedFields(env, nodes, objectType(env, 'Directive')!).some((d) => d.name === 'targets');
  const rows = incidentDirectivesPageAfterSql(viewerOf(ctx), ctx.clock.now(), cursor, sql`${first + 1}::int`, targets);
  return connectionSql(env, field, connection, {
    rows: sql`select c.* from (${rows}) c where v.access_level = any(${[...entry.views]}::text[])`,
    alias: 'c',
    order: 'c.due_at, c.id',
    reverse: 'c.due_at desc, c.id desc',
    first,
    cursor: cursorSql([
      { kind: 'timestamp', column: raw('c.due_at') },
      { kind: 'string', column: raw('c.id') },
    ]),
    node: (fields, type) => directiveJsonSql(env, fields, type),
  });
});
