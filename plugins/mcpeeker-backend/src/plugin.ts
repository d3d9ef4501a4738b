import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { startFindingAlerts } from './jobs/findingAlertsJob';
import { buildMcpeekerContext } from './context';
import { registerMcpeekerPermissions } from './permissions/conditions';
import { startRegistryNotices } from './jobs/registryJobs';
import { startTriageJobs } from './jobs/triageJobs';
import { catalogTeamMembers } from './services/teamMembers';
import { startJudgeRetry } from './jobs/judgeRetryJob';
import { createRootRouter } from './routes/rootRouter';
import { startAgentListener } from './routes/agentListener';
import { HealthService } from './services/HealthService';
import { NatsIngestConsumer } from './consumers/NatsIngestConsumer';
import { registerMcpeekerActions } from './actions/mcpeekerActions';
import { ServerRegistration } from './services/ServerRegistration';
import { ToolChangeLog } from './services/toolPins';

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
        cache: coreServices.cache,
        userInfo: coreServices.userInfo,
        actionsRegistry: actionsRegistryServiceRef,
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
        cache,
        userInfo,
        actionsRegistry,
      }) {
        const context = await buildMcpeekerContext({
          config,
          logger,
          database,
          lifecycle,
          cache,
          metrics: metricsService,
        });
        registerMcpeekerPermissions(permissionsRegistry, context);
        const { config: mcpeekerConfig, registry, findings, db } = context;
        const natsConsumer = NatsIngestConsumer.fromConfig({
          config: mcpeekerConfig.ingest.nats,
          ingest: context.ingest,
          logger,
          lifecycle,
          metrics: metricsService,
        });
        const { onRegistryChange, notifier } = await startRegistryNotices({
          registry,
          findings,
          notifications,
          events,
          scheduler,
          logger,
          webhooks: mcpeekerConfig.webhooks,
          admins: mcpeekerConfig.roles.admins,
          baseUrl: config.getOptionalString('app.baseUrl') ?? '',
          db,
          judge: context.judge,
        });
        await startTriageJobs({
          triage: context.triage,
          scheduler,
          logger,
          teamMembers: catalogTeamMembers({ catalog, auth }),
        });
        await startJudgeRetry({
          judge: context.judge,
          findings,
          ingest: context.ingest,
          scheduler,
          logger,
        });
        const preferences = await startFindingAlerts({
          db,
          findings,
          notifications,
          notifier,
          scheduler,
          logger,
        });

        const router = await createRootRouter(context, {
          httpAuth,
          auth,
          permissions,
          catalog,
          auditor,
          preferences,
          onRegistryChange,
          health: new HealthService({
            config: mcpeekerConfig,
            db,
            logger,
            natsConsumer,
            judge: context.judge,
          }),
        });
        httpRouter.use(router);
        if (mcpeekerConfig.ingest.http.mtls) {
          // Backstage's listener cannot ask for a client certificate: agents get their own.
          await startAgentListener({
            mtls: mcpeekerConfig.ingest.http.mtls,
            router,
            config,
            logger,
            lifecycle,
          });
        }
        // The same answers as MCP tools, served by the mcp-actions plugin
        // (docs/mcp-server.md), each with the caller's own credentials.
        registerMcpeekerActions(actionsRegistry, {
          findings,
          registry,
          registration: new ServerRegistration({
            registry,
            permissions,
            catalog,
            auth,
            onChange: onRegistryChange,
          }),
          toolChanges: new ToolChangeLog(db),
          permissions,
          auth,
          userInfo,
          auditor,
          portalUrl: config.getOptionalString('app.baseUrl') ?? '',
        });
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
        // The MCP Registry API decides itself (mcpRegistryApiRouter.ts):
        // anyone with registryApi.allowUnauthenticated (MCP clients fetch
        // allowlists without a Backstage token), else users, services and
        // enrolled agents by their own credential.
        httpRouter.addAuthPolicy({ path: '/v0.1', allow: 'unauthenticated' });

        logger.info('MCPeeker backend started', {
          store: mcpeekerConfig.store.kind,
          nats: mcpeekerConfig.ingest.nats.enabled,
          judge: mcpeekerConfig.judge.provider,
        });
      },
    });
  },
});
