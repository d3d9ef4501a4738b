import { mockServices } from '@backstage/backend-test-utils';
import { createStoreTestDatabases } from '../../__testUtils__/storeTestDatabases';
import { endpointEvent } from '../../__testUtils__/events';
import { sqlPipeline } from '../../__testUtils__/sqlPipeline';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('EventStore on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    return (
      await sqlPipeline(
        mockServices.database({ knex, migrations: { skip: false } }),
      )
    ).events;
  }
  const stored = (event = endpointEvent()) => ({
    event,
    transport: 'http' as const,
    redactedValues: 0,
    receivedAt: new Date(),
  });

  it('stores each event once however often it arrives', async () => {
    const store = await createStore();
    const a = endpointEvent({ port: 3001 });
    const b = endpointEvent({ port: 3002 });
    expect(
      await store.addMany([stored(a), stored(b), stored(a)]),
    ).toMatchObject({ inserted: [a, b], duplicates: 1 });
    expect(await store.addMany([stored(a), stored(b)])).toMatchObject({
      inserted: [],
      duplicates: 2,
    });
    expect(await store.count()).toBe(2);
    expect(
      await store.count({ layer: 'endpoint', compositeId: a.compositeId }),
    ).toBe(1);
    expect(await store.get(a.eventId)).toEqual(a);
    expect(await store.get('f'.repeat(64))).toBeUndefined();
  });

  it('takes a large batch in one go', async () => {
    const store = await createStore();
    const events = Array.from({ length: 1000 }, (_, i) =>
      stored(endpointEvent({ port: 1 + i })),
    );
    const result = await store.addMany(events);
    expect(result.inserted).toHaveLength(1000);
    expect(result.duplicates).toBe(0);
    expect(await store.count()).toBe(1000);
  });
});
