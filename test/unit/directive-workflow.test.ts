import { DIRECTIVE_MOVES, isDirectiveRecipientKind, type DirectiveActor } from '../../src/auth/moves';
import { allowedDirectiveMoves, findDirectiveTransition, mayEverMakeDirectiveMove, directiveActors } from '../../src/auth/decide';
import { acknowledgesOnTheWay } from '../../src/modules/directives/workflow';
import { DIRECTIVE_STATUSES, OPEN_DIRECTIVE_STATUSES, type DirectiveStatus } from '../../src/modules/directives/directive.entity';
import { directiveVisibleSql } from '../../src/auth/views';
import type { Viewer } from '../../src/auth/viewer';
import type { Capability } from '../../src/auth/capabilities';
import type { OrganizationKind } from '../../src/modules/organizations/organization.entity';

// Expected moves written by hand from DESIGN.md §2's directive table.
const EXPECTED: Record<string, Record<DirectiveStatus, string[]>> = {
  RECIPIENT: {
    ISSUED: ['ACKNOWLEDGE', 'COMPLETE', 'DECLINE'],
    ACKNOWLEDGED: ['START', 'COMPLETE', 'DECLINE'],
    IN_PROGRESS: ['COMPLETE', 'DECLINE'],
    COMPLETED: [],
    DECLINED: [],
    CANCELLED: [],
  },
  COORDINATOR: {
    ISSUED: ['CANCEL'],
    ACKNOWLEDGED: ['CANCEL'],
    IN_PROGRESS: ['CANCEL'],
    COMPLETED: [],
    DECLINED: [],
    CANCELLED: [],
  },
  NOBODY: { ISSUED: [], ACKNOWLEDGED: [], IN_PROGRESS: [], COMPLETED: [], DECLINED: [], CANCELLED: [] },
};
const ACTORS: Record<string, DirectiveActor[]> = { RECIPIENT: ['RECIPIENT'], COORDINATOR: ['COORDINATOR'], NOBODY: [] };
const sorted = (m: string[]) => [...m].sort();

test.each(Object.keys(EXPECTED))('allowed directive moves of %s from every state', (who) => {
  for (const status of DIRECTIVE_STATUSES) {
    expect(sorted(allowedDirectiveMoves(status, new Set(ACTORS[who])))).toEqual(sorted(EXPECTED[who][status]));
  }
});

test('target states of each move', () => {
  const r = new Set<DirectiveActor>(['RECIPIENT']);
  const c = new Set<DirectiveActor>(['COORDINATOR']);
  expect(findDirectiveTransition('ACKNOWLEDGE', 'ISSUED', r)?.to).toBe('ACKNOWLEDGED');
  expect(findDirectiveTransition('START', 'ACKNOWLEDGED', r)?.to).toBe('IN_PROGRESS');
  expect(findDirectiveTransition('COMPLETE', 'IN_PROGRESS', r)?.to).toBe('COMPLETED');
  expect(findDirectiveTransition('DECLINE', 'ACKNOWLEDGED', r)?.to).toBe('DECLINED');
  expect(findDirectiveTransition('CANCEL', 'ISSUED', c)?.to).toBe('CANCELLED');
  // Starting needs an acknowledgement first; nobody reopens a finished directive.
  expect(findDirectiveTransition('START', 'ISSUED', r)).toBeUndefined();
  expect(findDirectiveTransition('ACKNOWLEDGE', 'ACKNOWLEDGED', r)).toBeUndefined();
  expect(findDirectiveTransition('CANCEL', 'COMPLETED', c)).toBeUndefined();
});

test("who may ever make a move: recipients respond, the coordinator cancels; neither does the other's moves", () => {
  const r = new Set<DirectiveActor>(['RECIPIENT']);
  const c = new Set<DirectiveActor>(['COORDINATOR']);
  expect(DIRECTIVE_MOVES.filter((m) => mayEverMakeDirectiveMove(m, r))).toEqual(['ACKNOWLEDGE', 'START', 'COMPLETE', 'DECLINE']);
  expect(DIRECTIVE_MOVES.filter((m) => mayEverMakeDirectiveMove(m, c))).toEqual(['CANCEL']);
  expect(DIRECTIVE_MOVES.filter((m) => mayEverMakeDirectiveMove(m, new Set()))).toEqual([]);
});

test('completing or declining straight from ISSUED counts as acknowledging; nothing else does', () => {
  const r = new Set<DirectiveActor>(['RECIPIENT']);
  const c = new Set<DirectiveActor>(['COORDINATOR']);
  expect(acknowledgesOnTheWay(findDirectiveTransition('COMPLETE', 'ISSUED', r)!, 'ISSUED')).toBe(true);
  expect(acknowledgesOnTheWay(findDirectiveTransition('DECLINE', 'ISSUED', r)!, 'ISSUED')).toBe(true);
  expect(acknowledgesOnTheWay(findDirectiveTransition('COMPLETE', 'ACKNOWLEDGED', r)!, 'ACKNOWLEDGED')).toBe(false);
  expect(acknowledgesOnTheWay(findDirectiveTransition('DECLINE', 'IN_PROGRESS', r)!, 'IN_PROGRESS')).toBe(false);
  expect(acknowledgesOnTheWay(findDirectiveTransition('CANCEL', 'ISSUED', c)!, 'ISSUED')).toBe(false);
});

test('open statuses', () => {
  expect(DIRECTIVE_STATUSES.filter((st) => OPEN_DIRECTIVE_STATUSES.includes(st))).toEqual(['ISSUED', 'ACKNOWLEDGED', 'IN_PROGRESS']);
});

function viewer(kind: OrganizationKind, orgId: string, caps: Capability[]): Viewer {
  return {
    principal: { type: 'ACCOUNT', id: 'a', email: 'x@y.test', displayName: 'x' },
    organization: { id: orgId, code: 'X', name: 'X', kind, person: false, zones: [] },
    memberRole: 'HANDLER',
    capabilities: new Set(caps),
    credentialExpiresAt: null,
  };
}

describe('directive rulebook', () => {
  test('the recipient is HANDLER/ADMIN (DIRECTIVE_RESPOND) of the recipient organization; an analyst of it is nobody', () => {
    expect([...directiveActors(viewer('REGISTRY', 'vnnic', ['INCIDENT_READ', 'DIRECTIVE_RESPOND']), { recipientOrgId: 'vnnic' })]).toEqual([
      'RECIPIENT',
    ]);
    expect([...directiveActors(viewer('REGISTRY', 'vnnic', ['INCIDENT_READ']), { recipientOrgId: 'vnnic' })]).toEqual([]);
    expect([...directiveActors(viewer('ISP', 'viettel', ['INCIDENT_READ', 'DIRECTIVE_RESPOND']), { recipientOrgId: 'vnnic' })]).toEqual([]);
  });

  test('the coordinator is DIRECTIVE_ISSUE in the COORDINATOR organization; its analyst is nobody', () => {
    expect([...directiveActors(viewer('COORDINATOR', 'vncert', ['DIRECTIVE_ISSUE']), { recipientOrgId: 'vnnic' })]).toEqual(['COORDINATOR']);
    expect([...directiveActors(viewer('COORDINATOR', 'vncert', ['INCIDENT_READ']), { recipientOrgId: 'vnnic' })]).toEqual([]);
  });

  test('recipient kinds: REGISTRY, ISP, AGENCY_IT, RESPONSE_PARTNER only', () => {
    const kinds: OrganizationKind[] = [
      'COORDINATOR',
      'REGISTRY',
      'ISP',
      'AGENCY_IT',
      'RESPONSE_PARTNER',
      'LAW_ENFORCEMENT',
      'REGULATOR',
      'CONSTITUENT',
    ];
    expect(kinds.filter(isDirectiveRecipientKind)).toEqual(['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER']);
  });

  test("visibility: everything for the coordinator; own directives or the handled incident's for others", () => {
    expect(directiveVisibleSql(viewer('COORDINATOR', 'vncert', [])).toQuery()).toEqual({ text: 'true', values: [] });
    expect(directiveVisibleSql(viewer('ISP', 'viettel', [])).toQuery()).toEqual({
      text: '(d.recipient_org_id = $1 or i.handler_org_id = $2)',
      values: ['viettel', 'viettel'],
    });
  });
});
