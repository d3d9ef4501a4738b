import { HttpAuthService } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';
import express from 'express';

/** A token bucket's shape: the steady rate, and how many requests may come at once. */
export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

/** Per-credential and per-address limits of one group of routes; undefined is off. */
export interface RouteRateLimits {
  perCredential?: RateLimit;
  perAddress?: RateLimit;
}

/** A caller over a rate limit: 429, with `Retry-After` set on the response. */
export class RateLimitedError extends CustomErrorBase {
  name = 'RateLimitedError' as const;
  readonly statusCode = 429;
}

/**
 * Token buckets by key (a credential, an address). Memory is bounded: past
 * `maxKeys` the least recently used bucket goes, and a bucket left alone
 * long enough to be full again is the same as no bucket.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly options: { maxKeys?: number; now?: () => number } = {},
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token; when there is none, the seconds until there is one. */
  take(key: string): { retryAfterSeconds?: number } {
    const now = (this.options.now ?? Date.now)();
    const { requestsPerSecond: rate, burst } = this.limit;
    const old = this.buckets.get(key);
    const tokens = old
      ? Math.min(burst, old.tokens + ((now - old.at) / 1000) * rate)
      : burst;
    // Re-inserted, so the map's order is least recently used first.
    this.buckets.delete(key);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return { retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate)) };
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    const maxKeys = this.options.maxKeys ?? 10_000;
    if (this.buckets.size > maxKeys) this.evict(now, maxKeys);
    return {};
  }

  private evict(now: number, maxKeys: number) {
    const { requestsPerSecond: rate, burst } = this.limit;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * rate >= burst)
        this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= maxKeys) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * Rate limits of one group of routes, named after its configuration key
 * (`mcpeeker.rateLimits.<name>`), so a 429 says which limit to raise.
 */
export class RouteRateLimiter {
  private readonly perCredential?: TokenBuckets;
  private readonly perAddress?: TokenBuckets;

  constructor(
    private readonly name: string,
    limits: RouteRateLimits,
    options: { maxKeys?: number; now?: () => number } = {},
  ) {
    if (limits.perCredential)
      this.perCredential = new TokenBuckets(limits.perCredential, options);
    if (limits.perAddress)
      this.perAddress = new TokenBuckets(limits.perAddress, options);
  }

  private check(
    buckets: TokenBuckets | undefined,
    which: 'perCredential' | 'perAddress',
    key: string | undefined,
    res: express.Response,
  ) {
    if (!buckets || key === undefined) return;
    const { retryAfterSeconds } = buckets.take(key);
    if (retryAfterSeconds === undefined) return;
    res.setHeader('Retry-After', String(retryAfterSeconds));
    throw new RateLimitedError(
      `Too many requests: over the rate limit mcpeeker.rateLimits.${this.name}.${which}; retry after ${retryAfterSeconds} s`,
    );
  }

  /**
   * By the caller's address: `req.ip`, which is the proxy's unless express's
   * `trust proxy` is set for it (an operator's choice).
   */
  byAddress(req: express.Request, res: express.Response): void {
    this.check(this.perAddress, 'perAddress', req.ip ?? 'unknown', res);
  }

  /** By a credential the caller has already reduced to a key. */
  byKey(key: string, res: express.Response): void {
    this.check(this.perCredential, 'perCredential', key, res);
  }

  /** By the credential the request carries; none, no check. */
  async byCredential(
    req: express.Request,
    res: express.Response,
    httpAuth: HttpAuthService,
  ): Promise<void> {
    if (!this.perCredential) return;
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service', 'none'],
    });
    const { principal } = credentials;
    let key: string | undefined;
    if (principal.type === 'user') key = `user:${principal.userEntityRef}`;
    if (principal.type === 'service') key = `service:${principal.subject}`;
    this.check(this.perCredential, 'perCredential', key, res);
  }
}
