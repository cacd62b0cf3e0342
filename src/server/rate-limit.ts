/**
 * Rate limits per principal (account or API key): a token bucket per principal, in this process's
 * memory. Each instance keeps its own buckets, so with N instances behind a load balancer a
 * principal may make up to N times the configured rate; the limit protects each instance, it is not
 * a quota. HTTP requests and WebSocket operations (subscribe messages) draw from the same bucket.
 */
import type { Viewer } from '../auth/viewer';
import { HubError } from '../graphql/errors';

export interface RateLimitSettings {
  enabled: boolean;
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
  /** Bucket size: how many requests may come at once after a quiet period. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** A token bucket per key. `now` is a monotonic clock in milliseconds (injectable for unit tests). */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private lastSweepMs: number;

  constructor(
    settings: { perMinute: number; burst: number },
    private readonly now: () => number = () => performance.now(),
    /** Above this many keys, buckets that have refilled completely (equal to a fresh one) are dropped. */
    private readonly sweepAbove = 10_000,
  ) {
    this.capacity = Math.max(1, settings.burst);
    this.perMs = Math.max(1, settings.perMinute) / 60_000;
    this.lastSweepMs = now();
  }

  take(key: string): RateDecision {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedMs) * this.perMs);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // Whole seconds until one token is back (Retry-After takes integer seconds), at least 1.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (this.buckets.size <= this.sweepAbove || now - this.lastSweepMs < 10_000) return;
    this.lastSweepMs = now;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.updatedMs) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

/** The key a request is counted under: the account or the API key, never the organization (one noisy key must not starve its colleagues). */
export function rateKey(viewer: Viewer | null, address: string | undefined): string {
  if (viewer) return viewer.principal.type === 'ACCOUNT' ? `account:${viewer.principal.id}` : `key:${viewer.principal.id}`;
  // Only anonymous introspection (INTROSPECTION=all) gets this far without a viewer.
  return `address:${address ?? 'unknown'}`;
}

export type Transport = 'http' | 'ws';

/** Decides per request; `onRefused` feeds the refusal counter of /metrics. */
export class RateLimiter {
  private readonly limiter: TokenBucketLimiter | null;

  constructor(
    settings: RateLimitSettings,
    private readonly onRefused: (transport: Transport, key: string) => void = () => undefined,
  ) {
    this.limiter = settings.enabled ? new TokenBucketLimiter(settings) : null;
  }

  get enabled(): boolean {
    return this.limiter !== null;
  }

  check(key: string, transport: Transport): RateDecision {
    if (!this.limiter) return { allowed: true };
    const decision = this.limiter.take(key);
    if (!decision.allowed) this.onRefused(transport, key);
    return decision;
  }
}

/** `RATE_LIMITED`; over HTTP Apollo turns `http` into status 429 and a Retry-After header. */
export function rateLimitedError(retryAfterSeconds: number, transport: Transport): HubError {
  const message = `Rate limit exceeded: retry in ${retryAfterSeconds} s`;
  if (transport === 'ws') return new HubError('RATE_LIMITED', message, { retryAfterSeconds });
  return new HubError('RATE_LIMITED', message, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}
