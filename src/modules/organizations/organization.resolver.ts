import { Resolver, Query, Arg, Ctx, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { decodeKeyset, encodeCursor, pageOf } from '../../graphql/relay';
import { clampFirst } from '../../graphql/relay';
import { Organization, OrganizationConnection, OrganizationKindEnum, toOrganization } from './organization.types';
import { listVisibleOrganizations } from './organization.repo';
import type { OrganizationKind } from './organization.entity';

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
    const n = clampFirst(ctx, first);
    const cursor = decodeKeyset(after, ['string']);
    const viewer = viewerOf(ctx);
    const rows = await listVisibleOrganizations(ctx.db, viewer, { kind: kind ?? null, afterCode: cursor ? String(cursor[0]) : null, limit: n + 1 });
    const page = pageOf(rows, n, (r) => encodeCursor([r.code]));
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toOrganization(viewer, e.node) })) };
  }
}
