import crypto from 'node:crypto';
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
 * Organization rows kept between requests per database (issue 16: a statement fewer on every read
 * that names an organization): organizations change only when an ADMIN edits one, and are few
 * (at most MAX_CACHED rows are kept). Trusted only while this process LISTENs for their changes: the
 * composition root calls `listening(true)` once the event listener has subscribed, and `false` when
 * its connection is lost (the cache is then emptied and unused until it listens again, so a change
 * committed while nobody listened is never served from it). Emptied by `changed()` — at once by
 * this process after its own commit, and in every other process by the NOTIFY the writing
 * transaction sends; a read that a change overtook answers its request but is not kept. Rows are
 * frozen: one request cannot change what the next one reads.
 */
const MAX_CACHED = 20_000;

class OrganizationCache {
  private readonly rows = new Map<string, OrganizationRow>();
  /** Every network organization (all kinds but constituents), once read: kept apart so a request does not walk the constituents. */
  private network: readonly OrganizationRow[] | null = null;
  private generation = 0;
  private trusted = false;

  listening(on: boolean): void {
    this.trusted = on;
    this.changed();
  }

  changed(): void {
    this.generation++;
    this.rows.clear();
    this.network = null;
  }

  /**
   * The rows of `ids` (those that exist), and with `withNetwork` every network organization too, as
   * organizationsWithNetwork / organizationsByIds answer — from the cache where it can.
   */
  async read(db: Db, ids: readonly string[], withNetwork: boolean): Promise<OrganizationRow[]> {
    if (!this.trusted) return withNetwork ? organizationsWithNetwork(db, ids) : organizationsByIds(db, ids);
    const known: OrganizationRow[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row) known.push(row);
      else missing.push(id);
    }
    const readNetwork = withNetwork && !this.network;
    if (withNetwork && this.network) known.push(...this.network);
    if (!missing.length && !readNetwork) return known;
    const generation = this.generation;
    const fresh = readNetwork ? await organizationsWithNetwork(db, missing) : await organizationsByIds(db, missing);
    if (generation === this.generation && this.trusted) {
      if (this.rows.size + fresh.length > MAX_CACHED) this.changed();
      for (const row of fresh) this.rows.set(row.id, Object.freeze(row));
      if (readNetwork) this.network = fresh.filter((row) => row.kind !== 'CONSTITUENT');
    }
    return [...known, ...fresh];
  }
}

/**
 * This process, as the NOTIFY of its own changes names it: it empties its caches itself right after
 * its commit, so its listener skips them (their arrival, later, would otherwise empty a cache already
 * filled again with the changed rows, at a moment no request can predict).
 */
export const CACHE_PROCESS = crypto.randomUUID();

const CACHES = new Map<string, OrganizationCache>();
function cacheFor(url: string): OrganizationCache {
  let cache = CACHES.get(url);
  if (!cache) CACHES.set(url, (cache = new OrganizationCache()));
  return cache;
}

/** The event listener of this database's URL is (or is no longer) subscribed to organization changes. */
export function organizationCacheListening(url: string, on: boolean): void {
  cacheFor(url).listening(on);
}

/** This process committed a change to an organization of this database. */
export function organizationsChanged(url: string): void {
  cacheFor(url).changed();
}

/** A NOTIFY said an organization changed; `from` is the process that changed it (its own are already handled). */
export function organizationsChangedBy(url: string, from: string): void {
  if (from !== CACHE_PROCESS) cacheFor(url).changed();
}

/**
 * The first batch also brings the whole network (see organizationsWithNetwork). Later batches wait for
 * it and fetch only what it lacked (constituents not asked for yet), so a nested list that returns
 * while the first batch is in flight does not cost an extra statement. Both read through the cache.
 */
function organizationLoader(db: Db): DataLoader<string, OrganizationRow | null> {
  const cache = cacheFor(db.url);
  let known: Promise<Map<string, OrganizationRow>> | null = null;
  return new DataLoader(async (ids) => {
    if (!known) known = cache.read(db, ids, true).then((rows) => new Map(rows.map((r) => [r.id, r])));
    const map = await known;
    const missing = ids.filter((id) => !map.has(id));
    if (missing.length) for (const r of await cache.read(db, missing, false)) map.set(r.id, r);
    return ids.map((id) => map.get(id) ?? null);
  });
}

defineLoader('organization', (db) => organizationLoader(db));
