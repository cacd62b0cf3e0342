import type { IncidentStatus } from './incident.entity';

/**
 * The incident state machine of DESIGN.md §2, as data. "Who" names the part the viewer plays in
 * this incident (decided by the rulebook, src/auth/policy.ts `incidentActors`), not a role.
 */
export const INCIDENT_MOVES = [
  'TRIAGE', 'START_RESPONSE', 'ESCALATE', 'COORDINATE', 'RETURN', 'REJECT', 'WITHDRAW', 'REOPEN', 'RESOLVE', 'CLOSE',
] as const;
export type IncidentMove = (typeof INCIDENT_MOVES)[number];

/**
 * HANDLER: HANDLER/ADMIN of the handling organization. COORDINATOR: HANDLER/ADMIN of the coordinator.
 * OWNER: whichever of the two owns the incident. REPORTER: the reporting organization's accounts
 * that may report. HANDLER_NOT_COORDINATOR: a handling organization other than the coordinator.
 */
export type IncidentActor = 'HANDLER' | 'COORDINATOR' | 'OWNER' | 'REPORTER' | 'HANDLER_NOT_COORDINATOR';

/** `to: 'RESUME'` returns a resolved incident to where its owner works on it (COORDINATING or RESPONDING). */
export interface IncidentTransition {
  move: IncidentMove;
  from: readonly IncidentStatus[];
  to: IncidentStatus | 'RESUME';
  who: readonly IncidentActor[];
}

export const INCIDENT_TRANSITIONS: readonly IncidentTransition[] = [
  { move: 'TRIAGE', from: ['REPORTED'], to: 'TRIAGED', who: ['HANDLER', 'COORDINATOR'] },
  { move: 'REJECT', from: ['REPORTED', 'TRIAGED'], to: 'REJECTED', who: ['HANDLER', 'COORDINATOR'] },
  { move: 'REJECT', from: ['ESCALATED'], to: 'REJECTED', who: ['COORDINATOR'] },
  { move: 'WITHDRAW', from: ['REPORTED'], to: 'REJECTED', who: ['REPORTER'] },
  { move: 'REOPEN', from: ['REJECTED'], to: 'REPORTED', who: ['COORDINATOR'] },
  // §3: the coordinator may do everything the handling organization may do.
  { move: 'START_RESPONSE', from: ['TRIAGED'], to: 'RESPONDING', who: ['HANDLER', 'COORDINATOR'] },
  { move: 'ESCALATE', from: ['REPORTED', 'TRIAGED', 'RESPONDING'], to: 'ESCALATED', who: ['HANDLER_NOT_COORDINATOR'] },
  { move: 'COORDINATE', from: ['ESCALATED', 'REPORTED', 'TRIAGED', 'RESPONDING'], to: 'COORDINATING', who: ['COORDINATOR'] },
  { move: 'RETURN', from: ['ESCALATED'], to: 'RESPONDING', who: ['COORDINATOR'] },
  { move: 'RESOLVE', from: ['RESPONDING', 'COORDINATING'], to: 'RESOLVED', who: ['OWNER'] },
  { move: 'REOPEN', from: ['RESOLVED'], to: 'RESUME', who: ['OWNER'] },
  { move: 'CLOSE', from: ['RESOLVED'], to: 'CLOSED', who: ['OWNER'] },
];

const intersects = (a: readonly IncidentActor[], b: ReadonlySet<IncidentActor>) => a.some((x) => b.has(x));

/** Whether the viewer could make this move in some state (otherwise FORBIDDEN, before CONFLICT). */
export function mayEverMake(move: IncidentMove, actors: ReadonlySet<IncidentActor>): boolean {
  return INCIDENT_TRANSITIONS.some((t) => t.move === move && intersects(t.who, actors));
}

/** The transition this viewer may make with this move from this state, if any. */
export function findTransition(move: IncidentMove, from: IncidentStatus, actors: ReadonlySet<IncidentActor>): IncidentTransition | undefined {
  return INCIDENT_TRANSITIONS.find((t) => t.move === move && t.from.includes(from) && intersects(t.who, actors));
}

/** The moves this viewer may make from this state (INVALID_TRANSITION's `allowed`, and `viewerCan`). */
export function allowedMoves(from: IncidentStatus, actors: ReadonlySet<IncidentActor>): IncidentMove[] {
  return INCIDENT_MOVES.filter((m) => findTransition(m, from, actors));
}

export function targetStatus(t: IncidentTransition, coordinatorOwns: boolean): IncidentStatus {
  if (t.to !== 'RESUME') return t.to;
  return coordinatorOwns ? 'COORDINATING' : 'RESPONDING';
}
