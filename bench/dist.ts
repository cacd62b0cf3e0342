import path from 'node:path';
import type * as Views from '../src/auth/views';
import type * as SqlModule from '../src/db/sql';
import type * as DbModule from '../src/db/db';
import type * as Embedded from '../src/db/embedded';
import type * as Prepare from '../src/app/prepare';
import type * as ConfigModule from '../src/config';
import type * as Bootstrap from '../src/app/bootstrap';
import type * as ClockModule from '../src/clock';
import type * as Tokens from '../src/auth/tokens';
import type * as IncidentRepo from '../src/modules/incidents/incident.repo';
import type * as Feed from '../src/modules/incidents/domain-feed';
import type * as Schema from '../src/app/schema';
import type * as ContextModule from '../src/graphql/context';
import type * as Authenticate from '../src/auth/authenticate';
import type * as Limits from '../src/app/limits';
import type * as Notifier from '../src/modules/notifications/notifier';
import type * as Compiled from '../src/graphql/compiled';

/**
 * The benchmark runs against the compiled hub (`dist/`, what `node dist/main.js` runs) and reuses its
 * SQL fragments from there; types come from the sources (type-only imports, erased at run time).
 */
export const ROOT = path.resolve(__dirname, '..');
export const DIST = path.join(ROOT, 'dist');

function load<T>(rel: string): T {
  return require(path.join(DIST, rel)) as T;
}

export const views = load<typeof Views>('auth/views.js');
export const sqlModule = load<typeof SqlModule>('db/sql.js');
export const dbModule = load<typeof DbModule>('db/db.js');
export const embedded = load<typeof Embedded>('db/embedded.js');
export const prepare = load<typeof Prepare>('app/prepare.js');
export const configModule = load<typeof ConfigModule>('config.js');
export const bootstrap = load<typeof Bootstrap>('app/bootstrap.js');
export const clockModule = load<typeof ClockModule>('clock.js');
export const tokens = load<typeof Tokens>('auth/tokens.js');
export const incidentRepo = load<typeof IncidentRepo>('modules/incidents/incident.repo.js');
export const feed = load<typeof Feed>('modules/incidents/domain-feed.js');
/** Loaded lazily: building the schema pulls in every resolver (only the statement capture needs it). */
export const schemaModule = (): typeof Schema => {
  require('reflect-metadata');
  return load<typeof Schema>('app/schema.js');
};
export const contextModule = (): typeof ContextModule => load<typeof ContextModule>('graphql/context.js');
export const authenticate = (): typeof Authenticate => load<typeof Authenticate>('auth/authenticate.js');
/** Lazily, after the schema (its modules register the compiled roots). */
export const compiledModule = (): typeof Compiled => load<typeof Compiled>('graphql/compiled.js');
/** Lazily, like the schema: the limits module pulls in the federation types. */
export const limitsModule = (): typeof Limits => {
  require('reflect-metadata');
  return load<typeof Limits>('app/limits.js');
};

/** Lazily: the notifier pulls in pg-boss and the mailer. */
export const notifierModule = (): typeof Notifier => load<typeof Notifier>('modules/notifications/notifier.js');

export type Sql = SqlModule.Sql;
export type Viewer = Parameters<typeof Views.incidentVisibleSql>[0];
export type Db = DbModule.Db;
