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
