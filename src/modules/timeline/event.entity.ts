import { OptionalProps, Entity, PrimaryKey, Property, JsonType, ManyToOne, Index } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';
import { AccountEntity, ApiKeyEntity } from '../accounts/account.entity';
import { IncidentEntity } from '../incidents/incident.entity';
import { DirectiveEntity } from '../directives/directive.entity';
import { NoteEntity } from '../notes/note.entity';

/**
 * The timeline: append-only (a trigger refuses updates and deletes). Rows are inserted by
 * `appendEvents` in SQL, not through this entity: `position` comes from the `incident_event_position`
 * sequence under a transaction-level advisory lock, so position order is commit order.
 */
@Entity({ tableName: 'incident_event' })
@Index({ name: 'incident_event_incident', properties: ['incidentId', 'position'] })
@Index({ name: 'incident_event_committed_at', properties: ['committedAt'] })
export class IncidentEventEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'data' | 'committedAt';
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'bigint', unique: 'incident_event_position_key' }) position!: string;
  @ManyToOne(() => IncidentEntity, { ...FK, fieldName: 'incident_id', foreignKeyName: 'incident_event_incident_id_fkey' })
  incidentId!: string;
  @ManyToOne(() => DirectiveEntity, { ...FK, fieldName: 'directive_id', foreignKeyName: 'incident_event_directive_id_fkey', nullable: true })
  directiveId?: string | null;
  @ManyToOne(() => NoteEntity, { ...FK, fieldName: 'note_id', foreignKeyName: 'incident_event_note_id_fkey', nullable: true })
  noteId?: string | null;
  @Property({ type: 'text' }) type!: string;
  @ManyToOne(() => AccountEntity, { ...FK, fieldName: 'actor_account_id', foreignKeyName: 'incident_event_actor_account_id_fkey', nullable: true })
  actorAccountId?: string | null;
  @ManyToOne(() => ApiKeyEntity, { ...FK, fieldName: 'actor_api_key_id', foreignKeyName: 'incident_event_actor_api_key_id_fkey', nullable: true })
  actorApiKeyId?: string | null;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'actor_org_id', foreignKeyName: 'incident_event_actor_org_id_fkey', nullable: true })
  actorOrgId?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) occurredAt!: Date;
  /** Set by the `incident_event_commit_time` trigger: commit-ordered, for TAXII's `date_added`. */
  @Property({ type: 'Date', columnType: 'timestamptz' }) committedAt!: Date;
  @Property({ type: JsonType, defaultRaw: `'{}'::jsonb` }) data: Record<string, unknown> = {};
}
