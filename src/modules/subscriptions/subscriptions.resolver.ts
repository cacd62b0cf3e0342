import { Resolver, Subscription, Arg, Ctx, Root, ID, Field, ObjectType, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { viewerOf, renewForEvent } from '../../graphql/context';
import { Rule, logDenial } from '../../auth/rules';
import { projectAccessEvent } from '../../auth/projection';
import { badInput, notFound, unauthenticated, serviceUnavailable } from '../../graphql/errors';
import { decodeId, toGlobalId } from '../../graphql/relay';
import { IncidentEvent, presentEvent, type EventType } from '../timeline/timeline.types';
import { Directive } from '../directives/directive.types';
import { directiveNode } from '../directives/directive.service';
import type { Delivery, Scope, Subscriber } from './manager';
import { syntheticEventId } from './manager';
import { WS_TRY_AGAIN_LATER, WS_UNAVAILABLE_REASON } from '../../graphql/unavailable';

@ObjectType({ description: 'A change of a directive addressed to your organization (every directive for the coordinator)' })
export class DirectiveEvent {
  @Field() cursor!: string;
  @Field(() => IncidentEvent, { description: 'The timeline event' }) event!: IncidentEvent;
  @Field(() => String) type!: EventType;
  @Field(() => Directive, { nullable: true }) directive!: Directive | null;
}

interface SubscriptionArgs {
  incidentId?: string | null;
  after?: string | null;
}

/**
 * `subscribe` runs without type-graphql's middlewares or argument validation (DESIGN.md §6), so the
 * authorization is checked here: authentication, the capability, the incident's visibility.
 */
async function open(data: SubscribeResolverData<unknown, SubscriptionArgs, Context>, kind: Scope['kind']): Promise<AsyncIterable<Delivery>> {
  try {
    return await openChecked(data, kind);
  } catch (err) {
    // `subscribe` bypasses the rule middleware, which logs denied attempts elsewhere.
    logDenial(
      data.context,
      err,
      `${data.info.parentType.name}.${data.info.fieldName}`,
      typeof data.args.incidentId === 'string' ? data.args.incidentId : null,
    );
    throw err;
  }
}

async function openChecked(data: SubscribeResolverData<unknown, SubscriptionArgs, Context>, kind: Scope['kind']): Promise<AsyncIterable<Delivery>> {
  const ctx = data.context;
  const args = data.args;
  if (!ctx.viewer) throw unauthenticated();
  if (args.after !== undefined && args.after !== null && !/^\d{1,19}$/.test(args.after)) throw badInput('after', 'after is not an event cursor');
  let incidentId: string | null = null;
  if (kind === 'INCIDENT' && args.incidentId) {
    incidentId = decodeId(args.incidentId, 'Incident');
    if (!incidentId) throw notFound('Incident');
    // Following one incident needs a view of it now, except on resume (then ACCESS_REVOKED says it was lost).
    if (!args.after && !(await ctx.loaders.incident.load(incidentId))) throw notFound('Incident');
  }
  ctx.authz.require('INCIDENT_READ', 'reading incidents');
  const manager = ctx.subscriptions;
  if (!manager || !ctx.connection) throw serviceUnavailable('Subscriptions are served over graphql-ws on /graphql');
  const connection = ctx.connection;
  const scope: Scope = kind === 'INCIDENT' ? { kind, incidentId } : { kind };
  const sub: Subscriber = await manager.subscribe(
    () => connection.viewer(),
    scope,
    args.after ?? null,
    () => connection.close(1013, 'Consumer too slow: reconnect and resume with after'),
    () => connection.close(WS_TRY_AGAIN_LATER, WS_UNAVAILABLE_REASON),
  );
  return {
    [Symbol.asyncIterator]() {
      return {
        async next() {
          const d = await sub.next();
          if (!d) {
            manager.remove(sub);
            return { done: true, value: undefined };
          }
          renewForEvent(ctx); // per event: fresh loaders and the viewer's current role
          return { done: false, value: d };
        },
        async return() {
          manager.remove(sub);
          return { done: true, value: undefined };
        },
      };
    },
  };
}

async function present(ctx: Context, d: Delivery): Promise<IncidentEvent> {
  if (d.kind === 'EVENT') return presentEvent(ctx, { ...d.event, type: d.event.type as EventType }, d.event.incident_id, d.access);
  const ev = new IncidentEvent();
  ev.incidentUuid = d.incidentId;
  ev.actorOrgId = null;
  return Object.assign(
    ev,
    projectAccessEvent({
      id: toGlobalId('IncidentEvent', syntheticEventId()),
      incidentId: toGlobalId('Incident', d.incidentId) as string | null,
      cursor: d.position,
      type: d.kind as EventType,
      occurredAt: d.at,
      changes: {},
      actorAccountEmail: null as string | null,
    }),
  );
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => IncidentEvent, {
    subscribe: (data: SubscribeResolverData<unknown, SubscriptionArgs, Context>) => open(data, 'INCIDENT'),
    description:
      'Timeline events of incidents you have a view of other than SUMMARY (all for the coordinator), or of one incident; resumable with after',
  })
  @Rule({ capability: 'INCIDENT_READ' })
  incidentEvents(
    @Root() delivery: Delivery,
    @Ctx() ctx: Context,
    @Arg('incidentId', () => ID, { nullable: true }) _incidentId?: string,
    @Arg('after', () => String, { nullable: true }) _after?: string,
  ): Promise<IncidentEvent> {
    ctx.authz.require('INCIDENT_READ', 'reading incidents');
    viewerOf(ctx);
    return present(ctx, delivery);
  }

  @Subscription(() => DirectiveEvent, {
    subscribe: (data: SubscribeResolverData<unknown, SubscriptionArgs, Context>) => open(data, 'DIRECTIVE'),
    description: 'Events of directives addressed to your organization (every directive for the coordinator); resumable with after',
  })
  @Rule({ capability: 'INCIDENT_READ' })
  async directiveEvents(
    @Root() delivery: Delivery,
    @Ctx() ctx: Context,
    @Arg('after', () => String, { nullable: true }) _after?: string,
  ): Promise<DirectiveEvent> {
    ctx.authz.require('INCIDENT_READ', 'reading incidents');
    const event = await present(ctx, delivery);
    const directiveId = delivery.kind === 'EVENT' ? delivery.event.directive_id : null;
    return {
      cursor: event.cursor,
      event,
      type: event.type,
      directive: directiveId ? await directiveNode(ctx, toGlobalId('Directive', directiveId)) : null,
    };
  }
}
