import { Field, InputType, Int, ID } from 'type-graphql';
import { Length, MaxLength, IsOptional, Min, ArrayMaxSize, ArrayMinSize, ValidateNested } from 'class-validator';
import type { Severity, IncidentScope, Pap, Tlp } from './incident.entity';
import { IndicatorInput, SeverityEnum, IncidentScopeEnum, PapEnum, TlpEnum } from './incident.types';

@InputType()
export class UpdateIncidentInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) @Min(1) expectedVersion!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 300) title?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(20000) description?: string | null;
  @Field(() => SeverityEnum, { nullable: true }) severity?: Severity | null;
  @Field(() => Boolean, { nullable: true }) serious?: boolean | null;
  @Field(() => IncidentScopeEnum, { nullable: true }) scope?: IncidentScope | null;
  @Field(() => PapEnum, { nullable: true }) pap?: Pap | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 64) rsitClass?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 64) rsitType?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 64) nationalCategory?: string | null;
}

@InputType()
export class AddIndicatorsInput {
  @Field(() => ID) incidentId!: string;
  @Field(() => [IndicatorInput]) @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) indicators!: IndicatorInput[];
}

@InputType()
export class ShareIncidentInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) @Min(1) expectedVersion!: number;
  @Field({ description: 'Organization code' }) @Length(1, 32) organization!: string;
}

@InputType()
export class ReferIncidentInput extends ShareIncidentInput {
  @Field() @MaxLength(5000) reason!: string;
}

@InputType()
export class SetTlpInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) @Min(1) expectedVersion!: number;
  @Field(() => TlpEnum) tlp!: Tlp;
}
