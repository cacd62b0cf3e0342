import type { Queryable, Row } from '../../db/db';
import { PRINCIPAL_CHANGED_CHANNEL } from '../../db/channels';
import { sql, and, type Sql } from '../../db/sql';
import { accountVisibleSql } from '../../auth/views';
import type { Viewer } from '../../auth/viewer';
import type { AccountEntity, MemberRole } from './account.entity';

export interface AccountRow extends Row {
  id: string;
  email: string;
  display_name: string;
  member_role: MemberRole;
  active: boolean;
  organization_id: string;
}

const ACCOUNT_COLUMNS = sql`a.id, a.email, a.display_name, a.member_role, a.active, a.organization_id`;

/** The row a command's entity now holds (what the presenters read). */
export function accountRowOf(e: AccountEntity): AccountRow {
  return { id: e.id, email: e.email, display_name: e.displayName, member_role: e.memberRole, active: e.active, organization_id: e.organizationId };
}

/** Open WebSockets of the principal (account or API key) re-authenticate, on every instance, after commit. */
export async function notifyPrincipalChanged(q: Queryable, principalId: string): Promise<void> {
  await q.query(sql`select pg_notify(${PRINCIPAL_CHANGED_CHANNEL}, ${principalId})`);
}

/** An account by uuid if the viewer may see it (its own organization, or the coordinator). */
export async function visibleAccount(db: Queryable, viewer: Viewer, id: string): Promise<AccountRow | undefined> {
  return db.one<AccountRow>(sql`select ${ACCOUNT_COLUMNS} from account a where a.id = ${id} and ${accountVisibleSql(viewer)}`);
}

/**
 * The first `first + 1` visible accounts (by e-mail, after `afterEmail`) of each organization, in one
 * windowed statement, ordered by organization and e-mail.
 */
export async function accountPages(
  db: Queryable,
  viewer: Viewer,
  page: { orgIds: readonly string[]; first: number; afterEmail: string | null },
): Promise<AccountRow[]> {
  const conds: Sql[] = [sql`a.organization_id = any(${page.orgIds}::uuid[])`, accountVisibleSql(viewer)];
  if (page.afterEmail !== null) conds.push(sql`a.email > ${page.afterEmail}`);
  return db.query<AccountRow>(sql`select x.id, x.email, x.display_name, x.member_role, x.active, x.organization_id from (
      select ${ACCOUNT_COLUMNS}, row_number() over (partition by a.organization_id order by a.email) as rn
      from account a where ${and(conds)}) x
    where x.rn <= ${page.first + 1} order by x.organization_id, x.email`);
}
