import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import type { IngestTransport } from '../database/EventStore';

type Transport = { transport: IngestTransport };

/**
 * What operators watch: events ingested, duplicates, rejected and
 * dead-lettered per layer and transport; secrets the backend had to redact;
 * store write and correlation latency; NATS consumer lag (registered by the
 * consumer). Exported through Backstage's metrics service (OpenTelemetry).
 */
export class IngestMetrics {
  readonly ingested: MetricsServiceCounter<Transport & { layer: string }>;
  readonly duplicates: MetricsServiceCounter<Transport>;
  readonly rejected: MetricsServiceCounter<Transport & { layer: string }>;
  readonly deadLettered: MetricsServiceCounter<Transport>;
  readonly redacted: MetricsServiceCounter<Transport>;
  readonly storeWrite: MetricsServiceHistogram<Transport>;
  readonly correlation: MetricsServiceHistogram;

  constructor(readonly metrics: MetricsService) {
    this.ingested = metrics.createCounter('mcpeeker.events.ingested', {
      description: 'Events stored, by layer and transport',
    });
    this.duplicates = metrics.createCounter('mcpeeker.events.duplicates', {
      description: 'Events received again (same eventId): nothing changed',
    });
    this.rejected = metrics.createCounter('mcpeeker.events.rejected', {
      description:
        'Invalid events, by layer (unknown when unreadable) and transport',
    });
    this.deadLettered = metrics.createCounter('mcpeeker.events.dead_lettered', {
      description: 'Events kept as dead letters with the reason',
    });
    this.redacted = metrics.createCounter('mcpeeker.secrets.redacted', {
      description:
        'Secret-looking values that arrived unredacted and were redacted before storage',
    });
    this.storeWrite = metrics.createHistogram('mcpeeker.store.write.duration', {
      description: 'Time to store a batch of events and its findings',
      unit: 'ms',
    });
    this.correlation = metrics.createHistogram(
      'mcpeeker.correlation.duration',
      {
        description: 'Time to correlate and score a batch into findings',
        unit: 'ms',
      },
    );
  }
}
