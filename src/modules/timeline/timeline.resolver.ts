import { Resolver, Arg, Ctx, FieldResolver, Root, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Incident } from '../incidents/incident.types';
import { IncidentEventConnection } from './timeline.types';
import { incidentTimeline } from './timeline.service';

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
    return incidentTimeline(ctx, incident, { first, after });
  }
}
