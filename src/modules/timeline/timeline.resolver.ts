import { Resolver, Arg, Ctx, FieldResolver, Root, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { clampFirst, pageOf } from '../../graphql/relay';
import { Incident } from '../incidents/incident.types';
import { IncidentEventConnection, timelineOf } from './timeline';

/** `Incident.timeline`. */
@Resolver(() => Incident)
export class TimelineResolver {
  @FieldResolver(() => IncidentEventConnection, { description: 'Events your view shows, in commit order' })
  timeline(
    @Root() incident: Incident,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return incident.shown.has('timeline') ? timelineOf(ctx, incident.row, clampFirst(ctx, first), after) : pageOf([], 0, () => '');
  }
}
