import { createSubRouteRef } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from '../../routes';

/** One registry entry's page: details, pinned tools, history and actions. */
export const registryEntryRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/registry/:id',
});
