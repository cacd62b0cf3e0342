import { Field, InputType, ObjectType, ID } from 'type-graphql';
import { ArrayMaxSize, Length, MaxLength } from 'class-validator';
import { IsEmailAddress } from '../../graphql/validators';
import { GraphQLDateTime } from 'graphql-scalars';
import { Node, ConnectionType } from '../../graphql/relay';
import type { MemberRole } from './account.entity';
import { Account, MemberRoleEnum } from './account.types';

@InputType({ description: 'A new account in the caller’s own organization' })
export class CreateAccountInput {
  @Field({ description: 'Unique across the hub; stored in lower case' }) @IsEmailAddress() @MaxLength(254) email!: string;
  @Field() @Length(1, 200) displayName!: string;
  @Field(() => MemberRoleEnum, { description: 'Must be a member role of the organization’s kind' }) role!: MemberRole;
}

@InputType()
export class SetAccountActiveInput {
  @Field(() => ID) id!: string;
  @Field() active!: boolean;
}

@InputType()
export class SetAccountRoleInput {
  @Field(() => ID) id!: string;
  @Field(() => MemberRoleEnum) role!: MemberRole;
}

@ObjectType()
export class AccountPayload {
  @Field(() => Account) account!: Account;
}

export const AccountConnection = ConnectionType('Account', Account);

@ObjectType({ implements: Node, description: 'A machine client’s credential; the secret itself is shown only once, at creation' })
export class ApiKey extends Node {
  @Field() name!: string;
  @Field(() => [String], { description: 'A subset of the organization kind’s HANDLER (constituents: REPORTER) capabilities' })
  capabilities!: string[];
  @Field({ description: 'The last characters of the secret, to tell keys apart' }) hint!: string;
  @Field(() => GraphQLDateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Updated at most once a minute' }) lastUsedAt!: Date | null;
  @Field(() => GraphQLDateTime, { nullable: true }) revokedAt!: Date | null;
}

export const ApiKeyConnection = ConnectionType('ApiKey', ApiKey);

@InputType()
export class CreateApiKeyInput {
  @Field() @Length(1, 100) name!: string;
  @Field(() => [String]) @ArrayMaxSize(32) capabilities!: string[];
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Omitted: the key does not expire' }) expiresAt?: Date | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field({ description: 'The key itself (hubk_…): shown only here, stored hashed' }) secret!: string;
  @Field(() => ApiKey) apiKey!: ApiKey;
}

@InputType()
export class RevokeApiKeyInput {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class RevokeApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
}
