import { Resolver, Query, Arg, Ctx, ID } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { Node, fromGlobalId, toGlobalId } from '../../graphql/relay';
import { sql } from '../../db/sql';
import { accountVisibleSql, canSeeOrganization } from '../../auth/policy';
import { ORGANIZATION_KINDS } from '../organizations/organization.entity';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import { toOrganization } from '../organizations/organization.types';
import { incidentById } from '../incidents/incident.service';
import { directiveNode } from '../directives/directive.service';
import { visibleApiKey, presentAccount, ACCOUNT_COLUMNS, type AccountRow } from './admin.service';
import { Account, Role, ViewerInfo, toRole } from './account.types';

async function visibleAccount(ctx: Context, id: string): Promise<Account | null> {
  const row = await ctx.db.one<AccountRow>(sql`select ${ACCOUNT_COLUMNS} from account a where a.id = ${id} and ${accountVisibleSql(viewerOf(ctx))}`);
  return row ? presentAccount(ctx, row) : null;
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'The caller: account or API key, organization, role and capabilities' })
  @Rule({ anyViewer: 'describes only the caller itself' })
  async viewer(@Ctx() ctx: Context): Promise<ViewerInfo> {
    const viewer = viewerOf(ctx);
    const org = await ctx.loaders.organization.load(viewer.organization.id);
    const account = viewer.principal.type === 'ACCOUNT' ? await visibleAccount(ctx, viewer.principal.id) : null;
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

  @Query(() => Node, { nullable: true, description: 'Any object by global id; null when missing or not visible' })
  @Rule({ anyViewer: 'each object type applies its own visibility rule; invisible objects are null' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    const decoded = fromGlobalId(id);
    if (!decoded) return null;
    switch (decoded.type) {
      case 'Incident':
        return ctx.authz.has('INCIDENT_READ') ? incidentById(ctx, id) : null;
      case 'Organization': {
        const org = await ctx.loaders.organization.load(decoded.id);
        return org && canSeeOrganization(viewerOf(ctx), org) ? toOrganization(viewerOf(ctx), org) : null;
      }
      case 'Account':
        return visibleAccount(ctx, decoded.id);
      case 'ApiKey':
        return visibleApiKey(ctx, decoded.id);
      case 'Directive':
        return directiveNode(ctx, id);
      default:
        return null;
    }
  }
}
