import crypto from 'node:crypto';
import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { loadRules, RuleEngine, ruleFilesIn } from './correlation/rules';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { IngestMetrics } from './services/IngestMetrics';
import { mcpeekerPermissions } from '@mcpeeker/plugin-mcpeeker-common';
import { readMcpeekerConfig } from './config';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './router';
import { internalErrorFilter } from './internalErrors';
import { PageCursors } from './pageCursors';
import { createRegistryRouter } from './registryRouter';
import { openRegistry, startRegistryNotices } from './registry/wiring';
import { startFindingAlerts } from './alerts/wiring';
import { createMcpRegistryApiRouter } from './registry/mcpRegistryApi';
import { createCatalogRouter } from './catalog/catalogRouter';
import { createPreferencesRouter } from './alerts/preferencesRouter';
import { AgentStore } from './agents/AgentStore';
import { HostOwners } from './agents/HostOwners';
import { agentCredentials, createAgentsRouter } from './agents/agentsRouter';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  findingOnOwnEndpointRule,
  findingResourceRef,
  ownRegistryEntryRule,
  registryEntryResourceRef,
} from './permissions';
import { HealthService } from './services/HealthService';
import { IngestService } from './services/IngestService';
import { NatsIngestConsumer } from './services/NatsIngestConsumer';
import { DatabaseEventStore, EventStore } from './database/EventStore';
import { FindingStore } from './database/FindingStore';
import { DatabaseFindingStore } from './database/DatabaseFindingStore';
import { lazyClickHouseStore } from './database/lazyClickHouseStore';
import { ClickHouseStore } from './database/ClickHouseStore';
import { DatabaseDeadLetterStore } from './database/DeadLetterStore';

/**
 * The MCPeeker backend plugin: ingest, correlation, findings and registry.
 *
 * @public
 */
export const mcpeekerPlugin = createBackendPlugin({
  pluginId: 'mcpeeker',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        metricsService: metricsServiceRef,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        scheduler: coreServices.scheduler,
        auditor: coreServices.auditor,
        notifications: notificationService,
        events: eventsServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        lifecycle,
        permissions,
        permissionsRegistry,
        metricsService,
        auth,
        catalog,
        scheduler,
        auditor,
        notifications,
        events,
      }) {
        const mcpeekerConfig = readMcpeekerConfig(config, {
          production: process.env.NODE_ENV === 'production',
        });
        if (mcpeekerConfig.hostIdSaltIsDevelopmentDefault) {
          logger.warn(
            'mcpeeker.hostIdSalt is not set: using the development salt. Set it before agents report from real machines.',
          );
        }

        permissionsRegistry.addPermissions(mcpeekerPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: findingResourceRef,
          rules: [findingOnOwnEndpointRule],
        });
        permissionsRegistry.addResourceType({
          resourceRef: registryEntryResourceRef,
          rules: [ownRegistryEntryRule],
        });

        const db = await applyDatabaseMigrations(database);
        const ruleFiles = [
          ...(mcpeekerConfig.rules.community
            ? ruleFilesIn(
                resolvePackagePath(
                  '@mcpeeker/plugin-mcpeeker-backend',
                  'rules/community',
                ),
              )
            : []),
          ...mcpeekerConfig.rules.directories.flatMap(ruleFilesIn),
        ];
        const rules = new RuleEngine(loadRules(ruleFiles));
        logger.info(
          `Loaded ${rules.rules.length} MCPeeker rules from ${ruleFiles.length} files`,
        );
        const { registry, audit } = await openRegistry({
          db,
          auditKey: mcpeekerConfig.auditKey,
          lifecycle,
          logger,
        });
        const agents = await AgentStore.create({
          database,
          audit,
          skipMigrations: true,
        });
        const hostOwners = new HostOwners(agents);
        const clickhouse =
          mcpeekerConfig.store.kind === 'clickhouse'
            ? mcpeekerConfig.store.clickhouse
            : undefined;
        let findings: FindingStore;
        let eventStore: EventStore;
        if (clickhouse) {
          // Created on first use: ClickHouse being down at start must not keep
          // the portal down; ingest fails (and is redelivered) and the lists
          // answer 503 until it is back.
          const store = lazyClickHouseStore(() =>
            ClickHouseStore.create(clickhouse, { rules, registry }),
          );
          lifecycle.addShutdownHook(() => store.close());
          findings = store.findings;
          eventStore = store.events;
        } else {
          const sqlFindings = await DatabaseFindingStore.create({
            database,
            skipMigrations: true,
            rules,
            registry,
          });
          findings = sqlFindings;
          eventStore = await DatabaseEventStore.create({
            database,
            correlator: sqlFindings,
            skipMigrations: true,
          });
        }
        const ingest = new IngestService({
          events: eventStore,
          metrics: new IngestMetrics(metricsService),
          deadLetters: await DatabaseDeadLetterStore.create({
            database,
            salt: mcpeekerConfig.hostIdSalt,
            skipMigrations: true,
          }),
          salt: mcpeekerConfig.hostIdSalt,
          logger,
          owners: hostOwners,
        });

        let natsConsumer: NatsIngestConsumer | undefined;
        if (mcpeekerConfig.ingest.nats.enabled) {
          const consumer = new NatsIngestConsumer({
            config: mcpeekerConfig.ingest.nats,
            ingest,
            logger,
            metrics: metricsService,
          });
          natsConsumer = consumer;
          let retry: NodeJS.Timeout | undefined;
          const start = async () => {
            try {
              await consumer.start();
              logger.info('Consuming MCP events from NATS JetStream', {
                stream: mcpeekerConfig.ingest.nats.stream,
                consumer: mcpeekerConfig.ingest.nats.consumer,
              });
            } catch (error) {
              // NATS being down must not keep the portal down: retry, and say so on /health.
              logger.error(
                `Cannot consume from NATS yet, retrying in 10 s: ${
                  (error as Error).message
                }`,
              );
              await consumer.stop();
              retry = setTimeout(start, 10_000);
            }
          };
          lifecycle.addStartupHook(start);
          lifecycle.addShutdownHook(async () => {
            clearTimeout(retry);
            await consumer.stop();
          });
        }
        const { onRegistryChange } = await startRegistryNotices({
          registry,
          findings,
          notifications,
          events,
          scheduler,
          logger,
          webhooks: mcpeekerConfig.webhooks,
          admins: mcpeekerConfig.roles.admins,
          baseUrl: config.getOptionalString('app.baseUrl') ?? '',
        });

        const preferences = await startFindingAlerts({
          db,
          findings,
          notifications,
          scheduler,
          logger,
        });

        const cursors = new PageCursors(mcpeekerConfig.cursorKey);
        const health = new HealthService({
          config: mcpeekerConfig,
          db,
          logger,
          natsConsumer,
        });

        httpRouter.use(
          await createRouter({
            health,
            ingest,
            findings,
            permissions,
            httpAuth,
            httpIngestEnabled: mcpeekerConfig.ingest.http.enabled,
            agentOf: agentCredentials(agents),
            cursors,
            ingestRateLimits: mcpeekerConfig.rateLimits.ingest,
            registryRouter: createRegistryRouter({
              registry,
              findings,
              audit,
              db,
              httpAuth,
              auth,
              permissions,
              catalog,
              cursors,
              auditor,
              onChange: onRegistryChange,
            }),
          }),
        );
        httpRouter.use(
          createMcpRegistryApiRouter({
            registry,
            cursors,
            httpAuth,
            rateLimits: mcpeekerConfig.rateLimits.registryApi,
          }),
        );
        httpRouter.use(
          createCatalogRouter({
            registry,
            findings,
            httpAuth,
            nameKey: crypto
              .createHmac('sha256', mcpeekerConfig.auditKey)
              .update('mcpeeker-catalog-names')
              .digest('hex'),
          }),
        );
        httpRouter.use(createPreferencesRouter({ preferences, httpAuth }));
        httpRouter.use(
          createAgentsRouter({
            agents,
            hostOwners,
            httpAuth,
            auth,
            permissions,
            catalog,
            auditor,
          }),
        );
        httpRouter.use(internalErrorFilter({ logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // An agent authenticates with its enrolment secret here, and with its
        // own credential (a header Backstage does not know) on /events; the
        // routes check both, and /events still asks anyone else for a
        // service token.
        httpRouter.addAuthPolicy({
          path: '/agents/enrol',
          allow: 'unauthenticated',
        });
        httpRouter.addAuthPolicy({ path: '/events', allow: 'unauthenticated' });
        if (mcpeekerConfig.registryApi.allowUnauthenticated) {
          // MCP clients fetch allowlists without a Backstage token.
          httpRouter.addAuthPolicy({
            path: '/v0.1',
            allow: 'unauthenticated',
          });
        }

        logger.info('MCPeeker backend started', {
          store: mcpeekerConfig.store.kind,
          nats: mcpeekerConfig.ingest.nats.enabled,
          judge: mcpeekerConfig.judge.provider,
        });
      },
    });
  },
});
