import DataLoader from 'dataloader';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable, Row } from '../../db/db';
import { PRINCIPAL_CHANGED_CHANNEL } from '../../db/channels';
import { sql, and, type Sql } from '../../db/sql';
import { HubError, badInput, notFound } from '../../graphql/errors';
import { decodeKeyset, decodeId, encodeCursor, pageOf, toGlobalId, type Connection } from '../../graphql/relay';
import { accountVisibleSql } from '../../auth/views';
import { project } from '../../auth/projection';
import { decideAccountAdministration, enforce } from '../../auth/decide';
import { MEMBER_ROLES_BY_KIND, grantableKeyCapabilities, isCapability, type Capability } from '../../auth/capabilities';
import { generateApiKey, hashApiKey, apiKeyHint } from '../../auth/apiKeys';
import type { Viewer } from '../../auth/viewer';
import { toOrganization } from '../organizations/organization.types';
import type { OrganizationKind } from '../organizations/organization.entity';
import { clampFirst } from '../../graphql/relay';
import { Account, toRole } from './account.types';
import type { MemberRole } from './account.entity';
import { ApiKey, type CreateAccountInput, type CreateApiKeyInput, type RevokeApiKeyInput, type SetAccountActiveInput, type SetAccountRoleInput } from './admin.types';

export async function notifyPrincipalChanged(q: Queryable, principalId: string): Promise<void> {
  await q.query(sql`select pg_notify(${PRINCIPAL_CHANGED_CHANNEL}, ${principalId})`);
}

// ---------------------------------------------------------------------------
// Accounts

export interface AccountRow extends Row {
  id: string;
  email: string;
  display_name: string;
  member_role: MemberRole;
  active: boolean;
  organization_id: string;
}

export const ACCOUNT_COLUMNS = sql`a.id, a.email, a.display_name, a.member_role, a.active, a.organization_id`;

export async function presentAccount(ctx: Context, row: AccountRow): Promise<Account> {
  const org = await ctx.loaders.organization.load(row.organization_id);
  if (!org) throw notFound('Account');
  const viewer = viewerOf(ctx);
  // A class instance, so the Node interface resolves its type; its row is visible by accountVisibleSql.
  return Object.assign(new Account(), project('Account', { viewer, view: 'FULL', facts: null, organization: org }, {
    id: toGlobalId('Account', row.id),
    email: row.email,
    displayName: row.display_name,
    active: row.active,
    role: toRole(org.kind, row.member_role),
    organization: toOrganization(viewer, org),
  }));
}

/** Judged without any target: an admin manages only its own organization, so only its kind's roles can ever succeed. */
function checkRoleForKind(kind: OrganizationKind, role: MemberRole, field: string): void {
  const valid = MEMBER_ROLES_BY_KIND[kind];
  if (!valid.includes(role)) {
    throw badInput(field, `${role} is not a member role of a ${kind} organization (valid: ${valid.join(', ')})`);
  }
}

export async function createAccount(ctx: Context, input: CreateAccountInput): Promise<AccountRow> {
  const viewer = viewerOf(ctx);
  const email = input.email.trim().toLowerCase();
  const displayName = input.displayName.trim();
  if (!displayName) throw badInput('input.displayName', 'displayName must not be blank');
  checkRoleForKind(viewer.organization.kind, input.role, 'input.role');
  ctx.authz.require('ORG_ADMIN', 'creating accounts');
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    // `on conflict do nothing`: a concurrent duplicate answers like a sequential one, without aborting the transaction.
    const row = await q.one<AccountRow>(sql`insert into account as a (organization_id, email, display_name, member_role, active, created_at, updated_at)
      values (${viewer.organization.id}, ${email}, ${displayName}, ${input.role}, true, ${now}, ${now})
      on conflict (email) do nothing returning ${ACCOUNT_COLUMNS}`);
    if (!row) throw badInput('input.email', `an account with the e-mail ${email} already exists`);
    return row;
  });
}

/**
 * The account an admin acts on, locked for the transaction, in DESIGN.md §3's order: invisible or
 * undecodable → NOT_FOUND; no ORG_ADMIN → FORBIDDEN; visible but of another organization (the
 * coordinator sees every account) → FORBIDDEN, since accounts are managed by their own organization's ADMINs only.
 */
async function lockManagedAccount(ctx: Context, q: Queryable, globalId: string): Promise<AccountRow> {
  const viewer = viewerOf(ctx);
  const id = decodeId(globalId, 'Account');
  if (!id) throw notFound('Account');
  const row = await q.one<AccountRow>(sql`select ${ACCOUNT_COLUMNS} from account a where a.id = ${id} and ${accountVisibleSql(viewer)}`);
  if (!row) throw notFound('Account');
  ctx.authz.require('ORG_ADMIN', 'managing accounts');
  enforce(decideAccountAdministration(viewer, row.organization_id));
  const locked = await q.one<AccountRow>(sql`select ${ACCOUNT_COLUMNS} from account a where a.id = ${id} for update`);
  if (!locked) throw notFound('Account');
  return locked;
}

function isSelf(viewer: Viewer, accountId: string): boolean {
  return viewer.principal.type === 'ACCOUNT' && viewer.principal.id === accountId;
}

export async function setAccountActive(ctx: Context, input: SetAccountActiveInput): Promise<AccountRow> {
  const viewer = viewerOf(ctx);
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    const row = await lockManagedAccount(ctx, q, input.id);
    // Refused so that an organization cannot lock itself out by accident; another ADMIN can do it.
    if (!input.active && isSelf(viewer, row.id)) throw badInput('input.active', 'You cannot deactivate your own account');
    // An account whose role its organization's kind no longer has (after a kind change) gets a valid role first.
    if (input.active && !MEMBER_ROLES_BY_KIND[viewer.organization.kind].includes(row.member_role)) {
      throw badInput('input.id', `The account's role ${row.member_role} is not a member role of a ${viewer.organization.kind} organization; give it a valid role first`);
    }
    const updated = await q.one<AccountRow>(sql`update account a set active = ${input.active}, updated_at = ${now}
      where a.id = ${row.id} returning ${ACCOUNT_COLUMNS}`);
    await notifyPrincipalChanged(q, row.id);
    return updated!;
  });
}

export async function setAccountRole(ctx: Context, input: SetAccountRoleInput): Promise<AccountRow> {
  const viewer = viewerOf(ctx);
  checkRoleForKind(viewer.organization.kind, input.role, 'input.role');
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    const row = await lockManagedAccount(ctx, q, input.id);
    if (input.role !== 'ADMIN' && isSelf(viewer, row.id)) throw badInput('input.role', 'You cannot demote your own account');
    const updated = await q.one<AccountRow>(sql`update account a set member_role = ${input.role}, updated_at = ${now}
      where a.id = ${row.id} returning ${ACCOUNT_COLUMNS}`);
    await notifyPrincipalChanged(q, row.id);
    return updated!;
  });
}

/** An account by uuid, if visible to the viewer (its own organization, or the coordinator); otherwise null. */
export async function accountNode(ctx: Context, id: string): Promise<Account | null> {
  const row = await ctx.db.one<AccountRow>(sql`select ${ACCOUNT_COLUMNS} from account a where a.id = ${id} and ${accountVisibleSql(viewerOf(ctx))}`);
  return row ? presentAccount(ctx, row) : null;
}

/** `Organization.accounts`: one statement per distinct (first, after) in a request, whatever the number of organizations. */
interface AccountsPageKey {
  orgId: string;
  first: number;
  afterEmail: string | null;
}

const pageKey = (k: AccountsPageKey): string => JSON.stringify([k.orgId, k.first, k.afterEmail]);
function accountPageLoader(ctx: Context): DataLoader<AccountsPageKey, AccountRow[], string> {
  return requestLoader(ctx, 'accountPages', () => createAccountPageLoader(ctx));
}

function createAccountPageLoader(ctx: Context): DataLoader<AccountsPageKey, AccountRow[], string> {
  const viewer = viewerOf(ctx);
  const loader = new DataLoader<AccountsPageKey, AccountRow[], string>(
    async (keys) => {
      // Keys with the same page arguments share one windowed query.
      const groups = new Map<string, AccountsPageKey[]>();
      for (const k of keys) {
        const g = JSON.stringify([k.first, k.afterEmail]);
        const list = groups.get(g);
        if (list) list.push(k);
        else groups.set(g, [k]);
      }
      const pages = new Map<string, AccountRow[]>();
      for (const group of groups.values()) {
        const { first, afterEmail } = group[0];
        const conds: Sql[] = [sql`a.organization_id = any(${group.map((k) => k.orgId)}::uuid[])`, accountVisibleSql(viewer)];
        if (afterEmail !== null) conds.push(sql`a.email > ${afterEmail}`);
        const rows = await ctx.db.query<AccountRow>(sql`select x.id, x.email, x.display_name, x.member_role, x.active, x.organization_id from (
            select ${ACCOUNT_COLUMNS}, row_number() over (partition by a.organization_id order by a.email) as rn
            from account a where ${and(conds)}) x
          where x.rn <= ${first + 1} order by x.organization_id, x.email`);
        for (const r of rows) {
          const key = pageKey({ orgId: r.organization_id, first, afterEmail });
          const list = pages.get(key);
          if (list) list.push(r);
          else pages.set(key, [r]);
        }
      }
      return keys.map((k) => pages.get(pageKey(k)) ?? []);
    },
    { cacheKeyFn: pageKey },
  );
  return loader;
}

/** Accounts of an organization, by e-mail: visible within their own organization and to the coordinator (empty otherwise). */
export async function organizationAccounts(
  ctx: Context,
  orgGlobalId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<Account>> {
  const first = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['string']);
  const orgId = decodeId(orgGlobalId, 'Organization');
  if (!orgId) return pageOf([], first, () => '');
  const rows = await accountPageLoader(ctx).load({ orgId, first, afterEmail: cursor ? cursor[0] : null });
  const page = pageOf(rows, first, (r) => encodeCursor([r.email]));
  return { ...page, edges: await Promise.all(page.edges.map(async (e) => ({ cursor: e.cursor, node: await presentAccount(ctx, e.node) }))) };
}

// ---------------------------------------------------------------------------
// API keys

interface ApiKeyRow extends Row {
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

/** A key as its organization's ADMINs read it (the only ones who get its row). */
export function toApiKey(viewer: Viewer, row: ApiKeyRow): ApiKey {
  return Object.assign(new ApiKey(), project('ApiKey', { viewer, view: 'FULL', facts: null, organization: { id: row.organization_id } }, {
    id: toGlobalId('ApiKey', row.id),
    name: row.name,
    capabilities: [...row.capabilities].sort(),
    hint: row.hint,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

/** A non-empty subset of what the kind's key role may hold (DESIGN.md §2: never account or key management). */
export function checkKeyCapabilities(kind: OrganizationKind, requested: readonly string[]): Capability[] {
  const field = 'input.capabilities';
  if (requested.length === 0) throw badInput(field, 'an API key needs at least one capability');
  const grantable = grantableKeyCapabilities(kind);
  const chosen = new Set<Capability>();
  for (const value of requested) {
    if (!isCapability(value)) {
      throw new HubError('BAD_USER_INPUT', `"${value}" is not a capability`, { field, value, grantable: [...grantable] });
    }
    if (!grantable.includes(value)) {
      throw new HubError('BAD_USER_INPUT', `"${value}" cannot be given to an API key of a ${kind} organization (grantable: ${grantable.join(', ')})`, {
        field,
        value,
        grantable: [...grantable],
      });
    }
    chosen.add(value);
  }
  return [...chosen].sort();
}

export async function createApiKey(ctx: Context, input: CreateApiKeyInput): Promise<{ secret: string; apiKey: ApiKey }> {
  const viewer = viewerOf(ctx);
  const name = input.name.trim();
  if (!name) throw badInput('input.name', 'name must not be blank');
  const capabilities = checkKeyCapabilities(viewer.organization.kind, input.capabilities);
  const now = ctx.clock.now();
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw badInput('input.expiresAt', 'expiresAt must be in the future');
  ctx.authz.require('ORG_ADMIN', 'creating API keys');
  const secret = generateApiKey();
  const createdBy = viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null;
  const row = await ctx.db.tx((q) =>
    q.one<ApiKeyRow>(sql`insert into api_key as k (organization_id, name, secret_hash, hint, capabilities, expires_at, created_by_account_id, created_at)
      values (${viewer.organization.id}, ${name}, ${hashApiKey(secret)}, ${apiKeyHint(secret)}, ${capabilities}::text[], ${expiresAt}, ${createdBy}, ${now})
      returning ${KEY_COLUMNS}`),
  );
  return { secret, apiKey: toApiKey(viewerOf(ctx), row!) };
}

/** Keys are visible to their own organization only (nobody else has any business with them). */
export async function revokeApiKey(ctx: Context, input: RevokeApiKeyInput): Promise<ApiKey> {
  const viewer = viewerOf(ctx);
  const id = decodeId(input.id, 'ApiKey');
  if (!id) throw notFound('ApiKey');
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    const row = await q.one<ApiKeyRow>(sql`select ${KEY_COLUMNS} from api_key k where k.id = ${id} and k.organization_id = ${viewer.organization.id} for update`);
    if (!row) throw notFound('ApiKey');
    ctx.authz.require('ORG_ADMIN', 'revoking API keys');
    // Idempotent: a second revocation keeps the first time.
    const updated = await q.one<ApiKeyRow>(sql`update api_key k set revoked_at = coalesce(k.revoked_at, ${now}) where k.id = ${id} returning ${KEY_COLUMNS}`);
    // Also on a repeat: an admin retrying because a socket still seemed open gets it closed.
    await notifyPrincipalChanged(q, id);
    return toApiKey(viewerOf(ctx), updated!);
  });
}

/** `apiKeys`: the caller's organization's keys, newest first, to its ADMINs only. */
export async function listApiKeys(ctx: Context, args: { first?: number | null; after?: string | null }): Promise<Connection<ApiKey>> {
  const viewer = viewerOf(ctx);
  const first = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['timestamp', 'uuid']);
  ctx.authz.require('ORG_ADMIN', 'listing API keys');
  const conds: Sql[] = [sql`k.organization_id = ${viewer.organization.id}`];
  if (cursor) conds.push(sql`(k.created_at, k.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`);
  const rows = await ctx.db.query<ApiKeyRow>(sql`select ${KEY_COLUMNS} from api_key k where ${and(conds)}
    order by k.created_at desc, k.id desc limit ${first + 1}`);
  const page = pageOf(rows, first, (r) => encodeCursor([r.created_at.toISOString(), r.id]));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toApiKey(viewerOf(ctx), e.node) })) };
}

/** `node(id)` for an ApiKey: only the ADMINs of its organization see it; everyone else gets null. */
export async function visibleApiKey(ctx: Context, id: string): Promise<ApiKey | null> {
  if (!ctx.authz.has('ORG_ADMIN')) return null;
  const row = await ctx.db.one<ApiKeyRow>(sql`select ${KEY_COLUMNS} from api_key k where k.id = ${id} and k.organization_id = ${viewerOf(ctx).organization.id}`);
  return row ? toApiKey(viewerOf(ctx), row) : null;
}
