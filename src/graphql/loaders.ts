import DataLoader from 'dataloader';
import type { Db } from '../db/db';
import type { Viewer } from '../auth/viewer';
import { organizationsByIds, organizationsWithNetwork, type OrganizationRow } from '../modules/organizations/organization.repo';
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
    organization: organizationLoader(db),
    indicators: new DataLoader(async (ids) => groupBy(await indicatorsByIncidentIds(db, ids), (r) => r.incident_id, ids)),
  };
}

const MODULE_LOADERS = new WeakMap<Loaders, Map<string, unknown>>();

/**
 * A module's own per-request loader (for SQL that needs more than the db and viewer, e.g. the clock).
 * It lives exactly as long as the request's shared loaders, which subscriptions renew for every event,
 * so no cache survives from one event to the next.
 */
export function requestLoader<T>(ctx: { loaders: Loaders }, name: string, create: () => T): T {
  let map = MODULE_LOADERS.get(ctx.loaders);
  if (!map) {
    map = new Map();
    MODULE_LOADERS.set(ctx.loaders, map);
  }
  if (!map.has(name)) map.set(name, create());
  return map.get(name) as T;
}

/** Groups keys by their page arguments, so keys sharing them go in one windowed statement. */
export function groupKeys<K>(keys: readonly K[], argsOf: (k: K) => string): Map<string, { key: K; index: number }[]> {
  const groups = new Map<string, { key: K; index: number }[]>();
  keys.forEach((key, index) => {
    const g = argsOf(key);
    const list = groups.get(g);
    if (list) list.push({ key, index });
    else groups.set(g, [{ key, index }]);
  });
  return groups;
}
