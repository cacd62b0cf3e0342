import { SignJWT } from 'jose';

/** Development tokens (`npm run token`) and test tokens: HS256, `sub` = account id, `exp` always set. */
export async function signDevToken(opts: {
  secret: Uint8Array;
  accountId: string;
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
  now?: Date;
}): Promise<string> {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.accountId)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresInSeconds ?? 8 * 3600));
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(opts.secret);
}

/** Anything that runs a parameterized statement: a pg.Client (`npm run token`) or pg.Pool (the hub). */
export interface AccountLookup {
  query(text: string, values: unknown[]): Promise<{ rows: { id: string }[] }>;
}

/**
 * A development token for the account with this e-mail, or null when there is none. The one path both
 * `npm run token` and the explorer's demo-account picker mint through.
 */
export async function devTokenForEmail(
  db: AccountLookup,
  jwt: { secret: Uint8Array; issuer?: string; audience?: string },
  email: string,
  now?: Date,
): Promise<string | null> {
  const res = await db.query('select id from account where email = $1', [email.trim().toLowerCase()]);
  const account = res.rows[0];
  if (!account) return null;
  return signDevToken({ secret: jwt.secret, accountId: account.id, issuer: jwt.issuer, audience: jwt.audience, now });
}
