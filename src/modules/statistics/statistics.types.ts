import { Int, Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { Organization } from '../organizations/organization.types';

export const STATISTICS_DIMENSIONS = ['NATIONAL_CATEGORY', 'RSIT_CLASS', 'SEVERITY', 'STATUS', 'HANDLER_KIND', 'MONTH'] as const;
export type Dimension = (typeof STATISTICS_DIMENSIONS)[number];
export const DimensionEnum = Object.fromEntries(STATISTICS_DIMENSIONS.map((d) => [d, d])) as Record<Dimension, Dimension>;
registerEnumType(DimensionEnum, { name: 'StatisticsDimension' });

@ObjectType()
export class StatisticsRow {
  @Field(() => [String], { description: 'One value per groupBy dimension, in order' }) key!: string[];
  @Field(() => Int) count!: number;
}

@ObjectType()
export class DirectiveComplianceRow {
  @Field(() => Organization) recipient!: Organization;
  @Field(() => Int) issued!: number;
  @Field(() => Int) acknowledgedInTime!: number;
  @Field(() => Int) completedInTime!: number;
  @Field(() => Int, { description: 'Open past their due time now' }) overdue!: number;
  @Field(() => Int) declined!: number;
}

@ObjectType({ description: 'One row of form 05: a national category' })
export class PeriodicSummaryRow {
  @Field() category!: string;
  @Field({ description: 'Vietnamese label of the form' }) label!: string;
  @Field() labelEn!: string;
  @Field(() => Int) incidents!: number;
  @Field(() => Int) handledAlone!: number;
  @Field(() => Int, { description: 'Helped by other domestic organizations (directives, shares)' }) helpedDomestic!: number;
  @Field(() => Int, { description: 'Helped by foreign organizations (by the organization’s country)' }) helpedForeign!: number;
  @Field(() => Int, { description: 'VNCERT asked to help (escalated)' }) vncertAsked!: number;
  @Field(() => [String], { description: 'Estimated damage from the final reports' }) estimatedDamage!: string[];
}

@ObjectType({ description: 'Form 05: six-month or yearly summary of an organization' })
export class PeriodicSummary {
  @Field(() => Organization) organization!: Organization;
  @Field(() => Int) year!: number;
  @Field(() => Int, { nullable: true }) half!: number | null;
  @Field(() => GraphQLDateTime) from!: Date;
  @Field(() => GraphQLDateTime) to!: Date;
  @Field(() => [PeriodicSummaryRow]) rows!: PeriodicSummaryRow[];
  @Field(() => [Organization]) domesticHelpers!: Organization[];
  @Field(() => [Organization]) foreignHelpers!: Organization[];
}
