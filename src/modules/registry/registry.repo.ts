import type { Queryable } from '../../db/db';
import { sql, and, join, type Sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { INDICATOR_SHOWN_SQL, feedViewSql, domainInZonesSql } from '../../auth/views';
import type { IncidentStatus } from '../incidents/incident.entity';
import { visibleIncidentsSql, type IncidentRow } from '../incidents/incident.repo';

export interface FeedRow extends IncidentRow {
  entry_incident_id: string;
  entry_position: string;
  entry_removed: boolean;
}

/**
 * A page of the registry's feed in commit order, each entry with the incident as the viewer reads it
 * (none for a tombstone). Filters narrow live cases; tombstones always come, so a sync client never
 * keeps a removed case.
 */
export async function feedEntries(
  db: Queryable,
  viewer: Viewer,
  page: FeedPage,
  /** Columns the selection asks for, read in this statement (incidents/incident.read.ts `planForDomainCases`). */
  columns: readonly Sql[] = [],
): Promise<FeedRow[]> {
  return db.query<FeedRow>(feedEntriesSql(viewer, page, columns));
}

export interface FeedPage {
  zone: string | null;
  status: readonly IncidentStatus[] | null;
  afterPosition: string | null;
  limit: number;
}

/** The statement of feedEntries (also the rows of the compiled `domainCases`, registry.compiled.ts), in position order. */
export function feedEntriesSql(viewer: Viewer, page: FeedPage, columns: readonly Sql[] = []): Sql {
  const live: Sql[] = [sql`v.id is not null`];
  if (page.zone) live.push(domainInZonesSql([page.zone], sql`e.incident_id`));
  if (page.status?.length) live.push(sql`v.status = any(${page.status}::text[])`);
  return sql`
    select v.*, e.incident_id as entry_incident_id, e.position::text as entry_position, e.removed as entry_removed
      ${columns.length ? sql`, ${join(columns)}` : sql``}
    from domain_feed_entry e
    left join (${visibleIncidentsSql(viewer)}) v on v.id = e.incident_id and ${feedViewSql()} and not e.removed
    where e.registry_org_id = ${viewer.organization.id}
      ${page.afterPosition !== null ? sql`and e.position > ${page.afterPosition}::bigint` : sql``}
      and (e.removed or ${and(live)})
    order by e.position limit ${page.limit}`;
}

/**
 * Visible incidents with this DOMAIN indicator, newest first. Only an indicator the row's view shows
 * may match (SUMMARY and RECIPIENT show none; REPORTER its report's).
 */
export async function casesOfDomain(
  db: Queryable,
  viewer: Viewer,
  domain: string,
  page: { after: [string, string] | null; limit: number },
): Promise<IncidentRow[]> {
  return db.query<IncidentRow>(sql`select v.* from (${visibleIncidentsSql(viewer)}) v
    where exists (select 1 from indicator x where x.incident_id = v.id and x.type = 'DOMAIN' and x.value = ${domain} and ${INDICATOR_SHOWN_SQL})
      ${page.after ? sql`and (v.reported_at, v.id) < (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)` : sql``}
    order by v.reported_at desc, v.id desc limit ${page.limit}`);
}
