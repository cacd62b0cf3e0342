import { Resolver, Mutation, Query, Arg, Ctx, Int, FieldResolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { notFound } from '../../graphql/errors';
import { Organization, toOrganization } from '../organizations/organization.types';
import { OrganizationInput, OrganizationPayload } from '../organizations/organization.admin.types';
import * as orgs from '../organizations/organization.admin';
import * as admin from './admin.service';
import {
  AccountConnection, AccountPayload, ApiKeyConnection, CreateAccountInput, CreateApiKeyInput, CreateApiKeyPayload,
  RevokeApiKeyInput, RevokeApiKeyPayload, SetAccountActiveInput, SetAccountRoleInput,
} from './admin.types';

const ACCOUNTS = { capability: 'ORG_ADMIN' } as const;
const ORGANIZATIONS = { capability: 'ORGANIZATION_MANAGE' } as const;

async function organizationPayload(ctx: Context, id: string): Promise<OrganizationPayload> {
  // The loader may hold the row as it was before this request's change.
  ctx.loaders.organization.clear(id);
  const row = await ctx.loaders.organization.load(id);
  if (!row) throw notFound('Organization');
  return { organization: toOrganization(viewerOf(ctx), row) };
}

/** Administration: accounts and API keys (an organization's ADMINs), organizations (the coordinator's ADMINs). */
@Resolver(() => Organization)
export class AdminResolver {
  @Mutation(() => AccountPayload, { description: 'An ADMIN creates an account in its own organization' })
  @Rule(ACCOUNTS)
  async createAccount(@Arg('input', () => CreateAccountInput) input: CreateAccountInput, @Ctx() ctx: Context): Promise<AccountPayload> {
    return { account: await admin.presentAccount(ctx, await admin.createAccount(ctx, input)) };
  }

  @Mutation(() => AccountPayload, { description: 'Takes effect on the account’s next request; an ADMIN cannot deactivate itself' })
  @Rule(ACCOUNTS)
  async setAccountActive(@Arg('input', () => SetAccountActiveInput) input: SetAccountActiveInput, @Ctx() ctx: Context): Promise<AccountPayload> {
    return { account: await admin.presentAccount(ctx, await admin.setAccountActive(ctx, input)) };
  }

  @Mutation(() => AccountPayload, { description: 'Takes effect on the account’s next request; an ADMIN cannot demote itself' })
  @Rule(ACCOUNTS)
  async setAccountRole(@Arg('input', () => SetAccountRoleInput) input: SetAccountRoleInput, @Ctx() ctx: Context): Promise<AccountPayload> {
    return { account: await admin.presentAccount(ctx, await admin.setAccountRole(ctx, input)) };
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'The secret is returned only here' })
  @Rule(ACCOUNTS)
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreateApiKeyPayload> {
    return admin.createApiKey(ctx, input);
  }

  @Mutation(() => RevokeApiKeyPayload, { description: 'Idempotent; takes effect on the key’s next request' })
  @Rule(ACCOUNTS)
  async revokeApiKey(@Arg('input', () => RevokeApiKeyInput) input: RevokeApiKeyInput, @Ctx() ctx: Context): Promise<RevokeApiKeyPayload> {
    return { apiKey: await admin.revokeApiKey(ctx, input) };
  }

  @Query(() => ApiKeyConnection, { description: 'The API keys of the caller’s organization, newest first (its ADMINs only)' })
  @Rule(ACCOUNTS)
  async apiKeys(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return admin.listApiKeys(ctx, { first, after });
  }

  @Mutation(() => OrganizationPayload, { description: 'The coordinator’s ADMINs add an organization to the network' })
  @Rule(ORGANIZATIONS)
  async createOrganization(@Arg('input', () => OrganizationInput) input: OrganizationInput, @Ctx() ctx: Context): Promise<OrganizationPayload> {
    return organizationPayload(ctx, await orgs.createOrganization(ctx, input));
  }

  @Mutation(() => OrganizationPayload, { description: 'The coordinator’s ADMINs change an organization, found by code' })
  @Rule(ORGANIZATIONS)
  async updateOrganization(@Arg('input', () => OrganizationInput) input: OrganizationInput, @Ctx() ctx: Context): Promise<OrganizationPayload> {
    return organizationPayload(ctx, await orgs.updateOrganization(ctx, input));
  }

  @FieldResolver(() => AccountConnection, { description: 'Visible within the organization itself and to the coordinator; empty otherwise' })
  async accounts(
    @Root() org: Organization,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return admin.organizationAccounts(ctx, org.id, { first, after });
  }
}
