import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of findings, for conditional (own findings only) decisions. @public */
export const MCPEEKER_FINDING_RESOURCE_TYPE = 'mcpeeker-finding';

/** Resource type of registry entries. @public */
export const MCPEEKER_REGISTRY_ENTRY_RESOURCE_TYPE = 'mcpeeker-registry-entry';

/**
 * Read findings. A resource permission: a policy may answer "only findings
 * holding my evidence or matching my approved entry", which the backend turns
 * into a WHERE clause for lists and checks on the finding itself (by its
 * composite id) for one.
 *
 * @public
 */
export const mcpeekerFindingReadPermission = createPermission({
  name: 'mcpeeker.finding.read',
  attributes: { action: 'read' },
  resourceType: MCPEEKER_FINDING_RESOURCE_TYPE,
});

/**
 * Record analyst feedback on a finding (true/false positive, notes). A basic
 * permission (yes or no, never conditional), so pages can ask it up front.
 *
 * @public
 */
export const mcpeekerFeedbackCreatePermission = createPermission({
  name: 'mcpeeker.feedback.create',
  attributes: { action: 'create' },
});

/**
 * Read analysts' feedback on findings, notes and tags included: analysts and
 * admins (basic). Without it a finding's timeline says who gave which
 * verdict, not what they wrote.
 *
 * @public
 */
export const mcpeekerFeedbackReadPermission = createPermission({
  name: 'mcpeeker.feedback.read',
  attributes: { action: 'read' },
});

/** Set a finding's triage status and assignee: analysts and admins (basic). @public */
export const mcpeekerTriageUpdatePermission = createPermission({
  name: 'mcpeeker.triage.update',
  attributes: { action: 'update' },
});

/** List suppressions (what they hide, who made them, why): analysts and admins (basic). @public */
export const mcpeekerSuppressionReadPermission = createPermission({
  name: 'mcpeeker.suppression.read',
  attributes: { action: 'read' },
});

/** Suppress a pattern of findings from the default views: analysts and admins (basic). @public */
export const mcpeekerSuppressionCreatePermission = createPermission({
  name: 'mcpeeker.suppression.create',
  attributes: { action: 'create' },
});

/** Revoke a suppression, bringing its findings back: admins only (basic). @public */
export const mcpeekerSuppressionDeletePermission = createPermission({
  name: 'mcpeeker.suppression.delete',
  attributes: { action: 'delete' },
});

/** Register an MCP server (creates a pending registry entry). @public */
export const mcpeekerRegistryCreatePermission = createPermission({
  name: 'mcpeeker.registry.create',
  attributes: { action: 'create' },
});

/** Read registry entries (one is checked on itself, by its id). @public */
export const mcpeekerRegistryReadPermission = createPermission({
  name: 'mcpeeker.registry.read',
  attributes: { action: 'read' },
  resourceType: MCPEEKER_REGISTRY_ENTRY_RESOURCE_TYPE,
});

/** Edit purpose and expiry of a registry entry. @public */
export const mcpeekerRegistryUpdatePermission = createPermission({
  name: 'mcpeeker.registry.update',
  attributes: { action: 'update' },
  resourceType: MCPEEKER_REGISTRY_ENTRY_RESOURCE_TYPE,
});

/**
 * Approve, deny or revoke a registry entry, and accept a kind of risk on
 * an approved one (or withdraw that): admins only. A basic permission
 * (never conditional): the Approvals page asks it without a resource, which
 * Backstage refuses for resource permissions.
 *
 * @public
 */
export const mcpeekerRegistryApprovePermission = createPermission({
  name: 'mcpeeker.registry.approve',
  attributes: { action: 'update' },
});

/** Delete a registry entry: admins only (basic, like approve). @public */
export const mcpeekerRegistryDeletePermission = createPermission({
  name: 'mcpeeker.registry.delete',
  attributes: { action: 'delete' },
});

/**
 * Read and verify the audit log of registry and agent changes: analysts and
 * admins (basic). @public
 */
export const mcpeekerAuditReadPermission = createPermission({
  name: 'mcpeeker.audit.read',
  attributes: { action: 'read' },
});

/**
 * Manage agent identity: issue and revoke enrolment secrets, list and revoke
 * enrolled agents. Admins only (basic, like approve).
 *
 * @public
 */
export const mcpeekerAgentManagePermission = createPermission({
  name: 'mcpeeker.agent.manage',
  attributes: { action: 'update' },
});

/** Every permission MCPeeker defines. @public */
export const mcpeekerPermissions = [
  mcpeekerFindingReadPermission,
  mcpeekerFeedbackCreatePermission,
  mcpeekerFeedbackReadPermission,
  mcpeekerTriageUpdatePermission,
  mcpeekerSuppressionReadPermission,
  mcpeekerSuppressionCreatePermission,
  mcpeekerSuppressionDeletePermission,
  mcpeekerRegistryCreatePermission,
  mcpeekerRegistryReadPermission,
  mcpeekerRegistryUpdatePermission,
  mcpeekerRegistryApprovePermission,
  mcpeekerRegistryDeletePermission,
  mcpeekerAuditReadPermission,
  mcpeekerAgentManagePermission,
];

/**
 * The header an enrolled agent sends its own credential in (Backstage's
 * auth refuses bearer tokens it did not issue). @public
 */
export const AGENT_CREDENTIAL_HEADER = 'x-mcpeeker-agent-credential';
