/**
 * The explorer's demo-account picker (development only): lists the accounts of the demo network and
 * mints a development token for the one chosen, through the code `npm run token` uses.
 *
 * Offered only by a hub in development (NODE_ENV unset or `development`) that signs with the generated
 * development secret (no JWT_SECRET, no JWKS) and loads the demo data. Whoever can reach such a hub
 * can already mint these tokens with `npm run token`; a hub with a configured secret, in test or in
 * production never offers them, and its explorer page does not mention them.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Services } from '../graphql/context';
import { MEMBER_ROLES_BY_KIND } from '../auth/capabilities';
import { devTokenForEmail } from '../auth/tokens';
import { DEMO_ORGANIZATIONS } from '../app/seed/demo';

/** Where the picker's two endpoints live (relative to the explorer router's mount point). */
export const DEMO_ACCOUNTS_PATH = '/explorer-demo/accounts';
export const DEMO_TOKEN_PATH = '/explorer-demo/token';

export interface DemoAccount {
  email: string;
  organization: string;
  kind: string;
  role: string;
}

/** The addresses the demo network gives its accounts (`<role>@<code>.test`, as the seed inserts them), coordinator first. */
function demoAccountEmails(): string[] {
  return DEMO_ORGANIZATIONS.flatMap((o) => MEMBER_ROLES_BY_KIND[o.kind].map((role) => `${role.toLowerCase()}@${o.code.toLowerCase()}.test`));
}

/** True when this hub may offer the demo accounts (see the file comment). */
export function demoAccountsEnabled(config: Services['config']): boolean {
  return config.env === 'development' && config.jwt.mode === 'hs256' && config.jwt.generated === true && config.loadDemoData;
}

/**
 * The picker's endpoints, or null when the hub may not offer them (then nothing is mounted: they are 404).
 * Both require the explorer's `x-graphql-explorer` header, which no cross-site form or link can send
 * without a CORS preflight the hub refuses, and answer `no-store`.
 */
export function demoAccountsRouter(services: Services): Router | null {
  const { db, config, clock } = services;
  const jwt = config.jwt;
  if (!demoAccountsEnabled(config) || jwt.mode !== 'hs256') return null;
  const emails = demoAccountEmails();
  const router = express.Router();

  const active = async (): Promise<DemoAccount[]> => {
    const res = await db.pool.query<{ email: string; organization: string; kind: string; role: string }>(
      `select a.email, o.code as organization, o.kind, a.member_role as role
         from account a join organization o on o.id = a.organization_id
        where a.email = any($1::text[]) and a.active and o.active`,
      [emails],
    );
    const byEmail = new Map(res.rows.map((r) => [r.email, r]));
    return emails.flatMap((e) => byEmail.get(e) ?? []);
  };

  const fromExplorer = (req: Request, res: Response): boolean => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.headers['x-graphql-explorer'] === '1') return true;
    res.status(400).json({ error: 'the x-graphql-explorer header is required' });
    return false;
  };

  router.get(DEMO_ACCOUNTS_PATH, async (req, res, next) => {
    try {
      if (fromExplorer(req, res)) res.json({ accounts: await active() });
    } catch (err) {
      next(err);
    }
  });

  router.post(DEMO_TOKEN_PATH, express.json({ limit: '1kb' }), async (req, res, next) => {
    try {
      if (!fromExplorer(req, res)) return;
      const asked = (req.body as { email?: unknown } | undefined)?.email;
      const email = typeof asked === 'string' ? asked.trim().toLowerCase() : '';
      // Demo accounts only: any other account of a development database stays behind `npm run token`.
      if (!(await active()).some((a) => a.email === email)) {
        res.status(404).json({ error: `not a demo account: ${email}` });
        return;
      }
      const token = await devTokenForEmail(db.pool, jwt, email, clock.now());
      res.json({ email, token });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
