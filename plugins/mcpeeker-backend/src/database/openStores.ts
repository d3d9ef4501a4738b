import {
  DatabaseService,
  LifecycleService,
} from '@backstage/backend-plugin-api';
import type { StoreConfig } from './storeConfig';
import type { RuleEngine } from '../services/correlation/rules';
import { ClickHouseStore } from './clickhouse/ClickHouseStore';
import { DatabaseFindingStore } from './sql/DatabaseFindingStore';
import type { EventStore } from './EventStore';
import { DatabaseEventStore } from './sql/DatabaseEventStore';
import type {
  FindingStore,
  RegistryLookup,
  ScoreHistoryRecorder,
  TriageLookup,
  InventoryLookup,
} from './FindingStore';
import { lazyClickHouseStore } from './clickhouse/lazyClickHouseStore';
import { DEFAULT_WEIGHTS, RiskWeights } from '../services/correlation/scoring';

/**
 * The event and finding stores `mcpeeker.store.kind` asks for: the Backstage
 * database (SQLite embedded, PostgreSQL at scale), or ClickHouse — connected
 * on first use, so ClickHouse being down at start does not keep the portal
 * down: ingest fails (and is redelivered) and the lists answer 503 until it
 * is back.
 */
export async function openStores(options: {
  store: StoreConfig;
  database: DatabaseService;
  lifecycle: LifecycleService;
  rules: RuleEngine;
  registry: RegistryLookup;
  triage: TriageLookup;
  /** The agents' scan inventories: what marks a server no longer reported. */
  inventories?: InventoryLookup;
  /** Each finding's score history (in the Backstage database, whichever store holds the findings). */
  history: ScoreHistoryRecorder;
  /** The most the Judge adds to a score (`mcpeeker.judge.maxPoints`). */
  judgeMaxPoints?: number;
  /** What risk facts add (`mcpeeker.scoring.risk`). */
  riskWeights?: RiskWeights;
}): Promise<{ findings: FindingStore; events: EventStore }> {
  const { store, database, rules, registry, triage, history, inventories } =
    options;
  const weights = {
    ...DEFAULT_WEIGHTS,
    judge: options.judgeMaxPoints ?? DEFAULT_WEIGHTS.judge,
    risk: options.riskWeights ?? DEFAULT_WEIGHTS.risk,
  };
  if (store.kind === 'clickhouse') {
    const clickhouse = lazyClickHouseStore(() =>
      ClickHouseStore.create(store.clickhouse, {
        rules,
        registry,
        triage,
        inventories,
        history,
        weights,
      }),
    );
    options.lifecycle.addShutdownHook(() => clickhouse.close());
    return { findings: clickhouse.findings, events: clickhouse.events };
  }
  const findings = await DatabaseFindingStore.create({
    database,
    skipMigrations: true,
    rules,
    registry,
    triage,
    inventories,
    history,
    weights,
  });
  const events = await DatabaseEventStore.create({
    database,
    correlator: findings,
    skipMigrations: true,
  });
  return { findings, events };
}
