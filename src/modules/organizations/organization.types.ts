import { Field, ObjectType, Directive as SchemaDirective } from 'type-graphql';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import { OrganizationKindEnum } from '../../graphql/enums';
import type { OrganizationKind } from './organization.entity';
import type { OrganizationRow } from './organization.repo';
import type { Viewer } from '../../auth/viewer';
import { canSeeOrganizationContact } from '../../auth/policy';

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

export function toOrganization(viewer: Viewer, row: OrganizationRow): Organization {
  const org = new Organization();
  org.id = toGlobalId('Organization', row.id);
  org.code = row.code;
  org.name = row.name;
  org.kind = row.kind;
  org.country = row.country;
  org.active = row.active;
  org.person = row.person;
  org.contact = canSeeOrganizationContact(viewer, row)
    ? {
        focalPoint: row.contact.focalPoint ?? null,
        phone: row.contact.phone ?? null,
        email: row.contact.email ?? null,
        intakeEmail: row.contact.intakeEmail ?? null,
      }
    : null;
  org.ipRanges = row.ip_ranges;
  org.asns = row.asns.map((a) => `AS${a}`);
  org.zones = row.zones;
  return org;
}

