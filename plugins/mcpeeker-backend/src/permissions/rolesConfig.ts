import { Config } from '@backstage/config';

/** Groups (entity refs) of each MCPeeker role, for the permission policy: `mcpeeker.roles`. */
export interface RolesConfig {
  developers: string[];
  analysts: string[];
  admins: string[];
}

/** Reads `mcpeeker.roles` from the `mcpeeker` block; by default the demo org's groups. */
export function readRolesConfig(config: Config | undefined): RolesConfig {
  const refs = (key: string, fallback: string[]) =>
    config?.getOptionalStringArray(key) ?? fallback;
  return {
    developers: refs('roles.developers', ['group:default/mcp-developers']),
    analysts: refs('roles.analysts', ['group:default/security-analysts']),
    admins: refs('roles.admins', ['group:default/platform-admins']),
  };
}
