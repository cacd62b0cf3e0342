import DataLoader from 'dataloader';
import type { Db } from '../../db/db';
import { defineLoader } from '../../graphql/loaders';
import { organizationsByIds, organizationsWithNetwork, type OrganizationRow } from './organization.repo';

declare module '../../graphql/loaders' {
  interface Loaders {
    organization: DataLoader<string, OrganizationRow | null>;
  }
}

/**
 * The first batch also brings the whole network (see organizationsWithNetwork). Later batches wait for
 * it and fetch only what it lacked (constituents not asked for yet), so a nested list that returns
 * while the first batch is in flight does not cost an extra statement.
 */
function organizationLoader(db: Db): DataLoader<string, OrganizationRow | null> {
  let known: Promise<Map<string, OrganizationRow>> | null = null;
  return new DataLoader(async (ids) => {
    if (!known) known = organizationsWithNetwork(db, ids).then((rows) => new Map(rows.map((r) => [r.id, r])));
    const map = await known;
    const missing = ids.filter((id) => !map.has(id));
    if (missing.length) for (const r of await organizationsByIds(db, missing)) map.set(r.id, r);
    return ids.map((id) => map.get(id) ?? null);
  });
}

defineLoader('organization', (db) => organizationLoader(db));
