import type { Queryable, Row } from '../../db/db';
import { sql, and, type Sql } from '../../db/sql';
import type { ApiKeyEntity } from './account.entity';

export interface ApiKeyRow extends Row {
  id: string;
  organization_id: string;
  name: string;
  hint: string;
  capabilities: string[];
  expires_at: Date | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const KEY_COLUMNS = sql`k.id, k.organization_id, k.name, k.hint, k.capabilities, k.expires_at, k.created_at, k.last_used_at, k.revoked_at`;

/** The row a command's entity now holds (what the presenter reads). */
export function apiKeyRowOf(e: ApiKeyEntity): ApiKeyRow {
  return {
    id: e.id,
    organization_id: e.organizationId,
    name: e.name,
    hint: e.hint,
    capabilities: e.capabilities,
    expires_at: e.expiresAt ?? null,
    created_at: e.createdAt,
    last_used_at: e.lastUsedAt ?? null,
    revoked_at: e.revokedAt ?? null,
  };
}

/** A key of the organization by uuid (keys are nobody else's business). */
export async function organizationApiKey(db: Queryable, organizationId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.one<ApiKeyRow>(sql`select ${KEY_COLUMNS} from api_key k where k.id = ${id} and k.organization_id = ${organizationId}`);
}

/** A page of the organization's keys, newest first (keyset after `after`). */
export async function organizationApiKeys(
  db: Queryable,
  organizationId: string,
  page: { after: [string, string] | null; limit: number },
): Promise<ApiKeyRow[]> {
  const conds: Sql[] = [sql`k.organization_id = ${organizationId}`];
  if (page.after) conds.push(sql`(k.created_at, k.id) < (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)`);
  return db.query<ApiKeyRow>(sql`select ${KEY_COLUMNS} from api_key k where ${and(conds)}
    order by k.created_at desc, k.id desc limit ${page.limit}`);
}
