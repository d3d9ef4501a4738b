import {
  CacheService,
  DatabaseService,
  LifecycleService,
  LoggerService,
  resolvePackagePath,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { AgentStore } from './database/AgentStore';
import { HostStore } from './database/HostStore';
import { ScanInventories } from './database/ScanInventories';
import { HostOwners } from './services/HostOwners';
import { McpeekerConfig, readMcpeekerConfig } from './config';
import {
  loadRules,
  RuleEngine,
  ruleFilesIn,
} from './services/correlation/rules';
import {
  DatabaseDeadLetterStore,
  DeadLetterStore,
} from './database/DeadLetterStore';
import type { EventStore } from './database/EventStore';
import type { FindingStore } from './database/FindingStore';
import { applyDatabaseMigrations } from './database/migrations';
import { openStores } from './database/openStores';
import { PageCursors } from './routes/pageCursors';
import { AuditLog } from './database/AuditLog';
import { RegistryStore } from './database/RegistryStore';
import { openRegistry } from './jobs/registryJobs';
import { ScoreHistory } from './database/ScoreHistory';
import { TriageStore } from './database/TriageStore';
import { openTriage } from './jobs/triageJobs';
import { IngestMetrics } from './services/IngestMetrics';
import { IngestService } from './services/IngestService';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { JudgeService } from './services/judge/JudgeService';

/** Everything the plugin's routes, consumers and jobs share: built once at start. */
export interface McpeekerContext {
  config: McpeekerConfig;
  logger: LoggerService;
  db: Knex;
  rules: RuleEngine;
  registry: RegistryStore;
  triage: TriageStore;
  history: ScoreHistory;
  audit: AuditLog;
  agents: AgentStore;
  hostOwners: HostOwners;
  /** Each host's latest managed-policy state: enforces or only reports. */
  hosts: HostStore;
  findings: FindingStore;
  events: EventStore;
  deadLetters: DeadLetterStore;
  ingest: IngestService;
  judge: JudgeService;
  cursors: PageCursors;
}

/** The rule files `mcpeeker.rules` names: the community rules shipped with the plugin, and the operator's folders. */
function loadRuleEngine(
  config: McpeekerConfig['rules'],
  logger: LoggerService,
): RuleEngine {
  const files = [
    ...(config.community
      ? ruleFilesIn(
          resolvePackagePath(
            '@mcpeeker/plugin-mcpeeker-backend',
            'rules/community',
          ),
        )
      : []),
    ...config.directories.flatMap(ruleFilesIn),
  ];
  const rules = new RuleEngine(loadRules(files));
  logger.info(
    `Loaded ${rules.rules.length} MCPeeker rules from ${files.length} files`,
  );
  return rules;
}

/**
 * Reads the config (an unknown or wrong key stops the backend naming it),
 * migrates the database, and opens the stores and services in dependency
 * order.
 */
export async function buildMcpeekerContext(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  lifecycle: LifecycleService;
  cache: CacheService;
  metrics?: MetricsService;
}): Promise<McpeekerContext> {
  const { logger, database, lifecycle } = deps;
  const config = readMcpeekerConfig(deps.config, {
    production: process.env.NODE_ENV === 'production',
  });
  if (config.hostIdSaltIsDevelopmentDefault)
    logger.warn(
      'mcpeeker.hostIdSalt is not set: using the development salt. Set it before agents report from real machines.',
    );
  const db = await applyDatabaseMigrations(database);
  const rules = loadRuleEngine(config.rules, logger);
  const { registry, audit } = await openRegistry({
    db,
    auditKey: config.auditKey,
    lifecycle,
    logger,
  });
  const triage = await openTriage({ db, audit, lifecycle, logger });
  const history = new ScoreHistory(db);
  const agents = await AgentStore.create({
    database,
    audit,
    skipMigrations: true,
  });
  const hostOwners = new HostOwners(agents);
  const hosts = await HostStore.create({ database, skipMigrations: true });
  const inventories = new ScanInventories(db);
  await inventories.refresh();
  const { findings, events } = await openStores({
    store: config.store,
    database,
    lifecycle,
    rules,
    registry,
    triage,
    inventories,
    history,
    judgeMaxPoints: config.judge.maxPoints,
    riskWeights: config.scoring.risk,
  });
  // Whenever triage changes (here, on another replica, or by expiry), its findings are scored again.
  triage.rescoreWith(target => findings.rescore(target));
  // Whenever a host's scan inventory changes, its findings are scored again;
  // other replicas' inventories are read every minute.
  inventories.rescoreWith(target => findings.rescore(target));
  const inventoryRefresh = setInterval(
    () =>
      inventories
        .refresh()
        .catch(error =>
          logger.warn(`Scan inventory refresh failed: ${error.message}`),
        ),
    60_000,
  );
  inventoryRefresh.unref();
  lifecycle.addShutdownHook(() => clearInterval(inventoryRefresh));
  const deadLetters = await DatabaseDeadLetterStore.create({
    database,
    salt: config.hostIdSalt,
    skipMigrations: true,
  });
  const judge = JudgeService.fromConfig(config.judge, {
    cache: deps.cache,
    logger,
  });
  const ingest = new IngestService({
    judge,
    events,
    deadLetters,
    metrics: deps.metrics ? new IngestMetrics(deps.metrics) : undefined,
    salt: config.hostIdSalt,
    logger,
    owners: hostOwners,
    hosts,
    inventories,
  });
  return {
    config,
    logger,
    db,
    rules,
    registry,
    triage,
    history,
    audit,
    agents,
    hostOwners,
    hosts,
    findings,
    events,
    deadLetters,
    ingest,
    judge,
    cursors: new PageCursors(config.cursorKey),
  };
}
