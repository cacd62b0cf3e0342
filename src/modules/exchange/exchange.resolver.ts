import { Resolver, FieldResolver, Mutation, Arg, Ctx, Root, Info } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { Incident } from '../incidents/incident.types';
import { IncidentPayload } from '../incidents/workflow.types';
import { payload } from '../incidents/workflow.resolver';
import { ImportStixInput } from './exchange.types';
import { incidentBundle, type StixBundle } from './stix.bundle';
import { importStix } from './stix.import';

@Resolver(() => Incident)
export class ExchangeResolver {
  @FieldResolver(() => GraphQLJSON, {
    nullable: true,
    description:
      'Your view of the incident as a STIX 2.1 bundle (incident with the Incident Core Extension, identities, indicators and observables, directives as tasks, notes, relationships, TLP 2.0 markings); the same fields as here, never more',
  })
  async stix(@Root() incident: Incident, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<StixBundle | null> {
    if (!incident.shown.has('stix')) return null;
    return incidentBundle(ctx, info.schema, incident.id);
  }

  @Mutation(() => IncidentPayload, { description: 'Adds the indicators and observables of a STIX 2.1 bundle, as addIndicators; all or nothing' })
  @Rule({ object: 'incidentActors' })
  async importStix(@Arg('input', () => ImportStixInput) input: ImportStixInput, @Ctx() ctx: Context): Promise<IncidentPayload> {
    return payload(ctx, await importStix(ctx, input));
  }
}
