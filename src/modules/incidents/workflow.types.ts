import { Field, InputType, Int, ObjectType, ID } from 'type-graphql';
import { Length, MaxLength, IsOptional, Min } from 'class-validator';
import type { Severity } from './incident.entity';
import { Incident, SeverityEnum } from './incident.types';

@InputType()
export class IncidentActionInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) @Min(1) expectedVersion!: number;
}

@InputType()
export class TriageIncidentInput extends IncidentActionInput {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field() @Length(1, 64) rsitClass!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 64) rsitType?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 64) nationalCategory?: string | null;
}

@InputType({ description: 'Escalate, return or withdraw: a move with a reason' })
export class EscalateIncidentInput extends IncidentActionInput {
  @Field() @MaxLength(5000) reason!: string;
}

@InputType()
export class RejectIncidentInput extends IncidentActionInput {
  @Field() @MaxLength(5000) reason!: string;
  @Field(() => ID, { nullable: true, description: 'The incident this one duplicates (must be visible to you)' }) duplicateOf?: string | null;
}

@InputType()
export class ResolveIncidentInput extends IncidentActionInput {
  @Field() @MaxLength(20000) summary!: string;
  @Field({ defaultValue: false, description: 'Coordinator only: cancel the open directives in the same transaction' }) cancelOpenDirectives!: boolean;
}

@InputType({ description: 'Form 04: final report of the response' })
export class FinalReportInput extends IncidentActionInput {
  @Field() @MaxLength(20000) result!: string;
  @Field() @MaxLength(20000) remediation!: string;
  @Field() @MaxLength(20000) prevention!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) estimatedDamage?: string | null;
}

@ObjectType()
export class IncidentPayload {
  @Field(() => Incident) incident!: Incident;
}

@ObjectType({ description: 'What the viewer may do now, from the same rulebook and state machine that decide the mutations' })
export class IncidentPermissions {
  @Field() triage!: boolean;
  @Field() startResponse!: boolean;
  @Field() escalate!: boolean;
  @Field() coordinate!: boolean;
  @Field({ name: 'return' }) returnToHandler!: boolean;
  @Field() reject!: boolean;
  @Field() withdraw!: boolean;
  @Field() reopen!: boolean;
  @Field() resolve!: boolean;
  @Field() close!: boolean;
  @Field() submitFinalReport!: boolean;
  @Field() update!: boolean;
  @Field() addIndicators!: boolean;
}

@ObjectType()
export class FinalReport {
  @Field() result!: string;
  @Field() remediation!: string;
  @Field() prevention!: string;
  @Field(() => String, { nullable: true }) estimatedDamage!: string | null;
  @Field({ description: 'The receipt number this report refers to' }) reference!: string;
}
