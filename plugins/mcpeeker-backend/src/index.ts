export { mcpeekerPlugin as default } from './plugin';
export { McpeekerPermissionPolicy } from './permissionPolicy';
export type { McpeekerRole } from './permissionPolicy';
export {
  findingConditions,
  createFindingConditionalDecision,
  registryEntryConditions,
  createRegistryEntryConditionalDecision,
} from './permissions';
