import type { Queryable } from '../../db/db';
import { organizationViewer } from '../../auth/views';
import { activeRegistries, refreshRegistryFeed } from './domain-feed.repo';

/**
 * Keeps every registry's feed projection current for the incidents a transaction changed, with the
 * positions of their last events. Called from `appendEvents` (every change writes events), inside the
 * same transaction and under the event-order lock, so feed positions follow commit order too.
 */
export async function refreshDomainFeeds(q: Queryable, changed: Map<string, string>): Promise<void> {
  if (changed.size === 0) return;
  const ids = [...changed.keys()];
  const positions = ids.map((id) => changed.get(id)!);
  const registries = await activeRegistries(q);
  for (const reg of registries) {
    const viewer = organizationViewer(reg, new Set(['INCIDENT_READ', 'DOMAIN_FEED_READ']));
    await refreshRegistryFeed(q, reg.id, viewer, ids, positions);
  }
}
