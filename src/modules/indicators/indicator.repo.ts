import type { Queryable } from '../../db/db';
import { sql, join } from '../../db/sql';
import type { NormalizedIndicator } from './normalize';

/**
 * Adds normalized indicators to an incident; those it already has merge. Returns the new ones as
 * `TYPE value` (the INDICATORS_ADDED payload). Used by reports (`REPORT`: the reporter's own, which its
 * REPORTER view shows), addIndicators and directive targets (`ADDED`).
 */
export async function insertIndicators(
  q: Queryable,
  incidentId: string,
  indicators: readonly NormalizedIndicator[],
  at: Date,
  source: 'REPORT' | 'ADDED',
): Promise<string[]> {
  if (indicators.length === 0) return [];
  const reported = source === 'REPORT';
  const rows = await q.query<{ type: string; value: string }>(sql`insert into indicator (incident_id, type, value, display_value, added_at, reported)
    values ${join(indicators.map((i) => sql`(${incidentId}, ${i.type}, ${i.value}, ${i.displayValue}, ${at}, ${reported})`))}
    on conflict (incident_id, type, value) do nothing returning type, value`);
  return rows.map((r) => `${r.type} ${r.value}`);
}
