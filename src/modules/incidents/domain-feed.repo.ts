import type { Queryable, Row } from '../../db/db';
import { sql } from '../../db/sql';
import type { Viewer } from '../../auth/viewer';
import { inFeedSql } from '../../auth/views';
import { visibleIncidentsSql } from './incident.repo';
import type { OrganizationKind } from '../organizations/organization.entity';

export interface RegistryRow extends Row {
  id: string;
  code: string;
  name: string;
  kind: OrganizationKind;
  person: boolean;
  zones: string[];
}

/** The active registries, each of which keeps a domain feed. */
export async function activeRegistries(q: Queryable): Promise<RegistryRow[]> {
  return q.query<RegistryRow>(sql`select id, code, name, kind, person, zones from organization where kind = 'REGISTRY' and active`);
}

/**
 * One registry's feed entries for the changed incidents (`ids`, with the positions of their last events),
 * in one statement: an incident the registry's viewer sees in its feed is upserted at its position, one
 * that left the feed is marked removed at it.
 */
export async function refreshRegistryFeed(
  q: Queryable,
  registryId: string,
  viewer: Viewer,
  ids: readonly string[],
  positions: readonly string[],
): Promise<void> {
  await q.query(sql`
      with changed as (select * from unnest(${ids}::uuid[], ${positions}::bigint[]) c(id, position)),
      live as (
        select v.id from (${visibleIncidentsSql(viewer)} and i.id = any(${ids}::uuid[])) v where ${inFeedSql()}
      ),
      upserted as (
        insert into domain_feed_entry (registry_org_id, incident_id, position, removed)
        select ${registryId}, c.id, c.position, false from changed c join live l on l.id = c.id
        on conflict (registry_org_id, incident_id) do update set position = excluded.position, removed = false
        returning incident_id
      )
      update domain_feed_entry e set removed = true, position = c.position
      from changed c
      where e.registry_org_id = ${registryId} and e.incident_id = c.id and not e.removed
        and c.id not in (select id from live)`);
}
