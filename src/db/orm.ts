import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { OrganizationEntity } from '../modules/organizations/organization.entity';
import { AccountEntity, ApiKeyEntity } from '../modules/accounts/account.entity';
import { IncidentEntity, IndicatorEntity, ReferenceCounterEntity } from '../modules/incidents/incident.entity';
import { DirectiveEntity } from '../modules/directives/directive.entity';
import { NoteEntity } from '../modules/notes/note.entity';
import { IncidentEventEntity } from '../modules/timeline/event.entity';
import { Migration20261121000000_initial } from './migrations/Migration20261121000000_initial';
import { Migration20261121010000_domain_feed } from './migrations/Migration20261121010000_domain_feed';
import { Migration20261121020000_query_indexes } from './migrations/Migration20261121020000_query_indexes';
import { Migration20261207000000_reported_indicators } from './migrations/Migration20261207000000_reported_indicators';
import { Migration20261207100000_notifications } from './migrations/Migration20261207100000_notifications';
import { NOTIFICATION_ENTITIES } from '../modules/notifications/notification.entity';

export const ENTITIES = [
  OrganizationEntity, AccountEntity, ApiKeyEntity, IncidentEntity, IndicatorEntity, ReferenceCounterEntity,
  DirectiveEntity, NoteEntity, IncidentEventEntity, ...NOTIFICATION_ENTITIES,
];

/**
 * MikroORM owns the schema: entities describe the tables and its migrator applies the committed
 * migrations (listed here, so they run the same from dist/ and from sources under test).
 */
export function ormOptions(url: string): Options {
  return {
    clientUrl: url,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: true,
    debug: false,
    // Migration progress goes through the hub's own logging, not the ORM's console logger.
    logger: () => undefined,
    migrations: {
      tableName: 'schema_migrations',
      transactional: true,
      allOrNothing: true,
      migrationsList: [
        { name: 'Migration20261121000000_initial', class: Migration20261121000000_initial },
        { name: 'Migration20261121010000_domain_feed', class: Migration20261121010000_domain_feed },
        { name: 'Migration20261121020000_query_indexes', class: Migration20261121020000_query_indexes },
        { name: 'Migration20261207000000_reported_indicators', class: Migration20261207000000_reported_indicators },
        { name: 'Migration20261207100000_notifications', class: Migration20261207100000_notifications },
      ],
    },
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
