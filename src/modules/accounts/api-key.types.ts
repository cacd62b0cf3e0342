import { Field, InputType, ObjectType, ID } from 'type-graphql';
import { ArrayMaxSize, Length } from 'class-validator';
import { GraphQLDateTime } from 'graphql-scalars';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import { project } from '../../auth/projection';
import type { Viewer } from '../../auth/viewer';
import type { ApiKeyRow } from './api-key.repo';

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

/** A key as its organization's ADMINs read it (the only ones who get its row). */
export function toApiKey(viewer: Viewer, row: ApiKeyRow): ApiKey {
  return Object.assign(
    new ApiKey(),
    project(
      'ApiKey',
      { viewer, view: 'FULL', facts: null, organization: { id: row.organization_id } },
      {
        id: toGlobalId('ApiKey', row.id),
        name: row.name,
        capabilities: [...row.capabilities].sort(),
        hint: row.hint,
        expiresAt: row.expires_at,
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
        revokedAt: row.revoked_at,
      },
    ),
  );
}
