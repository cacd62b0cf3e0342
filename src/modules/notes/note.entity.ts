import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

export const NOTE_VISIBILITIES = ['INTERNAL', 'PARTICIPANTS', 'WITH_REPORTER'] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

@Entity({ tableName: 'note' })
export class NoteEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'uuid' }) incidentId!: string;
  @Property({ type: 'uuid', nullable: true }) authorAccountId?: string | null;
  @Property({ type: 'uuid', nullable: true }) authorApiKeyId?: string | null;
  @Property({ type: 'uuid' }) authorOrgId!: string;
  @Property({ type: 'text' }) visibility!: NoteVisibility;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) redactedAt?: Date | null;
  @Property({ type: 'uuid', nullable: true }) redactedByAccountId?: string | null;
  @Property({ type: 'uuid', nullable: true }) redactedByApiKeyId?: string | null;
  @Property({ type: 'uuid', nullable: true }) redactedByOrgId?: string | null;
  @Property({ type: 'text', nullable: true }) redactionReason?: string | null;
}
