import { sql, raw, type Sql } from '../../db/sql';
import { viewerOf } from '../../graphql/context';
import { PROJECTIONS, type FieldEntry } from '../../auth/projection';
import { ACCESS_LEVELS } from '../../auth/views';
import {
  NotCompiled,
  connectionSql,
  cursorSql,
  fieldsBelow,
  globalIdSql,
  jsonObjectSql,
  registerCompiledRoot,
  typenameSql,
} from '../../graphql/compiled';
import { objectType } from '../../graphql/lookahead';
import { clampFirst, decodeKeyset } from '../../graphql/relay';
import { incidentJsonSql, shownIndicatorsJsonSql } from '../incidents/incident.compiled';
import { feedEntriesSql } from './registry.repo';
import type { IncidentStatus } from '../incidents/incident.entity';

/**
 * `domainCases` compiled into one statement (graphql/compiled.ts): the rows of feedEntriesSql (the feed
 * entry, and its incident in the viewer's view unless it is a tombstone, aliased `v`) and for each case
 * what registry.service.ts presents — a tombstone with no incident and no domains; a live case with
 * its incident (incidentJsonSql) and the DOMAIN indicators its view shows (the indicators rule).
 */
const CURSOR = cursorSql([{ kind: 'string', column: raw('v.entry_position') }]);

registerCompiledRoot('domainCases', (ctx, env, field) => {
  const args = field.args as {
    first?: number | null;
    after?: string | null;
    filter?: { zone?: string | null; status?: IncidentStatus[] | null } | null;
  };
  const connection = objectType(env, 'DomainCaseConnection');
  const caseType = objectType(env, 'DomainCase');
  // A zone is normalized (and its input validated) by the resolver.
  if (!connection || !caseType || args.filter?.zone != null) return null;
  let first: number;
  let after: string[] | null;
  try {
    first = clampFirst(ctx, args.first);
    after = decodeKeyset(args.after, ['bigint']);
  } catch {
    return null; // the resolver reports it
  }
  const rows = feedEntriesSql(viewerOf(ctx), {
    zone: null,
    status: args.filter?.status ?? null,
    afterPosition: after?.[0] ?? null,
    limit: first + 1,
  });
  const table: Record<string, FieldEntry> = PROJECTIONS.DomainCase;
  return sql`select ${connectionSql(env, field, connection, {
    rows,
    alias: 'v',
    order: 'v.entry_position::bigint',
    reverse: 'v.entry_position::bigint desc',
    first,
    cursor: CURSOR,
    node: (fields) =>
      jsonObjectSql(
        fields.map((f): [string, Sql] => {
          if (f.name === '__typename') return [f.key, typenameSql(caseType)];
          const entry = table[f.name];
          // A tombstone has no view: only what goes wherever the case goes (every view) is shown (projection.ts).
          if (!entry || entry.rule || entry.views.length !== ACCESS_LEVELS.length) throw new NotCompiled(`DomainCase.${f.name}`);
          if (f.name === 'cursor') return [f.key, CURSOR];
          if (f.name === 'removed') return [f.key, raw('v.entry_removed')];
          if (f.name === 'incidentId') return [f.key, globalIdSql('Incident', raw('v.entry_incident_id'))];
          if (f.name === 'incident') {
            const incident = objectType(env, 'Incident')!;
            return [f.key, sql`case when v.entry_removed then null else ${incidentJsonSql(ctx, env, fieldsBelow(env, f, incident), incident)} end`];
          }
          if (f.name === 'domains') {
            return [f.key, sql`case when v.entry_removed then '[]'::json else ${shownIndicatorsJsonSql(env, f, { domains: true })} end`];
          }
          throw new NotCompiled(`DomainCase.${f.name}`);
        }),
      ),
  })} as data`;
});
