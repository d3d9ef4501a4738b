import { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  Consumer,
  ConsumerMessages,
  JsMsg,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import {
  isHostStatusSubject,
  type DependencyHealth,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  natsSecurityOptions,
  type NatsIngestConfig,
} from '../services/ingestConfig';
import { Batcher, BATCH_WAIT_MS } from './Batcher';
import { IngestService, ingestText } from '../services/IngestService';

const SEVEN_DAYS_NS = 7 * 24 * 3600 * 1e9;

/**
 * Whether a fetch missed its heartbeats, as the library tells it: a
 * `heartbeats_missed` notification on the fetch's status, sent just before
 * the fetch ends in an error. Settles when the fetch has ended (its status
 * notifications end with it).
 */
function watchHeartbeats(messages: ConsumerMessages): Promise<boolean> {
  return (async () => {
    let missed = false;
    for await (const s of messages.status()) {
      if (s.type === 'heartbeats_missed') missed = true;
    }
    return missed;
  })().catch(() => false);
}

export function streamSubjects(prefix: string): string[] {
  return ['endpoint', 'network', 'gateway'].map(
    layer => `${prefix}.${layer}.>`,
  );
}

/**
 * The durable pull consumer on the events stream. Each fetched batch goes
 * through the one ingest pipeline; its messages are acked only after what
 * they changed is committed (invalid ones after their dead letter is), so a
 * crash means redelivery, never loss. Replicas share the durable consumer:
 * each message goes to one of them, and a redelivered one is a duplicate
 * the store ignores.
 */
export class NatsIngestConsumer {
  /**
   * The consumer the config asks for (none when NATS ingest is off), started
   * with the backend and retried every `retryMs` while NATS is unreachable —
   * NATS being down must not keep the portal down; /health says so — and
   * stopped (in-flight batches finished and acked) when the backend stops.
   */
  static fromConfig(options: {
    config: NatsIngestConfig;
    ingest: IngestService;
    logger: LoggerService;
    lifecycle: LifecycleService;
    metrics?: MetricsService;
    retryMs?: number;
  }): NatsIngestConsumer | undefined {
    if (!options.config.enabled) return undefined;
    const { config, logger, lifecycle, retryMs = 10_000 } = options;
    const consumer = new NatsIngestConsumer(options);
    let retry: NodeJS.Timeout | undefined;
    const start = async () => {
      try {
        await consumer.start();
        logger.info('Consuming MCP events from NATS JetStream', {
          stream: config.stream,
          consumer: config.consumer,
        });
      } catch (error) {
        logger.error(
          `Cannot consume from NATS yet, retrying in ${retryMs / 1000} s: ${
            (error as Error).message
          }`,
        );
        await consumer.stop();
        retry = setTimeout(start, retryMs);
      }
    };
    lifecycle.addStartupHook(start);
    lifecycle.addShutdownHook(async () => {
      clearTimeout(retry);
      await consumer.stop();
    });
    return consumer;
  }

  private connection?: NatsConnection;
  private running?: Promise<void>;
  private stopping = false;
  private lastError?: string;
  processed = 0;

  constructor(
    private readonly options: {
      config: NatsIngestConfig;
      ingest: IngestService;
      logger: LoggerService;
      metrics?: MetricsService;
    },
  ) {
    // Consumer lag, read when the metrics are collected.
    options.metrics
      ?.createObservableGauge('mcpeeker.nats.consumer.pending', {
        description: 'Messages in the stream the consumer has not yet received',
      })
      .addCallback(async result => {
        const pending = await this.pending();
        if (pending !== undefined)
          result.observe(pending, {
            stream: options.config.stream,
            consumer: options.config.consumer,
          });
      });
  }

  private async pending(): Promise<number | undefined> {
    if (!this.connection || this.connection.isClosed()) return undefined;
    try {
      const jsm = await jetstreamManager(this.connection);
      return (
        await jsm.consumers.info(
          this.options.config.stream,
          this.options.config.consumer,
        )
      ).num_pending;
    } catch {
      return undefined;
    }
  }

  async start(): Promise<void> {
    this.stopping = false;
    try {
      await this.connectAndPrepare();
    } catch (error) {
      this.lastError = (error as Error).message;
      // Connected but could not prepare: the next attempt connects afresh.
      await this.connection?.close().catch(() => undefined);
      this.connection = undefined;
      throw error;
    }
    this.lastError = undefined;
    this.running = this.loop();
  }

  private async connectAndPrepare(): Promise<void> {
    const { config, logger } = this.options;
    this.connection = await connect({
      servers: config.servers,
      ...natsSecurityOptions(config),
      name: 'mcpeeker-backend',
      maxReconnectAttempts: -1,
    });
    const jsm = await jetstreamManager(this.connection);
    const subjects = streamSubjects(config.subjectPrefix);
    try {
      const info = await jsm.streams.info(config.stream);
      const missing = subjects.filter(s => !info.config.subjects?.includes(s));
      if (missing.length > 0) {
        logger.warn(
          `NATS stream ${config.stream} does not cover ${missing.join(
            ', ',
          )}: events published there are not consumed`,
        );
      }
      if ((info.config.num_replicas ?? 1) < config.replicas) {
        logger.warn(
          `NATS stream ${config.stream} keeps ${
            info.config.num_replicas ?? 1
          } copies, fewer than mcpeeker.ingest.nats.replicas (${
            config.replicas
          }): the backend does not change an existing stream; raise its replicas with the nats CLI (nats stream edit)`,
        );
      }
    } catch (error) {
      if (!config.createStream) {
        throw new Error(
          `NATS stream ${
            config.stream
          } is not available and mcpeeker.ingest.nats.createStream is false: ${
            (error as Error).message
          }`,
        );
      }
      try {
        await jsm.streams.add({
          name: config.stream,
          subjects,
          retention: RetentionPolicy.Limits,
          storage: StorageType.File,
          max_age: SEVEN_DAYS_NS,
          duplicate_window: 2 * 60 * 1e9,
          // On a NATS cluster, copies on as many servers: one may go away.
          num_replicas: config.replicas,
        });
      } catch (addError) {
        // Another stream already takes these subjects: name it, and the way out.
        const other = await jsm.streams
          .find(subjects[0])
          .catch(() => undefined);
        if (!other) throw addError;
        throw new Error(
          `cannot create NATS stream ${
            config.stream
          }: stream ${other} already takes ${subjects.join(
            ', ',
          )} — set mcpeeker.ingest.nats.stream to ${other}, or another subjectPrefix`,
        );
      }
      logger.info(
        `Created NATS stream ${config.stream} for ${subjects.join(
          ', ',
        )} (7-day retention, ${config.replicas} ${
          config.replicas === 1 ? 'copy' : 'copies'
        })`,
      );
    }
    try {
      await jsm.consumers.info(config.stream, config.consumer);
    } catch {
      await jsm.consumers.add(config.stream, {
        durable_name: config.consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 60 * 1e9,
        // Room for every replica's batches in flight.
        max_ack_pending: 20_000,
      });
      logger.info(
        `Created durable consumer ${config.consumer} on ${config.stream}`,
      );
    }
  }

  private async loop(): Promise<void> {
    const { config } = this.options;
    // Messages are fetched ahead and grouped as they arrive: a batch goes to
    // the store when full or BATCH_WAIT_MS after its first message, even
    // while the fetch that brought it still waits for more.
    const batcher = new Batcher<JsMsg>(config.batchSize, BATCH_WAIT_MS);
    // This replica holds at most this many messages unacked (queued or in
    // flight), so replicas sharing the consumer share the work.
    const limit = config.batchSize * (config.concurrency + 1);
    const holding: { count: number; room?: () => void } = { count: 0 };
    const fetching = (async () => {
      let consumer: Consumer | undefined;
      while (!this.stopping) {
        if (holding.count >= limit) {
          await new Promise<void>(resolve => (holding.room = resolve));
          continue;
        }
        let received = 0;
        let heartbeatsMissed: Promise<boolean> | undefined;
        try {
          consumer ??= await jetstream(this.connection!).consumers.get(
            config.stream,
            config.consumer,
          );
          const messages = await consumer.fetch({
            max_messages: Math.min(config.batchSize, limit - holding.count),
            expires: 1000,
          });
          heartbeatsMissed = watchHeartbeats(messages);
          for await (const m of messages) {
            received++;
            holding.count++;
            batcher.push(m);
          }
        } catch (error) {
          // A fetch can end in an error after delivering messages: what it
          // delivered is processed as usual. One whose heartbeats came late
          // because this process was busy is no outage: fetch again at once.
          if (received > 0 || (await heartbeatsMissed)) {
            this.options.logger.debug(
              `NATS fetch ended after ${received} messages: ${
                (error as Error).message
              }`,
            );
            continue;
          }
          this.failed(error as Error, []);
          consumer = undefined;
          if (!this.stopping) await new Promise(r => setTimeout(r, 1000));
        }
      }
      batcher.end();
    })();
    // Up to `concurrency` batches in flight; each is acked when it is committed.
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      if (inFlight.size >= config.concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      const batch = await batcher.next();
      if (batch.length === 0) break; // stopping, and all handed over
      const work: Promise<void> = this.process(batch)
        .then(
          () => {
            this.lastError = undefined;
          },
          async error => {
            this.failed(error as Error, batch);
            if (!this.stopping) await new Promise(r => setTimeout(r, 1000));
          },
        )
        .finally(() => {
          inFlight.delete(work);
          holding.count -= batch.length;
          holding.room?.();
          holding.room = undefined;
        });
      inFlight.add(work);
    }
    await Promise.all([fetching, ...inFlight]);
  }

  private failed(error: Error, batch: JsMsg[]) {
    this.lastError = error.message;
    this.options.logger.error(
      batch.length > 0
        ? `NATS ingest failed; ${batch.length} messages will be redelivered`
        : 'NATS ingest failed; retrying in a second',
      { error: this.lastError },
    );
    for (const m of batch) m.nak(5000);
  }

  private async process(batch: JsMsg[]): Promise<void> {
    const { config } = this.options;
    await ingestText(
      this.options.ingest,
      batch.map(m => ({
        text: m.string(),
        messageId: `${config.stream}:${m.info.streamSequence}`,
        // JetStream drops a re-publish of the same event id within the
        // stream's duplicate window; a first delivery is new to the store
        // unless it was re-published after that window.
        firstDelivery: m.info.deliveryCount === 1,
        // An agent's host status after a scan with no event to send.
        hostStatus: isHostStatusSubject(
          m.subject,
          `${config.subjectPrefix}.endpoint`,
        ),
      })),
      'nats',
    );
    // Committed: now, and only now, the messages are done.
    for (const m of batch) m.ack();
    await this.connection!.flush();
    this.processed += batch.length;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
    await this.connection?.drain().catch(() => undefined);
    this.connection = undefined;
    this.running = undefined;
  }

  /** State for the health route: connection and how far behind the consumer is. */
  async health(): Promise<DependencyHealth> {
    const { config } = this.options;
    const detail = `jetstream ${config.servers.join(',')}`;
    if (!this.connection || this.connection.isClosed()) {
      return {
        status: 'down',
        detail,
        error: this.lastError ?? 'not connected',
      };
    }
    try {
      const jsm = await jetstreamManager(this.connection);
      const info = await jsm.consumers.info(config.stream, config.consumer);
      return {
        status: this.lastError ? 'down' : 'ok',
        detail: `${detail}: stream ${config.stream}, consumer ${config.consumer}, ${info.num_pending} pending, ${info.num_ack_pending} unacknowledged, ${this.processed} processed`,
        ...(this.lastError ? { error: this.lastError } : {}),
      };
    } catch (error) {
      return { status: 'down', detail, error: (error as Error).message };
    }
  }
}
