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
import { Account, Role, ViewerInfo, toRole } from './account.types';
import type { MemberRole } from './account.entity';

interface AccountRow extends Record<string, unknown> {
  id: string;
  email: string;
  display_name: string;
  member_role: MemberRole;
  active: boolean;
  organization_id: string;
}

async function visibleAccount(ctx: Context, id: string): Promise<Account | null> {
  const viewer = viewerOf(ctx);
  const row = await ctx.db.one<AccountRow>(sql`select a.id, a.email, a.display_name, a.member_role, a.active, a.organization_id
    from account a where a.id = ${id} and ${accountVisibleSql(viewer)}`);
  if (!row) return null;
  const org = await ctx.loaders.organization.load(row.organization_id);
  if (!org) return null;
  // A class instance, so the Node interface resolves its type.
  return Object.assign(new Account(), {
    id: toGlobalId('Account', row.id),
    email: row.email,
    displayName: row.display_name,
    active: row.active,
    role: toRole(org.kind, row.member_role),
    organization: toOrganization(viewer, org),
  });
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
      default:
        return null;
    }
  }
}
