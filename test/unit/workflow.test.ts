import { INCIDENT_MOVES, type IncidentActor } from '../../src/auth/moves';
import { allowedMoves, findTransition, mayEverMake } from '../../src/auth/decide';
import { targetStatus } from '../../src/modules/incidents/workflow';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../src/modules/incidents/incident.entity';

// Expected moves written by hand from DESIGN.md §2's table (and §3: the coordinator may do what the handling org may).
const EXPECTED: Record<string, Record<IncidentStatus, string[]>> = {
  HANDLER_ISP: {
    REPORTED: ['TRIAGE', 'ESCALATE', 'REJECT'],
    TRIAGED: ['START_RESPONSE', 'ESCALATE', 'REJECT'],
    RESPONDING: ['ESCALATE', 'RESOLVE'],
    ESCALATED: [],
    COORDINATING: ['RESOLVE'],
    RESOLVED: ['REOPEN', 'CLOSE'],
    CLOSED: [],
    REJECTED: [],
  },
  COORDINATOR_OWNER: {
    REPORTED: ['TRIAGE', 'COORDINATE', 'REJECT'],
    TRIAGED: ['START_RESPONSE', 'COORDINATE', 'REJECT'],
    RESPONDING: ['COORDINATE', 'RESOLVE'],
    ESCALATED: ['COORDINATE', 'RETURN', 'REJECT'],
    COORDINATING: ['RESOLVE'],
    RESOLVED: ['REOPEN', 'CLOSE'],
    CLOSED: [],
    REJECTED: ['REOPEN'],
  },
  REPORTER: {
    REPORTED: ['WITHDRAW'],
    TRIAGED: [],
    RESPONDING: [],
    ESCALATED: [],
    COORDINATING: [],
    RESOLVED: [],
    CLOSED: [],
    REJECTED: [],
  },
  NOBODY: { REPORTED: [], TRIAGED: [], RESPONDING: [], ESCALATED: [], COORDINATING: [], RESOLVED: [], CLOSED: [], REJECTED: [] },
};
const ACTORS: Record<string, IncidentActor[]> = {
  HANDLER_ISP: ['HANDLER', 'HANDLER_NOT_COORDINATOR', 'OWNER'],
  COORDINATOR_OWNER: ['COORDINATOR', 'OWNER'],
  REPORTER: ['REPORTER'],
  NOBODY: [],
};
const sortMoves = (m: string[]) => [...m].sort();

test.each(Object.keys(EXPECTED))('allowed moves of %s from every state', (who) => {
  for (const status of INCIDENT_STATUSES) {
    expect(sortMoves(allowedMoves(status, new Set(ACTORS[who])))).toEqual(sortMoves(EXPECTED[who][status]));
  }
});

test('a handling ISP that no longer owns the incident (coordinator took over) cannot resolve, reopen or close', () => {
  const actors = new Set<IncidentActor>(['HANDLER', 'HANDLER_NOT_COORDINATOR']);
  expect(sortMoves(allowedMoves('COORDINATING', actors))).toEqual([]);
  expect(sortMoves(allowedMoves('RESOLVED', actors))).toEqual([]);
  expect(mayEverMake('RESOLVE', actors)).toBe(false);
});

test('the coordinator, when it is not the owner, may not resolve; it never escalates', () => {
  const actors = new Set<IncidentActor>(['COORDINATOR']);
  expect(findTransition('RESOLVE', 'RESPONDING', actors)).toBeUndefined();
  expect(mayEverMake('ESCALATE', actors)).toBe(false);
  expect(mayEverMake('RETURN', actors)).toBe(true);
});

test('reopening a resolved incident resumes where its owner works on it; reopening a rejection goes back to REPORTED', () => {
  const coord = new Set<IncidentActor>(['COORDINATOR', 'OWNER']);
  expect(targetStatus(findTransition('REOPEN', 'RESOLVED', coord)!, true)).toBe('COORDINATING');
  expect(targetStatus(findTransition('REOPEN', 'RESOLVED', new Set<IncidentActor>(['OWNER']))!, false)).toBe('RESPONDING');
  expect(targetStatus(findTransition('REOPEN', 'REJECTED', coord)!, true)).toBe('REPORTED');
});

test('every move appears in the table', () => {
  for (const move of INCIDENT_MOVES)
    expect(mayEverMake(move, new Set<IncidentActor>(['HANDLER', 'HANDLER_NOT_COORDINATOR', 'COORDINATOR', 'OWNER', 'REPORTER']))).toBe(true);
});
