import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mcpeekerPermissions } from '@mcpeeker/plugin-mcpeeker-common';
import { readMcpeekerConfig } from './config';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './router';
import { HealthService } from './services/HealthService';
import { IngestService } from './services/IngestService';
import { DatabaseEventStore } from './database/EventStore';
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
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        permissionsRegistry,
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

        const db = await applyDatabaseMigrations(database);
        const health = new HealthService({
          config: mcpeekerConfig,
          db,
          logger,
        });
        const ingest = new IngestService({
          events: await DatabaseEventStore.create({
            database,
            skipMigrations: true,
          }),
          deadLetters: await DatabaseDeadLetterStore.create({
            database,
            salt: mcpeekerConfig.hostIdSalt,
            skipMigrations: true,
          }),
          salt: mcpeekerConfig.hostIdSalt,
          logger,
        });

        httpRouter.use(
          await createRouter({
            health,
            ingest,
            httpAuth,
            httpIngestEnabled: mcpeekerConfig.ingest.http.enabled,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        logger.info('MCPeeker backend started', {
          store: mcpeekerConfig.store.kind,
          nats: mcpeekerConfig.ingest.nats.enabled,
          judge: mcpeekerConfig.judge.provider,
        });
      },
    });
  },
});
