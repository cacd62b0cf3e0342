import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { canSeeOrganization } from '../../auth/views';
import { toOrganization, type Organization } from './organization.types';

/** An organization by uuid, if visible to the viewer (DESIGN.md §2: a constituent only to itself and the coordinator). */
export async function organizationNode(ctx: Context, id: string): Promise<Organization | null> {
  const row = await ctx.loaders.organization.load(id);
  const viewer = viewerOf(ctx);
  return row && canSeeOrganization(viewer, row) ? toOrganization(viewer, row) : null;
}
