/* eslint-disable */
// The measuring side of bench/export.mjs.
import { Writable } from 'node:stream';
import { openFilledStore } from './findingsApiBench';
import {
  EXPORT_WRITERS,
  ExportFormat,
} from '../plugins/mcpeeker-backend/src/services/findingExport';

/**
 * Exports every finding of a filled store the way GET /findings/export does
 * (the store's scan, the format's writer, a writable that honours
 * backpressure) into a sink that only counts bytes, sampling the process's
 * resident memory throughout.
 */
export async function runExportBench(options: {
  store: string;
  findings: number;
  formats: ExportFormat[];
}) {
  const filled = await openFilledStore(options);
  const lines = [];
  for (const format of options.formats) {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let bytes = 0;
    const sink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk, _encoding, done) {
        bytes += chunk.length;
        // Like a socket: the bytes leave on a later turn.
        setImmediate(done);
      },
    });
    const write = async (text: string) => {
      if (text && !sink.write(text))
        await new Promise(resolve => sink.once('drain', resolve));
    };
    const writer = EXPORT_WRITERS[format];
    const meta = {
      exportedAt: new Date().toISOString(),
      exportedBy: 'user:default/bench',
      filters: {},
    };
    const started = performance.now();
    let count = 0;
    await write(writer.head(meta));
    for await (const page of filled.store.scan({}, 500)) {
      await write(writer.page(page, count === 0));
      count += page.length;
    }
    await write(writer.tail(meta, count));
    await new Promise(resolve => sink.end(resolve));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    lines.push({
      bench: 'export',
      store: options.store,
      format,
      findings: count,
      seconds: Math.round(seconds * 10) / 10,
      findingsPerSec: Math.round(count / seconds),
      megabytes: Math.round(bytes / 1e6),
      rssBeforeMb: Math.round(rssBefore / 1e6),
      peakRssMb: Math.round(peak / 1e6),
      fillSeconds: Math.round(filled.fillSeconds),
    });
  }
  await filled.close();
  return lines;
}
