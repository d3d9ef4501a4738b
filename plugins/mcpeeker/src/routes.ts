import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The MCPeeker page (mounted at /mcpeeker by default): its Dashboard tab. */
export const rootRouteRef = createRouteRef();

/**
 * The Findings tab: the list, its filters and sort in the query
 * (`?classification=unauthorized&registry=unregistered`, see
 * `components/Findings/findingFilters.ts`).
 */
export const findingsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/findings',
});

/** One finding's detail. */
export const findingRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/findings/:id',
});

/** The Registry tab. */
export const registryRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/registry',
});

/** The registration form (`?finding=<compositeId>` fills it in). */
export const registerRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/registry/new',
});

/** The Approvals tab (admins). */
export const approvalsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/approvals',
});

/** The Suppressions tab (analysts and admins): every suppression, active, lifted or expired. */
export const suppressionsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/suppressions',
});

/** The Agents tab (admins). */
export const agentsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/agents',
});

/** The Hosts tab: which hosts enforce the approved servers and which only report. */
export const hostsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/hosts',
});

/** The Settings tab. */
export const settingsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/settings',
});

/** The Health tab. */
export const healthRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/health',
});
