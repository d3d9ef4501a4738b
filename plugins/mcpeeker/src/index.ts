export { mcpeekerPlugin as default } from './plugin';
