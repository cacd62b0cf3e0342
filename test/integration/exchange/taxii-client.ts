import type { TestHub } from '../../harness/hub';

export const TAXII = 'application/taxii+json;version=2.1';

export interface TaxiiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A plain HTTP TAXII client: what MISP, OpenCTI or curl send. */
export function taxiiClient(t: () => TestHub) {
  return async function taxii<T = Record<string, unknown>>(
    path: string,
    opts: { auth?: string | null; accept?: string | null; query?: Record<string, string>; method?: string } = {},
  ): Promise<TaxiiAnswer<T>> {
    const url = new URL(`/taxii2${path}`, new URL(t().url).origin);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    if (opts.accept !== null) headers.accept = opts.accept ?? TAXII;
    if (opts.auth) headers.authorization = opts.auth;
    const res = await fetch(url, { method: opts.method ?? 'GET', headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
  };
}

export const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;

export async function apiKey(t: TestHub, admin: string, capabilities: string[]): Promise<string> {
  const r = await t.as<{ createApiKey: { secret: string } }>(admin, CREATE_KEY, { input: { name: `taxii ${Math.random()}`, capabilities } });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.createApiKey.secret;
}

export const bearer = (secret: string) => `Bearer ${secret}`;
export const basic = (secret: string, user = 'misp') => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
