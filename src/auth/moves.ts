import { OPEN_STATUSES, type IncidentStatus } from '../modules/incidents/incident.entity';
import { OPEN_DIRECTIVE_STATUSES, type DirectiveStatus } from '../modules/directives/directive.entity';
import type { OrganizationKind } from '../modules/organizations/organization.entity';

/**
 * The rulebook's move tables (DESIGN.md §2 state machines, §3 "Who may act"), as data: who may make
 * which move from which state, for incidents and directives, and the other actions on an incident
 * (edits, sharing, the TLP, the final report, directives). "Who" names the part the viewer plays in
 * this object (decided by `incidentActors` / `directiveActors` in decide.ts), not a role. The
 * decision function (decide.ts) reads these tables on every call, so the mutation check can flip them.
 */

export const INCIDENT_MOVES = [
  'TRIAGE',
  'START_RESPONSE',
  'ESCALATE',
  'COORDINATE',
  'RETURN',
  'REJECT',
  'WITHDRAW',
  'REOPEN',
  'RESOLVE',
  'CLOSE',
] as const;
export type IncidentMove = (typeof INCIDENT_MOVES)[number];

/**
 * HANDLER: HANDLER/ADMIN of the handling organization. COORDINATOR: HANDLER/ADMIN of the coordinator.
 * OWNER: whichever of the two owns the incident. REPORTER: the reporting organization's accounts
 * that may report. HANDLER_NOT_COORDINATOR: a handling organization other than the coordinator.
 * ISSUER: a principal of the coordinator that may issue directives.
 */
export type IncidentActor = 'HANDLER' | 'COORDINATOR' | 'OWNER' | 'REPORTER' | 'HANDLER_NOT_COORDINATOR' | 'ISSUER';
export const INCIDENT_ACTORS: readonly IncidentActor[] = ['HANDLER', 'COORDINATOR', 'OWNER', 'REPORTER', 'HANDLER_NOT_COORDINATOR', 'ISSUER'];

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

/** Actions on an incident other than status moves. */
export const INCIDENT_ACTIONS = [
  'UPDATE',
  'ADD_INDICATORS',
  'SHARE',
  'UNSHARE',
  'REFER',
  'SET_TLP',
  'SUBMIT_FINAL_REPORT',
  'ISSUE_DIRECTIVE',
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/**
 * Who may take each action, and in which states. `from` absent: any state. `anyStateFor`: actors for
 * whom `from` does not apply (the coordinator edits an incident whatever its state). `lowerTlp`: the
 * actors who may lower the TLP (the others may only raise it).
 */
export interface IncidentActionRule {
  who: readonly IncidentActor[];
  from?: readonly IncidentStatus[];
  anyStateFor?: readonly IncidentActor[];
  /** INVALID_TRANSITION's `reason` when the state does not allow it. */
  stateReason?: string;
  lowerTlp?: readonly IncidentActor[];
}

export const INCIDENT_ACTION_RULES: Record<IncidentAction, IncidentActionRule> = {
  UPDATE: { who: ['HANDLER', 'COORDINATOR'], from: OPEN_STATUSES, anyStateFor: ['COORDINATOR'], stateReason: 'INCIDENT_NOT_OPEN' },
  ADD_INDICATORS: { who: ['HANDLER', 'COORDINATOR'], from: OPEN_STATUSES, anyStateFor: ['COORDINATOR'], stateReason: 'INCIDENT_NOT_OPEN' },
  SHARE: { who: ['COORDINATOR'] },
  UNSHARE: { who: ['COORDINATOR'] },
  REFER: { who: ['COORDINATOR'] },
  SET_TLP: { who: ['COORDINATOR', 'HANDLER'], lowerTlp: ['COORDINATOR'] },
  SUBMIT_FINAL_REPORT: { who: ['HANDLER', 'COORDINATOR'], from: ['RESOLVED'], stateReason: 'NOT_RESOLVED' },
  ISSUE_DIRECTIVE: { who: ['ISSUER'], from: OPEN_STATUSES, stateReason: 'INCIDENT_NOT_OPEN' },
};

/** Kinds an incident may be shared with, and referred to; kinds a directive may be addressed to (§3). */
export const SHAREABLE_KINDS: readonly OrganizationKind[] = ['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER', 'REGULATOR'];
export const REFERABLE_KINDS: readonly OrganizationKind[] = ['LAW_ENFORCEMENT'];
export const DIRECTIVE_RECIPIENT_KINDS: readonly OrganizationKind[] = ['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER'];

export function isDirectiveRecipientKind(kind: OrganizationKind): boolean {
  return DIRECTIVE_RECIPIENT_KINDS.includes(kind);
}

// ---- directives ----

/** Issuing (— → ISSUED) is not a move of an existing directive: it is the incident action ISSUE_DIRECTIVE. */
export const DIRECTIVE_MOVES = ['ACKNOWLEDGE', 'START', 'COMPLETE', 'DECLINE', 'CANCEL'] as const;
export type DirectiveMove = (typeof DIRECTIVE_MOVES)[number];

/**
 * RECIPIENT: HANDLER/ADMIN accounts (or keys) with DIRECTIVE_RESPOND of the recipient organization.
 * COORDINATOR: accounts (or keys) with DIRECTIVE_ISSUE of the COORDINATOR organization.
 */
export type DirectiveActor = 'RECIPIENT' | 'COORDINATOR';
export const DIRECTIVE_ACTORS: readonly DirectiveActor[] = ['RECIPIENT', 'COORDINATOR'];

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
