import crypto from 'node:crypto';
import { LockMode } from '@mikro-orm/postgresql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { HubError, badInput, notFound } from '../../graphql/errors';
import { decodeKeyset, decodeId, encodeCursor, pageOf, clampFirst, type Connection } from '../../graphql/relay';
import { grantableKeyCapabilities, isCapability, type Capability } from '../../auth/capabilities';
import { generateApiKey, hashApiKey, apiKeyHint } from '../../auth/apiKeys';
import type { OrganizationKind } from '../organizations/organization.entity';
import { ApiKeyEntity } from './account.entity';
import { notifyPrincipalChanged } from './account.repo';
import { apiKeyRowOf, organizationApiKey, organizationApiKeys } from './api-key.repo';
import { toApiKey, type ApiKey, type CreateApiKeyInput, type RevokeApiKeyInput } from './api-key.types';

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
      throw new HubError(
        'BAD_USER_INPUT',
        `"${value}" cannot be given to an API key of a ${kind} organization (grantable: ${grantable.join(', ')})`,
        {
          field,
          value,
          grantable: [...grantable],
        },
      );
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
  const row = await ctx.db.transactional(async (em) => {
    const key = em.create(ApiKeyEntity, {
      id: crypto.randomUUID(),
      organizationId: viewer.organization.id,
      name,
      secretHash: hashApiKey(secret),
      hint: apiKeyHint(secret),
      capabilities,
      expiresAt,
      createdByAccountId: createdBy,
      createdAt: now,
    });
    await em.flush();
    return apiKeyRowOf(key);
  });
  return { secret, apiKey: toApiKey(viewer, row) };
}

/** Keys are visible to their own organization only (nobody else has any business with them). */
export async function revokeApiKey(ctx: Context, input: RevokeApiKeyInput): Promise<ApiKey> {
  const viewer = viewerOf(ctx);
  const id = decodeId(input.id, 'ApiKey');
  if (!id) throw notFound('ApiKey');
  const now = ctx.clock.now();
  return ctx.db.transactional(async (em, q) => {
    const key = await em.findOne(ApiKeyEntity, { id, organizationId: viewer.organization.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!key) throw notFound('ApiKey');
    ctx.authz.require('ORG_ADMIN', 'revoking API keys');
    // Idempotent: a second revocation keeps the first time.
    key.revokedAt ??= now;
    await em.flush();
    // Also on a repeat: an admin retrying because a socket still seemed open gets it closed.
    await notifyPrincipalChanged(q, id);
    return toApiKey(viewer, apiKeyRowOf(key));
  });
}

/** `apiKeys`: the caller's organization's keys, newest first, to its ADMINs only. */
export async function listApiKeys(ctx: Context, args: { first?: number | null; after?: string | null }): Promise<Connection<ApiKey>> {
  const viewer = viewerOf(ctx);
  const first = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['timestamp', 'uuid']);
  ctx.authz.require('ORG_ADMIN', 'listing API keys');
  const rows = await organizationApiKeys(ctx.db, viewer.organization.id, { after: cursor ? [cursor[0], cursor[1]] : null, limit: first + 1 });
  const page = pageOf(rows, first, (r) => encodeCursor([r.created_at.toISOString(), r.id]));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toApiKey(viewer, e.node) })) };
}

/** `node(id)` for an ApiKey: only the ADMINs of its organization see it; everyone else gets null. */
export async function visibleApiKey(ctx: Context, id: string): Promise<ApiKey | null> {
  if (!ctx.authz.has('ORG_ADMIN')) return null;
  const viewer = viewerOf(ctx);
  const row = await organizationApiKey(ctx.db, viewer.organization.id, id);
  return row ? toApiKey(viewer, row) : null;
}
