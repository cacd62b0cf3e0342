import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable } from '../../db/db';
import { sql, join, type Sql } from '../../db/sql';
import { badInput } from '../../graphql/errors';
import { organizationVisibleSql } from '../../auth/views';
import { MEMBER_ROLES_BY_KIND } from '../../auth/capabilities';
import { normalizeZone, normalizeIndicator, normalizedInput } from '../indicators/normalize';
import { PRINCIPAL_CHANGED_CHANNEL } from '../../db/channels';
import { ORG_COLUMNS, type OrganizationRow } from './organization.repo';
import type { OrganizationContact, OrganizationKind } from './organization.entity';
import { isIsoCountryCode } from './countries';
import type { OrganizationContactInput, OrganizationInput } from './organization.admin.types';

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
  if (changes.person && changes.kind && changes.kind !== 'CONSTITUENT') throw badInput('input.person', 'only a CONSTITUENT organization can be a person');
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
  const taken = await q.query<{ asn: string; code: string }>(sql`select a.asn::text as asn, o.code from organization o
    cross join lateral unnest(o.asns) a(asn)
    where a.asn = any(${asns}::bigint[]) and o.id is distinct from ${exceptOrgId}::uuid order by o.code`);
  if (taken.length) {
    const index = asns.indexOf(taken[0].asn);
    throw badInput(`input.asns[${index}]`, `AS${taken[0].asn} is already announced by ${taken[0].code}`);
  }
}

async function insertAdmin(q: Queryable, orgId: string, admin: { email: string; displayName: string }, now: Date): Promise<void> {
  const row = await q.one(sql`insert into account (organization_id, email, display_name, member_role, active, created_at, updated_at)
    values (${orgId}, ${admin.email}, ${admin.displayName}, 'ADMIN', true, ${now}, ${now})
    on conflict (email) do nothing returning id`);
  if (!row) throw badInput('input.admin.email', `an account with the e-mail ${admin.email} already exists`);
}

/** A concurrent transaction can still win a unique index between our check and our write: answer as if it had been first. */
function uniqueViolation(err: unknown): never {
  const constraint = (err as { code?: string; constraint?: string }).code === '23505' ? (err as { constraint?: string }).constraint : undefined;
  if (constraint === 'organization_code_key') throw badInput('input.code', 'this code is taken');
  if (constraint === 'organization_one_coordinator') throw badInput('input.kind', 'there is already a COORDINATOR organization');
  throw err;
}

/**
 * Every principal of the organization: its kind, activity, zones and person flag are part of each
 * viewer, so their open WebSockets must be re-authenticated (DESIGN.md §2).
 */
async function notifyOrganizationPrincipals(q: Queryable, orgId: string): Promise<void> {
  await q.query(sql`select pg_notify(${PRINCIPAL_CHANGED_CHANNEL}, p.id::text) from (
    select id from account where organization_id = ${orgId}
    union all select id from api_key where organization_id = ${orgId} and revoked_at is null) p`);
}

export async function createOrganization(ctx: Context, input: OrganizationInput): Promise<string> {
  const c = parseInput(input);
  if (!c.name) throw badInput('input.name', 'name is required to create an organization');
  if (!c.kind) throw badInput('input.kind', 'kind is required to create an organization');
  ctx.authz.require('ORGANIZATION_MANAGE', 'creating organizations');
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    if (c.kind === 'COORDINATOR') {
      const coordinator = await q.one<{ code: string }>(sql`select code from organization where kind = 'COORDINATOR'`);
      if (coordinator) throw badInput('input.kind', `there is exactly one COORDINATOR organization (${coordinator.code})`);
    }
    if (await q.one(sql`select 1 from organization where code = ${c.code}`)) throw badInput('input.code', `the code ${c.code} is taken`);
    await checkAsnsFree(q, c.asns, null);
    let row: { id: string } | undefined;
    try {
      row = await q.one<{ id: string }>(sql`insert into organization (code, name, kind, person, country, contact, ip_ranges, asns, zones, active, created_at, updated_at)
        values (${c.code}, ${c.name}, ${c.kind}, ${c.person ?? false}, ${c.country ?? 'VN'}, ${JSON.stringify(patchContact({}, c.contact))}::jsonb,
          ${c.ipRanges ?? []}::cidr[], ${c.asns ?? []}::bigint[], ${c.zones ?? []}::text[], ${c.active ?? true}, ${now}, ${now})
        returning id`);
    } catch (err) {
      uniqueViolation(err);
    }
    if (c.admin) await insertAdmin(q, row!.id, c.admin, now);
    return row!.id;
  });
}

export async function updateOrganization(ctx: Context, input: OrganizationInput): Promise<string> {
  const viewer = viewerOf(ctx);
  const c = parseInput(input);
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    // Codes are how organizations are named in inputs: an unknown one is bad input (DESIGN.md §3), and one the
    // viewer may not see (a constituent) answers exactly like an unknown one.
    const visible = await q.one<{ id: string }>(sql`select o.id from organization o where o.code = ${c.code} and ${organizationVisibleSql(viewer)}`);
    if (!visible) throw badInput('input.code', `unknown organization "${c.code}"`);
    ctx.authz.require('ORGANIZATION_MANAGE', 'changing organizations');
    const org = (await q.one<OrganizationRow>(sql`select ${ORG_COLUMNS} from organization o where o.id = ${visible.id} for update`))!;

    const kind = c.kind ?? org.kind;
    if (org.kind === 'COORDINATOR' && kind !== 'COORDINATOR') {
      throw badInput('input.kind', 'the coordinator’s kind cannot change: there must always be exactly one COORDINATOR');
    }
    if (org.kind !== 'COORDINATOR' && kind === 'COORDINATOR') throw badInput('input.kind', 'there is already a COORDINATOR organization');
    // Deactivating the coordinator would also lock out the only ADMINs who could undo it.
    if (org.kind === 'COORDINATOR' && c.active === false) throw badInput('input.active', 'the coordinator cannot be deactivated');
    const person = c.person ?? (kind === 'CONSTITUENT' ? org.person : false);
    if (person && kind !== 'CONSTITUENT') throw badInput(c.person !== undefined ? 'input.person' : 'input.kind', 'only a CONSTITUENT organization can be a person');
    if (kind !== org.kind) {
      // Every account keeps a role its organization's kind has: active ones with another role must be deactivated (or changed) first.
      const stranded = await q.query<{ email: string; member_role: string }>(sql`select email, member_role from account
        where organization_id = ${org.id} and active and member_role <> all(${[...MEMBER_ROLES_BY_KIND[kind]]}::text[]) order by email limit 5`);
      if (stranded.length) {
        throw badInput('input.kind', `active accounts have roles a ${kind} organization does not have (${stranded.map((a) => `${a.email}: ${a.member_role}`).join(', ')}); deactivate them first`);
      }
    }
    await checkAsnsFree(q, c.asns, org.id);
    if (c.admin) {
      // Accounts are their own organization's business; the coordinator steps in only when no ADMIN is left to do it.
      const admins = await q.one(sql`select 1 from account where organization_id = ${org.id} and member_role = 'ADMIN' and active`);
      if (admins) throw badInput('input.admin', `${org.code} has an active ADMIN, who manages its accounts`);
    }

    const sets: Sql[] = [sql`updated_at = ${now}`];
    if (c.name !== undefined) sets.push(sql`name = ${c.name}`);
    if (kind !== org.kind) sets.push(sql`kind = ${kind}`);
    if (person !== org.person) sets.push(sql`person = ${person}`);
    if (c.country !== undefined) sets.push(sql`country = ${c.country}`);
    if (c.active !== undefined) sets.push(sql`active = ${c.active}`);
    if (c.ipRanges) sets.push(sql`ip_ranges = ${c.ipRanges}::cidr[]`);
    if (c.asns) sets.push(sql`asns = ${c.asns}::bigint[]`);
    if (c.zones) sets.push(sql`zones = ${c.zones}::text[]`);
    if (c.contact) sets.push(sql`contact = ${JSON.stringify(patchContact(org.contact, c.contact))}::jsonb`);
    try {
      await q.query(sql`update organization set ${join(sets)} where id = ${org.id}`);
    } catch (err) {
      uniqueViolation(err);
    }
    if (c.admin) await insertAdmin(q, org.id, c.admin, now);

    const zonesChanged = c.zones !== undefined && [...c.zones].sort().join() !== [...org.zones].sort().join();
    if (kind !== org.kind || person !== org.person || (c.active !== undefined && c.active !== org.active) || zonesChanged) {
      await notifyOrganizationPrincipals(q, org.id);
    }
    return org.id;
  });
}
