import {
  AuthorizeResult,
  PolicyDecision,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  createConditionTransformer,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  MCPEEKER_FINDING_RESOURCE_TYPE,
  MCPEEKER_REGISTRY_ENTRY_RESOURCE_TYPE,
  MCPEEKER_RULES,
  RegistryEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';
import type { Finding } from './database/FindingStore';

/** What a permission condition narrows a query to: owners, in SQL. */
export type OwnerFilter = { ownerRefs: string[] };

export const findingResourceRef = createPermissionResourceRef<
  Finding,
  OwnerFilter
>().with({
  pluginId: 'mcpeeker',
  resourceType: MCPEEKER_FINDING_RESOURCE_TYPE,
});

export const registryEntryResourceRef = createPermissionResourceRef<
  RegistryEntry,
  OwnerFilter
>().with({
  pluginId: 'mcpeeker',
  resourceType: MCPEEKER_REGISTRY_ENTRY_RESOURCE_TYPE,
});

const ownerRefsSchema = z.object({
  ownerRefs: z
    .array(z.string())
    .describe('Entity refs of the user and the groups they belong to'),
});

/** Findings on endpoints the user (or a group of theirs) owns, as the agent's configured owner says, or whose approved registry entry they own. */
export const findingOnOwnEndpointRule = createPermissionRule({
  name: MCPEEKER_RULES.findingOnOwnEndpoint,
  description:
    'Findings on endpoints owned by one of the given entity refs (the agent’s configured owner)',
  resourceRef: findingResourceRef,
  paramsSchema: ownerRefsSchema,
  apply: (finding, { ownerRefs }) =>
    [finding.owner, finding.registryOwner].some(
      o => o !== undefined && ownerRefs.includes(o),
    ),
  toQuery: ({ ownerRefs }) => ({ ownerRefs }),
});

/** Registry entries owned by one of the given refs. */
export const ownRegistryEntryRule = createPermissionRule({
  name: MCPEEKER_RULES.ownRegistryEntry,
  description: 'Registry entries owned by one of the given entity refs',
  resourceRef: registryEntryResourceRef,
  paramsSchema: ownerRefsSchema,
  apply: (entry, { ownerRefs }) => ownerRefs.includes(entry.owner),
  toQuery: ({ ownerRefs }) => ({ ownerRefs }),
});

// Both rules share a name space and turn into the same filter.
const toFilter = createConditionTransformer<
  OwnerFilter,
  Array<typeof findingOnOwnEndpointRule | typeof ownRegistryEntryRule>
>([findingOnOwnEndpointRule, ownRegistryEntryRule]);

/**
 * A conditional decision as an owner filter for SQL: one owner condition, or
 * any of several (their owners together). Other shapes are refused rather
 * than guessed at.
 */
export function ownerFilterOf(
  decision: PolicyDecision & { result: AuthorizeResult.CONDITIONAL },
): OwnerFilter {
  const criteria: PermissionCriteria<OwnerFilter> = toFilter(
    decision.conditions,
  );
  const owners = (c: PermissionCriteria<OwnerFilter>): string[] | undefined => {
    if ('ownerRefs' in c) return c.ownerRefs;
    if ('anyOf' in c) {
      const all = c.anyOf.map(owners);
      return all.every(Boolean) ? (all.flat() as string[]) : undefined;
    }
    return undefined;
  };
  const ownerRefs = owners(criteria);
  if (!ownerRefs)
    throw new Error(
      'unsupported permission condition: MCPeeker narrows by owner (anyOf owner conditions) only',
    );
  return { ownerRefs };
}
