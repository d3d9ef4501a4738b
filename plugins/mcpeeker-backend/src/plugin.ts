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
import { createRegistryRouter } from './registryRouter';
import { AuditLog } from './registry/AuditLog';
import { RegistryStore } from './registry/RegistryStore';
import { RegistryNotifier } from './registry/RegistryNotifier';
import { runRegistryExpiry } from './registry/expiry';
import { createMcpRegistryApiRouter } from './registry/mcpRegistryApi';
import { createCatalogRouter } from './catalog/catalogRouter';
import { PreferencesStore } from './alerts/preferences';
import { createPreferencesRouter } from './alerts/preferencesRouter';
import { runFindingAlerts } from './alerts/findingAlerts';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { REGISTRY_EVENTS_TOPIC } from '@mcpeeker/plugin-mcpeeker-common';
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
import { DatabaseEventStore } from './database/EventStore';
import { DatabaseFindingStore, FindingStore } from './database/FindingStore';
import { lazyClickHouseStore } from './database/lazyClickHouseStore';
import { ClickHouseStore } from './database/ClickHouseStore';
import { DatabaseDeadLetterStore } from './database/DeadLetterStore';

/** The notice each admin decision makes. */
const DECIDED = {
  approve: 'approved',
  deny: 'denied',
  revoke: 'revoked',
} as const;

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
        const audit = new AuditLog(mcpeekerConfig.auditKey);
        const registry = new RegistryStore(db, audit);
        await registry.refresh();
        // Other replicas' approvals reach this one's correlation within 30 s.
        const registryRefresh = setInterval(
          () =>
            registry
              .refresh()
              .catch(error =>
                logger.warn(`Registry refresh failed: ${error.message}`),
              ),
          30_000,
        );
        registryRefresh.unref();
        lifecycle.addShutdownHook(() => clearInterval(registryRefresh));
        const clickhouse =
          mcpeekerConfig.store.kind === 'clickhouse'
            ? mcpeekerConfig.store.clickhouse
            : undefined;
        let findings: FindingStore;
        let ingestStores: Pick<
          ConstructorParameters<typeof IngestService>[0],
          'events' | 'findings'
        >;
        if (clickhouse) {
          // Created on first use: ClickHouse being down at start must not keep
          // the portal down; ingest fails (and is redelivered) and the lists
          // answer 503 until it is back.
          const store = lazyClickHouseStore(() =>
            ClickHouseStore.create(clickhouse, { rules, registry }),
          );
          lifecycle.addShutdownHook(() => store.close());
          findings = store.findings;
          ingestStores = { events: store.events };
        } else {
          findings = await DatabaseFindingStore.create({
            database,
            skipMigrations: true,
            rules,
            registry,
          });
          ingestStores = {
            findings,
            events: await DatabaseEventStore.create({
              database,
              skipMigrations: true,
            }),
          };
        }
        const ingest = new IngestService({
          ...ingestStores,
          metrics: new IngestMetrics(metricsService),
          deadLetters: await DatabaseDeadLetterStore.create({
            database,
            salt: mcpeekerConfig.hostIdSalt,
            skipMigrations: true,
          }),
          salt: mcpeekerConfig.hostIdSalt,
          logger,
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
        // The catalog module updates the entry's MCPServer entity when it hears this.
        const announce = (entryId: string, action: string) =>
          events
            .publish({
              topic: REGISTRY_EVENTS_TOPIC,
              eventPayload: { entryId, action },
            })
            .catch(error =>
              logger.warn(`Could not announce a registry change: ${error}`),
            );
        const notifier = new RegistryNotifier({
          notifications,
          webhooks: mcpeekerConfig.webhooks,
          admins: mcpeekerConfig.roles.admins,
          logger,
          baseUrl: config.getOptionalString('app.baseUrl') ?? '',
        });
        // Reminders and expiry: one replica runs it (global scope), hourly so
        // an entry expires within the hour of its date; reminders go out once each.
        await scheduler.scheduleTask({
          id: 'mcpeeker-registry-expiry',
          scope: 'global',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            const result = await runRegistryExpiry({
              registry,
              findings,
              notifier,
              onExpired: entry => announce(entry.id, 'expire'),
            });
            if (result.reminded + result.expired > 0)
              logger.info(
                `Registry expiry: ${result.reminded} reminders sent, ${result.expired} entries expired`,
              );
          },
        });

        // Finding alerts to endpoint owners, by their preferences: one replica, every minute.
        const preferences = new PreferencesStore(db);
        let alertsSince = new Date(Date.now() - 3_600_000);
        await scheduler.scheduleTask({
          id: 'mcpeeker-finding-alerts',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 20 },
          fn: async () => {
            const started = new Date();
            const { alerted } = await runFindingAlerts({
              db,
              findings,
              preferences,
              notifications,
              since: alertsSince,
            });
            // Overlap by a minute: late commits are caught; the alerts table prevents repeats.
            alertsSince = new Date(started.getTime() - 60_000);
            if (alerted > 0) logger.info(`Sent ${alerted} finding alerts`);
          },
        });

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
            registryRouter: createRegistryRouter({
              registry,
              findings,
              audit,
              db,
              httpAuth,
              auth,
              permissions,
              catalog,
              auditor,
              onChange: async ({ action, entry, actor }) => {
                await announce(entry.id, action);
                if (action === 'create')
                  await notifier.notify({ kind: 'submitted', entry });
                else if (action in DECIDED)
                  await notifier.notify({
                    kind: DECIDED[action as keyof typeof DECIDED],
                    entry,
                    actor,
                  });
              },
            }),
          }),
        );
        httpRouter.use(createMcpRegistryApiRouter({ registry }));
        httpRouter.use(createCatalogRouter({ registry, findings, httpAuth }));
        httpRouter.use(createPreferencesRouter({ preferences, httpAuth }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
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
