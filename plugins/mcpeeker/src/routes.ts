import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The MCPeeker page (mounted at /mcpeeker by default). */
export const rootRouteRef = createRouteRef();

/** One finding's detail. */
export const findingRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/findings/:id',
});

/** The registration form (`?finding=<compositeId>` fills it in). */
export const registerRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/registry/new',
});
