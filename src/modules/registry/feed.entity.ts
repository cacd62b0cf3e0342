import { Entity, Property, ManyToOne, Index } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';
import { IncidentEntity } from '../incidents/incident.entity';

/**
 * One row per (registry, incident) that has ever been in that registry's domain feed (DESIGN.md §3).
 * Maintained set-based in SQL by `refreshDomainFeeds` (src/modules/incidents/domain-feed.ts) with each event.
 */
@Entity({ tableName: 'domain_feed_entry' })
@Index({
  name: 'domain_feed_entry_position',
  expression: 'create unique index domain_feed_entry_position on domain_feed_entry (registry_org_id, position)',
})
export class DomainFeedEntryEntity {
  @ManyToOne(() => OrganizationEntity, {
    ...FK,
    primary: true,
    fieldName: 'registry_org_id',
    foreignKeyName: 'domain_feed_entry_registry_org_id_fkey',
  })
  registryOrgId!: string;
  @ManyToOne(() => IncidentEntity, { ...FK, primary: true, fieldName: 'incident_id', foreignKeyName: 'domain_feed_entry_incident_id_fkey' })
  incidentId!: string;
  /** Event position of the last change: the feed follows commit order. */
  @Property({ type: 'bigint' }) position!: string;
  /** A tombstone: the case left the feed. */
  @Property({ type: 'boolean' }) removed!: boolean;
}
