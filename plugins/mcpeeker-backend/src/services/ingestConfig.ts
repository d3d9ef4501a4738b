import { Config } from '@backstage/config';
import { McpeekerConfigError, required, wholeNumber } from '../checkedConfig';
import type { StoreConfig } from '../database/storeConfig';

/** The NATS JetStream transport: `mcpeeker.ingest.nats`. */
export interface NatsIngestConfig {
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
  /** Copies of the stream (and its consumer) a NATS cluster keeps, when the backend creates it. */
  replicas: number;
  credentials: { token?: string; user?: string; password?: string };
  /** PEM text: a private CA to trust, and a client certificate for a server that verifies clients. */
  tls?: { ca?: string; cert?: string; key?: string };
}

/**
 * The agents' listener (`mcpeeker.ingest.http.mtls`): HTTPS that requires a
 * client certificate signed by `ca`. When set, events and enrolments are
 * taken there only.
 */
export interface MutualTlsListenerConfig {
  port: number;
  host?: string;
  /** PEM text of the listener's certificate (chain) and key. */
  cert: string;
  key: string;
  /** PEM text of the CA(s) whose client certificates are accepted. */
  ca: string;
}

/** Where events come from: `mcpeeker.ingest`. */
export interface IngestConfig {
  http: { enabled: boolean; mtls?: MutualTlsListenerConfig };
  nats: NatsIngestConfig;
}

/**
 * Reads `mcpeeker.ingest` from the `mcpeeker` block. NATS batching defaults
 * follow the store the batches are written to.
 */
export function readIngestConfig(
  config: Config | undefined,
  store: Pick<StoreConfig, 'kind'>,
): IngestConfig {
  const str = (key: string) => config?.getOptionalString(key);
  const bool = (key: string) => config?.getOptionalBoolean(key);

  const enabled = bool('ingest.nats.enabled') ?? false;
  const servers = config?.getOptionalStringArray('ingest.nats.servers') ?? [];
  if (enabled && servers.length === 0) {
    required(
      undefined,
      'ingest.nats.servers',
      'when mcpeeker.ingest.nats.enabled is true',
    );
  }
  const batchSize = wholeNumber(config, 'ingest.nats.batchSize', 1, 5000);
  const concurrency = wholeNumber(config, 'ingest.nats.concurrency', 1, 16);
  // JetStream's limit: an odd count up to 5 is what its quorum is built for.
  const replicas = wholeNumber(config, 'ingest.nats.replicas', 1, 5);
  return {
    http: {
      enabled: bool('ingest.http.enabled') ?? true,
      ...readMutualTls(config),
    },
    nats: {
      enabled,
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
      replicas: replicas ?? 1,
      credentials: {
        token: str('ingest.nats.credentials.token'),
        user: str('ingest.nats.credentials.user'),
        password: str('ingest.nats.credentials.password'),
      },
      ...readNatsTls(config),
    },
  };
}

/** How the backend proves itself to NATS and trusts it: credentials and TLS, for every connection it makes. */
export function natsSecurityOptions(nats: NatsIngestConfig) {
  return {
    token: nats.credentials.token,
    user: nats.credentials.user,
    pass: nats.credentials.password,
    ...(nats.tls ? { tls: { ...nats.tls } } : {}),
  };
}

function pem(config: Config | undefined, key: string): string | undefined {
  const value = config?.getOptionalString(key);
  if (value !== undefined && !value.includes('-----BEGIN '))
    throw new McpeekerConfigError(
      `mcpeeker.${key}`,
      'must be PEM text (-----BEGIN …); to read a file, write { $file: /path/to/file.pem }',
    );
  return value;
}

function readNatsTls(config: Config | undefined) {
  const tls = {
    ca: pem(config, 'ingest.nats.tls.ca'),
    cert: pem(config, 'ingest.nats.tls.cert'),
    key: pem(config, 'ingest.nats.tls.key'),
  };
  if (Boolean(tls.cert) !== Boolean(tls.key))
    throw new McpeekerConfigError(
      'mcpeeker.ingest.nats.tls',
      'needs cert and key together (a client certificate and its key)',
    );
  if (!tls.ca && !tls.cert) return {};
  return {
    tls: Object.fromEntries(
      Object.entries(tls).filter(([, v]) => v !== undefined),
    ) as NatsIngestConfig['tls'],
  };
}

function readMutualTls(config: Config | undefined) {
  if (!config?.has('ingest.http.mtls')) return {};
  const port = wholeNumber(config, 'ingest.http.mtls.port', 1, 65535);
  const why = 'when mcpeeker.ingest.http.mtls is set';
  const mtls: MutualTlsListenerConfig = {
    port: Number(required(port?.toString(), 'ingest.http.mtls.port', why)),
    cert: required(
      pem(config, 'ingest.http.mtls.certificate.cert'),
      'ingest.http.mtls.certificate.cert',
      why,
    ),
    key: required(
      pem(config, 'ingest.http.mtls.certificate.key'),
      'ingest.http.mtls.certificate.key',
      why,
    ),
    ca: required(
      pem(config, 'ingest.http.mtls.ca'),
      'ingest.http.mtls.ca',
      why,
    ),
  };
  const host = config.getOptionalString('ingest.http.mtls.host');
  return { mtls: host ? { ...mtls, host } : mtls };
}
