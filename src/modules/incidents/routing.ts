import ipaddr from 'ipaddr.js';
import type { Queryable } from '../../db/db';
import type { Viewer } from '../../auth/viewer';
import { badInput } from '../../graphql/errors';
import { organizationByCode, type OrganizationRow } from '../organizations/organization.repo';
import { longestPrefixOwners, organizationsAnnouncingAsn } from './routing.repo';

/** Kinds a report may be addressed to (DESIGN.md §2 routing rule 2). */
export const ADDRESSABLE_KINDS = ['ISP', 'AGENCY_IT', 'COORDINATOR'] as const;

export type RoutingRule = 'WIDESPREAD' | 'ADDRESSED' | 'AFFECTED_SYSTEM' | 'DEFAULT';

export interface RoutingInput {
  scope: 'LOCAL' | 'WIDESPREAD';
  reportTo: OrganizationRow | null;
  publicIps: string[];
  connectivityProvider: OrganizationRow | null;
}

export interface RoutingDecision {
  handler: { id: string; code: string; kind: string };
  rule: RoutingRule;
}

/** Resolves and checks `reportTo` (BAD_USER_INPUT before anything else happens). */
export async function resolveAddressee(db: Queryable, viewer: Viewer, code: string | null | undefined): Promise<OrganizationRow | null> {
  if (!code) return null;
  const org = await organizationByCode(db, viewer, code);
  if (!org || !org.active || !(ADDRESSABLE_KINDS as readonly string[]).includes(org.kind)) {
    throw badInput('input.reportTo', `reportTo must be the code of an active ISP, agency IT unit or the coordinator; "${code}" is not`);
  }
  return org;
}

/** `connectivityProvider`: an organization code, or an ASN (`AS<n>`) announced by one. */
export async function resolveConnectivityProvider(db: Queryable, viewer: Viewer, value: string | null | undefined): Promise<OrganizationRow | null> {
  if (!value) return null;
  const asn = /^AS\s?(\d{1,10})$/i.exec(value.trim());
  if (asn) {
    const rows = await organizationsAnnouncingAsn(db, asn[1]);
    if (rows.length !== 1) throw badInput('input.affectedSystem.connectivityProvider', `no single active ISP or agency unit announces ${value}`);
    return rows[0];
  }
  const org = await organizationByCode(db, viewer, value);
  if (!org || !org.active || !['ISP', 'AGENCY_IT'].includes(org.kind)) {
    throw badInput(
      'input.affectedSystem.connectivityProvider',
      `connectivityProvider must be the code or ASN of an active ISP or agency IT unit; "${value}" is not`,
    );
  }
  return org;
}

/** Canonical public IPs of the affected system; anything else is refused. */
export function normalizePublicIps(values: string[] | null | undefined): string[] {
  const out = new Set<string>();
  (values ?? []).forEach((v, i) => {
    const text = v.trim();
    // A zone id ("fe80::1%eth0") is no public address, and PostgreSQL's inet refuses it.
    if (text.includes('%') || !ipaddr.isValid(text) || (ipaddr.IPv4.isValid(text) && !ipaddr.IPv4.isValidFourPartDecimal(text))) {
      throw badInput(`input.affectedSystem.publicIps[${i}]`, `"${v}" is not an IP address`);
    }
    const addr = ipaddr.parse(text);
    out.add(addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString());
  });
  return [...out];
}

/**
 * Routing of a new report, first rule that applies (DESIGN.md §2). Only the victim's side routes:
 * indicators (the attacker's hosts) never do, or a victim's report would go to the attacker's provider.
 */
export async function routeReport(db: Queryable, input: RoutingInput, coordinator: OrganizationRow): Promise<RoutingDecision> {
  const asHandler = (o: OrganizationRow) => ({ id: o.id, code: o.code, kind: o.kind });
  if (input.scope === 'WIDESPREAD') return { handler: asHandler(coordinator), rule: 'WIDESPREAD' };
  if (input.reportTo) return { handler: asHandler(input.reportTo), rule: 'ADDRESSED' };
  if (input.publicIps.length) {
    // Longest announced prefix per address, among active ISPs and agency units.
    const rows = await longestPrefixOwners(db, input.publicIps);
    const owners = new Map(rows.map((r) => [r.id, r]));
    if (owners.size === 1) {
      const only = [...owners.values()][0];
      return { handler: { id: only.id, code: only.code, kind: only.kind }, rule: 'AFFECTED_SYSTEM' };
    }
  }
  if (input.connectivityProvider) return { handler: asHandler(input.connectivityProvider), rule: 'AFFECTED_SYSTEM' };
  return { handler: asHandler(coordinator), rule: 'DEFAULT' };
}
