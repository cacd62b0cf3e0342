import { Resolver, Query, Mutation, Arg, Ctx, Int, FieldResolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { toGlobalId } from '../../graphql/relay';
import { ORGANIZATION_KINDS } from '../organizations/organization.entity';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import { Organization, toOrganization } from '../organizations/organization.types';
import * as accounts from './account.service';
import {
  AccountConnection,
  AccountPayload,
  CreateAccountInput,
  Role,
  SetAccountActiveInput,
  SetAccountRoleInput,
  ViewerInfo,
  toRole,
} from './account.types';

const ACCOUNTS = { capability: 'ORG_ADMIN' } as const;

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'The caller: account or API key, organization, role and capabilities' })
  @Rule({ anyViewer: 'describes only the caller itself' })
  async viewer(@Ctx() ctx: Context): Promise<ViewerInfo> {
    const viewer = viewerOf(ctx);
    const org = await ctx.loaders.organization.load(viewer.organization.id);
    const account = viewer.principal.type === 'ACCOUNT' ? await accounts.accountNode(ctx, viewer.principal.id) : null;
    return {
      account,
      organization: toOrganization(viewer, org!),
      role: toRole(viewer.organization.kind, viewer.memberRole),
      capabilities: [...viewer.capabilities].sort(),
      apiKeyId: viewer.principal.type === 'API_KEY' ? toGlobalId('ApiKey', viewer.principal.id) : null,
    };
  }

  @Query(() => [Role], { description: 'Every role of the rulebook with its capabilities' })
  @Rule({ anyViewer: 'the rulebook itself is public to every authenticated principal' })
  roles(): Role[] {
    return ORGANIZATION_KINDS.flatMap((kind) => MEMBER_ROLES_BY_KIND[kind].map((role) => toRole(kind, role)));
  }
}

/** Accounts, managed by their organization's ADMINs, and `Organization.accounts`. */
@Resolver(() => Organization)
export class AccountResolver {
  @Mutation(() => AccountPayload, { description: 'An ADMIN creates an account in its own organization' })
  @Rule(ACCOUNTS)
  async createAccount(@Arg('input', () => CreateAccountInput) input: CreateAccountInput, @Ctx() ctx: Context): Promise<AccountPayload> {
    return { account: await accounts.createAccount(ctx, input) };
  }

  @Mutation(() => AccountPayload, { description: 'Takes effect on the account’s next request; an ADMIN cannot deactivate itself' })
  @Rule(ACCOUNTS)
  async setAccountActive(@Arg('input', () => SetAccountActiveInput) input: SetAccountActiveInput, @Ctx() ctx: Context): Promise<AccountPayload> {
    return { account: await accounts.setAccountActive(ctx, input) };
  }

  @Mutation(() => AccountPayload, { description: 'Takes effect on the account’s next request; an ADMIN cannot demote itself' })
  @Rule(ACCOUNTS)
  async setAccountRole(@Arg('input', () => SetAccountRoleInput) input: SetAccountRoleInput, @Ctx() ctx: Context): Promise<AccountPayload> {
    return { account: await accounts.setAccountRole(ctx, input) };
  }

  @FieldResolver(() => AccountConnection, { description: 'Visible within the organization itself and to the coordinator; empty otherwise' })
  async accounts(
    @Root() org: Organization,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return accounts.organizationAccounts(ctx, org.id, { first, after });
  }
}
