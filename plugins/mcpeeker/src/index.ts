export { mcpeekerPlugin as default } from './plugin';
export { mcpeekerApiRef, McpeekerClient } from './api';
export type { McpeekerApi } from './api';
