import type { Queryable, Row } from '../../db/db';
import { ORGANIZATION_CHANGED_CHANNEL, PRINCIPAL_CHANGED_CHANNEL } from '../../db/channels';
import { sql, and, TRUE, type Sql } from '../../db/sql';
import type { OrganizationKind, OrganizationContact } from './organization.entity';
import type { Viewer } from '../../auth/viewer';
import { organizationVisibleSql } from '../../auth/views';

export interface OrganizationRow extends Row {
  id: string;
  code: string;
  name: string;
  kind: OrganizationKind;
  person: boolean;
  country: string;
  contact: OrganizationContact;
  ip_ranges: string[];
  asns: string[];
  zones: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

// cidr[] arrives as text '{…}' unless cast; ask for text[] so pg parses the array.
export const ORG_COLUMNS = sql`o.id, o.code, o.name, o.kind, o.person, o.country, o.contact, o.ip_ranges::text[] as ip_ranges,
  o.asns::text[] as asns, o.zones, o.active, o.created_at, o.updated_at`;

export async function organizationsByIds(db: Queryable, ids: readonly string[]): Promise<OrganizationRow[]> {
  return db.query<OrganizationRow>(sql`select ${ORG_COLUMNS} from organization o where o.id = any(${ids}::uuid[])`);
}

/**
 * The requested organizations plus every network organization (all kinds but constituents: a small,
 * bounded set). Relations found later in a request (directive recipients, event actors) are then
 * already loaded, so the statement count of a page does not depend on when each nested list returns.
 */
export async function organizationsWithNetwork(db: Queryable, ids: readonly string[]): Promise<OrganizationRow[]> {
  return db.query<OrganizationRow>(sql`select ${ORG_COLUMNS} from organization o where o.id = any(${ids}::uuid[]) or o.kind <> 'CONSTITUENT'`);
}

/**
 * An organization named by code in an input or filter, as the viewer may see it: one it may not see
 * (another constituent, a person) reads exactly like an unknown code (DESIGN.md §3 field rules).
 * `EVERY_ORGANIZATION` is for a caller whose own rule covers every organization (statistics readers'
 * `periodicSummary`), which then answers an invisible one like an unknown one itself.
 */
export async function organizationByCode(db: Queryable, viewer: Viewer | 'EVERY_ORGANIZATION', code: string): Promise<OrganizationRow | undefined> {
  return db.one<OrganizationRow>(sql`select ${ORG_COLUMNS} from organization o where o.code = ${code.toUpperCase()}
    and ${viewer === 'EVERY_ORGANIZATION' ? TRUE : organizationVisibleSql(viewer)}`);
}

/** A page of the organizations the viewer may see, by code (keyset after `afterCode`). */
export async function listVisibleOrganizations(
  db: Queryable,
  viewer: Viewer,
  page: { kind: OrganizationKind | null; afterCode: string | null; limit: number },
): Promise<OrganizationRow[]> {
  const conds: Sql[] = [organizationVisibleSql(viewer)];
  if (page.kind) conds.push(sql`o.kind = ${page.kind}`);
  if (page.afterCode !== null) conds.push(sql`o.code > ${page.afterCode}`);
  return db.query<OrganizationRow>(sql`select ${ORG_COLUMNS} from organization o where ${and(conds)} order by o.code limit ${page.limit}`);
}

/** The code of the COORDINATOR organization, if there is one (there is exactly one). */
export async function coordinatorCode(q: Queryable): Promise<string | undefined> {
  return (await q.one<{ code: string }>(sql`select code from organization where kind = 'COORDINATOR'`))?.code;
}

/** Whether any organization, visible or not, has this code. */
export async function codeTaken(q: Queryable, code: string): Promise<boolean> {
  return !!(await q.one(sql`select 1 from organization where code = ${code}`));
}

/** Which of these ASNs (digits) another organization than `exceptOrgId` announces, by code. */
export async function asnsAnnounced(q: Queryable, asns: readonly string[], exceptOrgId: string | null): Promise<{ asn: string; code: string }[]> {
  return q.query<{ asn: string; code: string }>(sql`select a.asn::text as asn, o.code from organization o
    cross join lateral unnest(o.asns) a(asn)
    where a.asn = any(${asns}::bigint[]) and o.id is distinct from ${exceptOrgId}::uuid order by o.code`);
}

/** Up to five active accounts of the organization whose role is none of `roles`, by e-mail. */
export async function activeAccountsWithoutRoles(
  q: Queryable,
  orgId: string,
  roles: readonly string[],
): Promise<{ email: string; member_role: string }[]> {
  return q.query<{ email: string; member_role: string }>(sql`select email, member_role from account
    where organization_id = ${orgId} and active and member_role <> all(${roles}::text[]) order by email limit 5`);
}

export async function hasActiveAdmin(q: Queryable, orgId: string): Promise<boolean> {
  return !!(await q.one(sql`select 1 from account where organization_id = ${orgId} and member_role = 'ADMIN' and active`));
}

/** Every other process's cache of organizations is emptied when this transaction commits (`from`: this process). */
export async function notifyOrganizationChanged(q: Queryable, from: string): Promise<void> {
  await q.query(sql`select pg_notify(${ORGANIZATION_CHANGED_CHANNEL}, ${from})`);
}

/** Every principal of the organization (accounts, unrevoked keys): their open WebSockets re-authenticate after commit. */
export async function notifyOrganizationPrincipals(q: Queryable, orgId: string): Promise<void> {
  await q.query(sql`select pg_notify(${PRINCIPAL_CHANGED_CHANNEL}, p.id::text) from (
    select id from account where organization_id = ${orgId}
    union all select id from api_key where organization_id = ${orgId} and revoked_at is null) p`);
}
