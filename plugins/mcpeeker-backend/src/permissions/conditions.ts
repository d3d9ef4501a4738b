import type {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionExports,
  createConditionTransformer,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  MCPEEKER_FINDING_RESOURCE_TYPE,
  MCPEEKER_REGISTRY_ENTRY_RESOURCE_TYPE,
  MCPEEKER_RULES,
  mcpeekerFindingReadPermission,
  mcpeekerPermissions,
  RegistryEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';
import type { Finding, FindingStore } from '../database/FindingStore';
import type { RegistryStore } from '../database/RegistryStore';

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

/**
 * Findings one of the given refs may see: it holds evidence of theirs (an
 * endpoint they own, as the agent's configured owner says), or it matches an
 * approved registry entry they own. The same test the stores' list query
 * makes in SQL (`owners`, `registry_owner`).
 */
export const findingOnOwnEndpointRule = createPermissionRule({
  name: MCPEEKER_RULES.findingOnOwnEndpoint,
  description:
    'Findings holding evidence of one of the given entity refs (an endpoint they own), or matching an approved registry entry one of them owns',
  resourceRef: findingResourceRef,
  paramsSchema: ownerRefsSchema,
  apply: (finding, { ownerRefs }) =>
    [...finding.owners, finding.registryOwner].some(
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

/** The conditions a policy gives on findings, and its conditional decision. */
export const {
  conditions: findingConditions,
  createConditionalDecision: createFindingConditionalDecision,
} = createConditionExports({
  resourceRef: findingResourceRef,
  rules: { isOnOwnEndpoint: findingOnOwnEndpointRule },
});

/** The conditions a policy gives on registry entries, and its conditional decision. */
export const {
  conditions: registryEntryConditions,
  createConditionalDecision: createRegistryEntryConditionalDecision,
} = createConditionExports({
  resourceRef: registryEntryResourceRef,
  rules: { isOwnEntry: ownRegistryEntryRule },
});

/**
 * Registers MCPeeker's permissions and its two resource types, with the
 * loaders the permission framework applies conditions to when a route asks
 * about one finding or one entry (`authorize` with a `resourceRef`). A
 * missing (or deleted) one loads as undefined, which the framework denies.
 */
export function registerMcpeekerPermissions(
  permissionsRegistry: Pick<
    PermissionsRegistryService,
    'addPermissions' | 'addResourceType'
  >,
  stores: {
    findings: Pick<FindingStore, 'get'>;
    registry: Pick<RegistryStore, 'get'>;
  },
): void {
  permissionsRegistry.addPermissions(mcpeekerPermissions);
  permissionsRegistry.addResourceType({
    resourceRef: findingResourceRef,
    rules: [findingOnOwnEndpointRule],
    getResources: compositeIds =>
      Promise.all(compositeIds.map(id => stores.findings.get(id))),
  });
  permissionsRegistry.addResourceType({
    resourceRef: registryEntryResourceRef,
    rules: [ownRegistryEntryRule],
    getResources: ids => Promise.all(ids.map(id => stores.registry.get(id))),
  });
}

/**
 * Whether the caller may use a resource permission on one item, decided by
 * the permission framework on that item (its resource type's `getResources`
 * and rules), not by the route: a NotAllowedError for someone who may not
 * use it on any item, and for someone who may on some but not this one the
 * same NotFoundError a missing item gets. Answers the decision a list would
 * get (ALLOW, or CONDITIONAL for the owner filter of what the item carries).
 */
export async function authorizeItem(
  permissions: Pick<PermissionsService, 'authorize' | 'authorizeConditional'>,
  credentials: BackstageCredentials,
  request: { permission: ResourcePermission; resourceRef: string },
  errors: { notAllowed: string; notFound: string },
): Promise<PolicyDecision> {
  const [any] = await permissions.authorizeConditional(
    [{ permission: request.permission }],
    { credentials },
  );
  if (any.result === AuthorizeResult.DENY)
    throw new NotAllowedError(errors.notAllowed);
  if (any.result === AuthorizeResult.CONDITIONAL) {
    const [one] = await permissions.authorize([request], { credentials });
    if (one.result !== AuthorizeResult.ALLOW)
      throw new NotFoundError(errors.notFound);
  }
  return any;
}

/**
 * Who may read findings, as an owner filter: none (everything) for analysts
 * and admins, their own findings for developers (the policy's condition,
 * applied in the query); a NotAllowedError for someone who may read none.
 * What `GET /findings`, the analytics and the MCP tools ask, with the
 * caller's credentials.
 */
export async function findingReadScope(
  permissions: Pick<PermissionsService, 'authorizeConditional'>,
  credentials: BackstageCredentials,
): Promise<{ ownerRefs?: string[] }> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission: mcpeekerFindingReadPermission }],
    { credentials },
  );
  if (decision.result === AuthorizeResult.DENY)
    throw new NotAllowedError('You may not read MCP findings');
  if (decision.result === AuthorizeResult.CONDITIONAL)
    return ownerFilterOf(decision);
  return {};
}

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
  decision: ConditionalPolicyDecision,
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
