import { Entity, PrimaryKey, Property, JsonType } from '@mikro-orm/core';

@Entity({ tableName: 'incident_event' })
export class IncidentEventEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'bigint', unique: true }) position!: string;
  @Property({ type: 'uuid' }) incidentId!: string;
  @Property({ type: 'uuid', nullable: true }) directiveId?: string | null;
  @Property({ type: 'uuid', nullable: true }) noteId?: string | null;
  @Property({ type: 'text' }) type!: string;
  @Property({ type: 'uuid', nullable: true }) actorAccountId?: string | null;
  @Property({ type: 'uuid', nullable: true }) actorApiKeyId?: string | null;
  @Property({ type: 'uuid', nullable: true }) actorOrgId?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) occurredAt!: Date;
  @Property({ type: JsonType }) data: Record<string, unknown> = {};
}
