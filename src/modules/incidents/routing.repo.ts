import type { Queryable } from '../../db/db';
import { sql } from '../../db/sql';
import { ORG_COLUMNS, type OrganizationRow } from '../organizations/organization.repo';

// The statements of report routing (routing.ts): who announces an ASN or an address, and the coordinator.

/** Active ISPs and agency IT units that announce the ASN (routing wants exactly one). */
export async function organizationsAnnouncingAsn(db: Queryable, asn: string): Promise<(OrganizationRow & { id: string })[]> {
  return db.query<OrganizationRow & { id: string }>(sql`select o.id, o.code, o.kind, o.active from organization o
      where o.active and o.kind in ('ISP','AGENCY_IT') and ${asn}::bigint = any(o.asns)`);
}

/** For each address, the active ISP or agency IT unit that announces the longest prefix containing it. */
export async function longestPrefixOwners(
  db: Queryable,
  publicIps: readonly string[],
): Promise<{ ip: string; id: string; code: string; kind: string }[]> {
  return db.query<{ ip: string; id: string; code: string; kind: string }>(sql`
      select distinct on (ip.value) ip.value as ip, o.id, o.code, o.kind
      from unnest(${publicIps}::inet[]) ip(value)
      join organization o on o.active and o.kind in ('ISP','AGENCY_IT')
      join lateral unnest(o.ip_ranges) r(range) on ip.value <<= r.range
      order by ip.value, masklen(r.range) desc, o.code`);
}

/** The network's coordinator (the default and WIDESPREAD handler); its absence is a configuration error. */
export async function coordinatorOrganization(q: Queryable): Promise<OrganizationRow> {
  const row = await q.one<OrganizationRow>(sql`select ${ORG_COLUMNS} from organization o where o.kind = 'COORDINATOR'`);
  if (!row) throw new Error('no COORDINATOR organization is configured');
  return row;
}
