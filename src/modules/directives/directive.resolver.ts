import { Resolver, Query, Mutation, Arg, Ctx, FieldResolver, Root, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { notFound } from '../../graphql/errors';
import { Incident } from '../incidents/incident.types';
import {
  DirectiveConnection,
  DirectiveFilter,
  DirectivePayload,
  IssueDirectiveInput,
  DirectiveActionInput,
  CompleteDirectiveInput,
  DeclineDirectiveInput,
  CancelDirectiveInput,
} from './directive.types';
import * as cmd from './directive.commands';
import { listDirectives, incidentDirectives, loadVisibleDirective } from './directive.service';

const PARTS = { object: 'directiveParts' } as const;

async function payload(ctx: Context, id: string): Promise<DirectivePayload> {
  const directive = await loadVisibleDirective(ctx, id);
  // The actor saw it a moment ago inside the transaction; nothing it may do hides it again.
  if (!directive) throw notFound('Directive');
  return { directive };
}

/**
 * Directives (coordination orders): the mutations, `Query.directives` and `Incident.directives`.
 * The Directive type's own relations are resolved by methods on the type (directive.types.ts).
 */
@Resolver(() => Incident)
export class DirectiveResolver {
  @Mutation(() => DirectivePayload, { description: 'Coordinator: order a network member to act; moves an open incident to COORDINATING' })
  @Rule({ capability: 'DIRECTIVE_ISSUE' })
  async issueDirective(@Arg('input', () => IssueDirectiveInput) input: IssueDirectiveInput, @Ctx() ctx: Context) {
    return payload(ctx, await cmd.issueDirective(ctx, input));
  }

  @Mutation(() => DirectivePayload, { description: 'Recipient: ISSUED → ACKNOWLEDGED' })
  @Rule(PARTS)
  async acknowledgeDirective(@Arg('input', () => DirectiveActionInput) input: DirectiveActionInput, @Ctx() ctx: Context) {
    return payload(ctx, await cmd.acknowledgeDirective(ctx, input));
  }

  @Mutation(() => DirectivePayload, { description: 'Recipient: ACKNOWLEDGED → IN_PROGRESS' })
  @Rule(PARTS)
  async startDirective(@Arg('input', () => DirectiveActionInput) input: DirectiveActionInput, @Ctx() ctx: Context) {
    return payload(ctx, await cmd.startDirective(ctx, input));
  }

  @Mutation(() => DirectivePayload, { description: 'Recipient: done, with the result (from ISSUED it also counts as acknowledging)' })
  @Rule(PARTS)
  async completeDirective(@Arg('input', () => CompleteDirectiveInput) input: CompleteDirectiveInput, @Ctx() ctx: Context) {
    return payload(ctx, await cmd.completeDirective(ctx, input));
  }

  @Mutation(() => DirectivePayload, { description: 'Recipient: refused, with a reason (from ISSUED it also counts as acknowledging)' })
  @Rule(PARTS)
  async declineDirective(@Arg('input', () => DeclineDirectiveInput) input: DeclineDirectiveInput, @Ctx() ctx: Context) {
    return payload(ctx, await cmd.declineDirective(ctx, input));
  }

  @Mutation(() => DirectivePayload, { description: 'Coordinator: withdraw an open directive, with a reason' })
  @Rule(PARTS)
  async cancelDirective(@Arg('input', () => CancelDirectiveInput) input: CancelDirectiveInput, @Ctx() ctx: Context) {
    return payload(ctx, await cmd.cancelDirective(ctx, input));
  }

  @Query(() => DirectiveConnection, { description: 'The directives you may see, by due time' })
  @Rule({ capability: 'INCIDENT_READ' })
  directives(
    @Ctx() ctx: Context,
    @Arg('filter', () => DirectiveFilter, { nullable: true }) filter?: DirectiveFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return listDirectives(ctx, { filter, first, after });
  }

  // Named apart from Query.directives, which lives in the same class.
  @FieldResolver(() => DirectiveConnection, { name: 'directives', description: 'The directives of this incident that you may see, by due time' })
  incidentDirectives(
    @Root() incident: Incident,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return incidentDirectives(ctx, incident, { first, after });
  }
}
