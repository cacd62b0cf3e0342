import { Resolver, Mutation, Arg, Ctx, FieldResolver, Root, Int } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Rule } from '../../auth/rules';
import { clampFirst, pageOf } from '../../graphql/relay';
import { Incident } from '../incidents/incident.types';
import { NoteConnection, NotePayload, AddNoteInput, RedactNoteInput, notesOf, addNote, redactNote } from './note';

/** Notes: their two mutations and `Incident.notes`. */
@Resolver(() => Incident)
export class NoteResolver {
  @Mutation(() => NotePayload)
  @Rule({ object: 'noteAudience' })
  async addNote(@Arg('input', () => AddNoteInput) input: AddNoteInput, @Ctx() ctx: Context): Promise<NotePayload> {
    return { note: await addNote(ctx, input) };
  }

  @Mutation(() => NotePayload, { description: 'Author’s organization or coordinator: replace the body with a tombstone' })
  @Rule({ object: 'noteAudience' })
  async redactNote(@Arg('input', () => RedactNoteInput) input: RedactNoteInput, @Ctx() ctx: Context): Promise<NotePayload> {
    return { note: await redactNote(ctx, input) };
  }

  @FieldResolver(() => NoteConnection, { description: 'Notes whose audience includes you' })
  notes(
    @Root() incident: Incident,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return incident.shown.has('notes') ? notesOf(ctx, incident.row, clampFirst(ctx, first), after) : pageOf([], 0, () => '');
  }
}
