import type { Queryable } from '../../db/db';
import { sql } from '../../db/sql';
import { organizationViewer, inFeedSql } from '../../auth/views';
import { visibleIncidentsSql } from './incident.repo';
import type { OrganizationKind } from '../organizations/organization.entity';

/**
 * Keeps every registry's feed projection current for the incidents a transaction changed, with the
 * positions of their last events. Called from `appendEvents` (every change writes events), inside the
 * same transaction and under the event-order lock, so feed positions follow commit order too.
 */
export async function refreshDomainFeeds(q: Queryable, changed: Map<string, string>): Promise<void> {
  if (changed.size === 0) return;
  const ids = [...changed.keys()];
  const positions = ids.map((id) => changed.get(id)!);
  const registries = await q.query<{ id: string; code: string; name: string; kind: OrganizationKind; person: boolean; zones: string[] }>(
    sql`select id, code, name, kind, person, zones from organization where kind = 'REGISTRY' and active`,
  );
  for (const reg of registries) {
    const viewer = organizationViewer(reg, new Set(['INCIDENT_READ', 'DOMAIN_FEED_READ']));
    await q.query(sql`
      with changed as (select * from unnest(${ids}::uuid[], ${positions}::bigint[]) c(id, position)),
      live as (
        select v.id from (${visibleIncidentsSql(viewer)} and i.id = any(${ids}::uuid[])) v where ${inFeedSql()}
      ),
      upserted as (
        insert into domain_feed_entry (registry_org_id, incident_id, position, removed)
        select ${reg.id}, c.id, c.position, false from changed c join live l on l.id = c.id
        on conflict (registry_org_id, incident_id) do update set position = excluded.position, removed = false
        returning incident_id
      )
      update domain_feed_entry e set removed = true, position = c.position
      from changed c
      where e.registry_org_id = ${reg.id} and e.incident_id = c.id and not e.removed
        and c.id not in (select id from live)`);
  }
}
