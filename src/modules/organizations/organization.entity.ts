import { Entity, PrimaryKey, Property, ArrayType, JsonType } from '@mikro-orm/core';

export const ORGANIZATION_KINDS = [
  'COORDINATOR',
  'REGISTRY',
  'ISP',
  'AGENCY_IT',
  'RESPONSE_PARTNER',
  'LAW_ENFORCEMENT',
  'REGULATOR',
  'CONSTITUENT',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export interface OrganizationContact {
  focalPoint?: string;
  phone?: string;
  email?: string;
  intakeEmail?: string;
  address?: string;
}

@Entity({ tableName: 'organization' })
export class OrganizationEntity {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'text', unique: true }) code!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) kind!: OrganizationKind;
  @Property({ type: 'boolean' }) person = false;
  @Property({ type: 'string', columnType: 'char(2)' }) country = 'VN';
  @Property({ type: JsonType }) contact: OrganizationContact = {};
  @Property({ type: ArrayType, columnType: 'cidr[]', fieldName: 'ip_ranges' }) ipRanges: string[] = [];
  @Property({ type: ArrayType, columnType: 'bigint[]' }) asns: string[] = [];
  @Property({ type: ArrayType, columnType: 'text[]' }) zones: string[] = [];
  @Property({ type: 'boolean' }) active = true;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}
