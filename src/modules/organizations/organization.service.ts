import crypto from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import { violatedUniqueConstraint, type Queryable } from '../../db/db';
import { badInput, notFound } from '../../graphql/errors';
import { clampFirst, decodeKeyset, encodeCursor, pageOf, type Connection } from '../../graphql/relay';
import { canSeeOrganization } from '../../auth/views';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import { normalizeZone, normalizeIndicator, normalizedInput } from '../indicators/normalize';
import { OrganizationEntity, type OrganizationContact, type OrganizationKind } from './organization.entity';
import { AccountEntity } from '../accounts/account.entity';
import { CACHE_PROCESS, organizationsChanged } from './organization.loaders';
import { isIsoCountryCode } from './countries';
import {
  activeAccountsWithoutRoles,
  asnsAnnounced,
  codeTaken,
  coordinatorCode,
  hasActiveAdmin,
  listVisibleOrganizations,
  notifyOrganizationPrincipals,
  notifyOrganizationChanged,
  organizationByCode,
} from './organization.repo';
import {
  toOrganization,
  type Organization,
  type OrganizationContactInput,
  type OrganizationInput,
  type OrganizationPayload,
} from './organization.types';

/** An organization by uuid, if visible to the viewer (DESIGN.md §2: a constituent only to itself and the coordinator). */
export async function organizationNode(ctx: Context, id: string): Promise<Organization | null> {
  const row = await ctx.loaders.organization.load(id);
  const viewer = viewerOf(ctx);
  return row && canSeeOrganization(viewer, row) ? toOrganization(viewer, row) : null;
}

/** `organizations`: the organizations the viewer may see, by code. */
export async function listOrganizations(
  ctx: Context,
  args: { first?: number | null; after?: string | null; kind?: OrganizationKind | null },
): Promise<Connection<Organization>> {
  const n = clampFirst(ctx, args.first);
  const cursor = decodeKeyset(args.after, ['string']);
  const viewer = viewerOf(ctx);
  const rows = await listVisibleOrganizations(ctx.db, viewer, {
    kind: args.kind ?? null,
    afterCode: cursor ? String(cursor[0]) : null,
    limit: n + 1,
  });
  const page = pageOf(rows, n, (r) => encodeCursor([r.code]));
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toOrganization(viewer, e.node) })) };
}

/** The organization as a command left it, for its payload (after commit). */
async function organizationPayload(ctx: Context, id: string): Promise<OrganizationPayload> {
  // The loader may hold the row as it was before this request's change.
  ctx.loaders.organization.clear(id);
  const row = await ctx.loaders.organization.load(id);
  if (!row) throw notFound('Organization');
  return { organization: toOrganization(viewerOf(ctx), row) };
}

/** Same rule as the table's check constraint, so a bad code is BAD_USER_INPUT rather than a database error. */
const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** What the input asks to set; `undefined` = leave as it is. */
interface OrganizationChanges {
  code: string;
  name?: string;
  kind?: OrganizationKind;
  country?: string;
  person?: boolean;
  active?: boolean;
  ipRanges?: string[];
  /** Digits only, as stored in the bigint[] column. */
  asns?: string[];
  zones?: string[];
  contact?: OrganizationContactInput;
  admin?: { email: string; displayName: string };
}

function eachNormalized(values: readonly string[], field: string, normalize: (v: string) => string): string[] {
  const out = new Set<string>();
  values.forEach((v, i) => out.add(normalizedInput(`${field}[${i}]`, () => normalize(v))));
  return [...out];
}

/** Shape and formats: everything that can be judged without the stored organization (DESIGN.md §3 precedence). */
function parseInput(input: OrganizationInput): OrganizationChanges {
  const code = input.code.trim().toUpperCase();
  if (!CODE.test(code)) throw badInput('input.code', 'code must be 2–32 upper-case letters, digits or hyphens, starting with a letter or digit');
  const changes: OrganizationChanges = { code };
  if (input.name !== undefined && input.name !== null) {
    const name = input.name.trim();
    if (!name) throw badInput('input.name', 'name must not be blank');
    changes.name = name;
  }
  if (input.kind) changes.kind = input.kind;
  if (input.country !== undefined && input.country !== null) {
    const country = input.country.trim().toUpperCase();
    if (!isIsoCountryCode(country)) throw badInput('input.country', `"${input.country}" is not an ISO 3166-1 alpha-2 country code`);
    changes.country = country;
  }
  if (input.person !== undefined && input.person !== null) changes.person = input.person;
  if (input.active !== undefined && input.active !== null) changes.active = input.active;
  if (input.ipRanges) changes.ipRanges = eachNormalized(input.ipRanges, 'input.ipRanges', (v) => normalizeIndicator('CIDR', v)[0].value);
  if (input.asns) changes.asns = eachNormalized(input.asns, 'input.asns', (v) => normalizeIndicator('ASN', v)[0].value.slice(2));
  if (input.zones) changes.zones = eachNormalized(input.zones, 'input.zones', normalizeZone);
  if (input.contact) changes.contact = input.contact;
  if (input.admin) {
    const displayName = input.admin.displayName.trim();
    if (!displayName) throw badInput('input.admin.displayName', 'displayName must not be blank');
    changes.admin = { email: input.admin.email.trim().toLowerCase(), displayName };
  }
  if (changes.person && changes.kind && changes.kind !== 'CONSTITUENT')
    throw badInput('input.person', 'only a CONSTITUENT organization can be a person');
  return changes;
}

/** Applies a contact patch: omitted keys stay, null or blank removes, other keys (address) are kept. */
function patchContact(stored: OrganizationContact, patch: OrganizationContactInput | undefined): OrganizationContact {
  if (!patch) return stored;
  const out: OrganizationContact = { ...stored };
  for (const key of ['focalPoint', 'phone', 'email', 'intakeEmail'] as const) {
    const value = patch[key];
    if (value === undefined) continue;
    const trimmed = value?.trim();
    if (trimmed) out[key] = trimmed;
    else delete out[key];
  }
  return out;
}

/** Two organizations announcing one ASN would make routing by ASN ambiguous (DESIGN.md §2 routing rule 3). */
async function checkAsnsFree(q: Queryable, asns: string[] | undefined, exceptOrgId: string | null): Promise<void> {
  if (!asns?.length) return;
  const taken = await asnsAnnounced(q, asns, exceptOrgId);
  if (taken.length) {
    const index = asns.indexOf(taken[0].asn);
    throw badInput(`input.asns[${index}]`, `AS${taken[0].asn} is already announced by ${taken[0].code}`);
  }
}

/** The organization's first (or new) ADMIN account, written with the organization's own flush. */
async function addAdmin(em: EntityManager, orgId: string, admin: { email: string; displayName: string }, now: Date): Promise<void> {
  if (await em.count(AccountEntity, { email: admin.email }))
    throw badInput('input.admin.email', `an account with the e-mail ${admin.email} already exists`);
  em.create(AccountEntity, {
    id: crypto.randomUUID(),
    organizationId: orgId,
    email: admin.email,
    displayName: admin.displayName,
    memberRole: 'ADMIN',
    active: true,
    createdAt: now,
    updatedAt: now,
  });
}

/** A concurrent transaction can still win a unique index between our check and our write: answer as if it had been first. */
function uniqueViolation(err: unknown, admin?: { email: string }): never {
  const constraint = violatedUniqueConstraint(err);
  if (constraint === 'organization_code_key') throw badInput('input.code', 'this code is taken');
  if (constraint === 'organization_one_coordinator') throw badInput('input.kind', 'there is already a COORDINATOR organization');
  if (constraint === 'account_email_key' && admin) throw badInput('input.admin.email', `an account with the e-mail ${admin.email} already exists`);
  throw err;
}

/** Flushes the command's entities, answering a lost unique race as bad input. */
async function flush(em: EntityManager, admin?: { email: string }): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    uniqueViolation(err, admin);
  }
}

export async function createOrganization(ctx: Context, input: OrganizationInput): Promise<OrganizationPayload> {
  const c = parseInput(input);
  if (!c.name) throw badInput('input.name', 'name is required to create an organization');
  if (!c.kind) throw badInput('input.kind', 'kind is required to create an organization');
  ctx.authz.require('ORGANIZATION_MANAGE', 'creating organizations');
  const now = ctx.clock.now();
  const id = await ctx.db.transactional(async (em, q) => {
    if (c.kind === 'COORDINATOR') {
      const coordinator = await coordinatorCode(q);
      if (coordinator) throw badInput('input.kind', `there is exactly one COORDINATOR organization (${coordinator})`);
    }
    if (await codeTaken(q, c.code)) throw badInput('input.code', `the code ${c.code} is taken`);
    await checkAsnsFree(q, c.asns, null);
    const org = em.create(OrganizationEntity, {
      id: crypto.randomUUID(),
      code: c.code,
      name: c.name!,
      kind: c.kind!,
      person: c.person ?? false,
      country: c.country ?? 'VN',
      contact: patchContact({}, c.contact),
      ipRanges: c.ipRanges ?? [],
      asns: c.asns ?? [],
      zones: c.zones ?? [],
      active: c.active ?? true,
      createdAt: now,
      updatedAt: now,
    });
    if (c.admin) await addAdmin(em, org.id, c.admin, now);
    await flush(em, c.admin);
    await notifyOrganizationChanged(q, CACHE_PROCESS);
    return org.id;
  });
  organizationsChanged(ctx.db.url);
  return organizationPayload(ctx, id);
}

export async function updateOrganization(ctx: Context, input: OrganizationInput): Promise<OrganizationPayload> {
  const viewer = viewerOf(ctx);
  const c = parseInput(input);
  const now = ctx.clock.now();
  const id = await ctx.db.transactional(async (em, q) => {
    // Codes are how organizations are named in inputs: an unknown one is bad input (DESIGN.md §3), and one the
    // viewer may not see (a constituent) answers exactly like an unknown one.
    const visible = await organizationByCode(q, viewer, c.code);
    if (!visible) throw badInput('input.code', `unknown organization "${c.code}"`);
    ctx.authz.require('ORGANIZATION_MANAGE', 'changing organizations');
    const org = (await em.findOne(OrganizationEntity, visible.id, { lockMode: LockMode.PESSIMISTIC_WRITE }))!;
    const stored = { kind: org.kind, person: org.person, active: org.active, zones: [...org.zones] };

    const kind = c.kind ?? org.kind;
    if (org.kind === 'COORDINATOR' && kind !== 'COORDINATOR') {
      throw badInput('input.kind', 'the coordinator’s kind cannot change: there must always be exactly one COORDINATOR');
    }
    if (org.kind !== 'COORDINATOR' && kind === 'COORDINATOR') throw badInput('input.kind', 'there is already a COORDINATOR organization');
    // Deactivating the coordinator would also lock out the only ADMINs who could undo it.
    if (org.kind === 'COORDINATOR' && c.active === false) throw badInput('input.active', 'the coordinator cannot be deactivated');
    const person = c.person ?? (kind === 'CONSTITUENT' ? org.person : false);
    if (person && kind !== 'CONSTITUENT')
      throw badInput(c.person !== undefined ? 'input.person' : 'input.kind', 'only a CONSTITUENT organization can be a person');
    if (kind !== org.kind) {
      // Every account keeps a role its organization's kind has: active ones with another role must be deactivated (or changed) first.
      const stranded = await activeAccountsWithoutRoles(q, org.id, MEMBER_ROLES_BY_KIND[kind]);
      if (stranded.length) {
        throw badInput(
          'input.kind',
          `active accounts have roles a ${kind} organization does not have (${stranded.map((a) => `${a.email}: ${a.member_role}`).join(', ')}); deactivate them first`,
        );
      }
    }
    await checkAsnsFree(q, c.asns, org.id);
    if (c.admin) {
      // Accounts are their own organization's business; the coordinator steps in only when no ADMIN is left to do it.
      if (await hasActiveAdmin(q, org.id)) throw badInput('input.admin', `${org.code} has an active ADMIN, who manages its accounts`);
    }

    org.updatedAt = now;
    if (c.name !== undefined) org.name = c.name;
    org.kind = kind;
    org.person = person;
    if (c.country !== undefined) org.country = c.country;
    if (c.active !== undefined) org.active = c.active;
    if (c.ipRanges) org.ipRanges = c.ipRanges;
    if (c.asns) org.asns = c.asns;
    if (c.zones) org.zones = c.zones;
    if (c.contact) org.contact = patchContact(org.contact, c.contact);
    if (c.admin) await addAdmin(em, org.id, c.admin, now);
    await flush(em, c.admin);

    const zonesChanged = c.zones !== undefined && [...c.zones].sort().join() !== [...stored.zones].sort().join();
    // Its kind, activity, zones and person flag are part of each viewer of the organization (DESIGN.md §2).
    if (kind !== stored.kind || person !== stored.person || (c.active !== undefined && c.active !== stored.active) || zonesChanged) {
      await notifyOrganizationPrincipals(q, org.id);
    }
    await notifyOrganizationChanged(q, CACHE_PROCESS);
    return org.id;
  });
  organizationsChanged(ctx.db.url);
  return organizationPayload(ctx, id);
}
