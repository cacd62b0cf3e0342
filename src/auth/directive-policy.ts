import { sql, raw, type Sql } from '../db/sql';
import type { Viewer } from './viewer';
import type { OrganizationKind } from '../modules/organizations/organization.entity';
import type { DirectiveActor } from '../modules/directives/workflow';

/**
 * The directive rules of the rulebook (DESIGN.md §2 "Directives", §3 field rules and "Who may act").
 * Pure like policy.ts: SQL conditions over a directive row aliased `d` joined with its incident `i`,
 * and decisions over rows already fetched; never a query of its own.
 */

/** Kinds a directive may be addressed to. */
export const DIRECTIVE_RECIPIENT_KINDS: readonly OrganizationKind[] = ['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER'];

export function isDirectiveRecipientKind(kind: OrganizationKind): boolean {
  return DIRECTIVE_RECIPIENT_KINDS.includes(kind);
}

/**
 * Field rule "a directive: the coordinator, its recipient, the handling organization". It does not
 * depend on the incident's view: a recipient of a confidential incident still sees its own directive.
 * Recipients never see each other's directives, because only their own match `d.recipient_org_id`.
 */
export function directiveVisibleSql(viewer: Viewer): Sql {
  const org = viewer.organization;
  if (org.kind === 'COORDINATOR') return raw('true');
  return sql`(d.recipient_org_id = ${org.id} or i.handler_org_id = ${org.id})`;
}

export interface DirectiveFacts {
  recipientOrgId: string;
}

/** Whether the viewer may issue directives at all (coordinator accounts or keys with DIRECTIVE_ISSUE). */
export function mayIssueDirectives(viewer: Viewer): boolean {
  return viewer.organization.kind === 'COORDINATOR' && viewer.capabilities.has('DIRECTIVE_ISSUE');
}

/** The parts the viewer plays for one directive, for the directive workflow table. */
export function directiveActors(viewer: Viewer, facts: DirectiveFacts): Set<DirectiveActor> {
  const actors = new Set<DirectiveActor>();
  if (viewer.organization.id === facts.recipientOrgId && viewer.capabilities.has('DIRECTIVE_RESPOND')) actors.add('RECIPIENT');
  if (mayIssueDirectives(viewer)) actors.add('COORDINATOR');
  return actors;
}
