import { mockServices } from '@backstage/backend-test-utils';
import { createStoreTestDatabases } from '../__testUtils__/storeTestDatabases';
import { endpointEvent } from '../__testUtils__/events';
import { DatabaseEventStore } from './EventStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('EventStore on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    return DatabaseEventStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
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
    expect(await store.addMany([stored(a), stored(b), stored(a)])).toEqual({
      inserted: 2,
      duplicates: 1,
    });
    expect(await store.addMany([stored(a), stored(b)])).toEqual({
      inserted: 0,
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
    expect(await store.addMany(events)).toEqual({
      inserted: 1000,
      duplicates: 0,
    });
    expect(await store.count()).toBe(1000);
  });
});
