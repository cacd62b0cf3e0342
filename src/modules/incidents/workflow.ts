import type { IncidentStatus } from './incident.entity';
import type { IncidentTransition } from '../../auth/moves';

/**
 * The incident state machine's mechanics. Who may make which move from which state is the
 * rulebook's (src/auth/moves.ts, decided by src/auth/decide.ts); this says only where a move lands.
 * `RESUME` returns a resolved incident to where its owner works on it.
 */
export function targetStatus(t: IncidentTransition, coordinatorOwns: boolean): IncidentStatus {
  if (t.to !== 'RESUME') return t.to;
  return coordinatorOwns ? 'COORDINATING' : 'RESPONDING';
}
