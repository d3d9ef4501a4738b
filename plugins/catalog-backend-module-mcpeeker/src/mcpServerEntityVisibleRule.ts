import { catalogEntityPermissionResourceRef } from '@backstage/plugin-catalog-node/alpha';
import { createPermissionRule } from '@backstage/plugin-permission-node';
import {
  MCPEEKER_ANNOTATIONS,
  MCPEEKER_RULES,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';

const RESTRICTED_TO = `metadata.annotations.${MCPEEKER_ANNOTATIONS.restrictedTo}`;

/**
 * A catalog permission rule: every entity, except the MCPServer entities
 * MCPeeker restricted (annotation `mcpeeker.io/restricted-to`) to someone
 * not among the given refs. MCPeeker's permission policy makes
 * `catalog.entity.read` conditional on it for everyone but analysts and
 * admins, so the catalog's own read checks (lists, by-query, by-ref, facets)
 * keep a pending registration or a server found on someone's laptop from
 * the rest of the organisation — in the query, not after loading.
 *
 * @public
 */
export const mcpServerEntityVisibleRule = createPermissionRule({
  name: MCPEEKER_RULES.mcpServerEntityVisible,
  description:
    'Entities that are not MCPServer entities restricted by MCPeeker to someone other than the given refs',
  resourceRef: catalogEntityPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the user and the groups they belong to'),
  }),
  apply: (entity, { claims }) => {
    const restrictedTo =
      entity.metadata.annotations?.[MCPEEKER_ANNOTATIONS.restrictedTo];
    return (
      restrictedTo === undefined ||
      claims.some(c => c.toLowerCase() === restrictedTo.toLowerCase())
    );
  },
  toQuery: ({ claims }) => ({
    anyOf: [
      { not: { key: RESTRICTED_TO } },
      { key: RESTRICTED_TO, values: claims },
    ],
  }),
});
