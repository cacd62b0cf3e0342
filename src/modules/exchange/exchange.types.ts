import { Field, InputType, ID } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@InputType()
export class ImportStixInput {
  @Field(() => ID) incidentId!: string;
  @Field(() => GraphQLJSON, {
    description: 'A STIX 2.1 bundle: its indicators (single comparisons of a supported observable) and observables are added',
  })
  bundle!: unknown;
}
