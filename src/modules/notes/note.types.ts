import { Field, ObjectType, InputType, ID, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { Length, MaxLength } from 'class-validator';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { Node, ConnectionType, toGlobalId } from '../../graphql/relay';
import { enumOf } from '../../graphql/enums';
import type { AccessLevel, IncidentFacts } from '../../auth/views';
import { project } from '../../auth/projection';
import { Organization, toOrganization } from '../organizations/organization.types';
import { NOTE_VISIBILITIES, type NoteVisibility } from './note.entity';
import type { NoteRow } from './note.repo';

export const NoteVisibilityEnum = enumOf(NOTE_VISIBILITIES);
registerEnumType(NoteVisibilityEnum, { name: 'NoteVisibility' });

export const REDACTED_BODY = '[redacted]';

@ObjectType({ implements: Node })
export class Note extends Node {
  authorOrgId!: string;
  @Field() body!: string;
  @Field(() => NoteVisibilityEnum) visibility!: NoteVisibility;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Author e-mail: the author’s organization and the coordinator only' }) authorEmail!:
    string | null;
  @Field(() => Organization, { nullable: true }) authorOrganization!: Organization | null;
  @Field() redacted!: boolean;
  @Field(() => GraphQLDateTime, { nullable: true }) redactedAt!: Date | null;
  @Field(() => String, { nullable: true }) redactionReason!: string | null;
}
export const NoteConnection = ConnectionType('Note', Note);

@InputType()
export class AddNoteInput {
  @Field(() => ID) incidentId!: string;
  @Field() @Length(1, 20000) body!: string;
  @Field(() => NoteVisibilityEnum) visibility!: NoteVisibility;
}

@InputType()
export class RedactNoteInput {
  @Field(() => ID) id!: string;
  @Field() @MaxLength(5000) reason!: string;
}

@ObjectType()
export class NotePayload {
  @Field(() => Note) note!: Note;
}

/** The note's incident as the viewer reads it: the author organization is under the actor rule of §3. */
export interface NoteIncident {
  view: AccessLevel;
  facts: IncidentFacts;
}

export async function presentNote(ctx: Context, r: NoteRow, incident: NoteIncident): Promise<Note> {
  const viewer = viewerOf(ctx);
  const org = await ctx.loaders.organization.load(r.author_org_id);
  const projected = project(
    'Note',
    { viewer, view: incident.view, facts: incident.facts, organization: org ?? { id: r.author_org_id } },
    {
      id: toGlobalId('Note', r.id),
      body: r.redacted_at ? REDACTED_BODY : r.body,
      visibility: r.visibility,
      createdAt: r.created_at,
      authorEmail: r.author_email,
      authorOrganization: org ? toOrganization(viewer, org) : null,
      redacted: !!r.redacted_at,
      redactedAt: r.redacted_at,
      redactionReason: r.redaction_reason,
    },
    { redacted: false },
  );
  return Object.assign(new Note(), projected, { authorOrgId: r.author_org_id });
}
