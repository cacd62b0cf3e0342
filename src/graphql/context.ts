import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { Db } from '../db/db';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { AuthzRecorder } from '../auth/rules';
import { createLoaders, type Loaders } from './loaders';

/**
 * What every request can reach. Modules add their own services by declaration merging (the
 * subscriptions module adds `subscriptions`), so the toolkit imports no module.
 */
export interface Services {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
}

/** The WebSocket a subscription runs on: its current viewer (role changes apply) and a way to close it. */
export interface Connection {
  viewer(): Viewer;
  close(code: number, reason: string): void;
}

/** Per request (per subscription event, later): never shared between viewers. */
export interface Context extends Services {
  viewer: Viewer | null;
  authz: AuthzRecorder;
  loaders: Loaders;
  requestId: string;
  connection?: Connection;
}

export function createContext(services: Services, viewer: Viewer | null, requestId: string): Context {
  return {
    ...services,
    viewer,
    authz: new AuthzRecorder(viewer),
    loaders: createLoaders(services.db, viewer),
    requestId,
  };
}

/** For resolvers behind a rule: the middleware has already refused anonymous calls. */
export function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw new Error('viewer missing behind a rule');
  return ctx.viewer;
}

/** A subscription's context, renewed before each delivered event: fresh loaders, the current viewer and role. */
export function renewForEvent(ctx: Context): void {
  const viewer = ctx.connection ? ctx.connection.viewer() : ctx.viewer;
  ctx.viewer = viewer;
  ctx.authz = new AuthzRecorder(viewer);
  ctx.loaders = createLoaders(ctx.db, viewer);
}
