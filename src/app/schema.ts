import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import '../graphql/enums';
import { IncidentResolver } from '../modules/incidents/incident.resolver';
import { WorkflowResolver } from '../modules/incidents/workflow.resolver';
import { CollaborationResolver } from '../modules/incidents/collaboration.resolver';
import { DirectiveResolver } from '../modules/directives/directive.resolver';
import { ApiKeyResolver } from '../modules/accounts/api-key.resolver';
import { StatisticsResolver } from '../modules/statistics/statistics.resolver';
import { RegistryResolver } from '../modules/registry/registry.resolver';
import { SubscriptionResolver } from '../modules/subscriptions/subscriptions.resolver';
import { createPubSub } from '@graphql-yoga/subscription';
import { OrganizationResolver } from '../modules/organizations/organization.resolver';
import { AccountResolver, ViewerResolver } from '../modules/accounts/account.resolver';
import { NoteResolver } from '../modules/notes/note.resolver';
import { TimelineResolver } from '../modules/timeline/timeline.resolver';
import { NodeResolver } from './node';
import { ExchangeResolver } from '../modules/exchange/exchange.resolver';
import { NotificationsResolver } from '../modules/notifications/notifications.resolver';
import { declaredRootRules, undeclaredRootFields } from '../auth/rules';
import { unprojectedFields } from '../auth/projection';
import { toSubgraphSchema } from './federation';

export const RESOLVERS = [
  ViewerResolver,
  NodeResolver,
  OrganizationResolver,
  IncidentResolver,
  WorkflowResolver,
  CollaborationResolver,
  TimelineResolver,
  NoteResolver,
  DirectiveResolver,
  AccountResolver,
  ApiKeyResolver,
  StatisticsResolver,
  RegistryResolver,
  SubscriptionResolver,
  ExchangeResolver,
  NotificationsResolver,
] as const;

let cached: GraphQLSchema | null = null;

/**
 * Builds the schema once per process. It refuses to build when a root field declares no rule
 * (deny by default, like OpenCTI's auth directive check), or when a field of a protected type has no
 * entry in the rulebook's projection.
 */
export async function buildHubSchema(): Promise<GraphQLSchema> {
  if (cached) return cached;
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // type-graphql rc.4 wants a pubSub even though every subscription brings its own `subscribe`.
    pubSub: createPubSub(),
  });
  // Served as an Apollo Federation 2 subgraph (src/app/federation.ts); the walker checks the final schema.
  const subgraph = toSubgraphSchema(schema);
  const missing = undeclaredRootFields(subgraph, declaredRootRules());
  if (missing.length) throw new Error(`Root fields without an authorization rule: ${missing.join(', ')}`);
  // Fail closed on fields too: every field of a protected type has a projection entry (src/auth/projection.ts).
  const unprojected = unprojectedFields(subgraph);
  if (unprojected.length) throw new Error(`Fields of protected types without a projection entry: ${unprojected.join(', ')}`);
  cached = subgraph;
  return subgraph;
}

/** The committed artifact `schema/schema.graphql`: sorted, so it changes only when the API does. */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
