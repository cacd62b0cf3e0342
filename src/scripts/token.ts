import 'reflect-metadata';
import pg from 'pg';
import { loadConfig } from '../config';
import { devTokenForEmail } from '../auth/tokens';
import { startEmbeddedPostgres } from '../db/embedded';

/**
 * `npm run token -- <email>`: prints a development JWT for an account. Reads the account id from the
 * hub's database (the running embedded one, or DATABASE_URL) and signs with the same secret the hub uses.
 */
async function main(): Promise<void> {
  const email = (process.argv[2] ?? '').trim().toLowerCase();
  if (!email) {
    console.error('usage: npm run token -- <email>   (e.g. handler@vncert.test)');
    process.exit(2);
  }
  const config = loadConfig();
  if (config.jwt.mode !== 'hs256') {
    console.error('Tokens come from your OIDC provider when JWT_JWKS_URL is set.');
    process.exit(2);
  }
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!url) {
    // Use the hub's running database if there is one, otherwise start it just for this look-up.
    const fs = await import('node:fs');
    const path = await import('node:path');
    const password = fs.readFileSync(path.join(config.dataDir, 'pg-password'), 'utf8').trim();
    url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${config.embeddedPgPort}/postgres`;
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    const running = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    if (!running) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
      stopEmbedded = embedded.stop;
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const token = await devTokenForEmail(client, config.jwt, email);
    if (!token) {
      console.error(`No account ${email}. Demo accounts look like handler@vncert.test, reporter@acme.test (see README).`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${token}\n`);
  } finally {
    await client.end();
    if (stopEmbedded) await stopEmbedded();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
