import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import type { Knex } from 'knex';
import { endpointEvent, HOST, riskFact } from '../__testUtils__/events';
import { sqlPipeline } from '../__testUtils__/sqlPipeline';
import { createStoreTestDatabases } from '../__testUtils__/storeTestDatabases';
import { DatabaseFindingStore } from './sql/DatabaseFindingStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const directory = resolvePackagePath(
  '@mcpeeker/plugin-mcpeeker-backend',
  'migrations',
);
const MIGRATION = '20261207000000_risk_facts_by_owner.js';

/** A score history row written before this migration: its risk reasons quote the facts. */
const LEGACY_CONTRIBUTIONS = [
  {
    layer: 'endpoint',
    points: 6,
    reason: 'the endpoint agent saw it (config ×1)',
  },
  {
    layer: 'risk',
    points: 2,
    reason:
      'inline secret: env TOKEN in /home/erin/.cursor/mcp.json holds a token (+3, 2 counted: risk alone never makes a finding unauthorized)',
    riskKind: 'inline-secret',
  },
  {
    layer: 'risk',
    points: 0,
    reason:
      "broad filesystem: the folder it may use is '/home/erin'; accepted by user:default/pat: a throwaway VM",
    riskKind: 'broad-filesystem',
    acceptedRisk: {
      kind: 'broad-filesystem',
      reason: 'a throwaway VM',
      by: 'user:default/pat',
      at: '2026-12-01T00:00:00.000Z',
    },
  },
];

describe.each(databases.eachSupportedId())(
  'the risk-facts-by-owner migration on %p',
  databaseId => {
    it('rebuilds findings with risks, drops the facts from old risk reasons, and remembers alerts per owner; and back', async () => {
      const knex: Knex = await databases.init(databaseId);
      const database: DatabaseService = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const { ingest } = await sqlPipeline(database);
      await ingest.ingest(
        [
          endpointEvent({
            risks: [riskFact('inline-secret', 'env TOKEN holds a token')],
          }),
          endpointEvent({ port: 4000 }),
        ],
        'http',
      );
      const risky = compositeId({ hostIdHash: HOST, port: 3001 });
      const plain = compositeId({ hostIdHash: HOST, port: 4000 });

      // As the version before it left things (its findings rebuilt by its store).
      await knex.migrate.down({ directory, name: MIGRATION });
      await DatabaseFindingStore.create({ database, skipMigrations: true });
      await knex('mcpeeker_risk_alerts').insert([
        {
          composite_id: risky,
          kind: 'inline-secret',
          owner: 'user:default/dana',
          alerted_at: new Date(),
        },
        {
          composite_id: plain,
          kind: 'inline-secret',
          owner: null,
          alerted_at: new Date(),
        },
      ]);
      await knex('mcpeeker_score_history').insert({
        composite_id: risky,
        at: new Date(),
        score: 8,
        classification: 'suspect',
        registry_status: 'unregistered',
        reason: `+6 endpoint: the endpoint agent saw it (config ×1); +2 risk: ${LEGACY_CONTRIBUTIONS[1].reason}; +0 risk: ${LEGACY_CONTRIBUTIONS[2].reason}`,
        contributions: JSON.stringify(LEGACY_CONTRIBUTIONS),
      });

      await knex.migrate.up({ directory, name: MIGRATION });
      const totals = async (id: string) =>
        (await knex('mcpeeker_findings').where('composite_id', id).first())
          .totals;
      expect(await totals(risky)).toBeNull();
      expect(await totals(plain)).not.toBeNull();
      const [history] = await knex('mcpeeker_score_history')
        .where('composite_id', risky)
        .orderBy('seq', 'desc')
        .limit(1);
      expect(history.reason).toBe(
        '+6 endpoint: the endpoint agent saw it (config ×1); +2 risk: inline secret (+3, 2 counted: risk alone never makes a finding unauthorized); +0 risk: broad filesystem, accepted by user:default/pat: a throwaway VM',
      );
      expect(history.reason).not.toContain('/home/erin');
      expect(
        JSON.parse(history.contributions).map((c: any) => c.reason),
      ).toEqual([
        'the endpoint agent saw it (config ×1)',
        'inline secret (+3, 2 counted: risk alone never makes a finding unauthorized)',
        'broad filesystem, accepted by user:default/pat: a throwaway VM',
      ]);
      // Told once per finding, kind and owner now.
      await knex('mcpeeker_risk_alerts').insert({
        composite_id: risky,
        kind: 'inline-secret',
        owner: 'user:default/erin',
        alerted_at: new Date(),
      });
      expect(
        (
          await knex('mcpeeker_risk_alerts')
            .orderBy(['composite_id', 'owner'])
            .select('composite_id', 'owner')
        ).map(r => [r.composite_id, r.owner]),
      ).toEqual(
        [
          [plain, ''],
          [risky, 'user:default/dana'],
          [risky, 'user:default/erin'],
        ].sort((a, b) => a[0].localeCompare(b[0])),
      );
      // The engine's own words, not `toThrow()`: better-sqlite3's native part
      // is loaded once per Jest worker and keeps the error class of the first
      // test file that loaded it, so its errors are not this file's `Error`.
      await expect(
        knex('mcpeeker_risk_alerts').insert({
          composite_id: risky,
          kind: 'inline-secret',
          owner: 'user:default/erin',
          alerted_at: new Date(),
        }),
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/UNIQUE constraint failed|duplicate key value/),
      );

      // The store, started again, rebuilds the finding: its fact says whose it is.
      const store = await DatabaseFindingStore.create({ database });
      expect((await store.get(risky))!.signals.risks).toEqual([
        expect.objectContaining({
          kind: 'inline-secret',
          owners: ['user:default/dana'],
        }),
      ]);

      // Down: one row per finding and kind again.
      await knex.migrate.down({ directory, name: MIGRATION });
      expect(
        (await knex('mcpeeker_risk_alerts').where('composite_id', risky)).map(
          r => r.owner,
        ),
      ).toEqual(['user:default/dana']);
      expect(
        (await knex('mcpeeker_risk_alerts').where('composite_id', plain))[0]
          .owner,
      ).toBeNull();
    });
  },
);
