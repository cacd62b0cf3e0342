import type { OrganizationKind } from '../modules/organizations/organization.entity';
import type { MemberRole } from '../modules/accounts/account.entity';

/**
 * The rulebook's first table: role (organization kind × member role) → capabilities.
 * Everything that decides "may this principal ever do X" reads this table; what it may do to one
 * object in one state is decided by policy.ts on top of it.
 */
export const CAPABILITIES = [
  'INCIDENT_READ',
  'INCIDENT_REPORT',
  'INCIDENT_HANDLE',
  'INCIDENT_COORDINATE',
  'NOTE_ADD',
  'DIRECTIVE_ISSUE',
  'DIRECTIVE_RESPOND',
  'DOMAIN_FEED_READ',
  'STATISTICS_READ',
  'ORG_ADMIN',
  'ORGANIZATION_MANAGE',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Capabilities an API key may never hold: keys do not manage accounts, keys or organizations. */
export const ADMIN_ONLY_CAPABILITIES: readonly Capability[] = ['ORG_ADMIN', 'ORGANIZATION_MANAGE'];

export const MEMBER_ROLES_BY_KIND: Record<OrganizationKind, readonly MemberRole[]> = {
  COORDINATOR: ['ADMIN', 'HANDLER', 'ANALYST'],
  REGISTRY: ['ADMIN', 'HANDLER', 'ANALYST'],
  ISP: ['ADMIN', 'HANDLER', 'ANALYST'],
  AGENCY_IT: ['ADMIN', 'HANDLER', 'ANALYST'],
  RESPONSE_PARTNER: ['ADMIN', 'HANDLER', 'ANALYST'],
  LAW_ENFORCEMENT: ['ADMIN', 'HANDLER', 'ANALYST'],
  REGULATOR: ['ADMIN', 'HANDLER', 'ANALYST'],
  CONSTITUENT: ['ADMIN', 'REPORTER'],
};

type RoleTable = Record<OrganizationKind, Partial<Record<MemberRole, readonly Capability[]>>>;

const R = 'INCIDENT_READ';
const REPORT = 'INCIDENT_REPORT';
const NOTE = 'NOTE_ADD';

export const ROLE_CAPABILITIES: RoleTable = {
  COORDINATOR: {
    ADMIN: [R, REPORT, 'INCIDENT_HANDLE', 'INCIDENT_COORDINATE', NOTE, 'DIRECTIVE_ISSUE', 'STATISTICS_READ', 'ORG_ADMIN', 'ORGANIZATION_MANAGE'],
    HANDLER: [R, REPORT, 'INCIDENT_HANDLE', 'INCIDENT_COORDINATE', NOTE, 'DIRECTIVE_ISSUE', 'STATISTICS_READ'],
    ANALYST: [R, 'STATISTICS_READ'],
  },
  REGISTRY: {
    ADMIN: [R, REPORT, NOTE, 'DIRECTIVE_RESPOND', 'DOMAIN_FEED_READ', 'ORG_ADMIN'],
    HANDLER: [R, REPORT, NOTE, 'DIRECTIVE_RESPOND', 'DOMAIN_FEED_READ'],
    ANALYST: [R, 'DOMAIN_FEED_READ'],
  },
  ISP: {
    ADMIN: [R, REPORT, 'INCIDENT_HANDLE', NOTE, 'DIRECTIVE_RESPOND', 'ORG_ADMIN'],
    HANDLER: [R, REPORT, 'INCIDENT_HANDLE', NOTE, 'DIRECTIVE_RESPOND'],
    ANALYST: [R],
  },
  AGENCY_IT: {
    ADMIN: [R, REPORT, 'INCIDENT_HANDLE', NOTE, 'DIRECTIVE_RESPOND', 'ORG_ADMIN'],
    HANDLER: [R, REPORT, 'INCIDENT_HANDLE', NOTE, 'DIRECTIVE_RESPOND'],
    ANALYST: [R],
  },
  RESPONSE_PARTNER: {
    ADMIN: [R, REPORT, NOTE, 'DIRECTIVE_RESPOND', 'ORG_ADMIN'],
    HANDLER: [R, REPORT, NOTE, 'DIRECTIVE_RESPOND'],
    ANALYST: [R],
  },
  LAW_ENFORCEMENT: {
    ADMIN: [R, REPORT, NOTE, 'ORG_ADMIN'],
    HANDLER: [R, REPORT, NOTE],
    ANALYST: [R],
  },
  REGULATOR: {
    // The regulator inspects: it never reports (DESIGN.md §3), but may comment on incidents shared with it.
    ADMIN: [R, NOTE, 'STATISTICS_READ', 'ORG_ADMIN'],
    HANDLER: [R, NOTE, 'STATISTICS_READ'],
    ANALYST: [R, 'STATISTICS_READ'],
  },
  CONSTITUENT: {
    ADMIN: [R, REPORT, NOTE, 'ORG_ADMIN'],
    REPORTER: [R, REPORT, NOTE],
  },
};

export function roleCapabilities(kind: OrganizationKind, role: MemberRole): readonly Capability[] {
  return ROLE_CAPABILITIES[kind][role] ?? [];
}

/** The role an API key acts in: its kind's HANDLER, or REPORTER for a constituent (DESIGN.md §2). */
export function apiKeyRole(kind: OrganizationKind): MemberRole {
  return kind === 'CONSTITUENT' ? 'REPORTER' : 'HANDLER';
}

/** What an ADMIN may put on a key of its organization: a subset of the key role's capabilities. */
export function grantableKeyCapabilities(kind: OrganizationKind): readonly Capability[] {
  return roleCapabilities(kind, apiKeyRole(kind)).filter((c) => !ADMIN_ONLY_CAPABILITIES.includes(c));
}

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}
