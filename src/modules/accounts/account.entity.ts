import { Entity, PrimaryKey, Property, ArrayType } from '@mikro-orm/core';

export const MEMBER_ROLES = ['ADMIN', 'HANDLER', 'ANALYST', 'REPORTER'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

@Entity({ tableName: 'account' })
export class AccountEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'uuid', fieldName: 'organization_id' }) organizationId!: string;
  @Property({ type: 'text', unique: true }) email!: string;
  @Property({ type: 'text' }) displayName!: string;
  @Property({ type: 'text' }) memberRole!: MemberRole;
  @Property({ type: 'boolean' }) active = true;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ tableName: 'api_key' })
export class ApiKeyEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'uuid' }) organizationId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'blob', columnType: 'bytea', unique: true }) secretHash!: Buffer;
  /** The last characters of the secret, so an admin can tell keys apart without the secret. */
  @Property({ type: 'text' }) hint!: string;
  @Property({ type: ArrayType, columnType: 'text[]' }) capabilities: string[] = [];
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) expiresAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) revokedAt?: Date | null;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) lastUsedAt?: Date | null;
  @Property({ type: 'uuid', nullable: true }) createdByAccountId?: string | null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
}
