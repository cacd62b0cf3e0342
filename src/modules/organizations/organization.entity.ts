import { OptionalProps, Entity, PrimaryKey, Property, ArrayType, JsonType, Enum, Check, Index } from '@mikro-orm/core';

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

/** The table as the migrations create it (test/integration/orm/entities-match-schema.test.ts compares them). */
@Entity({ tableName: 'organization' })
@Check({ name: 'organization_check', expression: "((NOT person) OR (kind = 'CONSTITUENT'::text))" })
// Exactly one coordinator.
@Index({
  name: 'organization_one_coordinator',
  expression: "create unique index organization_one_coordinator on organization ((true)) where kind = 'COORDINATOR'",
})
export class OrganizationEntity {
  /** Have defaults: optional when creating. */
  [OptionalProps]?: 'person' | 'country' | 'contact' | 'ipRanges' | 'asns' | 'zones' | 'active';
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'text', unique: 'organization_code_key' })
  @Check({ name: 'organization_code_check', expression: "(code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'::text)" })
  code!: string;
  @Property({ type: 'text' }) name!: string;
  @Enum({ items: [...ORGANIZATION_KINDS], columnType: 'text' }) kind!: OrganizationKind;
  @Property({ type: 'boolean', default: false }) person = false;
  @Property({ type: 'string', columnType: 'char(2)', default: 'VN' }) country = 'VN';
  @Property({ type: JsonType, defaultRaw: `'{}'::jsonb` }) contact: OrganizationContact = {};
  @Property({ type: ArrayType, columnType: 'cidr[]', defaultRaw: `'{}'::cidr[]` }) ipRanges: string[] = [];
  @Property({ type: ArrayType, columnType: 'bigint[]', defaultRaw: `'{}'::bigint[]` }) asns: string[] = [];
  @Property({ type: ArrayType, columnType: 'text[]', defaultRaw: `'{}'::text[]` }) zones: string[] = [];
  @Property({ type: 'boolean', default: true }) active = true;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}
