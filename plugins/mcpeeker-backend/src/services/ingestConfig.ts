import { Config } from '@backstage/config';
import { required, wholeNumber } from '../checkedConfig';
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
}

/** Where events come from: `mcpeeker.ingest`. */
export interface IngestConfig {
  http: { enabled: boolean };
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
    http: { enabled: bool('ingest.http.enabled') ?? true },
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
    },
  };
}
