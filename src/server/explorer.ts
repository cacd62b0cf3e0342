/**
 * In-browser GraphQL explorer (GraphiQL 3) served from this server only: every
 * script, stylesheet and font comes from our own origin, so the page works
 * offline and under a strict CSP with no inline scripts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { DEMO_ACCOUNTS_PATH, DEMO_TOKEN_PATH } from './demo-accounts';

/**
 * CSP for the explorer page.
 * - script-src 'self': all JS is served from /explorer-assets; no inline or eval needed.
 * - style-src 'unsafe-inline': GraphiQL's dependencies (Radix UI / react-remove-scroll,
 *   framer-motion, CodeMirror) inject <style> elements and style attributes at runtime.
 * - img-src/font-src data:: graphiql.min.css embeds its fonts and images as data: URLs.
 * - connect-src ws: wss:: subscriptions use graphql-ws on the same path; older browsers
 *   do not treat ws(s) as matching 'self'.
 */
export const EXPLORER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Where the assets are mounted, relative to the router's mount point. */
const ASSET_PREFIX = '/explorer-assets';

/** Media types a GraphQL-over-HTTP client asks for; the explorer must not shadow them. */
const GRAPHQL_MEDIA_TYPES = ['application/graphql-response+json', 'application/json'];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  index: number;
}

/** Parses an Accept header into media ranges (parameters other than q are ignored). */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  header.split(',').forEach((part, index) => {
    const [mediaType = '', ...params] = part.split(';').map((s) => s.trim());
    const [type, subtype] = mediaType.toLowerCase().split('/');
    if (!type || !subtype) return;
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*([0-9.]+)$/i.exec(param);
      if (match?.[1] !== undefined) {
        const parsed = Number(match[1]);
        if (Number.isFinite(parsed)) q = Math.min(Math.max(parsed, 0), 1);
      }
    }
    ranges.push({ type, subtype, q, index });
  });
  return ranges;
}

interface Preference {
  q: number;
  /** 2 = exact type/subtype, 1 = type/*, 0 = *\/*, -1 = not acceptable at all. */
  specificity: number;
  index: number;
}

/** RFC 9110 §12.5.1: a media type's quality comes from the most specific range that matches it. */
function preferenceFor(mediaType: string, ranges: MediaRange[]): Preference {
  const [type, subtype] = mediaType.split('/');
  let best: Preference = { q: 0, specificity: -1, index: Number.MAX_SAFE_INTEGER };
  for (const r of ranges) {
    let specificity: number;
    if (r.type === type && r.subtype === subtype) specificity = 2;
    else if (r.type === type && r.subtype === '*') specificity = 1;
    else if (r.type === '*' && r.subtype === '*') specificity = 0;
    else continue;
    if (specificity > best.specificity) best = { q: r.q, specificity, index: r.index };
  }
  return best;
}

/** Strict "a is preferred over b": higher q, then a more specific match, then listed earlier. */
function isPreferred(a: Preference, b: Preference): boolean {
  if (a.q !== b.q) return a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  return a.index < b.index;
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function hasQueryParam(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url, 'http://localhost').searchParams.has('query');
  } catch {
    return false;
  }
}

/**
 * True when the request is a browser navigating to the GraphQL path (GET that prefers
 * text/html), false for GraphQL-over-HTTP GETs. `url`/`originalUrl` are optional so plain
 * `{ method, headers }` objects work; an Express request passes them, and a `query`
 * parameter then always means a GraphQL GET operation.
 */
export function wantsExplorer(req: {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  url?: string;
  originalUrl?: string;
}): boolean {
  if (req.method.toUpperCase() !== 'GET') return false;
  if (hasQueryParam(req.originalUrl ?? req.url)) return false;
  const accept = headerValue(req.headers['accept']);
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const html = preferenceFor('text/html', ranges);
  if (html.q <= 0) return false;
  // `*/*` alone (curl, fetch defaults) ties and so goes to the GraphQL handler.
  return GRAPHQL_MEDIA_TYPES.every((t) => isPreferred(html, preferenceFor(t, ranges)));
}

interface Asset {
  body: Buffer;
  contentType: string;
  /** Short content hash, used in the asset URL so a long cache lifetime is safe. */
  version: string;
  gzipped?: Buffer;
}

/**
 * Our own explorer.js/explorer.css: tsc does not copy them to dist/, so look next to this
 * file (running from src/ via swc) and in the source tree (running from dist/server/).
 */
function ownAssetsDir(): string {
  const candidates = [path.join(__dirname, 'explorer-assets'), path.join(__dirname, '..', '..', 'src', 'server', 'explorer-assets')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'explorer.js')));
  if (!found) throw new Error(`explorer assets not found; looked in ${candidates.join(', ')}`);
  return found;
}

/** React's package "exports" map hides umd/, so resolve its package.json and join from there. */
function resolveUmd(pkg: 'react' | 'react-dom', file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'umd', file);
}

function loadAsset(file: string, contentType: string): Asset {
  const body = readFileSync(file);
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { body, contentType, version };
}

/** Files are read once at startup; the table is keyed by the public file name. */
function loadAssets(): Map<string, Asset> {
  const js = 'application/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  const own = ownAssetsDir();
  return new Map<string, Asset>([
    ['react.production.min.js', loadAsset(resolveUmd('react', 'react.production.min.js'), js)],
    ['react-dom.production.min.js', loadAsset(resolveUmd('react-dom', 'react-dom.production.min.js'), js)],
    ['graphiql.min.js', loadAsset(require.resolve('graphiql/graphiql.min.js'), js)],
    ['graphiql.min.css', loadAsset(require.resolve('graphiql/graphiql.min.css'), css)],
    ['explorer.js', loadAsset(path.join(own, 'explorer.js'), js)],
    ['explorer.css', loadAsset(path.join(own, 'explorer.css'), css)],
  ]);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderPage(baseUrl: string, graphqlPath: string, assets: Map<string, Asset>, demoAccounts: boolean): string {
  const href = (name: string): string => {
    const asset = assets.get(name);
    if (!asset) throw new Error(`unknown explorer asset ${name}`);
    return escapeHtml(`${baseUrl}${ASSET_PREFIX}/${name}?v=${asset.version}`);
  };
  // Only a development hub with the demo data tells the page where its demo-account picker lives.
  const demo = demoAccounts
    ? ` data-demo-accounts="${escapeHtml(baseUrl + DEMO_ACCOUNTS_PATH)}" data-demo-token="${escapeHtml(baseUrl + DEMO_TOKEN_PATH)}"`
    : '';
  // Scripts are `defer`red: they run in document order once the container div exists.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphQL explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${href('graphiql.min.css')}">
<link rel="stylesheet" href="${href('explorer.css')}">
<script defer src="${href('react.production.min.js')}"></script>
<script defer src="${href('react-dom.production.min.js')}"></script>
<script defer src="${href('graphiql.min.js')}"></script>
<script defer src="${href('explorer.js')}"></script>
</head>
<body>
<div id="explorer">
<div id="graphiql" data-graphql-path="${escapeHtml(baseUrl + graphqlPath)}"${demo}>Loading GraphQL explorer…</div>
</div>
<noscript>The GraphQL explorer needs JavaScript.</noscript>
</body>
</html>
`;
}

function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/i.test(headerValue(req.headers['accept-encoding']));
}

/**
 * Serves the explorer page on GET `graphqlPath` (browser navigations only; everything else
 * falls through to the GraphQL handler via next()) and its assets under /explorer-assets/.
 * Mount it before the GraphQL middleware, e.g. `app.use(explorerRouter({ graphqlPath: '/graphql' }))`.
 * `demoAccounts`: the development-only picker's endpoints (demo-accounts.ts), null everywhere else.
 */
export function explorerRouter(opts: { graphqlPath: string; demoAccounts?: Router | null }): Router {
  const assets = loadAssets();
  const router = express.Router();
  if (opts.demoAccounts) router.use(opts.demoAccounts);

  router.get(`${ASSET_PREFIX}/:name`, (req: Request, res: Response, next: NextFunction) => {
    // Express 5 types params as string | string[] (wildcards); `:name` is always a string.
    const name = req.params['name'];
    const asset = typeof name === 'string' ? assets.get(name) : undefined;
    if (!asset) {
      next();
      return;
    }
    res.setHeader('Content-Type', asset.contentType);
    // URLs carry a content hash (?v=), so the files can be cached for a year.
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Vary', 'Accept-Encoding');
    if (acceptsGzip(req)) {
      // graphiql.min.js is ~3.5 MB (not really minified); compress once, lazily, and reuse.
      asset.gzipped ??= gzipSync(asset.body);
      res.setHeader('Content-Encoding', 'gzip');
      res.send(asset.gzipped);
    } else {
      res.send(asset.body);
    }
  });

  router.get(opts.graphqlPath, (req: Request, res: Response, next: NextFunction) => {
    // The same URL answers HTML or GraphQL depending on Accept, so caches must key on it.
    res.vary('Accept');
    if (!wantsExplorer(req)) {
      next();
      return;
    }
    res.setHeader('Content-Security-Policy', EXPLORER_CSP);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.send(renderPage(req.baseUrl, opts.graphqlPath, assets, Boolean(opts.demoAccounts)));
  });

  return router;
}
