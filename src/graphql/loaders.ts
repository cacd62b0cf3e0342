import type { Db } from '../db/db';
import type { Viewer } from '../auth/viewer';

/**
 * Per-request batch loaders, shared by every module through `ctx.loaders`. The toolkit knows none of
 * them: each module defines its own with `defineLoader` and adds its type to this interface by
 * declaration merging (`declare module '…/graphql/loaders' { interface Loaders { … } }`), so the toolkit
 * imports no module. Raw rows only: whether a row may be shown is the rulebook's decision, taken by the
 * resolver that follows the relation (or inside the batch query).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface Loaders {}

type Factory = (db: Db, viewer: Viewer | null) => unknown;
const FACTORIES = new Map<string, Factory>();

/** Registers a shared loader; the composition imports every module, so all are defined before a request. */
export function defineLoader<K extends keyof Loaders>(name: K, create: (db: Db, viewer: Viewer | null) => Loaders[K]): void {
  FACTORIES.set(name as string, create);
}

/** The request's loaders, each made when first used. */
export function createLoaders(db: Db, viewer: Viewer | null): Loaders {
  const loaders: Record<string, unknown> = {};
  for (const [name, create] of FACTORIES) {
    let made: unknown;
    Object.defineProperty(loaders, name, { enumerable: true, get: () => (made ??= create(db, viewer)) });
  }
  return loaders as unknown as Loaders;
}

/** Rows grouped by key, in the order of the keys (a DataLoader batch answer). */
export function byKey<T>(rows: T[], keyOf: (r: T) => string, keys: readonly string[]): (T | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

/** Rows grouped into lists by key, in the order of the keys. */
export function groupBy<T>(rows: T[], keyOf: (r: T) => string, keys: readonly string[]): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
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
