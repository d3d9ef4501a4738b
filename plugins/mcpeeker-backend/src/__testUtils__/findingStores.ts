import { mockServices } from '@backstage/backend-test-utils';
import { createClient } from '@clickhouse/client';
import { Knex } from 'knex';
import { DatabaseDeadLetterStore } from '../database/DeadLetterStore';
import { EventStore } from '../database/EventStore';
import {
  FindingStore,
  InventoryLookup,
  RegistryLookup,
  TriageLookup,
} from '../database/FindingStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { ScoreHistory } from '../database/ScoreHistory';
import { ClickHouseStore } from '../database/clickhouse/ClickHouseStore';
import { IngestService } from '../services/IngestService';
import { RuleEngine } from '../services/correlation/rules';
import { classify } from '../services/correlation/scoring';
import { startClickHouseServer } from './clickhouseServer';
import { sqlPipeline, TEST_SALT } from './sqlPipeline';
import { createStoreTestDatabases } from './storeTestDatabases';

export type FindingStoreKind = 'SQLITE_3' | 'POSTGRES_15' | 'CLICKHOUSE';

/** A finding store under test, with the ingest pipeline in front of it. */
export interface FindingStoreUnderTest {
  kind: FindingStoreKind;
  findings: FindingStore;
  events: EventStore;
  ingest: IngestService;
  /** The Backstage database (for ClickHouse: the one holding dead letters and the registry). */
  knex: Knex;
  /** Writes `count` plain findings straight into the store's table: suspect, unless another score is given. */
  fill(count: number, score?: number): Promise<void>;
}

/**
 * Every engine a FindingStore runs on, for `describe.each`: SQLite,
 * PostgreSQL 15 and a real ClickHouse server (started once per test file,
 * one database per setup). Call at the top level of a test file.
 */
export function findingStoreEngines() {
  const databases = createStoreTestDatabases();
  let clickhouse: ReturnType<typeof startClickHouseServer> | undefined;
  let next = 0;
  const open: ClickHouseStore[] = [];
  afterAll(async () => {
    await Promise.all(open.map(s => s.close()));
    await (await clickhouse?.catch(() => undefined))?.stop();
  });

  async function setup(
    kind: FindingStoreKind,
    options: {
      registry?: RegistryLookup;
      triage?: TriageLookup;
      dedupWindowMs?: number;
      rules?: RuleEngine;
      /** The agents' scan inventories: what marks a server no longer reported. */
      inventories?: InventoryLookup;
    } = {},
  ): Promise<FindingStoreUnderTest> {
    const knex: Knex = await databases.init(
      kind === 'CLICKHOUSE' ? 'SQLITE_3' : kind,
    );
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    if (kind === 'CLICKHOUSE') {
      clickhouse ??= startClickHouseServer();
      const { url } = await clickhouse;
      const name = `mcpeeker_test_${process.pid}_${next++}`;
      // The score history is in the Backstage database, as in the plugin.
      await applyDatabaseMigrations(database);
      const store = await ClickHouseStore.create(
        { url, database: name },
        { ...options, history: new ScoreHistory(knex) },
      );
      open.push(store);
      return {
        kind,
        knex,
        findings: store,
        events: store.events,
        // ClickHouse correlates as it stores: no finding store behind the events.
        ingest: new IngestService({
          events: store.events,
          deadLetters: await DatabaseDeadLetterStore.create({
            database,
            salt: TEST_SALT,
          }),
          salt: TEST_SALT,
          logger: mockServices.logger.mock(),
        }),
        fill: async (count, score = 6) => {
          const client = createClient({ url });
          await client.command({
            query: `INSERT INTO ${name}.findings
              (composite_id, server_name, host_id_hash, owner, score, classification, layers, signals, breakdown, registry_status, judge_unavailable, first_seen, last_seen, version, updated_at)
              SELECT concat('mcp_', leftPad(hex(number), 32, '0')), '', '', '', {score:Int16}, {classification:String},
                ['endpoint'], '{"counts":{},"judgeUnavailable":false,"highSeveritySignatures":0}',
                '{"score":6,"classification":"suspect","contributions":[],"rules":[],"tags":[]}',
                'unregistered', 0, now64(3), now64(3), 1, now64(3)
              FROM numbers({count:UInt32})`,
            query_params: { count, score, classification: classify(score) },
          });
          await client.close();
        },
      };
    }
    const { findings, events, ingest } = await sqlPipeline(database, options);
    return {
      kind,
      knex,
      findings,
      events,
      ingest,
      fill: async (count, score = 6) => {
        const breakdown = JSON.stringify({
          score: 6,
          classification: 'suspect',
          contributions: [],
          rules: [],
          tags: [],
        });
        const signals = JSON.stringify({
          counts: {},
          judgeUnavailable: false,
          highSeveritySignatures: 0,
        });
        const rows = Array.from({ length: count }, (_, i) => ({
          composite_id: `mcp_${i.toString(16).padStart(32, '0')}`,
          score,
          classification: classify(score),
          layers: 'endpoint',
          signals,
          breakdown,
          registry_status: 'unregistered',
          judge_unavailable: false,
          first_seen: new Date(),
          last_seen: new Date(),
          updated_at: new Date(),
        }));
        for (let i = 0; i < rows.length; i += 500)
          await knex('mcpeeker_findings').insert(rows.slice(i, i + 500));
      },
    };
  }

  const kinds: FindingStoreKind[] = [
    ...databases.eachSupportedId().map(([id]) => id as FindingStoreKind),
    'CLICKHOUSE',
  ];
  return { kinds, setup };
}
