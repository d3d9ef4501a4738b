import crypto from 'node:crypto';
import { Config } from '@backstage/config';
import { DEVELOPMENT_HOST_ID_SALT } from '@mcpeeker/plugin-mcpeeker-common';
import {
  checkKnownKeys,
  KnownKeys,
  McpeekerConfigError,
  required,
} from './checkedConfig';
import { readStoreConfig, StoreConfig } from './database/storeConfig';
import {
  RateLimitsConfig,
  readRateLimitsConfig,
} from './routes/rateLimitsConfig';
import { readRegistryConfig, RegistryConfig } from './services/registryConfig';
import { readRolesConfig, RolesConfig } from './permissions/rolesConfig';
import {
  readRulesConfig,
  RulesConfig,
} from './services/correlation/rulesConfig';
import { IngestConfig, readIngestConfig } from './services/ingestConfig';
import { JudgeConfig, readJudgeConfig } from './services/judge/judgeConfig';
import {
  readScoringConfig,
  ScoringConfig,
} from './services/correlation/scoringConfig';

/** The salt and the keys derived from it: shared by ingest, the audit log, cursors and catalog names. */
export interface McpeekerSecrets {
  hostIdSalt: string;
  hostIdSaltIsDevelopmentDefault: boolean;
  /** Key of the audit log's HMAC chain. */
  auditKey: string;
  /** Key signing the paged routes' cursors; the same on every replica. */
  cursorKey: string;
}

/** MCPeeker's configuration, read and checked once at start: each subsystem's part, and the shared secrets. */
export interface McpeekerConfig extends McpeekerSecrets, RegistryConfig {
  rateLimits: RateLimitsConfig;
  roles: RolesConfig;
  ingest: IngestConfig;
  store: StoreConfig;
  rules: RulesConfig;
  judge: JudgeConfig;
  scoring: ScoringConfig;
}

// The shape of `mcpeeker.*`: a key not listed here is a typo or a leftover,
// and silently ignoring it would leave a security product misconfigured.
// Each subsystem's reader reads only keys listed here.
const KNOWN_KEYS: KnownKeys = {
  hostIdSalt: true,
  audit: { hmacKey: true },
  cursors: { hmacKey: true },
  roles: { developers: true, analysts: true, admins: true },
  notifications: { webhooks: true },
  registryApi: { allowUnauthenticated: true },
  // Each limit is an object or false: checked by readRateLimitsConfig.
  rateLimits: {
    ingest: { perCredential: true, perAddress: true },
    registryApi: { perCredential: true, perAddress: true },
  },
  ingest: {
    http: {
      enabled: true,
      mtls: {
        port: true,
        host: true,
        certificate: { cert: true, key: true },
        ca: true,
      },
    },
    nats: {
      enabled: true,
      servers: true,
      stream: true,
      consumer: true,
      subjectPrefix: true,
      createStream: true,
      batchSize: true,
      concurrency: true,
      replicas: true,
      credentials: { token: true, user: true, password: true },
      tls: { ca: true, cert: true, key: true },
    },
  },
  store: {
    kind: true,
    clickhouse: { url: true, database: true, username: true, password: true },
  },
  rules: { community: true, directories: true },
  scoring: {
    risk: { points: { high: true, medium: true, low: true }, maxPoints: true },
  },
  judge: {
    provider: true,
    timeoutMs: true,
    maxPoints: true,
    cacheTtlSeconds: true,
    concurrency: true,
    circuit: { failures: true, cooldownSeconds: true },
    anthropic: { apiKey: true, model: true, maxTokens: true, baseUrl: true },
  },
};

/** A key of at least 32 characters, or without one, a key derived from the salt: still secret, but one secret for two jobs. */
function keyOrDerived(
  config: Config | undefined,
  key: string,
  salt: string,
  purpose: string,
): string {
  const value = config?.getOptionalString(key);
  if (value !== undefined && value.length < 32) {
    throw new McpeekerConfigError(
      `mcpeeker.${key}`,
      'must be at least 32 characters long',
    );
  }
  return (
    value ?? crypto.createHmac('sha256', salt).update(purpose).digest('hex')
  );
}

/** The salt (required in production) and the keys derived from it. */
function readSecrets(
  config: Config | undefined,
  options: { production: boolean },
): McpeekerSecrets {
  const configuredSalt = config?.getOptionalString('hostIdSalt');
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
  const salt = configuredSalt ?? DEVELOPMENT_HOST_ID_SALT;
  return {
    hostIdSalt: salt,
    hostIdSaltIsDevelopmentDefault: !configuredSalt,
    auditKey: keyOrDerived(config, 'audit.hmacKey', salt, 'mcpeeker-audit'),
    cursorKey: keyOrDerived(
      config,
      'cursors.hmacKey',
      salt,
      'mcpeeker-cursors',
    ),
  };
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
  // Ingest's batching defaults follow the store, so the store is read first.
  const secrets = readSecrets(config, options);
  const store = readStoreConfig(config);
  return {
    ...secrets,
    ingest: readIngestConfig(config, store),
    store,
    judge: readJudgeConfig(config),
    scoring: readScoringConfig(config),
    ...readRegistryConfig(config),
    rateLimits: readRateLimitsConfig(config),
    roles: readRolesConfig(config),
    rules: readRulesConfig(config),
  };
}
