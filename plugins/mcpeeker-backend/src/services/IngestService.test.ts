import { mockServices } from '@backstage/backend-test-utils';
import { createStoreTestDatabases } from '../__testUtils__/storeTestDatabases';
import { endpointEvent } from '../__testUtils__/events';
import { DatabaseDeadLetterStore } from '../database/DeadLetterStore';
import { sqlPipeline } from '../__testUtils__/sqlPipeline';
import { IngestService } from './IngestService';
import { computeEventId } from '@mcpeeker/plugin-mcpeeker-common';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const SALT = 'test-salt-0123456789';

describe.each(databases.eachSupportedId())(
  'IngestService on %p',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const { events } = await sqlPipeline(database);
      const deadLetters = await DatabaseDeadLetterStore.create({
        database,
        salt: SALT,
      });
      const ingest = new IngestService({
        events,
        deadLetters,
        salt: SALT,
        logger: mockServices.logger.mock(),
      });
      return { ingest, events, deadLetters };
    }

    it('keeps the valid events of a batch and dead-letters the invalid ones with the reason', async () => {
      const { ingest, events, deadLetters } = await setup();
      const bad: any = endpointEvent({ port: 4000 });
      bad.detection.scope = 'galaxy';
      const result = await ingest.ingest(
        [endpointEvent({ port: 3001 }), bad, 'not an event'],
        'http',
      );
      expect(result).toEqual({
        accepted: 1,
        duplicates: 0,
        redactedValues: 0,
        rejected: [
          {
            index: 1,
            eventId: bad.eventId,
            issues: [
              {
                field: 'detection.scope',
                message: expect.stringContaining('user'),
              },
            ],
          },
          { index: 2, issues: [expect.objectContaining({ field: '' })] },
        ],
      });
      expect(await events.count()).toBe(1);
      const letters = await deadLetters.list({ limit: 10 });
      expect(letters.map(l => [l.transport, l.reason.split(':')[0]])).toEqual([
        ['http', expect.any(String)],
        ['http', 'detection.scope'],
      ]);
    });

    it('redacts what a careless sender left in clear, and counts it', async () => {
      const { ingest, events } = await setup();
      const leaky: any = endpointEvent({
        args: [
          '-y',
          'server',
          '--token',
          'ghp_leakedLeakedLeaked0123456789abcdef',
        ],
      });
      // The sender's id covers what it sent, secret included.
      leaky.eventId = computeEventId(leaky);
      const result = await ingest.ingest([leaky], 'http');
      expect(result).toMatchObject({ accepted: 1, redactedValues: 1 });
      const stored = await events.get(leaky.eventId);
      expect(JSON.stringify(stored)).not.toContain('ghp_leaked');
      expect((stored as any).detection.args).toEqual([
        '-y',
        'server',
        '--token',
        expect.stringMatching(/^\[redacted:/),
      ]);
    });

    it('counts a redelivered batch as duplicates and changes nothing', async () => {
      const { ingest, events } = await setup();
      const batch = [endpointEvent({ port: 1 }), endpointEvent({ port: 2 })];
      expect(await ingest.ingest(batch, 'nats')).toMatchObject({
        accepted: 2,
        duplicates: 0,
      });
      expect(await ingest.ingest(batch, 'nats')).toMatchObject({
        accepted: 0,
        duplicates: 2,
      });
      expect(await events.count()).toBe(2);
    });
  },
);
