import { Resolver, Mutation, Query, Arg, Ctx, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import * as apiKeys from './api-key.service';
import { ApiKeyConnection, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload } from './api-key.types';

const ACCOUNTS = { capability: 'ORG_ADMIN' } as const;

/** API keys, managed by their organization's ADMINs. */
@Resolver()
export class ApiKeyResolver {
  @Mutation(() => CreateApiKeyPayload, { description: 'The secret is returned only here' })
  @Rule(ACCOUNTS)
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreateApiKeyPayload> {
    return apiKeys.createApiKey(ctx, input);
  }

  @Mutation(() => RevokeApiKeyPayload, { description: 'Idempotent; takes effect on the key’s next request' })
  @Rule(ACCOUNTS)
  async revokeApiKey(@Arg('input', () => RevokeApiKeyInput) input: RevokeApiKeyInput, @Ctx() ctx: Context): Promise<RevokeApiKeyPayload> {
    return { apiKey: await apiKeys.revokeApiKey(ctx, input) };
  }

  @Query(() => ApiKeyConnection, { description: 'The API keys of the caller’s organization, newest first (its ADMINs only)' })
  @Rule(ACCOUNTS)
  async apiKeys(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return apiKeys.listApiKeys(ctx, { first, after });
  }
}
