import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { McpServerEntityProcessor } from './McpServerEntityProcessor';
import { McpServerEntityProvider } from './McpServerEntityProvider';
import { mcpServerEntityVisibleRule } from './mcpServerEntityVisibleRule';

/**
 * Catalog module for MCP servers: the `MCPServer` kind's processor
 * (validation and relations), and the provider of one entity per registry
 * entry and detected server. `catalog.providers.mcpeeker.frequencyMinutes`
 * sets the full reconcile (default 5).
 *
 * @public
 */
export const catalogModuleMcpeeker = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mcpeeker',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        catalog,
        config,
        discovery,
        auth,
        logger,
        scheduler,
        events,
        permissionsRegistry,
      }) {
        const minutes =
          config.getOptionalNumber(
            'catalog.providers.mcpeeker.frequencyMinutes',
          ) ?? 5;
        catalog.addProcessor(new McpServerEntityProcessor());
        // MCPeeker's policy conditions catalog.entity.read on this rule.
        permissionsRegistry.addPermissionRules([mcpServerEntityVisibleRule]);
        catalog.addEntityProvider(
          new McpServerEntityProvider({
            discovery,
            auth,
            logger,
            events,
            schedule: scheduler.createScheduledTaskRunner({
              frequency: { minutes },
              timeout: { minutes: 2 },
              initialDelay: { seconds: 15 },
            }),
          }),
        );
      },
    });
  },
});
