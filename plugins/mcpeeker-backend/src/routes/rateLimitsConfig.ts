import { Config } from '@backstage/config';
import { checkKnownKeys, McpeekerConfigError } from '../checkedConfig';
import type { RateLimit, RouteRateLimits } from './rateLimits';

/** Token-bucket limits of ingest and the MCP Registry API: `mcpeeker.rateLimits`. */
export interface RateLimitsConfig {
  ingest: RouteRateLimits;
  registryApi: RouteRateLimits;
}

/** Default limits: an agent sends a batch a minute, an MCP client lists servers now and then. */
const DEFAULT_RATE_LIMITS = {
  ingest: {
    perCredential: { requestsPerSecond: 50, burst: 100 },
    perAddress: { requestsPerSecond: 50, burst: 100 },
  },
  registryApi: {
    perCredential: { requestsPerSecond: 20, burst: 40 },
    perAddress: { requestsPerSecond: 20, burst: 40 },
  },
} as const;

/** One limit: `false` or a rate of 0 turns it off. */
function readRateLimit(
  config: Config | undefined,
  key: string,
  fallback: RateLimit,
): RateLimit | undefined {
  const at = `mcpeeker.${key}`;
  const value = config?.getOptional(key);
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new McpeekerConfigError(
      at,
      'must be false or { requestsPerSecond, burst }',
    );
  const limit = config!.getConfig(key);
  checkKnownKeys(limit, { requestsPerSecond: true, burst: true }, at);
  const rate = limit.getOptionalNumber('requestsPerSecond');
  if (rate === undefined || !(rate >= 0) || rate > 1_000_000)
    throw new McpeekerConfigError(
      `${at}.requestsPerSecond`,
      `must be a number from 0 (off) to 1000000, got ${rate}`,
    );
  if (rate === 0) return undefined;
  const burst = limit.getOptionalNumber('burst') ?? Math.ceil(rate * 2);
  if (!Number.isInteger(burst) || burst < 1 || burst > 1_000_000)
    throw new McpeekerConfigError(
      `${at}.burst`,
      `must be a whole number from 1 to 1000000, got ${burst}`,
    );
  return { requestsPerSecond: rate, burst };
}

/** Reads `mcpeeker.rateLimits` from the `mcpeeker` block, with defaults for every limit. */
export function readRateLimitsConfig(
  config: Config | undefined,
): RateLimitsConfig {
  const routes = (route: keyof RateLimitsConfig): RouteRateLimits => ({
    perCredential: readRateLimit(
      config,
      `rateLimits.${route}.perCredential`,
      DEFAULT_RATE_LIMITS[route].perCredential,
    ),
    perAddress: readRateLimit(
      config,
      `rateLimits.${route}.perAddress`,
      DEFAULT_RATE_LIMITS[route].perAddress,
    ),
  });
  return { ingest: routes('ingest'), registryApi: routes('registryApi') };
}
