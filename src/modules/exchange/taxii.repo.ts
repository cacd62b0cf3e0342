import type { Queryable, Row } from '../../db/db';
import { sql, raw, type Sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { feedViewSql, inExchangeCollectionSql } from '../../auth/views';
import { visibleIncidentsSql } from '../incidents/incident.repo';

/**
 * The entries of the TAXII collections, in commit order. An incident's entry is its last timeline event:
 * its position orders the collection and the `next` token, its commit time (incident_event.committed_at,
 * assigned under the event-order lock, strictly later across transactions) is the `date_added` of the
 * incident's objects. A transaction that has not committed holds that lock, so no later entry can be
 * read before it: `added_after` never skips an object committed late.
 */
export interface CollectionEntry extends Row {
  incident_id: string;
  position: string;
  committed_at: Date;
}

export interface EntryQuery {
  /** Resume at this position: included when `inclusive` (a page ended inside that incident's objects). */
  from: { position: string; inclusive: boolean } | null;
  addedAfter: Date | null;
  /** Only these incidents (a look-up by object id). */
  incidentIds?: string[] | null;
  limit: number;
}

/** Two fixed column names, never input. */
function fromSql(column: 'p.position' | 'e.position', q: EntryQuery): Sql {
  if (!q.from) return sql``;
  return sql`and ${raw(column)} ${raw(q.from.inclusive ? '>=' : '>')} ${q.from.position}::bigint`;
}

/** `incidents`: every incident the viewer sees in a view other than SUMMARY. */
export async function incidentEntries(db: Queryable, viewer: Viewer, q: EntryQuery): Promise<CollectionEntry[]> {
  return db.query<CollectionEntry>(sql`select v.id as incident_id, p.position::text as position, p.committed_at
    from (${visibleIncidentsSql(viewer)}) v
    cross join lateral (select e.position, e.committed_at from incident_event e where e.incident_id = v.id order by e.position desc limit 1) p
    where ${inExchangeCollectionSql()}
      ${fromSql('p.position', q)}
      ${q.addedAfter ? sql`and p.committed_at > ${q.addedAfter}` : sql``}
      ${q.incidentIds ? sql`and v.id = any(${q.incidentIds}::uuid[])` : sql``}
    order by p.position limit ${q.limit}`);
}

/** `domain-cases`: the registry's feed (its DOMAIN_FEED projection), live entries only — a case that left is not re-sent. */
export async function domainCaseEntries(db: Queryable, viewer: Viewer, q: EntryQuery): Promise<CollectionEntry[]> {
  return db.query<CollectionEntry>(sql`select e.incident_id, e.position::text as position, ev.committed_at
    from domain_feed_entry e
    join (${visibleIncidentsSql(viewer)}) v on v.id = e.incident_id and ${feedViewSql()}
    join incident_event ev on ev.position = e.position
    where e.registry_org_id = ${viewer.organization.id} and not e.removed
      ${fromSql('e.position', q)}
      ${q.addedAfter ? sql`and ev.committed_at > ${q.addedAfter}` : sql``}
      ${q.incidentIds ? sql`and e.incident_id = any(${q.incidentIds}::uuid[])` : sql``}
    order by e.position limit ${q.limit}`);
}
