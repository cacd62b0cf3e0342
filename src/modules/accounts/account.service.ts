import crypto from 'node:crypto';
import DataLoader from 'dataloader';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { requestLoader } from '../../graphql/loaders';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { violatedUniqueConstraint, type Queryable } from '../../db/db';
import { badInput, notFound } from '../../graphql/errors';
import { decodeKeyset, decodeId, encodeCursor, pageOf, clampFirst, type Connection } from '../../graphql/relay';
import { decideAccountAdministration, enforce } from '../../auth/decide';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import type { Viewer } from '../../auth/viewer';
import type { OrganizationKind } from '../organizations/organization.entity';
import { AccountEntity, type MemberRole } from './account.entity';
import { accountPages, accountRowOf, notifyPrincipalChanged, visibleAccount, type AccountRow } from './account.repo';
import { presentAccount, type Account, type CreateAccountInput, type SetAccountActiveInput, type SetAccountRoleInput } from './account.types';

/** Judged without any target: an admin manages only its own organization, so only its kind's roles can ever succeed. */
function checkRoleForKind(kind: OrganizationKind, role: MemberRole, field: string): void {
  const valid = MEMBER_ROLES_BY_KIND[kind];
  if (!valid.includes(role)) {
    throw badInput(field, `${role} is not a member role of a ${kind} organization (valid: ${valid.join(', ')})`);
  }
}

export async function createAccount(ctx: Context, input: CreateAccountInput): Promise<Account> {
  const viewer = viewerOf(ctx);
  const email = input.email.trim().toLowerCase();
  const displayName = input.displayName.trim();
  if (!displayName) throw badInput('input.displayName', 'displayName must not be blank');
  checkRoleForKind(viewer.organization.kind, input.role, 'input.role');
  ctx.authz.require('ORG_ADMIN', 'creating accounts');
  const now = ctx.clock.now();
  const row = await ctx.db.transactional(async (em) => {
    const account = em.create(AccountEntity, {
      id: crypto.randomUUID(),
      organizationId: viewer.organization.id,
      email,
      displayName,
      memberRole: input.role,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await em.flush();
    } catch (err) {
      // The unique index judges, so a concurrent duplicate answers like a sequential one.
      if (violatedUniqueConstraint(err) === 'account_email_key') throw badInput('input.email', `an account with the e-mail ${email} already exists`);
      throw err;
    }
    return accountRowOf(account);
  });
  return presentAccount(ctx, row);
}

/**
 * The account an admin acts on, locked for the transaction, in DESIGN.md §3's order: invisible or
 * undecodable → NOT_FOUND; no ORG_ADMIN → FORBIDDEN; visible but of another organization (the
 * coordinator sees every account) → FORBIDDEN, since accounts are managed by their own organization's ADMINs only.
 */
async function lockManagedAccount(ctx: Context, em: EntityManager, q: Queryable, globalId: string): Promise<AccountEntity> {
  const viewer = viewerOf(ctx);
  const id = decodeId(globalId, 'Account');
  if (!id) throw notFound('Account');
  const row = await visibleAccount(q, viewer, id);
  if (!row) throw notFound('Account');
  ctx.authz.require('ORG_ADMIN', 'managing accounts');
  enforce(decideAccountAdministration(viewer, row.organization_id));
  const locked = await em.findOne(AccountEntity, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!locked) throw notFound('Account');
  return locked;
}

function isSelf(viewer: Viewer, accountId: string): boolean {
  return viewer.principal.type === 'ACCOUNT' && viewer.principal.id === accountId;
}

/** One change of a managed account, one transaction; the account's open WebSockets re-authenticate after commit. */
async function changeManagedAccount(ctx: Context, globalId: string, change: (account: AccountEntity) => void): Promise<Account> {
  const now = ctx.clock.now();
  const row = await ctx.db.transactional(async (em, q) => {
    const account = await lockManagedAccount(ctx, em, q, globalId);
    change(account);
    account.updatedAt = now;
    await em.flush();
    await notifyPrincipalChanged(q, account.id);
    return accountRowOf(account);
  });
  return presentAccount(ctx, row);
}

export function setAccountActive(ctx: Context, input: SetAccountActiveInput): Promise<Account> {
  const viewer = viewerOf(ctx);
  return changeManagedAccount(ctx, input.id, (account) => {
    // Refused so that an organization cannot lock itself out by accident; another ADMIN can do it.
    if (!input.active && isSelf(viewer, account.id)) throw badInput('input.active', 'You cannot deactivate your own account');
    // An account whose role its organization's kind no longer has (after a kind change) gets a valid role first.
    if (input.active && !MEMBER_ROLES_BY_KIND[viewer.organization.kind].includes(account.memberRole)) {
      throw badInput(
        'input.id',
        `The account's role ${account.memberRole} is not a member role of a ${viewer.organization.kind} organization; give it a valid role first`,
      );
    }
    account.active = input.active;
  });
}

export function setAccountRole(ctx: Context, input: SetAccountRoleInput): Promise<Account> {
  const viewer = viewerOf(ctx);
  checkRoleForKind(viewer.organization.kind, input.role, 'input.role');
  return changeManagedAccount(ctx, input.id, (account) => {
    if (input.role !== 'ADMIN' && isSelf(viewer, account.id)) throw badInput('input.role', 'You cannot demote your own account');
    account.memberRole = input.role;
  });
}

/** An account by uuid, if visible to the viewer (its own organization, or the coordinator); otherwise null. */
export async function accountNode(ctx: Context, id: string): Promise<Account | null> {
  const row = await visibleAccount(ctx.db, viewerOf(ctx), id);
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
        const rows = await accountPages(ctx.db, viewer, { orgIds: group.map((k) => k.orgId), first, afterEmail });
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
