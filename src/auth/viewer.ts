import type { OrganizationKind } from '../modules/organizations/organization.entity';
import type { MemberRole } from '../modules/accounts/account.entity';
import type { Capability } from './capabilities';

export type Principal =
  { type: 'ACCOUNT'; id: string; email: string; displayName: string } | { type: 'API_KEY'; id: string; name: string; expiresAt: Date | null };

export interface ViewerOrganization {
  id: string;
  code: string;
  name: string;
  kind: OrganizationKind;
  person: boolean;
  zones: readonly string[];
}

/** Who is asking, resolved from the database on every request (never trusted from the token). */
export interface Viewer {
  principal: Principal;
  organization: ViewerOrganization;
  memberRole: MemberRole;
  capabilities: ReadonlySet<Capability>;
  /** When a JWT expires (subscriptions close their socket then). */
  credentialExpiresAt: Date | null;
}

/** The principal as stored for idempotency scoping and actor columns. */
export function principalKey(viewer: Viewer): string {
  return `${viewer.principal.type === 'ACCOUNT' ? 'account' : 'key'}:${viewer.principal.id}`;
}

export function actorColumns(viewer: Viewer): { accountId: string | null; apiKeyId: string | null; orgId: string } {
  return {
    accountId: viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null,
    apiKeyId: viewer.principal.type === 'API_KEY' ? viewer.principal.id : null,
    orgId: viewer.organization.id,
  };
}
