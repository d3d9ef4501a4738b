import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import SecurityIcon from '@material-ui/icons/Security';
import { McpeekerClient, mcpeekerApiRef } from './api';
import { rootRouteRef } from './routes';

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

/**
 * The MCPeeker frontend plugin (new frontend system).
 *
 * @public
 */
export const mcpeekerPlugin = createFrontendPlugin({
  pluginId: 'mcpeeker',
  extensions: [mcpeekerApi, mcpeekerPage],
  routes: {
    root: rootRouteRef,
  },
});
