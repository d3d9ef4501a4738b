export { mcpeekerPlugin as default } from './plugin';
export { McpeekerPermissionPolicy } from './permissions/permissionPolicy';
export type { McpeekerRole } from './permissions/permissionPolicy';
export {
  findingConditions,
  createFindingConditionalDecision,
  registryEntryConditions,
  createRegistryEntryConditionalDecision,
} from './permissions/conditions';
