import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { guardedLookup, judgeAddress, RefusedAddressError } from './ssrf';

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed by the secret's base64 part (Standard Webhooks). */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface WebhookResult {
  statusCode: number | null;
  retryAfterSeconds: number | null;
  error: string | null;
  /** The address refused by the SSRF guard (nothing was sent). */
  refused: boolean;
  latencyMs: number;
}

/** `Retry-After`: seconds or an HTTP date, relative to `now`. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * One POST. The connection goes only to an address the guard judged (custom look-up; literal IPs
 * judged here, since Node does not look them up), and the socket's remote address is judged once
 * more when it connects. No redirects are followed: a 3xx is a failed attempt.
 */
export function postWebhook(opts: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  now: Date;
}): Promise<WebhookResult> {
  const started = Date.now();
  const done = (r: Omit<WebhookResult, 'latencyMs'>): WebhookResult => ({ ...r, latencyMs: Date.now() - started });
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      return resolve(done({ statusCode: null, retryAfterSeconds: null, error: 'invalid URL', refused: true }));
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(host)) {
      const verdict = judgeAddress(host, opts.allowPrivate);
      if (!verdict.ok) return resolve(done({ statusCode: null, retryAfterSeconds: null, error: verdict.reason, refused: true }));
    }
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(opts.allowPrivate),
      timeout: opts.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(opts.body)),
        'user-agent': 'incident-hub-webhooks/1',
        ...opts.headers,
      },
    });
    let settled = false;
    const finish = (r: Omit<WebhookResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      resolve(done(r));
    };
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        const remote = socket.remoteAddress;
        const verdict = remote ? judgeAddress(remote, opts.allowPrivate) : { ok: false as const, reason: 'no remote address' };
        if (!verdict.ok) {
          finish({ statusCode: null, retryAfterSeconds: null, error: verdict.reason, refused: true });
          req.destroy(new RefusedAddressError(verdict.reason));
        }
      });
    });
    // The whole attempt, not only socket idleness, is bounded.
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('response', (res) => {
      res.resume(); // the body is not used; reading it frees the socket
      res.on('end', () => {
        clearTimeout(timer);
        const retryAfter = parseRetryAfter(typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined, opts.now);
        finish({ statusCode: res.statusCode ?? null, retryAfterSeconds: retryAfter, error: null, refused: false });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        finish({ statusCode: res.statusCode ?? null, retryAfterSeconds: null, error: err.message, refused: false });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      finish({ statusCode: null, retryAfterSeconds: null, error: err.message, refused: err instanceof RefusedAddressError });
    });
    req.end(opts.body);
  });
}
