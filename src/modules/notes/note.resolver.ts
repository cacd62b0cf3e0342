import { Resolver, Mutation, Arg, Ctx, FieldResolver, Root, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { Incident } from '../incidents/incident.types';
import { NoteConnection, NotePayload, AddNoteInput, RedactNoteInput } from './note.types';
import * as notes from './note.service';

/** Notes: their two mutations and `Incident.notes`. */
@Resolver(() => Incident)
export class NoteResolver {
  @Mutation(() => NotePayload)
  @Rule({ object: 'noteAudience' })
  async addNote(@Arg('input', () => AddNoteInput) input: AddNoteInput, @Ctx() ctx: Context): Promise<NotePayload> {
    return { note: await notes.addNote(ctx, input) };
  }

  @Mutation(() => NotePayload, { description: 'Author’s organization or coordinator: replace the body with a tombstone' })
  @Rule({ object: 'noteAudience' })
  async redactNote(@Arg('input', () => RedactNoteInput) input: RedactNoteInput, @Ctx() ctx: Context): Promise<NotePayload> {
    return { note: await notes.redactNote(ctx, input) };
  }

  @FieldResolver(() => NoteConnection, { description: 'Notes whose audience includes you' })
  notes(
    @Root() incident: Incident,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return notes.incidentNotes(ctx, incident, { first, after });
  }
}
