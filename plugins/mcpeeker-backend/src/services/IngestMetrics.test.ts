import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import request from 'supertest';
import { endpointEvent } from '../__testUtils__/events';
import { mcpeekerPlugin } from '../plugin';

describe('ingest metrics', () => {
  const exporter = new InMemoryMetricExporter(
    AggregationTemporality.CUMULATIVE,
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 60_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  beforeAll(() => metrics.setGlobalMeterProvider(provider));
  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  async function collected() {
    const { resourceMetrics } = await reader.collect();
    const out: Record<
      string,
      Array<{ attributes: Record<string, unknown>; value: unknown }>
    > = {};
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        out[metric.descriptor.name] = metric.dataPoints.map(p => ({
          attributes: p.attributes,
          value: p.value,
        }));
      }
    }
    return out;
  }

  it('counts what was ingested, duplicated and rejected, and times the writes', async () => {
    const { server } = await startTestBackend({
      features: [
        mcpeekerPlugin,
        metricsServiceFactory,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const bad: any = endpointEvent({ port: 5 });
    bad.detection.scope = 'nowhere';
    const post = (events: unknown[]) =>
      request(server)
        .post('/api/mcpeeker/events')
        .set('Authorization', mockCredentials.service.header())
        .send({ events });
    await post([endpointEvent({ port: 1 }), endpointEvent({ port: 2 })]);
    await post([endpointEvent({ port: 1 }), bad]);

    const m = await collected();
    expect(m['mcpeeker.events.ingested']).toEqual([
      { attributes: { layer: 'endpoint', transport: 'http' }, value: 2 },
    ]);
    expect(m['mcpeeker.events.duplicates']).toEqual([
      { attributes: { transport: 'http' }, value: 1 },
    ]);
    expect(m['mcpeeker.events.rejected']).toEqual([
      { attributes: { layer: 'endpoint', transport: 'http' }, value: 1 },
    ]);
    expect(m['mcpeeker.events.dead_lettered']).toEqual([
      { attributes: { transport: 'http' }, value: 1 },
    ]);
    expect(m['mcpeeker.store.write.duration'][0].value).toMatchObject({
      count: 2,
    });
    expect(m['mcpeeker.correlation.duration'][0].value).toMatchObject({
      count: 1,
    });
  });
});
