import { Resolver, Query, Arg, Ctx, Info, Int, FieldResolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import type { Connection } from '../../graphql/relay';
import { Incident, IncidentConnection } from '../incidents/incident.types';
import { Domain } from '../incidents/incident.types';
import * as registry from './registry.service';
import { DomainCase, DomainCaseConnection, DomainCaseFilter } from './registry.types';
// Registers `domainCases` with the compiled answers (graphql/compiled.ts).
import './registry.compiled';

@Resolver(() => Domain)
export class RegistryResolver {
  @Query(() => DomainCaseConnection, { description: 'The registry feed: cases with domains, in commit order of their changes, with tombstones' })
  @Rule({ capability: 'DOMAIN_FEED_READ' })
  async domainCases(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => DomainCaseFilter, { nullable: true }) filter?: DomainCaseFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<DomainCase>> {
    return registry.domainCases(ctx, info, { filter, first, after });
  }

  @Query(() => Domain, { description: 'Any valid domain (Unicode or punycode), with only the cases you may see' })
  @Rule({ capability: 'INCIDENT_READ' })
  domain(@Arg('name') name: string, @Ctx() ctx: Context): Domain {
    return registry.domain(ctx, name);
  }

  @FieldResolver(() => IncidentConnection, { description: 'Visible incidents with this DOMAIN indicator, newest first' })
  async cases(
    @Root() domain: Domain,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Incident>> {
    return registry.casesOf(ctx, domain, { first, after });
  }
}
