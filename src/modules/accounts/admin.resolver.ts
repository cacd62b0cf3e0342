import { Resolver } from 'type-graphql';

/** Accounts, API keys and organizations administration: filled in by the accounts work. */
@Resolver()
export class AdminResolver {}
