import { jwtVerify, createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config, JwtConfig } from '../config';
import type { Clock } from '../clock';
import type { Queryable } from '../db/db';
import { sql } from '../db/sql';
import { roleCapabilities, apiKeyRole, isCapability, type Capability } from './capabilities';
import type { Viewer } from './viewer';
import type { OrganizationKind } from '../modules/organizations/organization.entity';
import type { MemberRole } from '../modules/accounts/account.entity';
import { looksLikeApiKey, apiKeyChecksumValid, hashApiKey } from './apiKeys';

export class AuthenticationError extends Error {
  constructor(readonly reason: 'MISSING' | 'INVALID' | 'EXPIRED' | 'UNKNOWN_PRINCIPAL' | 'INACTIVE' | 'REVOKED') {
    super(reason);
  }
}

interface PrincipalRow extends Record<string, unknown> {
  principal_id: string;
  email: string | null;
  display_name: string | null;
  member_role: MemberRole | null;
  active: boolean;
  key_name: string | null;
  capabilities: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  org_id: string;
  org_code: string;
  org_name: string;
  org_kind: OrganizationKind;
  org_person: boolean;
  org_zones: string[];
  org_active: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Turns the Authorization header (or graphql-ws `connection_init` payload) into a Viewer, from the database, every time. */
export class Authenticator {
  private readonly jwks: JWTVerifyGetKey | null;

  constructor(
    private readonly jwt: JwtConfig,
    private readonly db: Queryable,
    private readonly clock: Clock,
  ) {
    this.jwks = jwt.mode === 'jwks' ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : null;
  }

  static fromConfig(config: Config, db: Queryable, clock: Clock): Authenticator {
    return new Authenticator(config.jwt, db, clock);
  }

  /** `null` header → MISSING. Throws AuthenticationError; callers map it to UNAUTHENTICATED. */
  async authenticate(authorization: string | undefined | null): Promise<Viewer> {
    if (!authorization) throw new AuthenticationError('MISSING');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AuthenticationError('INVALID');
    const token = match[1];
    return looksLikeApiKey(token) ? this.fromApiKey(token) : this.fromJwt(token);
  }

  private async fromJwt(token: string): Promise<Viewer> {
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.jwt.issuer,
        audience: this.jwt.audience,
        requiredClaims: ['exp', 'sub'],
        currentDate: this.clock.now(),
      };
      // One algorithm family per configuration: HS256 with a secret, or the JWKS's asymmetric keys.
      const result =
        this.jwt.mode === 'hs256'
          ? await jwtVerify(token, this.jwt.secret, { ...options, algorithms: ['HS256'] })
          : await jwtVerify(token, this.jwks as JWTVerifyGetKey, { ...options, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] });
      payload = result.payload;
    } catch (err) {
      throw new AuthenticationError((err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'EXPIRED' : 'INVALID');
    }
    // jose checks that `sub` is present, not that it is a string: a signed token with `"sub": [id]` is
    // still invalid credentials (it would otherwise reach SQL as an array).
    if (typeof payload.sub !== 'string') throw new AuthenticationError('INVALID');
    return this.accountViewer(payload.sub, payload.exp ? new Date(payload.exp * 1000) : null);
  }

  /**
   * The viewer of an account, checked active (also used by the demo-data loader, which acts as demo accounts).
   * Every request runs this statement: prepared, PostgreSQL parses and plans it once per connection.
   */
  async accountViewer(sub: string, expiresAt: Date | null = null): Promise<Viewer> {
    if (!UUID.test(sub)) throw new AuthenticationError('UNKNOWN_PRINCIPAL');
    const row = await this.db.one<PrincipalRow>(
      sql`
      select a.id as principal_id, a.email, a.display_name, a.member_role, a.active,
             null::text as key_name, null::text[] as capabilities, null::timestamptz as expires_at,
             null::timestamptz as revoked_at, null::timestamptz as last_used_at,
             o.id as org_id, o.code as org_code, o.name as org_name, o.kind as org_kind, o.person as org_person,
             o.zones as org_zones, o.active as org_active
      from account a join organization o on o.id = a.organization_id
      where a.id = ${sub}`.asPrepared(),
    );
    if (!row) throw new AuthenticationError('UNKNOWN_PRINCIPAL');
    if (!row.active || !row.org_active) throw new AuthenticationError('INACTIVE');
    const role = row.member_role as MemberRole;
    return {
      principal: { type: 'ACCOUNT', id: row.principal_id, email: row.email ?? '', displayName: row.display_name ?? '' },
      organization: orgOf(row),
      memberRole: role,
      capabilities: new Set(roleCapabilities(row.org_kind, role)),
      credentialExpiresAt: expiresAt,
    };
  }

  private async fromApiKey(token: string): Promise<Viewer> {
    if (!apiKeyChecksumValid(token)) throw new AuthenticationError('INVALID');
    const now = this.clock.now();
    const row = await this.db.one<PrincipalRow>(
      sql`
      select k.id as principal_id, null::text as email, null::text as display_name, null::text as member_role, true as active,
             k.name as key_name, k.capabilities, k.expires_at, k.revoked_at, k.last_used_at,
             o.id as org_id, o.code as org_code, o.name as org_name, o.kind as org_kind, o.person as org_person,
             o.zones as org_zones, o.active as org_active
      from api_key k join organization o on o.id = k.organization_id
      where k.secret_hash = ${hashApiKey(token)}`.asPrepared(),
    );
    if (!row) throw new AuthenticationError('UNKNOWN_PRINCIPAL');
    if (row.revoked_at) throw new AuthenticationError('REVOKED');
    if (row.expires_at && row.expires_at.getTime() <= now.getTime()) throw new AuthenticationError('EXPIRED');
    if (!row.org_active) throw new AuthenticationError('INACTIVE');
    // Record use at most once a minute: a machine client polling a feed must not cost a write per request.
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
      await this.db.query(sql`update api_key set last_used_at = ${now} where id = ${row.principal_id}`);
    }
    const role = apiKeyRole(row.org_kind);
    // A key's capabilities never exceed its kind's key role, even if the role table changed after it was made.
    const allowed = new Set<string>(roleCapabilities(row.org_kind, role));
    const caps = (row.capabilities ?? []).filter((c): c is Capability => isCapability(c) && allowed.has(c));
    return {
      principal: { type: 'API_KEY', id: row.principal_id, name: row.key_name ?? '', expiresAt: row.expires_at },
      organization: orgOf(row),
      memberRole: role,
      capabilities: new Set(caps),
      credentialExpiresAt: row.expires_at,
    };
  }
}

function orgOf(row: PrincipalRow): Viewer['organization'] {
  return { id: row.org_id, code: row.org_code, name: row.org_name, kind: row.org_kind, person: row.org_person, zones: row.org_zones };
}
