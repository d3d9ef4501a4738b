import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { McpeekerPermissionPolicy } from '@mcpeeker/plugin-mcpeeker-backend';

/** Installs the MCPeeker policy in the permission backend. */
export const permissionModuleMcpeekerPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mcpeeker-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(McpeekerPermissionPolicy.fromConfig(config, userInfo));
      },
    });
  },
});
