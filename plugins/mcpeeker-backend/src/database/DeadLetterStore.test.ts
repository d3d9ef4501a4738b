import { DatabaseDeadLetterStore } from './DeadLetterStore';
import { createStoreTestDatabases } from '../__testUtils__/storeTestDatabases';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from './migrations';
import { mockServices } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const SALT = 'test-salt-0123456789';

describe.each(databases.eachSupportedId())(
  'DeadLetterStore on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const store = await DatabaseDeadLetterStore.create({
        database,
        salt: SALT,
      });
      return { knex, database, store };
    }

    it('keeps a rejected event with its reason, newest first', async () => {
      const { store } = await createStore();
      await store.add({
        transport: 'http',
        reason: 'detection.port: expected number',
        payload: '{"a":1}',
      });
      await store.add({
        transport: 'nats',
        layer: 'network',
        messageId: 'm-2',
        reason: 'not JSON',
        payload: 'garbage',
      });

      const letters = await store.list({ limit: 10 });
      expect(letters.map(l => l.reason)).toEqual([
        'not JSON',
        'detection.port: expected number',
      ]);
      expect(letters[0]).toMatchObject({
        transport: 'nats',
        layer: 'network',
        messageId: 'm-2',
        payload: 'garbage',
        payloadBytes: 7,
      });
      expect(await store.count()).toBe(2);
      expect(
        await store.list({ limit: 10, beforeId: letters[0].id }),
      ).toHaveLength(1);
    });

    it('records a redelivered bad message once', async () => {
      const { store } = await createStore();
      expect(
        await store.add({
          transport: 'nats',
          messageId: 'same',
          reason: 'bad',
          payload: 'x',
        }),
      ).toEqual({ added: true });
      expect(
        await store.add({
          transport: 'nats',
          messageId: 'same',
          reason: 'bad',
          payload: 'x',
        }),
      ).toEqual({ added: false });
      expect(await store.count()).toBe(1);
    });

    it('never stores a secret from a rejected payload, and bounds its size', async () => {
      const { store } = await createStore();
      const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
      const payload = JSON.stringify({
        env: { GITHUB_TOKEN: secret },
        filler: 'y'.repeat(200_000),
      });
      await store.add({ transport: 'http', reason: 'too large', payload });
      const [letter] = await store.list({ limit: 1 });
      expect(letter.payload).not.toContain(secret);
      expect(letter.payload).toContain('[redacted:');
      expect(letter.payload.length).toBeLessThanOrEqual(64 * 1024);
      expect(letter.payloadBytes).toBe(Buffer.byteLength(payload));
    });

    it('migrates down and up again', async () => {
      const { knex, database } = await createStore();
      expect(await knex.schema.hasTable('mcpeeker_dead_letters')).toBe(true);
      await rollbackDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('mcpeeker_dead_letters')).toBe(false);
      await applyDatabaseMigrations(database);
      expect(await knex.schema.hasTable('mcpeeker_dead_letters')).toBe(true);
    });
  },
);
