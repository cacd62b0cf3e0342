import { TLPS, type IncidentStatus, type Tlp } from '../modules/incidents/incident.entity';
import type { DirectiveStatus } from '../modules/directives/directive.entity';
import type { NoteVisibility } from '../modules/notes/note.entity';
import { forbidden, invalidTransition } from '../graphql/errors';
import type { Viewer } from './viewer';
import type { Capability } from './capabilities';
import type { AccessLevel, IncidentFacts } from './views';
import {
  INCIDENT_MOVES,
  INCIDENT_TRANSITIONS,
  INCIDENT_ACTION_RULES,
  DIRECTIVE_MOVES,
  DIRECTIVE_TRANSITIONS,
  type IncidentMove,
  type IncidentActor,
  type IncidentTransition,
  type IncidentAction,
  type DirectiveMove,
  type DirectiveActor,
  type DirectiveTransition,
} from './moves';

/**
 * The decision function of the rulebook (DESIGN.md §3 "Who may act" and its error precedence): "may
 * viewer V make move M on object O now, and if not, which error". Commands and `viewerCan` both ask
 * it, so they cannot disagree; nothing outside src/auth throws FORBIDDEN. A decision has two parts
 * because §3's precedence puts the version check between them: FORBIDDEN (this viewer may make this
 * move in no state) → CONFLICT (stale version, the caller's) → INVALID_TRANSITION (not from this
 * state, or a precondition) — or, for the TLP, FORBIDDEN for lowering it.
 */
export interface Refusal {
  code: 'FORBIDDEN' | 'INVALID_TRANSITION';
  message: string;
  /** INVALID_TRANSITION: the moves this viewer may make from the current state. */
  allowed?: readonly string[];
  /** INVALID_TRANSITION: the precondition that failed (OPEN_DIRECTIVES, FINAL_REPORT_MISSING, …). */
  reason?: string;
}

export interface Decision<T = undefined> {
  /** Refused whatever the state: answered before the version check. */
  before: Refusal | null;
  /** Refused in this state (or for this input): answered after the version check. */
  after: Refusal | null;
  /** The transition a move makes when allowed. */
  transition?: T;
}

export function isAllowed(d: Decision<unknown>): boolean {
  return !d.before && !d.after;
}

function toError(r: Refusal): Error {
  return r.code === 'FORBIDDEN' ? forbidden(r.message) : invalidTransition(r.message, [...(r.allowed ?? [])], r.reason);
}

/** Throws the decision's answer in §3's order, running the caller's version check (CONFLICT) in between. */
export function enforce<T>(d: Decision<T>, checkVersion?: () => void): T | undefined {
  if (d.before) throw toError(d.before);
  checkVersion?.();
  if (d.after) throw toError(d.after);
  return d.transition;
}

const refuse = (message: string): Refusal => ({ code: 'FORBIDDEN', message });
const intersects = <A>(a: readonly A[], b: ReadonlySet<A>) => a.some((x) => b.has(x));

/**
 * The questions both state machines answer from their table. The table is read on every call (the
 * mutation check replaces its entries in place).
 */
function stateMachine<M extends string, S, A, T extends { move: M; from: readonly S[]; who: readonly A[] }>(
  moves: readonly M[],
  table: readonly T[],
) {
  const findTransition = (move: M, from: S, actors: ReadonlySet<A>): T | undefined =>
    table.find((t) => t.move === move && t.from.includes(from) && intersects(t.who, actors));
  return {
    /** Whether the viewer could make this move in some state (otherwise FORBIDDEN, before CONFLICT). */
    mayEverMake: (move: M, actors: ReadonlySet<A>): boolean => table.some((t) => t.move === move && intersects(t.who, actors)),
    /** The transition this viewer may make with this move from this state, if any. */
    findTransition,
    /** The moves this viewer may make from this state (INVALID_TRANSITION's `allowed`, and `viewerCan`). */
    allowedMoves: (from: S, actors: ReadonlySet<A>): M[] => moves.filter((m) => findTransition(m, from, actors)),
  };
}

// ---- incidents ----

/** What the decisions about one incident need: the field-rule facts plus its state. */
export interface IncidentSubject extends IncidentFacts {
  status: IncidentStatus;
  tlp: Tlp;
  coordinatorOwns: boolean;
  hasFinalReport: boolean;
}

/** The parts the viewer plays in an incident (the "who" of the tables in moves.ts). */
export function incidentActors(viewer: Viewer, subject: IncidentFacts & { coordinatorOwns: boolean }): Set<IncidentActor> {
  const actors = new Set<IncidentActor>();
  const org = viewer.organization;
  const handler = org.id === subject.handlerOrgId && viewer.capabilities.has('INCIDENT_HANDLE');
  const coordinator = org.kind === 'COORDINATOR' && viewer.capabilities.has('INCIDENT_COORDINATE');
  if (handler) actors.add('HANDLER');
  if (handler && org.kind !== 'COORDINATOR') actors.add('HANDLER_NOT_COORDINATOR');
  if (coordinator) actors.add('COORDINATOR');
  if (subject.coordinatorOwns ? coordinator : handler) actors.add('OWNER');
  if (org.id === subject.reportingOrgId && viewer.capabilities.has('INCIDENT_REPORT')) actors.add('REPORTER');
  if (org.kind === 'COORDINATOR' && viewer.capabilities.has('DIRECTIVE_ISSUE')) actors.add('ISSUER');
  return actors;
}

const incidentMachine = stateMachine(INCIDENT_MOVES, INCIDENT_TRANSITIONS);
export const { mayEverMake, findTransition, allowedMoves } = incidentMachine;

const MOVE_VERB: Record<IncidentMove, string> = {
  TRIAGE: 'triage',
  START_RESPONSE: 'start the response to',
  ESCALATE: 'escalate',
  COORDINATE: 'coordinate',
  RETURN: 'return',
  REJECT: 'reject',
  WITHDRAW: 'withdraw',
  REOPEN: 'reopen',
  RESOLVE: 'resolve',
  CLOSE: 'close',
};

/** FORBIDDEN texts of the other incident actions. */
const ACTION_REFUSAL: Record<IncidentAction, string> = {
  UPDATE: 'Only the handling organization or the coordinator may change this incident',
  ADD_INDICATORS: 'Only the handling organization or the coordinator may change this incident',
  SHARE: 'Only the coordinator shares incidents',
  UNSHARE: 'Only the coordinator unshares incidents',
  REFER: 'Only the coordinator refers incidents',
  SET_TLP: 'Only the coordinator or the handling organization changes the TLP',
  SUBMIT_FINAL_REPORT: 'Only the handling organization or the coordinator submits the final report',
  ISSUE_DIRECTIVE: 'Only the coordinator issues directives',
};

/** INVALID_TRANSITION texts when the state does not allow the action. */
const ACTION_STATE: Partial<Record<IncidentAction, (status: IncidentStatus) => string>> = {
  UPDATE: (s) => `The handling organization changes an incident while it is open; it is ${s}`,
  ADD_INDICATORS: (s) => `The handling organization changes an incident while it is open; it is ${s}`,
  SUBMIT_FINAL_REPORT: () => 'The final report is submitted once the incident is RESOLVED',
  ISSUE_DIRECTIVE: (s) => `An incident that is ${s} takes no directive`,
};

export type IncidentRequest =
  | { move: IncidentMove; openDirectives?: number; cancelOpenDirectives?: boolean }
  | { action: Exclude<IncidentAction, 'SET_TLP'> }
  | { action: 'SET_TLP'; tlp: Tlp };

/** Resolving with open directives needs the coordinator to cancel them in the same transaction; nobody else may. */
export function cancelsOpenDirectives(viewer: Viewer, requested: boolean): boolean {
  return requested && viewer.organization.kind === 'COORDINATOR';
}

function decideMove(
  viewer: Viewer,
  subject: IncidentSubject,
  actors: Set<IncidentActor>,
  request: Extract<IncidentRequest, { move: IncidentMove }>,
): Decision<IncidentTransition> {
  const { move } = request;
  if (!mayEverMake(move, actors)) return { before: refuse(`You may not ${MOVE_VERB[move]} this incident`), after: null };
  const transition = findTransition(move, subject.status, actors);
  const invalid = (message: string, reason?: string): Decision<IncidentTransition> => ({
    before: null,
    after: { code: 'INVALID_TRANSITION', message, allowed: allowedMoves(subject.status, actors), reason },
  });
  if (!transition) return invalid(`You cannot ${MOVE_VERB[move]} an incident that is ${subject.status}`);
  const cancels = cancelsOpenDirectives(viewer, request.cancelOpenDirectives === true);
  if (move === 'RESOLVE' && !cancels && (request.openDirectives ?? 0) > 0) {
    return invalid(`${request.openDirectives} directive(s) are still open; complete or cancel them first`, 'OPEN_DIRECTIVES');
  }
  if (move === 'CLOSE' && !subject.hasFinalReport)
    return invalid('The final report (form 04) must arrive before the incident is closed', 'FINAL_REPORT_MISSING');
  return { before: null, after: null, transition };
}

function decideAction(
  subject: IncidentSubject,
  actors: Set<IncidentActor>,
  request: Exclude<IncidentRequest, { move: IncidentMove }>,
): Decision<IncidentTransition> {
  const rule = INCIDENT_ACTION_RULES[request.action];
  if (!intersects(rule.who, actors)) return { before: refuse(ACTION_REFUSAL[request.action]), after: null };
  const stateFree = rule.anyStateFor && intersects(rule.anyStateFor, actors);
  if (rule.from && !stateFree && !rule.from.includes(subject.status)) {
    const message = ACTION_STATE[request.action]?.(subject.status) ?? `Not while the incident is ${subject.status}`;
    return { before: null, after: { code: 'INVALID_TRANSITION', message, allowed: allowedMoves(subject.status, actors), reason: rule.stateReason } };
  }
  if (request.action === 'SET_TLP' && rule.lowerTlp && !intersects(rule.lowerTlp, actors) && TLPS.indexOf(request.tlp) < TLPS.indexOf(subject.tlp)) {
    return {
      before: null,
      after: refuse(`Only the coordinator may lower the TLP (from ${subject.tlp} to ${request.tlp}): sharing wider needs the source's permission`),
    };
  }
  return { before: null, after: null };
}

export function decideIncident(viewer: Viewer, subject: IncidentSubject, request: IncidentRequest): Decision<IncidentTransition> {
  const actors = incidentActors(viewer, subject);
  return 'move' in request ? decideMove(viewer, subject, actors, request) : decideAction(subject, actors, request);
}

/** `Incident.viewerCan`: the same decisions as the mutations, for the incident's current state. */
export function incidentPermissions(viewer: Viewer, subject: IncidentSubject) {
  const can = (request: IncidentRequest) => isAllowed(decideIncident(viewer, subject, request));
  return {
    triage: can({ move: 'TRIAGE' }),
    startResponse: can({ move: 'START_RESPONSE' }),
    escalate: can({ move: 'ESCALATE' }),
    coordinate: can({ move: 'COORDINATE' }),
    returnToHandler: can({ move: 'RETURN' }),
    reject: can({ move: 'REJECT' }),
    withdraw: can({ move: 'WITHDRAW' }),
    reopen: can({ move: 'REOPEN' }),
    // Open directives do not hide the move: the coordinator resolves with cancelOpenDirectives.
    resolve: can({ move: 'RESOLVE' }),
    close: can({ move: 'CLOSE' }),
    submitFinalReport: can({ action: 'SUBMIT_FINAL_REPORT' }),
    update: can({ action: 'UPDATE' }),
    addIndicators: can({ action: 'ADD_INDICATORS' }),
  };
}

// ---- directives ----

export interface DirectiveSubject {
  recipientOrgId: string;
  status: DirectiveStatus;
}

/** The parts the viewer plays for one directive, for the directive table. */
export function directiveActors(viewer: Viewer, subject: { recipientOrgId: string }): Set<DirectiveActor> {
  const actors = new Set<DirectiveActor>();
  if (viewer.organization.id === subject.recipientOrgId && viewer.capabilities.has('DIRECTIVE_RESPOND')) actors.add('RECIPIENT');
  if (viewer.organization.kind === 'COORDINATOR' && viewer.capabilities.has('DIRECTIVE_ISSUE')) actors.add('COORDINATOR');
  return actors;
}

const directiveMachine = stateMachine(DIRECTIVE_MOVES, DIRECTIVE_TRANSITIONS);
export const {
  mayEverMake: mayEverMakeDirectiveMove,
  findTransition: findDirectiveTransition,
  allowedMoves: allowedDirectiveMoves,
} = directiveMachine;

const DIRECTIVE_VERB: Record<DirectiveMove, string> = {
  ACKNOWLEDGE: 'acknowledge',
  START: 'start',
  COMPLETE: 'complete',
  DECLINE: 'decline',
  CANCEL: 'cancel',
};

export function decideDirective(viewer: Viewer, subject: DirectiveSubject, move: DirectiveMove): Decision<DirectiveTransition> {
  const actors = directiveActors(viewer, subject);
  if (!mayEverMakeDirectiveMove(move, actors)) {
    return { before: refuse(`You may not ${DIRECTIVE_VERB[move]} this directive`), after: null };
  }
  const transition = findDirectiveTransition(move, subject.status, actors);
  if (!transition) {
    return {
      before: null,
      after: {
        code: 'INVALID_TRANSITION',
        message: `You cannot ${DIRECTIVE_VERB[move]} a directive that is ${subject.status}`,
        allowed: allowedDirectiveMoves(subject.status, actors),
      },
    };
  }
  return { before: null, after: null, transition };
}

/** `Directive.viewerCan`. */
export function directivePermissions(viewer: Viewer, subject: DirectiveSubject) {
  const can = (move: DirectiveMove) => isAllowed(decideDirective(viewer, subject, move));
  return { acknowledge: can('ACKNOWLEDGE'), start: can('START'), complete: can('COMPLETE'), decline: can('DECLINE'), cancel: can('CANCEL') };
}

// ---- notes ----

/** The views each note audience reaches (§2 "Timeline, notes"); INTERNAL is further limited to the author's organization. */
export const NOTE_AUDIENCE_VIEWS: Record<NoteVisibility, readonly AccessLevel[]> = {
  INTERNAL: ['FULL', 'REPORTER'],
  PARTICIPANTS: ['FULL'],
  WITH_REPORTER: ['FULL', 'REPORTER'],
};

/**
 * Adding a note of this visibility: HANDLER, ADMIN and REPORTER accounts (NOTE_ADD) of an organization
 * in the note's audience; constituents only WITH_REPORTER. Redacting: the author's organization or the coordinator.
 */
export function decideNote(
  viewer: Viewer,
  request: { action: 'ADD'; access: AccessLevel; visibility: NoteVisibility } | { action: 'REDACT'; authorOrgId: string },
): Decision {
  const ok: Decision = { before: null, after: null };
  const may = viewer.capabilities.has('NOTE_ADD');
  if (request.action === 'REDACT') {
    const own = viewer.organization.kind === 'COORDINATOR' || viewer.organization.id === request.authorOrgId;
    return may && own ? ok : { before: refuse('Only the author’s organization or the coordinator redacts a note'), after: null };
  }
  const { access, visibility } = request;
  const inAudience =
    may &&
    (viewer.organization.kind !== 'CONSTITUENT' || visibility === 'WITH_REPORTER') &&
    (visibility === 'INTERNAL' ? access === 'FULL' : NOTE_AUDIENCE_VIEWS[visibility].includes(access));
  return inAudience ? ok : { before: refuse(`You may not add a ${visibility} note to this incident`), after: null };
}

// ---- accounts ----

/** Accounts are managed by the ADMINs of their own organization only (the coordinator sees, but does not manage, others'). */
export function decideAccountAdministration(viewer: Viewer, accountOrgId: string): Decision {
  return viewer.organization.id === accountOrgId
    ? { before: null, after: null }
    : { before: refuse('Accounts are managed by the ADMINs of their own organization only'), after: null };
}

// ---- the schema itself ----

/** The subgraph SDL (`_service`) is the schema: with introspection switched off it is not served either. */
export function decideSubgraphSdl(introspection: string): Decision {
  return introspection === 'none'
    ? { before: refuse('The subgraph SDL is not served while introspection is disabled'), after: null }
    : { before: null, after: null };
}

// ---- statistics ----

/**
 * `periodicSummary` (§3 "Statistics and compliance"): an organization reads its own form 05; the
 * coordinator and the regulator (STATISTICS_READ) every organization's. To anyone else, a constituent
 * that is not itself reads exactly like an unknown code (BAD_USER_INPUT), not NOT_FOUND or FORBIDDEN.
 */
export function periodicSummaryAccess(viewer: Viewer, target: { id: string; kind: string }): 'OWN' | 'STATISTICS_READ' | 'UNKNOWN' {
  if (viewer.organization.id === target.id) return 'OWN';
  if (target.kind === 'CONSTITUENT' && !viewer.capabilities.has('STATISTICS_READ')) return 'UNKNOWN';
  return 'STATISTICS_READ';
}

// ---- notifications (DESIGN.md §7) ----

/**
 * Notification settings and webhooks of an organization: its own ADMINs (ORG_ADMIN, checked by the
 * caller through ctx.authz), and the coordinator's ADMINs for any organization.
 */
export function decideNotificationAdministration(viewer: Viewer, organizationId: string): Decision {
  return viewer.organization.id === organizationId || viewer.organization.kind === 'COORDINATOR'
    ? { before: null, after: null }
    : { before: refuse('Notifications are managed by the ADMINs of their own organization and of the coordinator'), after: null };
}

// ---- exchange (DESIGN.md §8) ----

export type ExchangeCollection = 'incidents' | 'domain-cases';

/**
 * The TAXII collections a principal may read: `incidents` with INCIDENT_READ; `domain-cases` (its registry feed)
 * with DOMAIN_FEED_READ too, since its objects are read as the incident is. Rows inside each are the views' SQL.
 */
export function readableExchangeCollections(has: (capability: Capability) => boolean): ExchangeCollection[] {
  if (!has('INCIDENT_READ')) return [];
  return has('DOMAIN_FEED_READ') ? ['incidents', 'domain-cases'] : ['incidents'];
}
