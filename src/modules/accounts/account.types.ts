import { Field, InputType, ObjectType, ID, registerEnumType } from 'type-graphql';
import { Length, MaxLength } from 'class-validator';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { notFound } from '../../graphql/errors';
import { IsEmailAddress } from '../../graphql/validators';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import { enumOf } from '../../graphql/enums';
import { project } from '../../auth/projection';
import { roleCapabilities } from '../../auth/capabilities';
import { MEMBER_ROLES, type MemberRole } from './account.entity';
import type { AccountRow } from './account.repo';
import type { OrganizationKind } from '../organizations/organization.entity';
import { Organization, OrganizationKindEnum, toOrganization } from '../organizations/organization.types';

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

@InputType({ description: 'A new account in the caller’s own organization' })
export class CreateAccountInput {
  @Field({ description: 'Unique across the hub; stored in lower case' }) @IsEmailAddress() @MaxLength(254) email!: string;
  @Field() @Length(1, 200) displayName!: string;
  @Field(() => MemberRoleEnum, { description: 'Must be a member role of the organization’s kind' }) role!: MemberRole;
}

@InputType()
export class SetAccountActiveInput {
  @Field(() => ID) id!: string;
  @Field() active!: boolean;
}

@InputType()
export class SetAccountRoleInput {
  @Field(() => ID) id!: string;
  @Field(() => MemberRoleEnum) role!: MemberRole;
}

@ObjectType()
export class AccountPayload {
  @Field(() => Account) account!: Account;
}

export const AccountConnection = ConnectionType('Account', Account);

/** An account as the viewer reads it (its row is visible by accountVisibleSql). */
export async function presentAccount(ctx: Context, row: AccountRow): Promise<Account> {
  const org = await ctx.loaders.organization.load(row.organization_id);
  if (!org) throw notFound('Account');
  const viewer = viewerOf(ctx);
  // A class instance, so the Node interface resolves its type.
  return Object.assign(
    new Account(),
    project(
      'Account',
      { viewer, view: 'FULL', facts: null, organization: org },
      {
        id: toGlobalId('Account', row.id),
        email: row.email,
        displayName: row.display_name,
        active: row.active,
        role: toRole(org.kind, row.member_role),
        organization: toOrganization(viewer, org),
      },
    ),
  );
}
