// Loaded before the backend (`--require`): registers an OpenTelemetry meter
// provider whose Prometheus exporter serves every plugin's metrics —
// MCPeeker's ingest counters, latencies and consumer lag included — at
// http://<host>:${MCPEEKER_METRICS_PORT:-9464}/metrics.
// Turn it off with MCPEEKER_METRICS_PORT=off.
/* eslint-disable @backstage/no-undeclared-imports */
const port = process.env.MCPEEKER_METRICS_PORT ?? '9464';
// `--require` also runs in the thread of Node's module hooks (the dev
// server's TypeScript loader has one): only the main thread, where the
// plugins' meters live, may register the provider and take the port.
if (port !== 'off' && require('node:worker_threads').isMainThread) {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const exporter = new PrometheusExporter({ port: Number(port) });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
