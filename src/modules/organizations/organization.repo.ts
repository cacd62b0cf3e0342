import type { Queryable, Row } from '../../db/db';
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
