import { Field, InputType, ObjectType, Directive as SchemaDirective, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { IsEmailAddress } from '../../graphql/validators';
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
  const projected = project(
    'Organization',
    { viewer, view: 'FULL', facts: null, organization: row },
    {
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
    },
  );
  return Object.assign(new Organization(), projected);
}

@InputType({ description: 'Omitted fields stay as they are; null removes a field' })
export class OrganizationContactInput {
  @Field(() => String, { nullable: true, description: '24/7 focal point' }) @IsOptional() @MaxLength(200) focalPoint?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(3, 40) phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsEmailAddress() @MaxLength(254) email?: string | null;
  @Field(() => String, { nullable: true, description: 'Published address for incident reports' })
  @IsOptional()
  @IsEmailAddress()
  @MaxLength(254)
  intakeEmail?: string | null;
}

@InputType({ description: 'An ADMIN account created with the organization' })
export class OrganizationAdminInput {
  @Field() @IsEmailAddress() @MaxLength(254) email!: string;
  @Field() @Length(1, 200) displayName!: string;
}

@InputType({
  description:
    'createOrganization: code, name and kind required. updateOrganization: the organization by code; omitted fields stay as they are, given lists replace the stored ones.',
})
export class OrganizationInput {
  @Field({ description: 'Unique code, e.g. VNPT (upper case, digits, hyphens)' }) @MaxLength(32) code!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 300) name?: string | null;
  @Field(() => OrganizationKindEnum, { nullable: true, description: 'There is exactly one COORDINATOR' }) kind?: OrganizationKind | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2; VN when omitted on creation' }) @IsOptional() @MaxLength(2) country?:
    string | null;
  @Field(() => Boolean, { nullable: true, description: 'A person who reports on their own (CONSTITUENT only)' }) person?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'An inactive organization’s accounts and keys cannot authenticate' }) active?: boolean | null;
  @Field(() => [String], { nullable: true, description: 'Announced ranges (CIDR, no host bits); stored canonical' })
  @IsOptional()
  @ArrayMaxSize(1024)
  @MaxLength(64, { each: true })
  ipRanges?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Announced ASNs, AS<n> or <n>' })
  @IsOptional()
  @ArrayMaxSize(256)
  @MaxLength(16, { each: true })
  asns?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'DNS zones it administers (stored in ASCII)' })
  @IsOptional()
  @ArrayMaxSize(256)
  @MaxLength(253, { each: true })
  zones?: string[] | null;
  @Field(() => OrganizationContactInput, { nullable: true }) @IsOptional() @ValidateNested() contact?: OrganizationContactInput | null;
  @Field(() => OrganizationAdminInput, {
    nullable: true,
    description: 'An ADMIN account to create in the organization: on creation, or later only when it has no active ADMIN left',
  })
  @IsOptional()
  @ValidateNested()
  admin?: OrganizationAdminInput | null;
}

@ObjectType()
export class OrganizationPayload {
  @Field(() => Organization) organization!: Organization;
}
