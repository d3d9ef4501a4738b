import { createBackend } from '@backstage/backend-defaults';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { authModuleMcpeekerDemoSignIn } from './modules/demoSignIn';
import { permissionModuleMcpeekerPolicy } from './modules/permissionPolicy';

// Error bodies never carry a stack trace, in development too: the embedded
// default runs in development (the demo sign-in needs it), and people reach
// it (docs/security.md). Backstage's error handler — the root router's and
// every plugin router's — shows stacks whenever NODE_ENV is development;
// this keeps its behaviour otherwise (status, name, message, logging).
const errorHandler = MiddlewareFactory.prototype.error;
MiddlewareFactory.prototype.error = function errorWithoutStacks(options = {}) {
  return errorHandler.call(this, { ...options, showStackTraces: false });
};

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// auth: the demo sign-in for each MCPeeker role (development only)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(authModuleMcpeekerDemoSignIn);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
// MCPeeker's roles (developer / analyst / admin) from configured groups
backend.add(permissionModuleMcpeekerPolicy);

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
// Notifications by email too (notifications.processors.email in app-config).
backend.add(import('@backstage/plugin-notifications-backend-module-email'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-events-backend'));

// MCPeeker
backend.add(import('@mcpeeker/plugin-mcpeeker-backend'));
backend.add(import('@mcpeeker/plugin-catalog-backend-module-mcpeeker'));
// MCPeeker's answers as MCP tools at /api/mcp-actions/v1 (docs/mcp-server.md).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
