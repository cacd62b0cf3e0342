import path from 'node:path';
import { MikroORM, FlushMode, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { OrganizationEntity } from '../modules/organizations/organization.entity';
import { AccountEntity, ApiKeyEntity } from '../modules/accounts/account.entity';
import { IncidentEntity, IncidentParticipantEntity, IndicatorEntity, ReferenceCounterEntity } from '../modules/incidents/incident.entity';
import { DirectiveEntity, DirectiveTargetEntity } from '../modules/directives/directive.entity';
import { DomainFeedEntryEntity } from '../modules/registry/feed.entity';
import { NoteEntity } from '../modules/notes/note.entity';
import { IncidentEventEntity } from '../modules/timeline/event.entity';
import { MIGRATIONS } from './migrations';
import { NOTIFICATION_ENTITIES } from '../modules/notifications/notification.entity';

/** Every table of the schema has its entity (test/integration/orm/entities-match-schema.test.ts). */
export const ENTITIES = [
  OrganizationEntity,
  AccountEntity,
  ApiKeyEntity,
  IncidentEntity,
  IncidentParticipantEntity,
  IndicatorEntity,
  ReferenceCounterEntity,
  DirectiveEntity,
  DirectiveTargetEntity,
  NoteEntity,
  IncidentEventEntity,
  DomainFeedEntryEntity,
  ...NOTIFICATION_ENTITIES,
];

/** Where `npm run migration:create` writes new migrations (the sources, not dist/). */
export const MIGRATIONS_SOURCE_DIR = path.resolve(__dirname, '..', '..', 'src', 'db', 'migrations');

/**
 * MikroORM owns the schema: entities describe the tables, its migrator applies the committed
 * migrations and creates new ones from the difference between the entities and a migrated database.
 */
export function ormOptions(url: string, extra: Partial<Options> = {}): Options {
  return {
    clientUrl: url,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    // Commands flush where they mean to (before their events): no implicit flush before each query.
    flushMode: FlushMode.COMMIT,
    debug: false,
    // Migration progress goes through the hub's own logging, not the ORM's console logger.
    logger: () => undefined,
    migrations: {
      tableName: 'schema_migrations',
      transactional: true,
      allOrNothing: true,
      migrationsList: MIGRATIONS,
      pathTs: MIGRATIONS_SOURCE_DIR,
      path: MIGRATIONS_SOURCE_DIR,
      emit: 'ts',
      // The diff is taken against the migrated database itself: the committed migrations are its only source.
      snapshot: false,
    },
    ...extra,
  };
}

/** Applies pending migrations. Callers hold the bootstrap lock (see prepare.ts) so instances can start together. */
export async function migrate(url: string): Promise<string[]> {
  const orm = await MikroORM.init(ormOptions(url));
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}
