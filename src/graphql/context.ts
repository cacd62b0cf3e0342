import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { Db } from '../db/db';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { AuthzRecorder } from '../auth/rules';
import { createLoaders, type Loaders } from './loaders';

export interface Services {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
}

/** Per request (per subscription event, later): never shared between viewers. */
export interface Context extends Services {
  viewer: Viewer | null;
  authz: AuthzRecorder;
  loaders: Loaders;
  requestId: string;
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
