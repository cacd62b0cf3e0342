import { Field, ObjectType, InputType } from 'type-graphql';
import { MaxLength, IsOptional } from 'class-validator';
import { ConnectionType } from '../../graphql/relay';
import type { IncidentStatus } from '../incidents/incident.entity';
import { Incident, Indicator, IncidentStatusEnum } from '../incidents/incident.types';

@ObjectType({ description: 'A change of a domain-related case in the registry feed; removed cases come once as tombstones' })
export class DomainCase {
  @Field({ description: 'Commit-ordered change cursor: resume with after' }) cursor!: string;
  @Field({ description: 'The case left the feed (TLP raised, confidential, rejected, unshared): drop it' }) removed!: boolean;
  @Field({ description: 'Global id of the incident (also for tombstones)' }) incidentId!: string;
  @Field(() => Incident, { nullable: true }) incident!: Incident | null;
  @Field(() => [Indicator]) domains!: Indicator[];
}
export const DomainCaseConnection = ConnectionType('DomainCase', DomainCase);

@InputType()
export class DomainCaseFilter {
  @Field(() => String, { nullable: true, description: 'Label-aligned suffix, e.g. "vn", "gov.vn"' }) @IsOptional() @MaxLength(253) zone?:
    string | null;
  @Field(() => [IncidentStatusEnum], { nullable: true }) status?: IncidentStatus[] | null;
}
