import crypto from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import { v5 as uuidv5 } from 'uuid';
import type { Services, Context } from '../graphql/context';
import { createContext } from '../graphql/context';
import { Authenticator, AuthenticationError } from '../auth/authenticate';
import { looksLikeApiKey } from '../auth/apiKeys';
import type { Viewer } from '../auth/viewer';
import { readableExchangeCollections, type ExchangeCollection } from '../auth/decide';
import { isDatabaseDown } from '../graphql/unavailable';
import { toGlobalId } from '../graphql/relay';
import { RateLimiter, rateKey } from './rate-limit';
import type { HubMetrics } from './metrics';
import { readIncidentSource, bundleObjects, type StixObject } from '../modules/exchange/stix.bundle';
import { HUB_NAMESPACE, stixId } from '../modules/exchange/stix.ids';
import { incidentEntries, domainCaseEntries, type CollectionEntry, type EntryQuery } from '../modules/exchange/taxii.repo';

/**
 * TAXII 2.1 (DESIGN.md §8), read-only, per viewer: discovery, one API root, the collections the viewer
 * may read (`incidents`; `domain-cases` for a registry), objects with `added_after`, `limit`, `next`
 * and `match[id|type|version|spec_version]`, one object, its versions, the manifest. Objects are the
 * viewer's STIX bundles (stix.bundle.ts: the rulebook's projection, as over GraphQL); which incidents a
 * collection holds is the rulebook's SQL (views.ts). An invisible incident's objects answer 404 exactly
 * like missing ones.
 */

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** Incidents read per query while a page fills (each brings at least one object). */
const ENTRY_BATCH = 50;

interface CollectionInfo {
  id: string;
  name: ExchangeCollection;
  title: string;
  description: string;
}
const COLLECTIONS: CollectionInfo[] = [
  {
    id: uuidv5('taxii:collection:incidents', HUB_NAMESPACE),
    name: 'incidents',
    title: 'incidents',
    description: 'Every incident you see in a view other than SUMMARY, each as your STIX bundle of it',
  },
  {
    id: uuidv5('taxii:collection:domain-cases', HUB_NAMESPACE),
    name: 'domain-cases',
    title: 'domain-cases',
    description: 'The registry feed: cases with a domain indicator, as their DOMAIN_FEED projection (incident, domain indicators and observables)',
  },
];

class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(title);
  }
}

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.status(status);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', TAXII_MEDIA_TYPE);
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

/** `Accept` must name TAXII 2.1 (a `version` other than 2.1, or another type, is 406). */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return !version || version.replace(/\s/g, '') === 'version=2.1';
  });
}

/** An API key as a Bearer token (a JWT works too), or as the password of HTTP Basic (the user name is ignored). */
async function authenticate(authenticator: Authenticator, header: string | undefined): Promise<Viewer> {
  const basic = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    if (decoded.indexOf(':') < 0 || !looksLikeApiKey(password)) throw new AuthenticationError('INVALID');
    return authenticator.authenticate(`Bearer ${password}`);
  }
  return authenticator.authenticate(header);
}

// ---- the page: collection entries expanded to objects, filtered, cut at `limit` ----

interface Item {
  object: StixObject;
  dateAdded: string;
  version: string;
  position: string;
  index: number;
}

interface Filters {
  ids: Set<string> | null;
  types: Set<string> | null;
  versions: string[] | null;
  specVersions: Set<string> | null;
}

function versionOf(o: StixObject, dateAdded: string): string {
  return (o.modified as string | undefined) ?? (o.created as string | undefined) ?? dateAdded;
}

function passes(f: Filters, o: StixObject, version: string): boolean {
  if (f.ids && !f.ids.has(o.id)) return false;
  if (f.types && !f.types.has(o.type)) return false;
  if (f.specVersions && !f.specVersions.has(String(o.spec_version ?? '2.1'))) return false;
  // One version is kept per object (the current one), so it is the first, the last and all of them.
  if (f.versions && !f.versions.some((v) => v === 'last' || v === 'first' || v === 'all' || new Date(v).getTime() === new Date(version).getTime()))
    return false;
  return true;
}

/** The DOMAIN_FEED projection of a bundle: no directives, notes or other indicators; relationships only between kept objects. */
function domainCaseObjects(objects: StixObject[]): StixObject[] {
  const dropped = new Set<string>();
  for (const o of objects) {
    const isDomainIndicator = o.type === 'indicator' && String(o.pattern).startsWith('[domain-name:');
    const keep = o.type === 'marking-definition' || o.type === 'identity' || o.type === 'incident' || o.type === 'domain-name' || isDomainIndicator;
    if (!keep && o.type !== 'relationship') dropped.add(o.id);
  }
  return objects.filter(
    (o) => !dropped.has(o.id) && !(o.type === 'relationship' && (dropped.has(String(o.source_ref)) || dropped.has(String(o.target_ref)))),
  );
}

interface Cursor {
  position: string;
  skip: number;
}

function encodeNext(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.position, c.skip]), 'utf8').toString('base64url');
}
function decodeNext(token: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^\d{1,19}$/.test(v[0]) && Number.isInteger(v[1]) && v[1] >= 0) {
      return { position: v[0], skip: v[1] as number };
    }
  } catch {
    // falls through to the refusal
  }
  throw new TaxiiError(400, 'The next parameter is not a token this server gave');
}

class Collection {
  constructor(
    private readonly ctx: Context,
    private readonly schema: GraphQLSchema,
    private readonly info: CollectionInfo,
    private readonly viewer: Viewer,
  ) {}

  private entries(q: EntryQuery): Promise<CollectionEntry[]> {
    return this.info.name === 'incidents' ? incidentEntries(this.ctx.db, this.viewer, q) : domainCaseEntries(this.ctx.db, this.viewer, q);
  }

  private async objectsOf(entry: CollectionEntry): Promise<StixObject[]> {
    const src = await readIncidentSource(this.ctx, this.schema, toGlobalId('Incident', entry.incident_id));
    // Between the entry query and the read the incident may have left the viewer's sight: then it has no objects.
    if (!src) return [];
    const objects = bundleObjects(src);
    return this.info.name === 'domain-cases' ? domainCaseObjects(objects) : objects;
  }

  /**
   * Items in collection order from `cursor`, at most `want`. With `onlyIds`, only the incidents whose
   * incident object has one of those ids are read, when every id is an incident's (a cheap look-up:
   * the ids are UUIDv5 of the incident's own id); otherwise every entry is read.
   */
  async items(f: Filters, addedAfter: Date | null, cursor: Cursor | null, want: number): Promise<Item[]> {
    const out: Item[] = [];
    let from: EntryQuery['from'] = cursor ? { position: cursor.position, inclusive: true } : null;
    let incidentIds: string[] | null = null;
    if (f.ids && [...f.ids].every((id) => id.startsWith('incident--'))) {
      const all = await this.entries({ from: null, addedAfter, limit: 1_000_000 });
      incidentIds = all.filter((e) => f.ids!.has(stixId('incident', toGlobalId('Incident', e.incident_id)))).map((e) => e.incident_id);
      if (incidentIds.length === 0) return out;
    }
    for (;;) {
      const batch = await this.entries({ from, addedAfter, incidentIds, limit: ENTRY_BATCH });
      for (const entry of batch) {
        const dateAdded = entry.committed_at.toISOString();
        const skip = cursor && entry.position === cursor.position ? cursor.skip : 0;
        let index = 0;
        for (const object of await this.objectsOf(entry)) {
          const version = versionOf(object, dateAdded);
          if (!passes(f, object, version)) continue;
          if (index >= skip) out.push({ object, dateAdded, version, position: entry.position, index });
          index++;
          if (out.length >= want) return out;
        }
      }
      if (batch.length < ENTRY_BATCH) return out;
      from = { position: batch[batch.length - 1].position, inclusive: false };
    }
  }
}

function list(value: unknown): string[] | null {
  if (value === undefined) return null;
  const parts = (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length ? parts : null;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function filtersOf(req: Request, fixedId?: string): { filters: Filters; addedAfter: Date | null; limit: number; cursor: Cursor | null } {
  const q = req.query as Record<string, unknown>;
  const addedAfterRaw = q.added_after;
  let addedAfter: Date | null = null;
  if (addedAfterRaw !== undefined) {
    if (typeof addedAfterRaw !== 'string' || !RFC3339.test(addedAfterRaw) || Number.isNaN(new Date(addedAfterRaw).getTime())) {
      throw new TaxiiError(400, 'added_after must be an RFC 3339 timestamp');
    }
    addedAfter = new Date(addedAfterRaw);
  }
  let limit = DEFAULT_LIMIT;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^\d{1,7}$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!Number.isInteger(n) || n < 1) throw new TaxiiError(400, 'limit must be a positive integer');
    limit = Math.min(n, MAX_LIMIT);
  }
  const next = q.next;
  if (next !== undefined && typeof next !== 'string') throw new TaxiiError(400, 'next must be a single token');
  const versions = list(q['match[version]']);
  for (const v of versions ?? []) {
    if (!['last', 'first', 'all'].includes(v) && (!RFC3339.test(v) || Number.isNaN(new Date(v).getTime())))
      throw new TaxiiError(400, 'match[version] takes last, first, all or timestamps');
  }
  const ids = fixedId ? [fixedId] : list(q['match[id]']);
  const types = list(q['match[type]']);
  const specVersions = list(q['match[spec_version]']);
  return {
    filters: {
      ids: ids ? new Set(ids) : null,
      types: types ? new Set(types) : null,
      versions: versions ?? (fixedId ? ['all'] : null),
      specVersions: specVersions ? new Set(specVersions) : null,
    },
    addedAfter,
    limit,
    cursor: next ? decodeNext(next) : null,
  };
}

function dateHeaders(items: Item[]): Record<string, string> {
  if (items.length === 0) return {};
  const dates = items.map((i) => i.dateAdded).sort();
  return { 'X-TAXII-Date-Added-First': dates[0], 'X-TAXII-Date-Added-Last': dates[dates.length - 1] };
}

export interface TaxiiDeps {
  services: Services;
  schema: GraphQLSchema;
  authenticator: Authenticator;
  limiter: RateLimiter;
  metrics: HubMetrics;
}

/** The express router mounted at `/taxii2` (server/app.ts). */
export function taxiiRouter(deps: TaxiiDeps): Router {
  const router = express.Router();
  const { services } = deps;

  type Handler = (req: Request, res: Response, ctx: Context, viewer: Viewer) => Promise<void>;
  const route = (operation: string, handler: Handler) => async (req: Request, res: Response) => {
    const started = performance.now();
    let outcome = 'ok';
    try {
      if (!acceptsTaxii(req.headers.accept)) throw new TaxiiError(406, `The Accept header must name ${TAXII_MEDIA_TYPE}`);
      let viewer: Viewer;
      try {
        viewer = await authenticate(deps.authenticator, req.headers.authorization);
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        throw new TaxiiError(401, 'Authentication required: an API key as a Bearer token or as the HTTP Basic password', {
          'WWW-Authenticate': 'Basic realm="taxii2", Bearer realm="taxii2"',
        });
      }
      const decision = deps.limiter.check(rateKey(viewer, req.ip), 'http');
      if (!decision.allowed)
        throw new TaxiiError(429, `Rate limit exceeded: retry in ${decision.retryAfterSeconds} s`, {
          'Retry-After': String(decision.retryAfterSeconds),
        });
      const ctx = createContext(services, viewer, crypto.randomUUID());
      await handler(req, res, ctx, viewer);
    } catch (err) {
      if (err instanceof TaxiiError) {
        outcome = String(err.status);
        send(res, err.status, { title: err.title, http_status: String(err.status) }, err.headers);
      } else if (isDatabaseDown(err)) {
        outcome = '503';
        send(res, 503, { title: 'The database is unavailable; retry shortly', http_status: '503' }, { 'Retry-After': '5' });
      } else {
        outcome = '500';
        services.log.error({ err, path: req.path }, 'TAXII request failed');
        send(res, 500, { title: 'Internal error', http_status: '500' });
      }
    } finally {
      deps.metrics.observeRequest('http', `taxii:${operation}`, outcome, (performance.now() - started) / 1000);
    }
  };

  /** The collections this viewer may read, as the rulebook decides (auth/decide.ts). */
  const readable = (ctx: Context): CollectionInfo[] => {
    const names = readableExchangeCollections((c) => ctx.authz.has(c));
    return COLLECTIONS.filter((c) => names.includes(c.name));
  };
  const collectionOf = (ctx: Context, viewer: Viewer, id: string): Collection => {
    const info = readable(ctx).find((c) => c.id === id || c.name === id);
    if (!info) throw new TaxiiError(404, 'No such collection');
    return new Collection(ctx, deps.schema, info, viewer);
  };
  const resource = (c: CollectionInfo) => ({
    id: c.id,
    title: c.title,
    description: c.description,
    alias: c.name,
    can_read: true,
    can_write: false,
    media_types: [STIX_MEDIA_TYPE],
  });
  const apiRoot = (req: Request) => `${req.protocol}://${req.get('host')}${req.baseUrl}/api/`;

  router.get(
    '/',
    route('discovery', async (req, res) => {
      send(res, 200, {
        title: 'Incident coordination hub',
        description: 'What you may see of the network’s incidents, in STIX 2.1',
        default: apiRoot(req),
        api_roots: [apiRoot(req)],
      });
    }),
  );
  router.get(
    '/api/',
    route('api-root', async (_req, res) => {
      send(res, 200, {
        title: 'Incident coordination hub',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: services.config.security.bodyLimitBytes,
      });
    }),
  );
  router.get(
    '/api/collections/',
    route('collections', async (_req, res, ctx) => {
      send(res, 200, { collections: readable(ctx).map(resource) });
    }),
  );
  router.get(
    '/api/collections/:collection/',
    route('collection', async (req, res, ctx) => {
      const info = readable(ctx).find((c) => c.id === req.params.collection || c.name === req.params.collection);
      if (!info) throw new TaxiiError(404, 'No such collection');
      send(res, 200, resource(info));
    }),
  );

  const page = async (req: Request, ctx: Context, viewer: Viewer) => {
    const collection = collectionOf(ctx, viewer, String(req.params.collection));
    const p = filtersOf(req);
    const items = await collection.items(p.filters, p.addedAfter, p.cursor, p.limit + 1);
    const more = items.length > p.limit;
    const shown = items.slice(0, p.limit);
    const next = more ? encodeNext({ position: items[p.limit].position, skip: items[p.limit].index }) : undefined;
    return { shown, more, next };
  };
  router.get(
    '/api/collections/:collection/objects/',
    route('objects', async (req, res, ctx, viewer) => {
      const { shown, more, next } = await page(req, ctx, viewer);
      send(res, 200, { more, ...(next ? { next } : {}), ...(shown.length ? { objects: shown.map((i) => i.object) } : {}) }, dateHeaders(shown));
    }),
  );
  router.get(
    '/api/collections/:collection/manifest/',
    route('manifest', async (req, res, ctx, viewer) => {
      const { shown, more, next } = await page(req, ctx, viewer);
      const objects = shown.map((i) => ({ id: i.object.id, date_added: i.dateAdded, version: i.version, media_type: STIX_MEDIA_TYPE }));
      send(res, 200, { more, ...(next ? { next } : {}), ...(objects.length ? { objects } : {}) }, dateHeaders(shown));
    }),
  );

  /** One object: every collection entry holding it (an identity may sit in several incidents), newest first kept once per version. */
  const oneObject = async (req: Request, ctx: Context, viewer: Viewer): Promise<Item[]> => {
    const collection = collectionOf(ctx, viewer, String(req.params.collection));
    const id = String(req.params.objectId);
    const p = filtersOf(req, id);
    const items = await collection.items(p.filters, p.addedAfter, null, Number.MAX_SAFE_INTEGER);
    if (items.length === 0) throw new TaxiiError(404, 'No such object');
    // The latest entry holding each version wins (its date_added is when this version was last sent).
    const byVersion = new Map<string, Item>();
    for (const i of items) byVersion.set(i.version, i);
    return [...byVersion.values()].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  };
  router.get(
    '/api/collections/:collection/objects/:objectId/',
    route('object', async (req, res, ctx, viewer) => {
      const items = await oneObject(req, ctx, viewer);
      send(res, 200, { more: false, objects: items.map((i) => i.object) }, dateHeaders(items));
    }),
  );
  router.get(
    '/api/collections/:collection/objects/:objectId/versions/',
    route('versions', async (req, res, ctx, viewer) => {
      const items = await oneObject(req, ctx, viewer);
      send(res, 200, { more: false, versions: items.map((i) => i.version) }, dateHeaders(items));
    }),
  );

  // Read-only collections: writing, deleting and anything else is not offered.
  router.all('/{*rest}', (req, res) => {
    if (req.method === 'GET') {
      send(res, 404, { title: 'Not a TAXII endpoint of this server', http_status: '404' });
      return;
    }
    res.setHeader('Allow', 'GET');
    send(res, 405, { title: 'The collections are read-only', http_status: '405' });
  });
  return router;
}
