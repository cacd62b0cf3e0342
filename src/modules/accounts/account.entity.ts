import { OptionalProps, Entity, PrimaryKey, Property, ArrayType, Enum, ManyToOne, Check, Index } from '@mikro-orm/core';
import { FK } from '../../db/entity-options';
import { OrganizationEntity } from '../organizations/organization.entity';

export const MEMBER_ROLES = ['ADMIN', 'HANDLER', 'ANALYST', 'REPORTER'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

@Entity({ tableName: 'account' })
@Index({ name: 'account_organization', properties: ['organizationId'] })
export class AccountEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'active';
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'organization_id', foreignKeyName: 'account_organization_id_fkey' })
  organizationId!: string;
  @Property({ type: 'text', unique: 'account_email_key' })
  @Check({ name: 'account_email_check', expression: '(email = lower(email))' })
  email!: string;
  @Property({ type: 'text' }) displayName!: string;
  @Enum({ items: [...MEMBER_ROLES], columnType: 'text' }) memberRole!: MemberRole;
  @Property({ type: 'boolean', default: true }) active = true;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ tableName: 'api_key' })
@Index({ name: 'api_key_organization', properties: ['organizationId'] })
export class ApiKeyEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'capabilities';
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @ManyToOne(() => OrganizationEntity, { ...FK, fieldName: 'organization_id', foreignKeyName: 'api_key_organization_id_fkey' })
  organizationId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'blob', columnType: 'bytea', unique: 'api_key_secret_hash_key' }) secretHash!: Buffer;
  /** The last characters of the secret, so an admin can tell keys apart without the secret. */
  @Property({ type: 'text' }) hint!: string;
  @Property({ type: ArrayType, columnType: 'text[]' }) capabilities: string[] = [];
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) expiresAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) revokedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) lastUsedAt?: Date | null;
  @ManyToOne(() => AccountEntity, { ...FK, fieldName: 'created_by_account_id', foreignKeyName: 'api_key_created_by_account_id_fkey', nullable: true })
  createdByAccountId?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
}
