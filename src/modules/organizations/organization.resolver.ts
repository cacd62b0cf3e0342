import { Resolver, Query, Mutation, Arg, Ctx, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { Organization, OrganizationConnection, OrganizationInput, OrganizationKindEnum, OrganizationPayload } from './organization.types';
import * as organizations from './organization.service';
import type { OrganizationKind } from './organization.entity';

const ORGANIZATIONS = { capability: 'ORGANIZATION_MANAGE' } as const;

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => OrganizationConnection, { description: 'Organizations visible to the viewer, by code' })
  @Rule({ anyViewer: 'the directory of the response network is visible to every account (DESIGN.md §2)' })
  async organizations(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('kind', () => OrganizationKindEnum, { nullable: true }) kind?: OrganizationKind,
  ) {
    return organizations.listOrganizations(ctx, { first, after, kind });
  }

  @Mutation(() => OrganizationPayload, { description: 'The coordinator’s ADMINs add an organization to the network' })
  @Rule(ORGANIZATIONS)
  async createOrganization(@Arg('input', () => OrganizationInput) input: OrganizationInput, @Ctx() ctx: Context): Promise<OrganizationPayload> {
    return organizations.createOrganization(ctx, input);
  }

  @Mutation(() => OrganizationPayload, { description: 'The coordinator’s ADMINs change an organization, found by code' })
  @Rule(ORGANIZATIONS)
  async updateOrganization(@Arg('input', () => OrganizationInput) input: OrganizationInput, @Ctx() ctx: Context): Promise<OrganizationPayload> {
    return organizations.updateOrganization(ctx, input);
  }
}
