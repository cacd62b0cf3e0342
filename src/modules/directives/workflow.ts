import type { DirectiveStatus } from './directive.entity';

/**
 * The directive state machine of DESIGN.md §2, as data. "Who" names the part the viewer plays for
 * this directive (decided by the rulebook, src/auth/directive-policy.ts `directiveActors`), not a role.
 * Issuing (— → ISSUED) is not a move of an existing directive: it is `issueDirective`, coordinator only.
 */
export const DIRECTIVE_MOVES = ['ACKNOWLEDGE', 'START', 'COMPLETE', 'DECLINE', 'CANCEL'] as const;
export type DirectiveMove = (typeof DIRECTIVE_MOVES)[number];

/**
 * RECIPIENT: HANDLER/ADMIN accounts (or keys) with DIRECTIVE_RESPOND of the recipient organization.
 * COORDINATOR: accounts (or keys) with DIRECTIVE_ISSUE of the COORDINATOR organization.
 */
export type DirectiveActor = 'RECIPIENT' | 'COORDINATOR';

export const OPEN_DIRECTIVE_STATUSES: readonly DirectiveStatus[] = ['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS'];

export interface DirectiveTransition {
  move: DirectiveMove;
  from: readonly DirectiveStatus[];
  to: DirectiveStatus;
  who: readonly DirectiveActor[];
}

export const DIRECTIVE_TRANSITIONS: readonly DirectiveTransition[] = [
  { move: 'ACKNOWLEDGE', from: ['ISSUED'], to: 'ACKNOWLEDGED', who: ['RECIPIENT'] },
  { move: 'START', from: ['ACKNOWLEDGED'], to: 'IN_PROGRESS', who: ['RECIPIENT'] },
  { move: 'COMPLETE', from: OPEN_DIRECTIVE_STATUSES, to: 'COMPLETED', who: ['RECIPIENT'] },
  { move: 'DECLINE', from: OPEN_DIRECTIVE_STATUSES, to: 'DECLINED', who: ['RECIPIENT'] },
  { move: 'CANCEL', from: OPEN_DIRECTIVE_STATUSES, to: 'CANCELLED', who: ['COORDINATOR'] },
];

const intersects = (a: readonly DirectiveActor[], b: ReadonlySet<DirectiveActor>) => a.some((x) => b.has(x));

/** Whether the viewer could make this move in some state (otherwise FORBIDDEN, before CONFLICT). */
export function mayEverMakeDirectiveMove(move: DirectiveMove, actors: ReadonlySet<DirectiveActor>): boolean {
  return DIRECTIVE_TRANSITIONS.some((t) => t.move === move && intersects(t.who, actors));
}

/** The transition this viewer may make with this move from this state, if any. */
export function findDirectiveTransition(
  move: DirectiveMove, from: DirectiveStatus, actors: ReadonlySet<DirectiveActor>,
): DirectiveTransition | undefined {
  return DIRECTIVE_TRANSITIONS.find((t) => t.move === move && t.from.includes(from) && intersects(t.who, actors));
}

/** The moves this viewer may make from this state (INVALID_TRANSITION's `allowed`, and `viewerCan`). */
export function allowedDirectiveMoves(from: DirectiveStatus, actors: ReadonlySet<DirectiveActor>): DirectiveMove[] {
  return DIRECTIVE_MOVES.filter((m) => findDirectiveTransition(m, from, actors));
}

/** Completing or declining straight from ISSUED counts as acknowledging (DESIGN.md §2). */
export function acknowledgesOnTheWay(t: DirectiveTransition, from: DirectiveStatus): boolean {
  return from === 'ISSUED' && (t.to === 'COMPLETED' || t.to === 'DECLINED');
}

export function isOpenDirective(status: DirectiveStatus): boolean {
  return OPEN_DIRECTIVE_STATUSES.includes(status);
}
