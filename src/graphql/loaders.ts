import DataLoader from 'dataloader';
import type { Db } from '../db/db';
import type { Viewer } from '../auth/viewer';
import { organizationsByIds, type OrganizationRow } from '../modules/organizations/organization.repo';
import { indicatorsByIncidentIds, visibleIncidentsByIds, type IndicatorRow, type IncidentRow } from '../modules/incidents/incident.repo';

/**
 * Per-request batch loaders. Raw rows only: whether a row may be shown is the policy's decision,
 * taken by the resolver that follows the relation (or inside the batch query for incidents).
 */
export interface Loaders {
  organization: DataLoader<string, OrganizationRow | null>;
  indicators: DataLoader<string, IndicatorRow[]>;
  /** Incidents by id with the viewer's access level computed in the batch query; invisible → null. */
  incident: DataLoader<string, IncidentRow | null>;
}

function byKey<T>(rows: T[], keyOf: (r: T) => string, keys: readonly string[]): (T | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

function groupBy<T>(rows: T[], keyOf: (r: T) => string, keys: readonly string[]): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

export function createLoaders(db: Db, viewer: Viewer | null): Loaders {
  return {
    incident: new DataLoader(async (ids) =>
      viewer ? byKey(await visibleIncidentsByIds(db, viewer, ids), (r) => r.id, ids) : ids.map(() => null),
    ),
    organization: new DataLoader(async (ids) => byKey(await organizationsByIds(db, ids), (r) => r.id, ids)),
    indicators: new DataLoader(async (ids) => groupBy(await indicatorsByIncidentIds(db, ids), (r) => r.incident_id, ids)),
  };
}
