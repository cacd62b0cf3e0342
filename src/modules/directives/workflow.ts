import type { DirectiveStatus } from './directive.entity';
import type { DirectiveTransition } from '../../auth/moves';

/**
 * The directive state machine's mechanics. Who may make which move from which state is the
 * rulebook's (src/auth/moves.ts, decided by src/auth/decide.ts).
 */

/** Completing or declining straight from ISSUED counts as acknowledging (DESIGN.md §2). */
export function acknowledgesOnTheWay(t: DirectiveTransition, from: DirectiveStatus): boolean {
  return from === 'ISSUED' && (t.to === 'COMPLETED' || t.to === 'DECLINED');
}
