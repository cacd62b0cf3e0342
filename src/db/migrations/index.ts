// Written by `npm run migration:create` (src/scripts/create-migration.ts) from the files of this folder.
// Listed rather than discovered, so that they run the same from dist/ and from sources under test.
import { Migration20261121000000_initial } from './Migration20261121000000_initial';
import { Migration20261121010000_domain_feed } from './Migration20261121010000_domain_feed';
import { Migration20261121020000_query_indexes } from './Migration20261121020000_query_indexes';
import { Migration20261207000000_reported_indicators } from './Migration20261207000000_reported_indicators';
import { Migration20261207100000_notifications } from './Migration20261207100000_notifications';
import { Migration20261207130000_event_commit_time } from './Migration20261207130000_event_commit_time';

export const MIGRATIONS = [
  { name: 'Migration20261121000000_initial', class: Migration20261121000000_initial },
  { name: 'Migration20261121010000_domain_feed', class: Migration20261121010000_domain_feed },
  { name: 'Migration20261121020000_query_indexes', class: Migration20261121020000_query_indexes },
  { name: 'Migration20261207000000_reported_indicators', class: Migration20261207000000_reported_indicators },
  { name: 'Migration20261207100000_notifications', class: Migration20261207100000_notifications },
  { name: 'Migration20261207130000_event_commit_time', class: Migration20261207130000_event_commit_time },
];
