import { Resolver, Query, Arg, Ctx, Int } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import * as statistics from './statistics.service';
import { DimensionEnum, DirectiveComplianceRow, PeriodicSummary, StatisticsRow, type Dimension } from './statistics.types';

@Resolver()
export class StatisticsResolver {
  @Query(() => [StatisticsRow], { description: 'Counts of every incident reported in [from, to) (coordinator and regulator)' })
  @Rule({ capability: 'STATISTICS_READ' })
  async incidentStatistics(
    @Arg('from', () => GraphQLDateTime) from: Date,
    @Arg('to', () => GraphQLDateTime) to: Date,
    @Arg('groupBy', () => [DimensionEnum]) groupBy: Dimension[],
    @Ctx() ctx: Context,
  ): Promise<StatisticsRow[]> {
    return statistics.incidentStatistics(ctx, from, to, groupBy);
  }

  @Query(() => [DirectiveComplianceRow], { description: 'Per recipient, directives issued in [from, to) (coordinator and regulator)' })
  @Rule({ capability: 'STATISTICS_READ' })
  async directiveCompliance(
    @Arg('from', () => GraphQLDateTime) from: Date,
    @Arg('to', () => GraphQLDateTime) to: Date,
    @Ctx() ctx: Context,
  ): Promise<DirectiveComplianceRow[]> {
    return statistics.directiveCompliance(ctx, from, to);
  }

  @Query(() => PeriodicSummary, { description: 'Form 05 of an organization: itself, the coordinator and the regulator' })
  @Rule({ anyViewer: 'an organization reads its own form 05; the coordinator and the regulator read every organization’s (checked in the resolver)' })
  async periodicSummary(
    @Arg('organization') code: string,
    @Arg('year', () => Int) year: number,
    @Ctx() ctx: Context,
    @Arg('half', () => Int, { nullable: true }) half?: number | null,
  ): Promise<PeriodicSummary> {
    return statistics.periodicSummary(ctx, code, year, half);
  }
}
