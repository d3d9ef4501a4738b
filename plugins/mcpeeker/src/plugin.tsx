import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import SecurityIcon from '@material-ui/icons/Security';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { McpeekerClient, mcpeekerApiRef } from './api';
import {
  agentsRouteRef,
  hostsRouteRef,
  approvalsRouteRef,
  findingRouteRef,
  findingsRouteRef,
  healthRouteRef,
  registerRouteRef,
  registryRouteRef,
  rootRouteRef,
  settingsRouteRef,
  suppressionsRouteRef,
} from './routes';

/** @public */
export const mcpeekerApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: mcpeekerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new McpeekerClient(deps),
    }),
});

/** @public */
export const mcpeekerPage = PageBlueprint.make({
  params: {
    path: '/mcpeeker',
    title: 'MCPeeker',
    icon: <SecurityIcon />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/McpeekerPage').then(m => <m.McpeekerPage />),
  },
});

/** The MCP overview card on an MCPServer entity's page. @public */
export const mcpServerOverviewCard = EntityCardBlueprint.make({
  name: 'mcp-server-overview',
  params: {
    filter: { kind: 'MCPServer' },
    loader: () =>
      import('./components/Entity/McpServerEntity').then(m => (
        <m.McpServerOverviewCard />
      )),
  },
});

/** The MCP tab on an MCPServer entity's page: its findings. @public */
export const mcpServerFindingsContent = EntityContentBlueprint.make({
  name: 'mcp-server-findings',
  params: {
    path: 'mcp',
    title: 'MCP',
    filter: { kind: 'MCPServer' },
    loader: () =>
      import('./components/Entity/McpServerEntity').then(m => (
        <m.McpServerFindingsContent />
      )),
  },
});

/**
 * The MCPeeker frontend plugin (new frontend system).
 *
 * @public
 */
export const mcpeekerPlugin = createFrontendPlugin({
  pluginId: 'mcpeeker',
  extensions: [
    mcpeekerApi,
    mcpeekerPage,
    mcpServerOverviewCard,
    mcpServerFindingsContent,
  ],
  // What another plugin or the app may link to, with useRouteRef.
  routes: {
    root: rootRouteRef,
    findings: findingsRouteRef,
    finding: findingRouteRef,
    registry: registryRouteRef,
    register: registerRouteRef,
    approvals: approvalsRouteRef,
    suppressions: suppressionsRouteRef,
    agents: agentsRouteRef,
    hosts: hostsRouteRef,
    settings: settingsRouteRef,
    health: healthRouteRef,
  },
});
