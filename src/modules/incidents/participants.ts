import DataLoader from 'dataloader';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { sql, type Sql } from '../../db/sql';

export interface LinkedParticipantRow extends Record<string, unknown> {
  organization_id: string;
  role: string;
}

/**
 * The shares, referrals and directive recipients of incident `v` (its `id`), before the participants
 * rule: the loader below and the compiled read (incident.read.ts) run this same SQL.
 */
export function linkedParticipantsSql(): Sql {
  return sql`select organization_id, kind as role from incident_participant where incident_id = v.id
    union all
    select distinct recipient_org_id, 'RECIPIENT' from directive where incident_id = v.id`;
}

export function participantLoader(ctx: Context): DataLoader<string, LinkedParticipantRow[]> {
  return requestLoader(ctx, 'participants', () =>
    new DataLoader<string, LinkedParticipantRow[]>(async (ids) => {
      const rows = await ctx.db.query<LinkedParticipantRow & { incident_id: string }>(sql`
        select v.id as incident_id, p.* from unnest(${ids}::uuid[]) v(id) cross join lateral (${linkedParticipantsSql()}) p`);
      return ids.map((id) => rows.filter((r) => r.incident_id === id).map((r) => ({ organization_id: r.organization_id, role: r.role })));
    }),
  );
}

/** Gives the participant loader the rows read by the compiled read. */
export function primeParticipants(ctx: Context, incidentId: string, rows: LinkedParticipantRow[]): void {
  participantLoader(ctx).prime(incidentId, rows);
}
