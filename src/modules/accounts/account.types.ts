import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay';
import { enumOf } from '../../graphql/enums';
import { MEMBER_ROLES, type MemberRole } from './account.entity';
import type { OrganizationKind } from '../organizations/organization.entity';
import { Organization, OrganizationKindEnum } from '../organizations/organization.types';
import { roleCapabilities } from '../../auth/capabilities';

export const MemberRoleEnum = enumOf(MEMBER_ROLES);
registerEnumType(MemberRoleEnum, { name: 'MemberRole' });

@ObjectType({ description: 'A role: the pair (organization kind, member role) and its capabilities, from the rulebook.' })
export class Role {
  @Field(() => OrganizationKindEnum) organizationKind!: OrganizationKind;
  @Field(() => MemberRoleEnum) memberRole!: MemberRole;
  @Field(() => [String]) capabilities!: string[];
}

export function toRole(kind: OrganizationKind, memberRole: MemberRole): Role {
  return { organizationKind: kind, memberRole, capabilities: [...roleCapabilities(kind, memberRole)] };
}

@ObjectType({ implements: Node })
export class Account extends Node {
  @Field() email!: string;
  @Field() displayName!: string;
  @Field() active!: boolean;
  @Field(() => Role) role!: Role;
  @Field(() => Organization) organization!: Organization;
}

@ObjectType('Viewer', { description: 'Who is calling: an account, or an API key of an organization.' })
export class ViewerInfo {
  @Field(() => Account, { nullable: true, description: 'null when the caller is an API key' }) account!: Account | null;
  @Field(() => Organization) organization!: Organization;
  @Field(() => Role) role!: Role;
  @Field(() => [String]) capabilities!: string[];
  @Field(() => String, { nullable: true, description: 'The API key id, when the caller is a key' }) apiKeyId!: string | null;
}

