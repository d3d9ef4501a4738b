import crypto from 'node:crypto';
import { Config } from '@backstage/config';
import { DEVELOPMENT_HOST_ID_SALT } from '@mcpeeker/plugin-mcpeeker-common';
import type { WebhookConfig } from './registry/RegistryNotifier';
import type { RateLimit, RouteRateLimits } from './rateLimits';

/** MCPeeker's configuration, read and checked once at start. */
export interface McpeekerConfig {
  hostIdSalt: string;
  /** Key of the audit log's HMAC chain. */
  auditKey: string;
  /** Key signing the paged routes' cursors; the same on every replica. */
  cursorKey: string;
  /** The read-only MCP Registry API view of approved entries. */
  registryApi: { allowUnauthenticated: boolean };
  /** Token-bucket limits of ingest and the MCP Registry API. */
  rateLimits: { ingest: RouteRateLimits; registryApi: RouteRateLimits };
  /** Outgoing webhooks for registry notices. */
  webhooks: WebhookConfig[];
  /** Groups (entity refs) of each role, for the permission policy. */
  roles: { developers: string[]; analysts: string[]; admins: string[] };
  hostIdSaltIsDevelopmentDefault: boolean;
  ingest: {
    http: { enabled: boolean };
    nats: {
      enabled: boolean;
      servers: string[];
      stream: string;
      consumer: string;
      subjectPrefix: string;
      createStream: boolean;
      /** Messages fetched per batch. */
      batchSize: number;
      /** Batches being processed at once. */
      concurrency: number;
      credentials: { token?: string; user?: string; password?: string };
    };
  };
  store:
    | { kind: 'database' }
    | {
        kind: 'clickhouse';
        clickhouse: {
          url: string;
          database: string;
          username?: string;
          password?: string;
        };
      };
  rules: { community: boolean; directories: string[] };
  judge:
    | { provider: 'offline'; timeoutMs: number }
    | {
        provider: 'anthropic';
        timeoutMs: number;
        anthropic: { apiKey: string; model: string; baseUrl?: string };
      };
}

// The shape of `mcpeeker.*`: a key not listed here is a typo or a leftover,
// and silently ignoring it would leave a security product misconfigured.
type KnownKeys = { [key: string]: KnownKeys | true };
const KNOWN_KEYS: KnownKeys = {
  hostIdSalt: true,
  audit: { hmacKey: true },
  cursors: { hmacKey: true },
  roles: { developers: true, analysts: true, admins: true },
  notifications: { webhooks: true },
  registryApi: { allowUnauthenticated: true },
  // Each limit is an object or false: checked by readRateLimit.
  rateLimits: {
    ingest: { perCredential: true, perAddress: true },
    registryApi: { perCredential: true, perAddress: true },
  },
  ingest: {
    http: { enabled: true },
    nats: {
      enabled: true,
      servers: true,
      stream: true,
      consumer: true,
      subjectPrefix: true,
      createStream: true,
      batchSize: true,
      concurrency: true,
      credentials: { token: true, user: true, password: true },
    },
  },
  store: {
    kind: true,
    clickhouse: { url: true, database: true, username: true, password: true },
  },
  rules: { community: true, directories: true },
  judge: {
    provider: true,
    timeoutMs: true,
    anthropic: { apiKey: true, model: true, baseUrl: true },
  },
};

/** A configuration problem, naming the key. Stops the backend at start. */
export class McpeekerConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid MCPeeker configuration: ${key} ${problem}`);
    this.name = 'McpeekerConfigError';
  }
}

function checkKnownKeys(config: Config, known: KnownKeys, prefix: string) {
  for (const key of config.keys()) {
    const path = `${prefix}.${key}`;
    const spec = known[key];
    if (!spec) {
      throw new McpeekerConfigError(
        path,
        `is not a known key (known under ${prefix}: ${Object.keys(known).join(
          ', ',
        )})`,
      );
    }
    if (spec !== true) {
      checkKnownKeys(config.getConfig(key), spec, path);
    }
  }
}

function oneOf<T extends string>(
  config: Config,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = config.getOptionalString(key);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new McpeekerConfigError(
      `mcpeeker.${key}`,
      `must be one of ${allowed.join(', ')}, got '${value}'`,
    );
  }
  return value as T;
}

function required(value: string | undefined, key: string, why: string) {
  if (!value) {
    throw new McpeekerConfigError(`mcpeeker.${key}`, `is required ${why}`);
  }
  return value;
}

const WEBHOOK_EVENTS = [
  'submitted',
  'approved',
  'denied',
  'revoked',
  'expiring',
  'expired',
] as const;

function readWebhook(hook: Config, at: string): WebhookConfig {
  checkKnownKeys(
    hook,
    { name: true, url: true, secret: true, format: true, events: true },
    at,
  );
  const url = hook.getOptionalString('url');
  if (!url || !/^https?:\/\/[^\s]+$/.test(url))
    throw new McpeekerConfigError(`${at}.url`, 'must be an http(s) URL');
  const secret = hook.getOptionalString('secret');
  if (!secret || secret.length < 16)
    throw new McpeekerConfigError(
      `${at}.secret`,
      'is required, at least 16 characters (receivers check the signature with it)',
    );
  const format = hook.getOptionalString('format') ?? 'json';
  if (!['slack', 'teams', 'pagerduty', 'json'].includes(format))
    throw new McpeekerConfigError(
      `${at}.format`,
      `must be one of slack, teams, pagerduty, json, got '${format}'`,
    );
  const events = hook.getOptionalStringArray('events') ?? [];
  const unknown = events.filter(
    e => !(WEBHOOK_EVENTS as readonly string[]).includes(e),
  );
  if (unknown.length > 0)
    throw new McpeekerConfigError(
      `${at}.events`,
      `has unknown events ${unknown.join(', ')} (known: ${WEBHOOK_EVENTS.join(
        ', ',
      )})`,
    );
  return {
    name: hook.getOptionalString('name') ?? url.replace(/[?#].*$/, ''),
    url,
    secret,
    format: format as WebhookConfig['format'],
    events: events as WebhookConfig['events'],
  };
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

/**
 * Reads `mcpeeker.*`, with defaults for the embedded demo. Throws an error
 * naming the key when a value has the wrong type, a key is unknown, or a
 * setting production needs is missing.
 */
export function readMcpeekerConfig(
  rootConfig: Config,
  options: { production: boolean },
): McpeekerConfig {
  const config = rootConfig.getOptionalConfig('mcpeeker');
  if (config) {
    checkKnownKeys(config, KNOWN_KEYS, 'mcpeeker');
  }
  const str = (key: string) => config?.getOptionalString(key);
  const bool = (key: string) => config?.getOptionalBoolean(key);
  const num = (key: string) => config?.getOptionalNumber(key);

  const configuredSalt = str('hostIdSalt');
  if (!configuredSalt && options.production) {
    required(
      undefined,
      'hostIdSalt',
      'in production: set it to the salt your agents and network adapters use (e.g. hostIdSalt: ${MCPEEKER_HOST_ID_SALT})',
    );
  }
  if (configuredSalt !== undefined && configuredSalt.length < 16) {
    throw new McpeekerConfigError(
      'mcpeeker.hostIdSalt',
      'must be at least 16 characters long',
    );
  }

  const natsEnabled = bool('ingest.nats.enabled') ?? false;
  const servers = config?.getOptionalStringArray('ingest.nats.servers') ?? [];
  if (natsEnabled && servers.length === 0) {
    required(
      undefined,
      'ingest.nats.servers',
      'when mcpeeker.ingest.nats.enabled is true',
    );
  }

  const integer = (key: string, min: number, max: number) => {
    const value = num(key);
    if (
      value !== undefined &&
      (!Number.isInteger(value) || value < min || value > max)
    ) {
      throw new McpeekerConfigError(
        `mcpeeker.${key}`,
        `must be a whole number from ${min} to ${max}, got ${value}`,
      );
    }
    return value;
  };
  const batchSize = integer('ingest.nats.batchSize', 1, 5000);
  const concurrency = integer('ingest.nats.concurrency', 1, 16);

  let store: McpeekerConfig['store'] = { kind: 'database' };
  if (
    config &&
    oneOf(config, 'store.kind', ['database', 'clickhouse'], 'database') ===
      'clickhouse'
  ) {
    store = {
      kind: 'clickhouse',
      clickhouse: {
        url: required(
          str('store.clickhouse.url'),
          'store.clickhouse.url',
          'when mcpeeker.store.kind is clickhouse',
        ),
        database: str('store.clickhouse.database') ?? 'mcpeeker',
        username: str('store.clickhouse.username'),
        password: str('store.clickhouse.password'),
      },
    };
  }

  const apiKey = str('judge.anthropic.apiKey');
  const timeoutMs = num('judge.timeoutMs') ?? 10_000;
  if (timeoutMs <= 0) {
    throw new McpeekerConfigError(
      'mcpeeker.judge.timeoutMs',
      'must be a positive number of milliseconds',
    );
  }
  const provider = config
    ? oneOf(
        config,
        'judge.provider',
        ['offline', 'anthropic'],
        apiKey ? 'anthropic' : 'offline',
      )
    : 'offline';
  const judge: McpeekerConfig['judge'] =
    provider === 'anthropic'
      ? {
          provider,
          timeoutMs,
          anthropic: {
            apiKey: required(
              apiKey,
              'judge.anthropic.apiKey',
              'when mcpeeker.judge.provider is anthropic (e.g. apiKey: ${ANTHROPIC_API_KEY})',
            ),
            model: str('judge.anthropic.model') ?? 'claude-sonnet-4-5',
            baseUrl: str('judge.anthropic.baseUrl'),
          },
        }
      : { provider, timeoutMs };

  const auditKey = str('audit.hmacKey');
  if (auditKey !== undefined && auditKey.length < 32) {
    throw new McpeekerConfigError(
      'mcpeeker.audit.hmacKey',
      'must be at least 32 characters long',
    );
  }
  const cursorKey = str('cursors.hmacKey');
  if (cursorKey !== undefined && cursorKey.length < 32) {
    throw new McpeekerConfigError(
      'mcpeeker.cursors.hmacKey',
      'must be at least 32 characters long',
    );
  }
  const salt = configuredSalt ?? DEVELOPMENT_HOST_ID_SALT;
  const webhooks = (
    config?.getOptionalConfigArray('notifications.webhooks') ?? []
  ).map((hook, i) =>
    readWebhook(hook, `mcpeeker.notifications.webhooks[${i}]`),
  );
  const refs = (key: string, fallback: string[]) =>
    config?.getOptionalStringArray(key) ?? fallback;
  return {
    hostIdSalt: salt,
    // Without its own key the chain is keyed from the salt: still secret, but one secret for two jobs.
    auditKey:
      auditKey ??
      crypto.createHmac('sha256', salt).update('mcpeeker-audit').digest('hex'),
    cursorKey:
      cursorKey ??
      crypto
        .createHmac('sha256', salt)
        .update('mcpeeker-cursors')
        .digest('hex'),
    webhooks,
    registryApi: {
      allowUnauthenticated: bool('registryApi.allowUnauthenticated') ?? false,
    },
    rateLimits: {
      ingest: {
        perCredential: readRateLimit(
          config,
          'rateLimits.ingest.perCredential',
          DEFAULT_RATE_LIMITS.ingest.perCredential,
        ),
        perAddress: readRateLimit(
          config,
          'rateLimits.ingest.perAddress',
          DEFAULT_RATE_LIMITS.ingest.perAddress,
        ),
      },
      registryApi: {
        perCredential: readRateLimit(
          config,
          'rateLimits.registryApi.perCredential',
          DEFAULT_RATE_LIMITS.registryApi.perCredential,
        ),
        perAddress: readRateLimit(
          config,
          'rateLimits.registryApi.perAddress',
          DEFAULT_RATE_LIMITS.registryApi.perAddress,
        ),
      },
    },
    roles: {
      developers: refs('roles.developers', ['group:default/mcp-developers']),
      analysts: refs('roles.analysts', ['group:default/security-analysts']),
      admins: refs('roles.admins', ['group:default/platform-admins']),
    },
    hostIdSaltIsDevelopmentDefault: !configuredSalt,
    ingest: {
      http: { enabled: bool('ingest.http.enabled') ?? true },
      nats: {
        enabled: natsEnabled,
        servers,
        stream: str('ingest.nats.stream') ?? 'MCP_EVENTS',
        consumer: str('ingest.nats.consumer') ?? 'mcpeeker-backend',
        subjectPrefix: str('ingest.nats.subjectPrefix') ?? 'mcp',
        createStream: bool('ingest.nats.createStream') ?? true,
        // ClickHouse wants few, large inserts; a database, short transactions.
        batchSize: batchSize ?? (store.kind === 'clickhouse' ? 2000 : 500),
        // ClickHouse writes are idempotent recomputations: batches may overlap.
        // SQL stores take one batch at a time, so replicas' row locks are the only contention.
        concurrency: concurrency ?? (store.kind === 'clickhouse' ? 4 : 1),
        credentials: {
          token: str('ingest.nats.credentials.token'),
          user: str('ingest.nats.credentials.user'),
          password: str('ingest.nats.credentials.password'),
        },
      },
    },
    store,
    rules: {
      community: bool('rules.community') ?? true,
      directories: config?.getOptionalStringArray('rules.directories') ?? [],
    },
    judge,
  };
}
