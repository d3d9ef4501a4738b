import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseDeadLetterStore } from '../database/DeadLetterStore';
import { DatabaseEventStore } from '../database/sql/DatabaseEventStore';
import {
  InventoryLookup,
  RegistryLookup,
  TriageLookup,
} from '../database/FindingStore';
import { DatabaseFindingStore } from '../database/sql/DatabaseFindingStore';
import { IngestService } from '../services/IngestService';
import { RuleEngine } from '../services/correlation/rules';
import type { ScoringWeights } from '../services/correlation/scoring';
import type { JudgeService } from '../services/judge/JudgeService';

/** The salt the tests' events are hashed with (see events.ts). */
export const TEST_SALT = 'test-salt-0123456789';

/** The ingest pipeline on a Backstage database, as the plugin wires it for the SQL stores. */
export async function sqlPipeline(
  database: DatabaseService,
  options: {
    registry?: RegistryLookup;
    triage?: TriageLookup;
    dedupWindowMs?: number;
    rules?: RuleEngine;
    weights?: ScoringWeights;
    /** The agents' scan inventories: what marks a server no longer reported. */
    inventories?: InventoryLookup;
    /** The Judge ingest asks for gateway events without a verdict. */
    judge?: Pick<JudgeService, 'judgeEvent'>;
  } = {},
) {
  const { judge, ...storeOptions } = options;
  const findings = await DatabaseFindingStore.create({
    database,
    ...storeOptions,
  });
  const events = await DatabaseEventStore.create({
    database,
    correlator: findings,
  });
  const deadLetters = await DatabaseDeadLetterStore.create({
    database,
    salt: TEST_SALT,
  });
  const ingest = new IngestService({
    events,
    deadLetters,
    salt: TEST_SALT,
    logger: mockServices.logger.mock(),
    judge,
  });
  return { findings, events, deadLetters, ingest };
}
