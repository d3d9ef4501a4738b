import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/**
 * Catalog module for MCP server entities. The entity kind, its validator,
 * processor and provider arrive with the registry work; until then it only
 * announces itself so an install can be verified.
 *
 * @public
 */
export const catalogModuleMcpeeker = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mcpeeker',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.debug('MCPeeker catalog module registered');
      },
    });
  },
});
