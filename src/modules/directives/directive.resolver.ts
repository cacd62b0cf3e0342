import { Resolver } from 'type-graphql';

/** Directives (coordination orders): filled in by the directives work. */
@Resolver()
export class DirectiveResolver {}
