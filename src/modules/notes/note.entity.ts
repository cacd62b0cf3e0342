import { Entity, PrimaryKey, Property, Enum, ManyToOne, Index } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';
import { AccountEntity, ApiKeyEntity } from '../accounts/account.entity';
import { IncidentEntity } from '../incidents/incident.entity';

export const NOTE_VISIBILITIES = ['INTERNAL', 'PARTICIPANTS', 'WITH_REPORTER'] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

/** A note on an incident; no version (notes are added and redacted, never edited). */
@Entity({ tableName: 'note' })
@Index({ name: 'note_incident', properties: ['incidentId', 'createdAt', 'id'] })
export class NoteEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @ManyToOne(() => IncidentEntity, { ...FK, fieldName: 'incident_id', foreignKeyName: 'note_incident_id_fkey' })
  incidentId!: string;
  @ManyToOne(() => AccountEntity, { ...FK, fieldName: 'author_account_id', foreignKeyName: 'note_author_account_id_fkey', nullable: true })
  authorAccountId?: string | null;
  @ManyToOne(() => ApiKeyEntity, { ...FK, fieldName: 'author_api_key_id', foreignKeyName: 'note_author_api_key_id_fkey', nullable: true })
  authorApiKeyId?: string | null;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'author_org_id', foreignKeyName: 'note_author_org_id_fkey' })
  authorOrgId!: string;
  @Enum({ items: [...NOTE_VISIBILITIES], columnType: 'text' }) visibility!: NoteVisibility;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) redactedAt?: Date | null;
  @ManyToOne(() => AccountEntity, { ...FK, fieldName: 'redacted_by_account_id', foreignKeyName: 'note_redacted_by_account_id_fkey', nullable: true })
  redactedByAccountId?: string | null;
  @ManyToOne(() => ApiKeyEntity, { ...FK, fieldName: 'redacted_by_api_key_id', foreignKeyName: 'note_redacted_by_api_key_id_fkey', nullable: true })
  redactedByApiKeyId?: string | null;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'redacted_by_org_id', foreignKeyName: 'note_redacted_by_org_id_fkey', nullable: true })
  redactedByOrgId?: string | null;
  @Property({ type: 'text', nullable: true }) redactionReason?: string | null;
}
