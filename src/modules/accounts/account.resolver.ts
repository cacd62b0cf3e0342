import { Resolver, Query, Ctx } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { toGlobalId } from '../../graphql/relay';
import { ORGANIZATION_KINDS } from '../organizations/organization.entity';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import { toOrganization } from '../organizations/organization.types';
import { accountNode } from './admin.service';
import { Role, ViewerInfo, toRole } from './account.types';

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'The caller: account or API key, organization, role and capabilities' })
  @Rule({ anyViewer: 'describes only the caller itself' })
  async viewer(@Ctx() ctx: Context): Promise<ViewerInfo> {
    const viewer = viewerOf(ctx);
    const org = await ctx.loaders.organization.load(viewer.organization.id);
    const account = viewer.principal.type === 'ACCOUNT' ? await accountNode(ctx, viewer.principal.id) : null;
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
