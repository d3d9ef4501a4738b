import { ServiceUnavailableError } from '@backstage/errors';
import type { ClickHouseStore } from './ClickHouseStore';
import type { EventStore } from '../EventStore';
import type { FindingStore } from '../FindingStore';

/**
 * The ClickHouse store, connected (and its tables created) on first use and
 * again after a failed attempt, so the portal starts while ClickHouse is
 * down: ingest fails and is redelivered, reads answer 503 naming the cause.
 */
export function lazyClickHouseStore(create: () => Promise<ClickHouseStore>): {
  findings: FindingStore;
  events: EventStore;
  close: () => Promise<void>;
} {
  let pending: Promise<ClickHouseStore> | undefined;
  const store = async () => {
    pending ??= create().catch(error => {
      pending = undefined;
      throw new ServiceUnavailableError(
        `The ClickHouse findings store is unreachable: ${
          (error as Error).message
        }`,
      );
    });
    return pending;
  };
  return {
    findings: {
      list: async query => (await store()).list(query),
      get: async (id, visibleTo) => (await store()).get(id, visibleTo),
      evidence: async (id, perLayer, visibleTo) =>
        (await store()).evidence(id, perLayer, visibleTo),
      detections: async id => (await store()).detections(id),
      rescore: async target => (await store()).rescore(target),
      summarizeServers: async limit => (await store()).summarizeServers(limit),
      analyticsSummary: async (scope, now, options) =>
        (await store()).analyticsSummary(scope, now, options),
      scoreDistribution: async scope =>
        (await store()).scoreDistribution(scope),
      trendlines: async query => (await store()).trendlines(query),
      scan: async function* scan(filter, pageSize) {
        yield* (await store()).scan(filter, pageSize);
      },
    },
    events: {
      addMany: async events => (await store()).events.addMany(events),
      count: async filter => (await store()).events.count(filter),
      get: async id => (await store()).events.get(id),
    },
    close: async () => {
      await (await pending?.catch(() => undefined))?.close();
    },
  };
}
