import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/mcpeeker',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const mcpeekerPlugin = createFrontendPlugin({
  pluginId: 'mcpeeker',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
