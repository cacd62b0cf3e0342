import { Field, ObjectType, Directive as SchemaDirective, registerEnumType } from 'type-graphql';
import { enumOf } from '../../graphql/enums';
import { ORGANIZATION_KINDS, type OrganizationKind } from './organization.entity';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import type { OrganizationRow } from './organization.repo';
// Defines ctx.loaders.organization for whoever presents organizations.
import './organization.loaders';
import type { Viewer } from '../../auth/viewer';
import { project } from '../../auth/projection';

export const OrganizationKindEnum = enumOf(ORGANIZATION_KINDS);
registerEnumType(OrganizationKindEnum, { name: 'OrganizationKind' });

@ObjectType()
export class OrganizationContactInfo {
  @Field(() => String, { nullable: true, description: '24/7 focal point' }) focalPoint!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true, description: 'Published address for incident reports' }) intakeEmail!: string | null;
}

@SchemaDirective('@key(fields: "id")')
@ObjectType({ implements: Node })
export class Organization extends Node {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => OrganizationKindEnum) kind!: OrganizationKind;
  @Field({ description: 'ISO 3166-1 alpha-2 (form 05 "foreign help" column)' }) country!: string;
  @Field() active!: boolean;
  @Field({ description: 'A person who reports on their own (a CONSTITUENT)' }) person!: boolean;
  @Field(() => OrganizationContactInfo, { nullable: true, description: 'Network members only' }) contact!: OrganizationContactInfo | null;
  @Field(() => [String], { description: 'Announced IP ranges (CIDR), used for routing' }) ipRanges!: string[];
  @Field(() => [String], { description: 'Announced ASNs (AS<n>)' }) asns!: string[];
  @Field(() => [String], { description: 'DNS zones it administers' }) zones!: string[];
}

export const OrganizationConnection = ConnectionType('Organization', Organization);

/** An organization as the viewer may read it (its row is visible by the caller's organization rule). */
export function toOrganization(viewer: Viewer, row: OrganizationRow): Organization {
  const projected = project('Organization', { viewer, view: 'FULL', facts: null, organization: row }, {
    id: toGlobalId('Organization', row.id),
    code: row.code,
    name: row.name,
    kind: row.kind,
    country: row.country,
    active: row.active,
    person: row.person,
    contact: {
      focalPoint: row.contact.focalPoint ?? null,
      phone: row.contact.phone ?? null,
      email: row.contact.email ?? null,
      intakeEmail: row.contact.intakeEmail ?? null,
    } as OrganizationContactInfo | null,
    ipRanges: row.ip_ranges,
    asns: row.asns.map((a) => `AS${a}`),
    zones: row.zones,
  });
  return Object.assign(new Organization(), projected);
}
