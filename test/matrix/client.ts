import type { TestHub, GqlResult } from '../harness/hub';
import { KEY_PRINCIPALS, adminOf, isKeyPrincipal, orgOf, type Principal } from './accounts';

/** One error of a GraphQL answer, as the matrix reads it. */
export type GqlError = NonNullable<GqlResult['errors']>[number];

/**
 * Calls the hub over HTTP as a demo account. Tokens are signed once per account and run (signing one
 * per request would cost more than the request), and every call is real HTTP through the server.
 */
export class MatrixClient {
  private readonly tokens = new Map<string, Promise<string>>();
  requests = 0;

  constructor(readonly hub: TestHub) {}

  private token(email: string): Promise<string> {
    let t = this.tokens.get(email);
    if (!t) {
      t = isKeyPrincipal(email) ? this.createKey(email) : this.hub.token(email, { expiresInSeconds: 4 * 3600 });
      this.tokens.set(email, t);
    }
    return t;
  }

  /** A key principal is a real API key, created once per run by its organization's ADMIN; its secret is the bearer token. */
  private async createKey(principal: keyof typeof KEY_PRINCIPALS): Promise<string> {
    const res = await this.gql<{ createApiKey: { secret: string } }>(
      adminOf(orgOf(principal)),
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`,
      { i: { name: `matrix ${principal}`, capabilities: KEY_PRINCIPALS[principal] } },
    );
    if (!res.data?.createApiKey) throw new FixtureError(`cannot create the key ${principal}: ${JSON.stringify(res.errors)}`);
    return res.data.createApiKey.secret;
  }

  async gql<T = Record<string, unknown>>(email: Principal | string, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
    this.requests++;
    return this.hub.gql<T>(await this.token(email), query, variables);
  }
}

/** `OK`, or the code of the first error (the one §3's precedence says wins). */
export function outcomeOf(result: GqlResult): string {
  const first = result.errors?.[0];
  if (!first) return result.status === 200 ? 'OK' : `HTTP_${result.status}`;
  return String(first.extensions?.code ?? 'NO_CODE');
}

/** The error code of one aliased root field, if it failed. */
export function fieldError(result: GqlResult, alias: string): string | null {
  const err = result.errors?.find((e) => e.path?.[0] === alias);
  return err ? String(err.extensions?.code ?? 'NO_CODE') : null;
}

/** Thrown when a fixture cannot be built: every case that needs it fails with this text. */
export class FixtureError extends Error {}

/** Runs `fn` over `items` with at most `limit` in flight, keeping input order in the results. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
