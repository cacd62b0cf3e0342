import type { Queryable } from '../../db/db';
import { sql, join } from '../../db/sql';
import type { NormalizedIndicator } from './normalize';

/**
 * Adds normalized indicators to an incident; those it already has merge. Returns the new ones as
 * `TYPE value` (the INDICATORS_ADDED payload). Used by reports, addIndicators and directive targets.
 */
export async function insertIndicators(q: Queryable, incidentId: string, indicators: readonly NormalizedIndicator[], at: Date): Promise<string[]> {
  if (indicators.length === 0) return [];
  const rows = await q.query<{ type: string; value: string }>(sql`insert into indicator (incident_id, type, value, display_value, added_at)
    values ${join(indicators.map((i) => sql`(${incidentId}, ${i.type}, ${i.value}, ${i.displayValue}, ${at})`))}
    on conflict (incident_id, type, value) do nothing returning type, value`);
  return rows.map((r) => `${r.type} ${r.value}`);
}
