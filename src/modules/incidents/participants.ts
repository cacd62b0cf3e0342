import DataLoader from 'dataloader';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { linkedParticipantsByIncidentIds, type LinkedParticipantRow } from './incident.repo';

export function participantLoader(ctx: Context): DataLoader<string, LinkedParticipantRow[]> {
  return requestLoader(
    ctx,
    'participants',
    () =>
      new DataLoader<string, LinkedParticipantRow[]>(async (ids) => {
        const rows = await linkedParticipantsByIncidentIds(ctx.db, ids);
        return ids.map((id) => rows.filter((r) => r.incident_id === id).map((r) => ({ organization_id: r.organization_id, role: r.role })));
      }),
  );
}

/** Gives the participant loader the rows read by the compiled read. */
export function primeParticipants(ctx: Context, incidentId: string, rows: LinkedParticipantRow[]): void {
  participantLoader(ctx).prime(incidentId, rows);
}
